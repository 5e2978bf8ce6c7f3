import { datasetDrift, featureDrift, type FeatureDriftResult } from '../drift';
import type { FeatureRef } from '../ml/types';
import type { MetricSummary } from '../lifecycle';
import type { MonitoringSpec } from './monitoring-spec';
import type { ReferenceProfileSet } from './reference';
import type { DriftSection, MonitorReport, MonitorVerdict, MonitorWindow } from './report';
import { realizedPerformance, type LabelledPrediction } from './performance';

/** One feature's values over the window, as read from the prediction log. */
export interface WindowColumn {
  /** Predictions whose features carried the key at all (null values included). */
  readonly present: number;
  /** Numbers (NaN/±Infinity possible) for numeric features, text for categorical ones; null when absent or null. */
  readonly values: ReadonlyArray<number | string | null>;
}

export interface WindowData {
  readonly rows: number;
  readonly columns: Readonly<Record<string, WindowColumn>>;
  readonly predicted: ReadonlyArray<string | null>;
}

export interface JudgeInput {
  readonly id: string;
  readonly model: string;
  readonly version: number;
  readonly profileId: string;
  readonly window: MonitorWindow;
  readonly createdAt: string;
  readonly features: readonly FeatureRef[];
  readonly profiles: ReferenceProfileSet;
  readonly data: WindowData;
  readonly monitoring: MonitoringSpec;
  /** Labelled predictions of the deployed version, when the spec asks for performance monitoring. */
  readonly performance?: {
    readonly window: MonitorWindow;
    readonly labelled: readonly LabelledPrediction[];
    readonly classes: readonly string[];
    readonly evaluated: MetricSummary;
  };
}

/** Null-rate changes at least this large are listed as problems even when the test does not flag drift. */
const NULL_RATE_NOTICE = 0.05;

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function notJudged(feature: FeatureRef, reason: string): FeatureDriftResult {
  return { ...featureDrift({ feature: feature.name, kind: feature.type, reference: [], current: [] }), reason };
}

function judgeFeature(f: FeatureRef, input: JudgeInput, problems: string[]): FeatureDriftResult {
  const column = input.data.columns[f.name];
  const reference = input.profiles.features[f.name];
  if (!reference) return notJudged(f, 'the reference profile has no such feature');
  if (!column || column.present === 0) {
    problems.push(`${f.name}: missing from every prediction in the window`);
    return notJudged(f, 'missing from the prediction log');
  }
  if (column.present < input.data.rows) problems.push(`${f.name}: absent from ${input.data.rows - column.present} of ${input.data.rows} predictions`);
  const o = input.monitoring.features[f.name];
  const override = o && (o.method || o.threshold !== undefined || o.psiBins !== undefined)
    ? { ...(o.method ? { method: o.method } : {}), ...(o.threshold !== undefined ? { threshold: o.threshold } : {}), ...(o.psiBins !== undefined ? { psiBins: o.psiBins } : {}) }
    : undefined;
  const current = f.type === 'numeric' ? column.values.map((v) => (typeof v === 'number' ? v : v === null ? null : Number.NaN)) : column.values;
  const result = featureDrift({ feature: f.name, kind: f.type, reference, current, ...(override ? { override } : {}) });
  if (result.current.invalidCount > 0) problems.push(`${f.name}: ${result.current.invalidCount} NaN/Inf values, left out of the test`);
  if (result.unseenCategories && result.unseenCategories.count > 0) {
    const u = result.unseenCategories;
    problems.push(`${f.name}: ${u.count} categories never seen in training (${u.examples.slice(0, 5).join(', ')}) in ${pct(u.share)} of rows`);
  }
  if (Math.abs(result.nullRateChange) >= NULL_RATE_NOTICE) {
    problems.push(`${f.name}: null rate ${pct(result.reference.nullRate)} in training, ${pct(result.current.nullRate)} in the window`);
  }
  return result;
}

function judgeDrift(input: JudgeInput, problems: string[]): DriftSection {
  const { rows } = input.data;
  const share = input.monitoring.driftShare;
  const monitored = input.features.filter((f) => !input.monitoring.features[f.name]?.ignore);
  const tooFew = rows === 0 ? 'no predictions in the window' : rows < input.monitoring.minRows ? `only ${rows} predictions in the window (minimum ${input.monitoring.minRows})` : null;
  if (tooFew) {
    const features = monitored.map((f) => notJudged(f, tooFew));
    return { judged: false, reason: tooFew, dataset: datasetDrift(features, share), features, prediction: null };
  }
  const features = monitored.map((f) => judgeFeature(f, input, problems));
  const dataset = datasetDrift(features, share);
  // Regression models log their value as text: compared as numbers with the numeric target profile.
  const kind = input.profiles.target.kind;
  const predicted = input.data.predicted;
  const current = kind === 'numeric' ? predicted.map((v) => (v === null ? null : Number(v))) : predicted;
  const prediction = featureDrift({ feature: '(prediction)', kind, reference: input.profiles.target, current });
  const judged = dataset.judgedCount > 0;
  return { judged, reason: judged ? null : 'no feature could be judged', dataset, features, prediction };
}

function verdictOf(drift: DriftSection, degraded: boolean | null): MonitorVerdict {
  const drifted = drift.judged && drift.dataset.datasetDrift;
  if (drifted && degraded) return 'drift-and-degraded';
  if (drifted) return 'drift';
  if (degraded) return 'degraded';
  return drift.judged || degraded === false ? 'ok' : 'not-judged';
}

/** Judges one window: drift per feature and for the dataset, realized performance, and the verdict. */
export function judgeWindow(input: JudgeInput): MonitorReport {
  const problems: string[] = [];
  const drift = judgeDrift(input, problems);
  const perfSpec = input.monitoring.performance;
  const performance =
    perfSpec && input.performance
      ? realizedPerformance({
          ...input.performance,
          metric: perfSpec.metric,
          maxDrop: perfSpec.maxDrop,
          ...(perfSpec.maxRise !== undefined ? { maxRise: perfSpec.maxRise } : {}),
          minLabels: perfSpec.minLabels,
        })
      : null;
  if (performance && performance.unknownLabels > 0) {
    const regression = performance.metric === 'rmse' || performance.metric === 'mae';
    const what = regression ? 'are not numbers (left out)' : 'name no class of the model (counted as errors)';
    problems.push(`labels: ${performance.unknownLabels} labels ${what}`);
  }
  return {
    id: input.id,
    model: input.model,
    version: input.version,
    profileId: input.profileId,
    window: input.window,
    rows: input.data.rows,
    verdict: verdictOf(drift, performance?.judged ? performance.degraded : null),
    drift,
    performance,
    problems,
    thresholds: { driftShare: input.monitoring.driftShare, minRows: input.monitoring.minRows },
    createdAt: input.createdAt,
  };
}
