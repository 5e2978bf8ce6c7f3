import type { DatasetDriftResult, FeatureDriftResult } from '../drift';
import type { MetricSummary, TriggerKind } from '../lifecycle';
import { metricValue } from '../metric-table';
import type { MonitorPolicy, PerformanceMonitoring } from './monitoring-spec';

type PerformanceMetric = PerformanceMonitoring['metric'];

/**
 * The monitor report: what one window of real traffic showed against the deployed version's reference
 * profile and evaluation. Whatever could not be judged says why (`judged: false` + `reason`), so a bad
 * window produces a report, never a failing loop.
 */

export type MonitorVerdict = 'ok' | 'drift' | 'degraded' | 'drift-and-degraded' | 'not-judged';

export interface MonitorWindow {
  /** ISO-8601, inclusive. */
  readonly start: string;
  /** ISO-8601, exclusive: the schedule's action time. */
  readonly end: string;
}

export interface DriftSection {
  readonly judged: boolean;
  readonly reason: string | null;
  readonly dataset: DatasetDriftResult;
  readonly features: FeatureDriftResult[];
  /** Predicted labels against the training labels: informational, not part of the drift share. */
  readonly prediction: FeatureDriftResult | null;
}

export interface PerformanceSection {
  readonly judged: boolean;
  readonly reason: string | null;
  readonly metric: PerformanceMetric;
  readonly window: MonitorWindow;
  /** Predictions of the deployed version in the window that have a label. */
  readonly labelledRows: number;
  readonly realized: MetricSummary | null;
  /** The metric's value in the version's evaluation on held-out data. */
  readonly expected: number;
  /** How much worse than evaluated, positive is worse: expected − realized, or realized − expected for rmse/mae. */
  readonly drop: number | null;
  /** The allowed drop (`maxDrop`), or for rmse/mae the allowed rise (`maxRise`). */
  readonly maxDrop: number;
  readonly degraded: boolean;
  /** Labels the model has no class for (they count as errors); regression: labels that are not numbers (left out). */
  readonly unknownLabels: number;
}

export interface MonitorReport {
  readonly id: string;
  readonly model: string;
  readonly version: number;
  readonly profileId: string;
  readonly window: MonitorWindow;
  /** Predictions in the window (primary and canary; shadow copies are not traffic). */
  readonly rows: number;
  readonly verdict: MonitorVerdict;
  readonly drift: DriftSection;
  readonly performance: PerformanceSection | null;
  /** Data problems found on the way: missing features, NaN/Inf values, unseen categories. */
  readonly problems: string[];
  readonly thresholds: { readonly driftShare: number; readonly minRows: number };
  readonly createdAt: string;
}

/** The compact view the workflow carries, shows in the UI and returns (per-feature lines, no samples). */
export interface MonitorSummary {
  readonly reportId: string;
  readonly model: string;
  readonly version: number;
  readonly window: MonitorWindow;
  readonly rows: number;
  readonly verdict: MonitorVerdict;
  readonly drift: {
    readonly judged: boolean;
    readonly reason: string | null;
    readonly share: number;
    readonly shareThreshold: number;
    readonly drifted: string[];
    readonly features: { feature: string; method: string | null; score: number | null; threshold: number | null; drifted: boolean; reason: string | null }[];
  };
  readonly performance: Pick<PerformanceSection, 'judged' | 'reason' | 'metric' | 'labelledRows' | 'expected' | 'drop' | 'maxDrop' | 'degraded'> & { readonly realized: number | null } | null;
  readonly problems: string[];
  readonly policy: MonitorPolicy;
  /** When the last retrain this monitor started began (ISO), for the cooldown. */
  readonly lastRetrainAt: string | null;
}

export function summarizeReport(r: MonitorReport, policy: MonitorPolicy, lastRetrainAt: string | null): MonitorSummary {
  const p = r.performance;
  return {
    reportId: r.id,
    model: r.model,
    version: r.version,
    window: r.window,
    rows: r.rows,
    verdict: r.verdict,
    drift: {
      judged: r.drift.judged,
      reason: r.drift.reason,
      share: r.drift.dataset.driftedShare,
      shareThreshold: r.drift.dataset.shareThreshold,
      drifted: r.drift.dataset.drifted,
      features: r.drift.features.map((f) => ({ feature: f.feature, method: f.method, score: f.score, threshold: f.threshold, drifted: f.drifted, reason: f.reason })),
    },
    performance: p
      ? { judged: p.judged, reason: p.reason, metric: p.metric, labelledRows: p.labelledRows, expected: p.expected, drop: p.drop, maxDrop: p.maxDrop, degraded: p.degraded, realized: metricValue(p.realized, p.metric) ?? null }
      : null,
    problems: r.problems,
    policy,
    lastRetrainAt,
  };
}

/** What the monitor did about a finding; stored with the report. */
export type RetrainAction = 'none' | 'started' | 'already-running' | 'cooldown' | 'disabled' | 'backfill' | 'failed';

export interface RetrainOutcome {
  readonly action: RetrainAction;
  readonly detail: string;
  readonly kind?: TriggerKind;
  readonly workflowId?: string;
  readonly runId?: string;
  /** ISO time of the decision (workflow time). */
  readonly at: string;
}
