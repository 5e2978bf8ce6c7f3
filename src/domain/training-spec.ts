import { z } from 'zod';
import { searchSchema } from './hyper-search';

/**
 * The spec's `training` section: which trainer fits the model. The built-in softmax regression runs in the
 * TypeScript worker; external trainers (scikit-learn, XGBoost, LightGBM, user Python code) run in a worker
 * serving the training task queue, with the same activity contract (README "Trainer contract").
 */

export const DEFAULT_TRAINING_TASK_QUEUE = 'mlops-training';

/**
 * The queue built-in training and evaluation run on: derived from the control queue, so a workflow (which
 * cannot read config) and every worker agree on it without another setting. Distinct from the external
 * trainers' queue (`MLOPS_TRAINING_TASK_QUEUE`): workers of one queue must all serve the same activities.
 */
export const builtinTrainingQueueOf = (controlQueue: string): string => `${controlQueue}-builtin-training`;

export const builtinTrainingSchema = z
  .object({
    /** Absent means built-in: specs written before external trainers keep their meaning. */
    trainer: z.literal('builtin').optional(),
    algorithm: z.literal('logistic-regression').default('logistic-regression'),
    /** `lbfgs` minimizes the regularized loss to `tolerance`; `adam` runs `epochs` of mini-batch Adam (the earlier trainer). */
    solver: z.enum(['lbfgs', 'adam']).default('lbfgs'),
    /** L-BFGS: iteration cap and gradient tolerance (largest |∂loss/∂weight|). */
    maxIterations: z.number().int().positive().max(100_000).default(500),
    tolerance: z.number().positive().max(1).default(1e-5),
    /** Adam only. */
    epochs: z.number().int().positive().max(1_000_000).default(300),
    learningRate: z.number().positive().default(0.5),
    l2: z.number().min(0).default(0.001),
    seed: z.number().int().default(7),
    /** Balance classes by inverse frequency (useful for rare labels). */
    classWeight: z.enum(['none', 'balanced']).default('none'),
    /**
     * Per-row loss weights from a column's value (e.g. a retrain's `mlops_source`: base vs labelled rows);
     * values not listed weigh `otherwise`. L-BFGS only.
     */
    rowWeights: z
      .object({
        column: z.string().min(1),
        weights: z.record(z.string(), z.number().min(0)),
        otherwise: z.number().min(0).default(1),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Keyword arguments of the estimator (or of the user function), passed through as JSON. */
const paramsSchema = z.record(z.string(), z.unknown()).default({});
/** random_state for estimators that take one, unless params set it. */
const seedSchema = z.number().int().min(0).optional();
/** Hyper-parameter search (src/domain/hyper-search.ts): the best trial's params override `params`. */
const searchField = searchSchema.optional();

export const sklearnTrainingSchema = z
  .object({
    trainer: z.literal('sklearn'),
    estimator: z
      .string()
      .regex(
        /^sklearn(\.[A-Za-z_][A-Za-z0-9_]*)+$/,
        'a scikit-learn class path, e.g. sklearn.linear_model.LogisticRegression',
      ),
    params: paramsSchema,
    seed: seedSchema,
    search: searchField,
  })
  .strict();

export const boostingTrainingSchema = z
  .object({ trainer: z.enum(['xgboost', 'lightgbm']), params: paramsSchema, seed: seedSchema, search: searchField })
  .strict();

export const pythonTrainingSchema = z
  .object({
    trainer: z.literal('python'),
    /** `package.module:function`, found on the training worker's MLOPS_TRAINER_PATH. */
    entrypoint: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$/, 'module:function, e.g. my_package.train:fit'),
    params: paramsSchema,
    seed: seedSchema,
    search: searchField,
  })
  .strict();

export const trainingSchema = z.discriminatedUnion('trainer', [
  builtinTrainingSchema,
  sklearnTrainingSchema,
  boostingTrainingSchema,
  pythonTrainingSchema,
]);

export const BUILTIN_TRAINING_DEFAULTS = {
  algorithm: 'logistic-regression',
  solver: 'lbfgs',
  maxIterations: 500,
  tolerance: 1e-5,
  epochs: 300,
  learningRate: 0.5,
  l2: 0.001,
  seed: 7,
  classWeight: 'none',
} as const;

export type TrainingSpec = z.infer<typeof trainingSchema>;
export type BuiltinTraining = z.infer<typeof builtinTrainingSchema>;
export type ExternalTraining = Exclude<TrainingSpec, BuiltinTraining>;

export function isBuiltinTraining(t: TrainingSpec): t is BuiltinTraining {
  return t.trainer === undefined || t.trainer === 'builtin';
}

/** What the UI and logs call the trainer: "logistic-regression, 300 epochs", "sklearn.ensemble.X", "pkg.mod:fit". */
export function describeTrainer(t: TrainingSpec): string {
  if (isBuiltinTraining(t)) return t.solver === 'adam' ? `${t.algorithm}, ${t.epochs} epochs` : `${t.algorithm}, L-BFGS ≤ ${t.maxIterations} iterations`;
  if (t.trainer === 'sklearn') return t.estimator;
  if (t.trainer === 'python') return t.entrypoint;
  return t.trainer;
}
