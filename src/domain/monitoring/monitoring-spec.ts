import { z } from 'zod';
import { datasetWhereSchema } from '../dataset-filter';
import { driftMethodSchema } from '../drift/schemas';
import { parseDurationMs } from '../duration';

/**
 * The spec's `monitoring` section: how a deployed model's traffic is judged and when a retrain starts.
 * Every field has a default, so a spec without the section is monitored with Evidently's defaults.
 */
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 90s, 15m, 2h, 7d');

export const featureMonitoringSchema = z
  .object({
    /** Force a test instead of the automatic choice. */
    method: driftMethodSchema.optional(),
    /** The test's threshold (p-value below which, or distance above which, the feature drifts). */
    threshold: z.number().positive().finite().optional(),
    /** Quantile bins of numeric PSI (default 10). */
    psiBins: z.number().int().min(2).max(1000).optional(),
    /** Leave the feature out of the drift share (e.g. an id-like column). */
    ignore: z.boolean().default(false),
  })
  .strict();

export const performanceMonitoringSchema = z
  .object({
    /**
     * Realized metric on labelled traffic, compared with the same metric of the version's evaluation:
     * accuracy/macroF1 for classifiers, rmse/mae (realized error on delayed labels) for regression.
     */
    metric: z.enum(['accuracy', 'macroF1', 'rmse', 'mae']).default('accuracy'),
    /** Degraded when the realized metric is more than this below the evaluated one (absolute). */
    maxDrop: z.number().min(0).max(1).default(0.1),
    /** rmse/mae: degraded when the realized error exceeds the evaluated one by more than this (target units). */
    maxRise: z.number().min(0).optional(),
    /** Fewer labelled predictions than this: performance is not judged. */
    minLabels: z.number().int().positive().default(30),
    /** Predictions made this long before the report's end count when labelled (labels arrive late); default: `window`. */
    window: duration.optional(),
  })
  .strict();

export const retrainPolicySchema = z
  .object({
    /** Start a retraining lifecycle when drift or degradation is found (false: report only). */
    enabled: z.boolean().default(true),
    /** Base data of the retrain; default: the snapshot the deployed version was trained on. */
    dataset: z
      .object({ path: z.string().min(1), format: z.enum(['csv', 'parquet']).optional(), where: datasetWhereSchema.optional() })
      .strict()
      .optional(),
    /** Labelled predictions of this long before the report's end are appended to the base data; absent: none. */
    labelledWindow: duration.optional(),
    /**
     * How much one labelled recent row counts against one base row in the retrain's loss (its row weight): the
     * retrain data policy. 1 = no preference; above 1 the model follows recent traffic more than the old data.
     */
    labelledWeight: z.number().positive().max(1000).default(1),
  })
  .strict();

export const monitoringSpecSchema = z
  .object({
    /** The longest span one report covers; a report starts where the previous one ended, at most this far back. */
    window: duration.default('1h'),
    /**
     * Fewer predictions than this in the window: drift is not judged. Distances are noisy on small samples
     * (docs/monitoring.md: 120 Seattle days against Seattle's own profile already cross 0.1 on half the features).
     */
    minRows: z.number().int().positive().default(100),
    /** Dataset drift when at least this share of judged features drift (Evidently: 0.5). */
    driftShare: z.number().gt(0).max(1).default(0.5),
    features: z.record(z.string(), featureMonitoringSchema).default({}),
    performance: performanceMonitoringSchema.optional(),
    /** After a retrain starts, further triggers within this time only record the finding. */
    cooldown: duration.default('6h'),
    retrain: retrainPolicySchema.prefault({}),
  })
  .strict();

export type MonitoringSpec = z.infer<typeof monitoringSpecSchema>;
export type FeatureMonitoring = z.infer<typeof featureMonitoringSchema>;
export type PerformanceMonitoring = z.infer<typeof performanceMonitoringSchema>;

/** The monitoring section with defaults applied, for specs that leave it out. */
export function resolveMonitoring(section: MonitoringSpec | undefined): MonitoringSpec {
  return section ?? monitoringSpecSchema.parse({});
}

/** What the monitor workflow needs of the policy, in milliseconds. */
export interface MonitorPolicy {
  readonly retrain: boolean;
  readonly windowMs: number;
  readonly cooldownMs: number;
}

export function monitorPolicy(m: MonitoringSpec): MonitorPolicy {
  return { retrain: m.retrain.enabled, windowMs: parseDurationMs(m.window), cooldownMs: parseDurationMs(m.cooldown) };
}
