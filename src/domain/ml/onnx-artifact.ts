import { z } from 'zod';
import { MODEL_FORMAT, modelArtifactSchema, type ModelArtifact } from './model-artifact';
import { REGRESSION_MODEL_FORMAT, regressionArtifactSchema, type RegressionArtifact } from './regression-artifact';

/**
 * The envelope an external trainer stores beside its `.onnx` file: what the model expects and returns, where
 * the ONNX bytes are (same folder, content-addressed) and reference predictions of the training library that
 * the model server replays at load time. Written by trainers/python (training.py).
 */
export const ONNX_MODEL_FORMAT = 'temporal-mlops/onnx@1';

const metricsSchema = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  logLoss: z.number(),
  rows: z.number().int(),
  auc: z.number().nullable().optional(),
});

export const onnxArtifactSchema = z.object({
  format: z.literal(ONNX_MODEL_FORMAT),
  modelName: z.string(),
  target: z.string(),
  classes: z.array(z.string()).min(2),
  features: z.array(z.object({ name: z.string(), type: z.enum(['numeric', 'categorical']) })),
  onnx: z.object({
    /** File name in the envelope's folder: `<sha256>.onnx`. */
    file: z.string().regex(/^[0-9a-f]{64}\.onnx$/),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Output holding the [rows × classes] probability tensor, columns in `classes` order. */
    probabilityOutput: z.string().min(1),
  }),
  trainer: z.object({ kind: z.string(), name: z.string(), params: z.record(z.string(), z.unknown()) }),
  trainedOn: z.object({
    datasetId: z.string(),
    rows: z.number().int(),
    epochs: z.number().int(),
    finalLoss: z.number(),
  }),
  environment: z.record(z.string(), z.unknown()),
  /** The trainer's own held-out metrics (same split and definitions as the evaluator's), for cross-checking. */
  holdoutMetrics: metricsSchema,
  parity: z.object({ maxAbsDiff: z.number(), rows: z.number().int() }),
  /** A few held-out rows and the training library's predict_proba for them. */
  reference: z.object({
    rows: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.null()]))),
    probabilities: z.array(z.array(z.number())),
  }),
});

export type OnnxArtifact = z.infer<typeof onnxArtifactSchema>;

/** Anything the artifact store holds and the evaluator and model server can score. */
export const storedArtifactSchema = z.discriminatedUnion('format', [
  modelArtifactSchema,
  onnxArtifactSchema,
  regressionArtifactSchema,
]);
export type StoredArtifact = ModelArtifact | OnnxArtifact | RegressionArtifact;
/** A classifier's artifact (built-in or ONNX): what scores to class probabilities. */
export type ClassifierArtifact = ModelArtifact | OnnxArtifact;

export const isBuiltinArtifact = (a: StoredArtifact): a is ModelArtifact => a.format === MODEL_FORMAT;

export const isRegressionArtifact = (a: StoredArtifact): a is RegressionArtifact =>
  a.format === REGRESSION_MODEL_FORMAT;
