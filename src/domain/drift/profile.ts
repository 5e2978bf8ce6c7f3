/**
 * Reference profiles: what a model version keeps of its training data so drift can be
 * tested later without the data. Design choice: KS and Wasserstein need the reference's
 * empirical distribution, so a numeric profile keeps every finite value up to `maxSample`
 * (5,000 by default — results then equal the raw-data tests exactly, which covers Evidently's
 * whole KS regime of <= 1,000 rows) and above that `maxSample` equal-mass quantile points,
 * whose ECDF is within 1/maxSample of the full one. Counts, std, distinct values, PSI bins and
 * small value tables are computed on the full data, so they stay exact. Everything is plain
 * JSON (≈ 20 bytes per sample point).
 */

import { quantileBinCountsSorted, quantileEdges } from './binning';
import { cleanNumeric, countDistinctSorted, equalMassPoints, meanAndStd, quantileSorted, valueCountsSorted } from './numeric-sample';
import { PSI_DEFAULT_BINS } from './psi';
import type { CategoricalInput, CategoricalProfile, CategoricalValue, NumericInput, NumericProfile } from './types';

export const DEFAULT_PROFILE_SAMPLE = 5_000;
/** Numeric columns with at most this many distinct values keep an exact value table. */
export const DISCRETE_VALUE_CAP = 50;
export const DEFAULT_MAX_CATEGORIES = 1_000;

export interface NumericProfileOptions {
  /** Largest number of sample points kept (default 5,000). */
  maxSample?: number;
  /** A Float64Array's NaN means a missing value (columnar frames), not an invalid one. */
  nanIsNull?: boolean;
}

export function buildNumericProfile(values: NumericInput, options: NumericProfileOptions = {}): NumericProfile {
  const maxSample = Math.max(2, Math.floor(options.maxSample ?? DEFAULT_PROFILE_SAMPLE));
  const { rows, nullCount, invalidCount, sorted } = cleanNumeric(values, { nanIsNull: options.nanIsNull ?? false });
  const count = sorted.length;
  const empty = count === 0;
  const { mean, std } = meanAndStd(sorted);
  const quantiles: number[] = [];
  if (!empty) for (let i = 0; i <= 100; i++) quantiles.push(quantileSorted(sorted, i * 0.01));
  const edges = empty ? [] : quantileEdges(sorted, PSI_DEFAULT_BINS);
  const valueCounts = valueCountsSorted(sorted, DISCRETE_VALUE_CAP);
  return {
    kind: 'numeric',
    version: 1,
    rows,
    nullCount,
    invalidCount,
    count,
    min: empty ? null : sorted[0]!,
    max: empty ? null : sorted[count - 1]!,
    mean: empty ? null : mean,
    std: empty ? null : std,
    distinct: countDistinctSorted(sorted),
    quantiles,
    histogram: { edges, counts: empty ? [] : quantileBinCountsSorted(sorted, edges) },
    valueCounts: valueCounts ? [...valueCounts.entries()] : null,
    sample: Array.from(equalMassPoints(sorted, maxSample)),
    sampleExact: count <= maxSample,
  };
}

/** Category key of a value, or null when missing (null, undefined, NaN). */
export function categoryKey(value: CategoricalValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  return String(value);
}

export interface CleanCategorical {
  rows: number;
  nullCount: number;
  counts: Map<string, number>;
}

export function cleanCategorical(values: CategoricalInput): CleanCategorical {
  const counts = new Map<string, number>();
  let nullCount = 0;
  for (const v of values) {
    const key = categoryKey(v);
    if (key === null) nullCount++;
    else counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { rows: values.length, nullCount, counts };
}

export interface CategoricalProfileOptions {
  /** Most categories kept by name (default 1,000); the rest are pooled into `otherCount`. */
  maxCategories?: number;
}

export function buildCategoricalProfile(
  values: CategoricalInput,
  options: CategoricalProfileOptions = {},
): CategoricalProfile {
  const maxCategories = Math.max(1, Math.floor(options.maxCategories ?? DEFAULT_MAX_CATEGORIES));
  const { rows, nullCount, counts } = cleanCategorical(values);
  const ordered = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ordered.slice(0, maxCategories);
  let otherCount = 0;
  for (const [, c] of ordered.slice(maxCategories)) otherCount += c;
  return {
    kind: 'categorical',
    version: 1,
    rows,
    nullCount,
    count: rows - nullCount,
    distinct: counts.size,
    counts: Object.fromEntries(kept),
    otherCount,
  };
}
