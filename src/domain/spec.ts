import { z } from 'zod';
import { approvalPolicySchema } from './governance/policy';
import { deploymentSpecSchema } from './rollout/strategy';
import { monitoringSpecSchema } from './monitoring/monitoring-spec';
import { datasetWhereSchema } from './dataset-filter';
import { BUILTIN_TRAINING_DEFAULTS, isBuiltinTraining, trainingSchema } from './training-spec';
import { FailureType } from './failure-types';
import { regressionSpecProblems } from './regression-spec';

/** Model spec: one validated file per model lifecycle. Authors describe what, the engine does how. */

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, starting with a letter (2-63 chars)');

export const numericFeatureSchema = z.object({
  name: z.string().min(1),
  type: z.literal('numeric'),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Largest share of nulls tolerated in this column (0 = none). */
  maxNullFraction: z.number().min(0).max(1).default(0),
});

export const categoricalFeatureSchema = z.object({
  name: z.string().min(1),
  type: z.literal('categorical'),
  /** When given, any other value fails validation. */
  categories: z.array(z.string()).min(1).optional(),
  maxNullFraction: z.number().min(0).max(1).default(0),
});

export const featureSchema = z.discriminatedUnion('type', [numericFeatureSchema, categoricalFeatureSchema]);

export const thresholdsSchema = z
  .object({
    minAccuracy: z.number().min(0).max(1).optional(),
    minMacroF1: z.number().min(0).max(1).optional(),
    maxLogLoss: z.number().positive().optional(),
    /** Binary targets only (AUC is undefined for more classes: the check then fails). */
    minAuc: z.number().min(0).max(1).optional(),
    /** Candidate may be at most this much worse than the champion on accuracy (absolute). */
    maxAccuracyDropVsChampion: z.number().min(0).max(1).optional(),
    /** Candidate may be at most this much worse than the champion on macro-F1 (absolute). */
    maxMacroF1DropVsChampion: z.number().min(0).max(1).optional(),
    /** Candidate's log-loss may exceed the champion's by at most this much. */
    maxLogLossRiseVsChampion: z.number().min(0).optional(),
    /** Regression targets (`target.kind: "regression"`), in the target's units: lower is better for RMSE and MAE. */
    maxRmse: z.number().positive().optional(),
    maxMae: z.number().positive().optional(),
    minR2: z.number().max(1).optional(),
    /** Candidate's RMSE / MAE may exceed the champion's by at most this much (target units). */
    maxRmseRiseVsChampion: z.number().min(0).optional(),
    maxMaeRiseVsChampion: z.number().min(0).optional(),
    /** Candidate's R² may be at most this much below the champion's. */
    maxR2DropVsChampion: z.number().min(0).optional(),
  })
  .strict();

export const modelSpecSchema = z
  .object({
    name: identifier,
    description: z.string().max(500).optional(),
    dataset: z
      .object({
        path: z.string().min(1),
        format: z.enum(['csv', 'parquet']).optional(),
        /** Optional row filter in our predicate language (README "Dataset filters"); never passed to DuckDB as text. */
        where: datasetWhereSchema.optional(),
      })
      .strict(),
    target: z
      .object({
        name: z.string().min(1),
        /** `regression`: a numeric target, a linear model (ridge), RMSE/MAE/R²; default `classification`. */
        kind: z.enum(['classification', 'regression']).default('classification'),
        /** Optional fixed class order; integer and boolean labels may be written as numbers/booleans. */
        classes: z
          .array(z.union([z.string(), z.number(), z.boolean()]).transform(String))
          .min(2)
          .optional(),
      })
      .strict(),
    features: z.array(featureSchema).min(1),
    minRows: z.number().int().positive().default(50),
    split: z
      .object({ testFraction: z.number().gt(0).lt(1).default(0.25), seed: z.number().int().default(42) })
      .strict()
      .default({ testFraction: 0.25, seed: 42 }),
    /** Built-in softmax regression (default) or an external trainer served on the training task queue. */
    training: trainingSchema.default(BUILTIN_TRAINING_DEFAULTS),
    thresholds: thresholdsSchema.default({}),
    /** Who must approve, how many, in which stages, by when (see docs/governance.md). Default: one approval from anyone. */
    approval: approvalPolicySchema.prefault({}),
    /** How an approved version reaches traffic: direct, canary or shadow (see docs/delivery.md). */
    deployment: deploymentSpecSchema.prefault({}),
    /** Scheduled monitoring of the deployed version's traffic (see docs/monitoring.md). */
    monitoring: monitoringSpecSchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (isBuiltinTraining(spec.training) && spec.training.rowWeights && spec.training.solver !== 'lbfgs') {
      ctx.addIssue({ code: 'custom', message: 'row weights need solver "lbfgs"', path: ['training', 'rowWeights'] });
    }
    for (const problem of regressionSpecProblems(spec)) ctx.addIssue({ code: 'custom', ...problem });
    const names = new Set<string>();
    for (const f of spec.features) {
      if (names.has(f.name)) ctx.addIssue({ code: 'custom', message: `feature "${f.name}" is listed twice`, path: ['features'] });
      names.add(f.name);
      if (f.name === spec.target.name) ctx.addIssue({ code: 'custom', message: `target "${f.name}" is also a feature`, path: ['features'] });
    }
    for (const name of Object.keys(spec.monitoring?.features ?? {})) {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', message: `"${name}" is not a feature of this spec`, path: ['monitoring', 'features', name] });
    }
  });

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ModelSpecInput = z.input<typeof modelSpecSchema>;
export type FeatureSpec = z.infer<typeof featureSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Flattens zod issues into one line per problem, naming the path: "features.2.type: Invalid input". */
export function describeZodError(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export type SpecParseResult = { ok: true; spec: ModelSpec } | { ok: false; problems: string[] };

export function parseModelSpec(raw: unknown): SpecParseResult {
  const parsed = modelSpecSchema.safeParse(raw);
  return parsed.success ? { ok: true, spec: parsed.data } : { ok: false, problems: describeZodError(parsed.error) };
}

/** A spec refused before a run starts; `type` is the failure type a workflow would report for it. */
export class SpecInvalidError extends Error {
  readonly type = FailureType.SpecInvalid;
  constructor(readonly problems: string[]) {
    super(`invalid model spec: ${problems.join('; ')}`);
    this.name = 'SpecInvalidError';
  }
}

/**
 * The fully resolved spec: every default applied, once, by whoever starts the run (docs/versioning.md).
 * A resolved spec is a fixed point of the schema, so the workflow's own parse changes nothing in it and a
 * default changed in later code never reaches a run already in flight.
 * @throws SpecInvalidError naming every problem.
 */
export function resolveModelSpec(raw: unknown): ModelSpec {
  const parsed = parseModelSpec(raw);
  if (!parsed.ok) throw new SpecInvalidError(parsed.problems);
  return parsed.spec;
}
