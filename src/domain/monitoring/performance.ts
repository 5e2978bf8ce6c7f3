import { classificationMetrics } from '../ml/metrics';
import { regressionMetrics } from '../ml/regression-metrics';
import { isRegressionSummary, summarizeMetrics, type MetricSummary } from '../lifecycle';
import { metricValue } from '../metric-table';
import type { PerformanceMonitoring } from './monitoring-spec';
import type { MonitorWindow, PerformanceSection } from './report';

/** A served prediction joined with its delayed ground truth. */
export interface LabelledPrediction {
  readonly truth: string;
  /** The probabilities the model returned, by class name. */
  readonly probabilities: Readonly<Record<string, number>>;
  /** The served answer as logged: a class name, or a regression model's value as text. */
  readonly predicted?: string;
}

export interface PerformanceInput {
  readonly window: MonitorWindow;
  readonly labelled: readonly LabelledPrediction[];
  /** The model's classes, in artifact order (none for a regression model). */
  readonly classes: readonly string[];
  /** The version's metrics on held-out data at evaluation time. */
  readonly evaluated: MetricSummary;
  readonly metric: PerformanceMonitoring['metric'];
  readonly maxDrop: number;
  /** rmse/mae: how far the realized error may exceed the evaluated one. */
  readonly maxRise?: number;
  readonly minLabels: number;
}

/**
 * Realized metrics on labelled traffic, with the same conventions as evaluation (labels the model has no
 * class for count as errors), compared with the evaluated value of the chosen metric. For a regression
 * model the realized RMSE/MAE of the served values against the labels (lower is better).
 */
export function realizedPerformance(input: PerformanceInput): PerformanceSection {
  if (isRegressionSummary(input.evaluated)) return realizedError(input);
  const expected = metricValue(input.evaluated, input.metric) ?? Number.NaN;
  const n = input.labelled.length;
  const base = { metric: input.metric, window: input.window, labelledRows: n, expected, maxDrop: input.maxDrop };
  if (n < input.minLabels) {
    return { ...base, judged: false, reason: n === 0 ? 'no labelled predictions in the window' : `only ${n} labelled predictions (minimum ${input.minLabels})`, realized: null, drop: null, degraded: false, unknownLabels: 0 };
  }
  const known = input.classes;
  const unknownLabels = input.labelled.filter((l) => !known.includes(l.truth)).length;
  // An extra zero-probability "(unseen)" class keeps metrics defined when labels fall outside the model's classes.
  const names = unknownLabels ? [...known, '(unseen)'] : [...known];
  const k = names.length;
  const truth = new Int32Array(n);
  const probabilities = new Float64Array(n * k);
  input.labelled.forEach((l, i) => {
    const t = known.indexOf(l.truth);
    truth[i] = t < 0 ? known.length : t;
    known.forEach((c, j) => {
      const p = l.probabilities[c];
      probabilities[i * k + j] = typeof p === 'number' && Number.isFinite(p) ? p : 0;
    });
  });
  const realized = summarizeMetrics(classificationMetrics(truth, probabilities, names));
  const drop = expected - (metricValue(realized, input.metric) ?? Number.NaN);
  return { ...base, judged: true, reason: null, realized, drop, degraded: drop > input.maxDrop, unknownLabels };
}

/** Regression: served values against numeric labels; labels that are not numbers are left out and counted. */
function realizedError(input: PerformanceInput): PerformanceSection {
  const metric = input.metric === 'mae' ? 'mae' : 'rmse';
  const expected = metricValue(input.evaluated, metric) ?? Number.NaN;
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const l of input.labelled) {
    const t = Number(l.truth);
    const p = Number(l.predicted);
    if (l.truth.trim() === '' || !Number.isFinite(t) || !Number.isFinite(p)) continue;
    truth.push(t);
    predicted.push(p);
  }
  const n = truth.length;
  const unknownLabels = input.labelled.length - n;
  const maxDrop = input.maxRise ?? 0;
  const base = { metric: input.metric, window: input.window, labelledRows: n, expected, maxDrop, unknownLabels };
  if (n < input.minLabels) {
    const reason =
      n === 0 ? 'no labelled predictions in the window' : `only ${n} labelled predictions (minimum ${input.minLabels})`;
    return { ...base, judged: false, reason, realized: null, drop: null, degraded: false };
  }
  const realized = regressionMetrics(truth, predicted);
  const drop = realized[metric] - expected;
  return { ...base, judged: true, reason: null, realized, drop, degraded: drop > maxDrop };
}
