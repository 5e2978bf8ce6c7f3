/**
 * @module domain/drift
 * Pure drift statistics, matching scipy 1.17 and Evidently's (legacy) defaults: two-sample KS,
 * Wasserstein (raw and normalised), chi-squared, Jensen–Shannon, two-proportion z, PSI; the
 * per-feature driver that picks the test as Evidently does; the dataset verdict; and compact
 * JSON reference profiles that can stand in for the reference data. No I/O, no Node
 * built-ins: safe to import from workflow code.
 */

export type {
  NumericInput,
  CategoricalValue,
  CategoricalInput,
  FeatureKind,
  DriftMethod,
  ScoreKind,
  CategoryCounts,
  QuantileBins,
  NumericProfile,
  CategoricalProfile,
  ReferenceProfile,
  FeatureDriftOverride,
  FeatureDriftInput,
  SideSummary,
  UnseenCategories,
  FeatureDriftResult,
  DatasetDriftResult,
  DriftReport,
} from './types';
export { ksTwoSample, ksSorted, ksStatisticSorted, ksPValue, type KsMethod, type KsResult } from './ks';
export { kolmogorovSf } from './kolmogorov';
export { smirnovSf } from './smirnov';
export { wassersteinDistance, wassersteinSorted, normalizedWasserstein, WASSERSTEIN_MIN_NORM } from './wasserstein';
export { chiSquaredTest, type ChiSquaredResult } from './chi-squared';
export { jensenShannonDistance } from './jensen-shannon';
export { twoProportionZTest, type ZTestResult } from './z-test';
export { psi, psiFromCounts, PSI_DEFAULT_BINS } from './psi';
export type { CountsLike } from './counts';
export { chiSquaredSf, normalSf, gammaP, gammaQ, logGamma, erfc } from './special-functions';
export { sturgesEdges, quantileEdges, fillZeroProportions } from './binning';
export { quantileSorted } from './numeric-sample';
export { buildNumericProfile, buildCategoricalProfile, DEFAULT_PROFILE_SAMPLE, DEFAULT_MAX_CATEGORIES } from './profile';
export { chooseMethod, isDrift, DEFAULT_THRESHOLDS, SMALL_REFERENCE_ROWS } from './method-choice';
export { featureDrift } from './feature-drift';
export { datasetDrift, driftReport, DEFAULT_DRIFT_SHARE } from './dataset-drift';
export * from './schemas';
