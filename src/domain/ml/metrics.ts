import type { ClassificationMetrics } from './types';

/**
 * Classification metrics with scikit-learn's conventions: macro-F1 over the labels present in truth or
 * prediction, log-loss with probabilities clipped to [1e-15, 1 − 1e-15], AUC by ranks (ties averaged).
 */
export function classificationMetrics(truth: Int32Array, probabilities: Float64Array, classNames: readonly string[]): ClassificationMetrics {
  const k = classNames.length;
  const n = truth.length;
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const support = new Float64Array(k);
  let correct = 0;
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probabilities[i * k + c] as number) > (probabilities[i * k + best] as number)) best = c;
    const label = truth[i] as number;
    support[label] = (support[label] as number) + 1;
    predicted[best] = (predicted[best] as number) + 1;
    if (best === label) {
      correct++;
      tp[label] = (tp[label] as number) + 1;
    }
    const p = Math.min(Math.max(probabilities[i * k + label] as number, 1e-15), 1 - 1e-15);
    logLoss -= Math.log(p);
  }
  const perClass: ClassificationMetrics['perClass'] = {};
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const s = support[c] as number;
    const pr = predicted[c] as number;
    const t = tp[c] as number;
    const precision = pr ? t / pr : 0;
    const recall = s ? t / s : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[classNames[c] as string] = { precision, recall, f1, support: s };
    if (s > 0 || pr > 0) {
      f1Sum += f1;
      present++;
    }
  }
  const metrics: ClassificationMetrics = {
    accuracy: n ? correct / n : 0,
    macroF1: present ? f1Sum / present : 0,
    logLoss: n ? logLoss / n : 0,
    rows: n,
    perClass,
  };
  if (k === 2) return { ...metrics, auc: binaryAuc(truth, probabilities) };
  return metrics;
}

/** ROC AUC of class 1 via the Mann–Whitney U statistic with average ranks for ties. */
export function binaryAuc(truth: Int32Array, probabilities: Float64Array): number {
  const n = truth.length;
  const score = (i: number): number => probabilities[i * 2 + 1] as number;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => score(a) - score(b));
  let rankSumPositive = 0;
  let positives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score(order[j + 1] as number) === score(order[i] as number)) j++;
    const avgRank = (i + j + 2) / 2;
    for (let t = i; t <= j; t++) {
      if (truth[order[t] as number] === 1) {
        rankSumPositive += avgRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (!positives || !negatives) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}
