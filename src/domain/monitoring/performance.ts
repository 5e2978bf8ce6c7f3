import { classificationMetrics } from '../ml/metrics';
import { summarizeMetrics, type MetricSummary } from '../lifecycle';
import type { MonitorWindow, PerformanceSection } from './report';

/** A served prediction joined with its delayed ground truth. */
export interface LabelledPrediction {
  readonly truth: string;
  /** The probabilities the model returned, by class name. */
  readonly probabilities: Readonly<Record<string, number>>;
}

export interface PerformanceInput {
  readonly window: MonitorWindow;
  readonly labelled: readonly LabelledPrediction[];
  /** The model's classes, in artifact order. */
  readonly classes: readonly string[];
  /** The version's metrics on held-out data at evaluation time. */
  readonly evaluated: MetricSummary;
  readonly metric: 'accuracy' | 'macroF1';
  readonly maxDrop: number;
  readonly minLabels: number;
}

/**
 * Realized metrics on labelled traffic, with the same conventions as evaluation (labels the model has no
 * class for count as errors), compared with the evaluated value of the chosen metric.
 */
export function realizedPerformance(input: PerformanceInput): PerformanceSection {
  const expected = input.evaluated[input.metric];
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
  const drop = expected - realized[input.metric];
  return { ...base, judged: true, reason: null, realized, drop, degraded: drop > input.maxDrop, unknownLabels };
}
