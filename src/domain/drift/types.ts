/** Types of the drift statistics, the stored reference profiles and the drift report. */

/** Numeric column values: nulls may be null/undefined; NaN and ±Infinity count as invalid. */
export type NumericInput = Float64Array | ReadonlyArray<number | null | undefined>;

/** A categorical value; null, undefined and NaN are missing. Other values are keyed by String(v). */
export type CategoricalValue = string | number | boolean | null | undefined;
export type CategoricalInput = ReadonlyArray<CategoricalValue>;

export type FeatureKind = 'numeric' | 'categorical';

export type DriftMethod = 'ks' | 'wasserstein' | 'chisquare' | 'jensenshannon' | 'ztest' | 'psi';

/** A p-value drifts when small; a distance drifts when large. */
export type ScoreKind = 'p_value' | 'distance';

/** Category → count. */
export type CategoryCounts = Readonly<Record<string, number>>;

/** Bins on the reference's quantiles: `edges` are the interior cut points, `counts` has edges.length + 1 entries. */
export interface QuantileBins {
  edges: number[];
  counts: number[];
}

/**
 * A compact, JSON-serialisable summary of a numeric reference column, stored with a model
 * version and used later as the reference side of every drift test.
 */
export interface NumericProfile {
  kind: 'numeric';
  version: 1;
  /** All rows, including nulls and invalid values. */
  rows: number;
  nullCount: number;
  /** NaN and ±Infinity. */
  invalidCount: number;
  /** Finite values. */
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation (np.std, ddof = 0), as Evidently's Wasserstein norm uses. */
  std: number | null;
  /** Distinct finite values. */
  distinct: number;
  /** 101 points: the 0th..100th percentiles (numpy 'linear'); empty when count is 0. */
  quantiles: number[];
  /** Decile bins of the reference with exact counts: PSI's default bins. */
  histogram: QuantileBins;
  /** Exact [value, count] pairs when there are at most `DISCRETE_VALUE_CAP` distinct values, else null. */
  valueCounts: Array<[number, number]> | null;
  /** Ascending: every finite value when count <= the sample cap, else equal-mass quantile points. */
  sample: number[];
  /** True when `sample` holds every finite value. */
  sampleExact: boolean;
}

/** A compact summary of a categorical reference column. */
export interface CategoricalProfile {
  kind: 'categorical';
  version: 1;
  rows: number;
  nullCount: number;
  /** Non-missing values. */
  count: number;
  /** Distinct non-missing categories (including those pooled into `otherCount`). */
  distinct: number;
  /** Category → count for the most frequent categories (all of them unless capped). */
  counts: Record<string, number>;
  /** Rows whose category was pooled because the profile was capped; 0 when exact. */
  otherCount: number;
}

export type ReferenceProfile = NumericProfile | CategoricalProfile;

export interface FeatureDriftOverride {
  method?: DriftMethod;
  threshold?: number;
  /** Number of reference-quantile bins for numeric PSI (default 10). */
  psiBins?: number;
}

export interface FeatureDriftInput {
  /** Column name, carried into the report. */
  feature?: string;
  kind: FeatureKind;
  /** Raw values, or a profile built by buildNumericProfile / buildCategoricalProfile. */
  reference: NumericInput | CategoricalInput | ReferenceProfile;
  /** Raw values (a profile works too, with the same caveats when compressed). */
  current: NumericInput | CategoricalInput | ReferenceProfile;
  /** Replace the automatic test and/or its threshold. */
  override?: FeatureDriftOverride;
}

/** Row accounting for one side of a comparison. */
export interface SideSummary {
  rows: number;
  nullCount: number;
  /** NaN / ±Infinity in numeric input (always 0 for categorical). */
  invalidCount: number;
  /** Rows the test used. */
  validCount: number;
  /** nullCount / rows (0 for no rows). */
  nullRate: number;
}

export interface UnseenCategories {
  /** Distinct categories in current that reference never had. */
  count: number;
  /** Current rows carrying them. */
  rows: number;
  /** rows / current valid rows. */
  share: number;
  /** Up to 10 of them, most frequent first. */
  examples: string[];
}

export interface FeatureDriftResult {
  feature: string;
  kind: FeatureKind;
  /** False when no test could be run (empty side, incompatible override…); see `reason`. */
  judged: boolean;
  reason: string | null;
  method: DriftMethod | null;
  methodChoice: 'auto' | 'override';
  /** p-value or distance, per `scoreKind`; null when not judged. */
  score: number | null;
  scoreKind: ScoreKind | null;
  /** The raw test statistic (KS D, chi², z, unnormalised W1…); null when not finite or not judged. */
  statistic: number | null;
  threshold: number | null;
  drifted: boolean;
  reference: SideSummary;
  current: SideSummary;
  /** current.nullRate − reference.nullRate. */
  nullRateChange: number;
  /** Distinct valid values of both sides together (a lower bound when a side is a compressed profile). */
  distinctValues: number;
  /** Categorical only: categories present in current but absent from reference. */
  unseenCategories: UnseenCategories | null;
  /** Caveats, e.g. a compressed reference profile or a capped category list. */
  notes: string[];
}

export interface DatasetDriftResult {
  /** Features a test could judge. */
  judgedCount: number;
  driftedCount: number;
  /** driftedCount / judgedCount (0 when nothing was judged). */
  driftedShare: number;
  shareThreshold: number;
  /** driftedShare >= shareThreshold, with at least one judged feature. */
  datasetDrift: boolean;
  drifted: string[];
  notJudged: Array<{ feature: string; reason: string }>;
}

/** A whole drift report: per-feature results and the dataset verdict. */
export interface DriftReport {
  dataset: DatasetDriftResult;
  features: FeatureDriftResult[];
}
