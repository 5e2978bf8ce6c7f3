/** Dataset-level verdict from per-feature results, as Evidently's DatasetDriftMetric. */

import { featureDrift } from './feature-drift';
import type { DatasetDriftResult, DriftReport, FeatureDriftInput, FeatureDriftResult } from './types';

/** Evidently's default: the dataset drifts when at least half the judged columns drift. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/**
 * Share of judged features that drifted; dataset drift when that share >= `shareThreshold`
 * (and at least one feature was judged). Unjudged features are listed, not counted.
 */
export function datasetDrift(features: ReadonlyArray<FeatureDriftResult>, shareThreshold = DEFAULT_DRIFT_SHARE): DatasetDriftResult {
  const judged = features.filter((f) => f.judged);
  const drifted = judged.filter((f) => f.drifted).map((f) => f.feature);
  const driftedShare = judged.length > 0 ? drifted.length / judged.length : 0;
  return {
    judgedCount: judged.length,
    driftedCount: drifted.length,
    driftedShare,
    shareThreshold,
    datasetDrift: judged.length > 0 && driftedShare >= shareThreshold,
    drifted,
    notJudged: features.filter((f) => !f.judged).map((f) => ({ feature: f.feature, reason: f.reason ?? 'not judged' })),
  };
}

/** featureDrift for every input, then datasetDrift over the results. */
export function driftReport(inputs: ReadonlyArray<FeatureDriftInput>, shareThreshold = DEFAULT_DRIFT_SHARE): DriftReport {
  const features = inputs.map((input) => featureDrift(input));
  return { dataset: datasetDrift(features, shareThreshold), features };
}
