/** Which test Evidently runs by default, each test's default threshold and drift direction. */

import type { DriftMethod, FeatureKind, ScoreKind } from './types';

/** Evidently switches from p-value tests to distances above this many reference rows. */
export const SMALL_REFERENCE_ROWS = 1_000;
/** Numeric columns with at most this many distinct values (both sides together) are treated as categorical. */
export const DISCRETE_DISTINCT_VALUES = 5;
/** Numeric Jensen–Shannon bins by value up to this many reference values, else on a Sturges histogram. */
export const JS_VALUE_BINNING_MAX_DISTINCT = 20;

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  ztest: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

export const SCORE_KINDS: Readonly<Record<DriftMethod, ScoreKind>> = {
  ks: 'p_value',
  chisquare: 'p_value',
  ztest: 'p_value',
  wasserstein: 'distance',
  jensenshannon: 'distance',
  psi: 'distance',
};

/**
 * Evidently's `_get_default_stattest` (legacy registry), with `referenceRows` the reference's
 * valid rows and `distinctValues` the distinct values of reference and current together.
 */
export function chooseMethod(kind: FeatureKind, referenceRows: number, distinctValues: number): DriftMethod {
  const small = referenceRows <= SMALL_REFERENCE_ROWS;
  if (kind === 'numeric' && distinctValues > DISCRETE_DISTINCT_VALUES) return small ? 'ks' : 'wasserstein';
  // Categorical, or numeric with few values. Evidently's z-test only applies to small references.
  if (!small) return 'jensenshannon';
  return distinctValues > 2 ? 'chisquare' : 'ztest';
}

/**
 * Drift decision, with Evidently's comparisons: KS drifts at p <= threshold, chi-squared and
 * z at p < threshold, distances at score >= threshold.
 */
export function isDrift(method: DriftMethod, score: number, threshold: number): boolean {
  switch (method) {
    case 'ks':
      return score <= threshold;
    case 'chisquare':
    case 'ztest':
      return score < threshold;
    default:
      return score >= threshold;
  }
}
