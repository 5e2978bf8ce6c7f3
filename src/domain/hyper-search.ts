import { z } from 'zod';
import { SeededRandom } from './ml/random';
import type { DatasetSnapshot } from './dataset';
import type { MetricSummary } from './lifecycle';
import { metricValue } from './metric-table';

/**
 * Hyper-parameter search for external trainers (`training.search`): which trials to run, and which one wins.
 * Pure: the lifecycle workflow plans the trials here and runs them as `validateTrial` activities on the
 * training task queue; each trial fits on part of the training split and is scored on the rest (the
 * validation split), never on the test split the gate uses.
 */

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** A range for random search: uniform in [min, max], log-uniform with `log`, whole numbers with `integer`. */
const rangeSchema = z
  .object({
    min: z.number(),
    max: z.number(),
    log: z.boolean().default(false),
    integer: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.max >= r.min, 'max must be ≥ min')
  .refine((r) => !r.log || r.min > 0, 'a log range needs min > 0');
/** One parameter's candidates: a list of values (grid or random), or a range (random only). */
const dimensionSchema = z.union([z.array(scalar).min(1), rangeSchema]);

export const SEARCH_METRICS = ['accuracy', 'auc', 'logLoss', 'macroF1'] as const;
export type SearchMetric = (typeof SEARCH_METRICS)[number];
/** Grid searches larger than this are refused: a typo in a space should not queue a thousand fits. */
export const MAX_SEARCH_TRIALS = 200;

export const searchSchema = z
  .object({
    method: z.enum(['grid', 'random']),
    space: z.record(z.string().min(1), dimensionSchema).refine((s) => Object.keys(s).length > 0, 'space is empty'),
    /** Random: how many draws (required). Grid: optional, must not be below the grid's size. */
    trials: z.number().int().positive().max(MAX_SEARCH_TRIALS).optional(),
    /** Trials running at once on the training queue. */
    parallelism: z.number().int().positive().max(32).default(2),
    metric: z.enum(SEARCH_METRICS).default('accuracy'),
    /** Share of the training split held out to score trials. */
    validationFraction: z.number().gt(0).lt(1).default(0.2),
    /** Seeds the random draws and the validation split: the same spec searches the same trials. */
    seed: z.number().int().min(0).default(7),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.method === 'random' && s.trials === undefined) {
      ctx.addIssue({ code: 'custom', message: 'random search needs "trials"', path: ['trials'] });
    }
    if (s.method === 'grid') {
      const ranges = Object.entries(s.space).filter(([, d]) => !Array.isArray(d));
      for (const [name] of ranges) {
        ctx.addIssue({ code: 'custom', message: 'grid search needs a list of values', path: ['space', name] });
      }
      const size = ranges.length ? 0 : gridSize(s.space as Record<string, unknown[]>);
      if (size > MAX_SEARCH_TRIALS) {
        const message = `grid of ${size} trials exceeds ${MAX_SEARCH_TRIALS}`;
        ctx.addIssue({ code: 'custom', message, path: ['space'] });
      }
      if (s.trials !== undefined && size > s.trials) {
        const message = `grid has ${size} trials, more than trials=${s.trials}`;
        ctx.addIssue({ code: 'custom', message, path: ['trials'] });
      }
    }
  });

export type SearchSpec = z.infer<typeof searchSchema>;
export type TrialParams = Record<string, string | number | boolean | null>;

function gridSize(space: Record<string, unknown[]>): number {
  return Object.values(space).reduce((n, values) => n * values.length, 1);
}

/**
 * The trials to run, in order (trial i is `plan[i]`). Grid: every combination, the last parameter varying
 * fastest. Random: `trials` draws from a PRNG seeded by `search.seed`, so a replay or a rerun draws the same.
 */
export function planTrials(search: SearchSpec): TrialParams[] {
  const names = Object.keys(search.space).sort();
  if (search.method === 'grid') {
    let combos: TrialParams[] = [{}];
    for (const name of names) {
      const values = search.space[name] as TrialParams[string][];
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    }
    return combos;
  }
  const rng = new SeededRandom(search.seed);
  return Array.from({ length: search.trials ?? 0 }, () => {
    const trial: TrialParams = {};
    for (const name of names) trial[name] = draw(search.space[name] as z.infer<typeof dimensionSchema>, rng);
    return trial;
  });
}

function draw(dimension: z.infer<typeof dimensionSchema>, rng: SeededRandom): TrialParams[string] {
  const u = rng.next();
  if (Array.isArray(dimension)) {
    return dimension[Math.min(dimension.length - 1, Math.floor(u * dimension.length))] ?? null;
  }
  const { min, max, log, integer } = dimension;
  if (integer) {
    const [low, high] = [Math.ceil(min), Math.floor(max)];
    return Math.min(high, low + Math.floor(u * (high - low + 1)));
  }
  return log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
}

/** Business id of a search trial's child workflow: the lifecycle's id, then the trial's number (from 1). */
export const searchTrialWorkflowId = (parentId: string, index: number): string => `${parentId}-trial-${index + 1}`;

/** Input of the `validateTrial` activity (training queue): the spec with the trial's params already merged. */
export interface TrialInput {
  readonly spec: unknown;
  readonly snapshot: DatasetSnapshot;
  readonly trial: { readonly index: number; readonly params: TrialParams };
  readonly validation: { readonly fraction: number; readonly seed: number };
}
/** Output of `validateTrial`: the metrics of the fit on the validation rows. */
export interface TrialOutput {
  readonly index: number;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly metrics: MetricSummary;
}
/** A finished trial as the registry keeps it. */
export interface TrialResult {
  readonly index: number;
  readonly params: TrialParams;
  readonly value: number | null;
  readonly metrics: MetricSummary;
}
/** What a search found: kept with the registered version (params `hyperSearch`) and shown in the status. */
export interface SearchSummary {
  readonly method: SearchSpec['method'];
  readonly metric: SearchMetric;
  readonly validationFraction: number;
  readonly trials: TrialResult[];
  readonly best: number;
  readonly bestParams: TrialParams;
}

/** The metric's value for ranking; null when the trial has none (AUC of a multi-class target). */
export function trialValue(metrics: MetricSummary, metric: SearchMetric): number | null {
  const v = metricValue(metrics, metric);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The best trial by the metric (log-loss lower is better, the others higher); ties go to the lowest index,
 * so the pick does not depend on which trial finished first. Returns -1 when no trial has a value.
 */
export function bestTrial(results: readonly TrialResult[], metric: SearchMetric): number {
  const better = (a: number, b: number): boolean => (metric === 'logLoss' ? a < b : a > b);
  let best: TrialResult | undefined;
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    if (r.value === null) continue;
    if (!best || best.value === null || better(r.value, best.value)) best = r;
  }
  return best ? best.index : -1;
}

/** `max_depth=3, learning_rate=0.1` for summaries and logs. */
export function describeParams(params: TrialParams): string {
  return Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
}
