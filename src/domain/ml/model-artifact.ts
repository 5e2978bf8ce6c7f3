import { z } from 'zod';
import { encodeRowInto, encodedWidth, type Preprocessor } from './preprocessing';
import { softmaxRow, type SoftmaxWeights } from './logistic-regression';
import type { FeatureRef, Row } from './types';

/** The serialised model: everything needed to predict, nothing else. Stored as JSON in the artifact store. */
export const MODEL_FORMAT = 'temporal-mlops/softmax-regression@1';

export const modelArtifactSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  modelName: z.string(),
  target: z.string(),
  classes: z.array(z.string()).min(2),
  features: z.array(z.object({ name: z.string(), type: z.enum(['numeric', 'categorical']) })),
  preprocessor: z.object({
    numeric: z.array(z.object({ name: z.string(), mean: z.number(), std: z.number() })),
    categorical: z.array(z.object({ name: z.string(), categories: z.array(z.string()) })),
  }),
  weights: z.array(z.number()),
  bias: z.array(z.number()),
  width: z.number().int().nonnegative(),
  trainedOn: z.object({
    datasetId: z.string(),
    rows: z.number().int(),
    /** Epochs (Adam) or iterations (L-BFGS). */
    epochs: z.number().int(),
    finalLoss: z.number(),
    solver: z.enum(['lbfgs', 'adam']).optional(),
    /** Why L-BFGS stopped: 'gradient', 'loss', 'line-search' or 'max-iterations'. */
    converged: z.string().optional(),
  }),
});

export type ModelArtifact = z.infer<typeof modelArtifactSchema>;

export interface Prediction {
  readonly label: string;
  readonly probabilities: Record<string, number>;
}

export function buildArtifact(input: {
  modelName: string;
  target: string;
  classes: string[];
  features: readonly FeatureRef[];
  preprocessor: Preprocessor;
  weights: SoftmaxWeights;
  trainedOn: ModelArtifact['trainedOn'];
}): ModelArtifact {
  return {
    format: MODEL_FORMAT,
    modelName: input.modelName,
    target: input.target,
    classes: input.classes,
    features: input.features.map((f) => ({ name: f.name, type: f.type })),
    preprocessor: input.preprocessor,
    weights: input.weights.weights,
    bias: input.weights.bias,
    width: input.weights.width,
    trainedOn: input.trainedOn,
  };
}

/** A ready-to-serve model: parameters unpacked once, so each prediction is a few multiply-adds. */
export class LoadedModel {
  private readonly params: Float64Array;
  private readonly scratch: Float64Array;
  private readonly probs: Float64Array;

  constructor(readonly artifact: ModelArtifact) {
    if (encodedWidth(artifact.preprocessor) !== artifact.width) throw new Error('artifact width does not match its preprocessor');
    this.params = Float64Array.from([...artifact.weights, ...artifact.bias]);
    this.scratch = new Float64Array(artifact.width);
    this.probs = new Float64Array(artifact.classes.length);
  }

  /** Class probabilities of one row, in `artifact.classes` order, written into `out`. */
  probabilitiesInto(row: Row, out: Float64Array, offset = 0): void {
    encodeRowInto(this.artifact.preprocessor, row, this.scratch, 0);
    softmaxRow(this.params, this.artifact.width, this.artifact.classes.length, this.scratch, 0, this.probs);
    out.set(this.probs, offset);
  }

  predict(row: Row): Prediction {
    this.probabilitiesInto(row, this.probs);
    const probabilities: Record<string, number> = {};
    let best = 0;
    this.artifact.classes.forEach((name, c) => {
      probabilities[name] = this.probs[c] as number;
      if ((this.probs[c] as number) > (this.probs[best] as number)) best = c;
    });
    return { label: this.artifact.classes[best] as string, probabilities };
  }

  /** Probability matrix (rows × classes) for evaluation. */
  probabilityMatrix(rows: readonly Row[]): Float64Array {
    const k = this.artifact.classes.length;
    const out = new Float64Array(rows.length * k);
    rows.forEach((r, i) => this.probabilitiesInto(r, out, i * k));
    return out;
  }
}
