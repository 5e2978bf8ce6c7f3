/**
 * One side of a comparison in the form the tests use, built from raw values or from a
 * stored profile, so featureDrift treats both alike.
 */

import { cleanNumeric, countDistinctSorted, meanAndStd, valueCountsSorted } from './numeric-sample';
import { cleanCategorical, DISCRETE_VALUE_CAP } from './profile';
import type {
  CategoricalInput,
  CategoricalProfile,
  NumericInput,
  NumericProfile,
  QuantileBins,
  ReferenceProfile,
  SideSummary,
} from './types';

export interface PreparedNumeric {
  summary: SideSummary;
  /** Finite values ascending — all of them, or equal-mass points when `exact` is false. */
  sorted: Float64Array;
  exact: boolean;
  /** Number of finite values the side stands for (sorted.length unless compressed). */
  n: number;
  min: number;
  max: number;
  std: number;
  distinct: number;
  /** Exact value → count when known (few distinct values, or an exact sample), else null. */
  valueCounts: Map<number, number> | null;
  /** Exact decile bins from a profile, if any. */
  histogram: QuantileBins | null;
}

export interface PreparedCategorical {
  summary: SideSummary;
  counts: Map<string, number>;
  n: number;
  /** Rows pooled under "other" by a capped profile (0 when exact). */
  otherCount: number;
}

export function isProfile(value: unknown): value is ReferenceProfile {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    ((value as { kind?: unknown }).kind === 'numeric' || (value as { kind?: unknown }).kind === 'categorical')
  );
}

function summary(rows: number, nullCount: number, invalidCount: number, validCount: number): SideSummary {
  return { rows, nullCount, invalidCount, validCount, nullRate: rows > 0 ? nullCount / rows : 0 };
}

export function prepareNumeric(input: NumericInput | NumericProfile): PreparedNumeric {
  if (isProfile(input)) {
    const p = input;
    const sorted = Float64Array.from(p.sample);
    const valueCounts = p.valueCounts ? new Map(p.valueCounts) : null;
    return {
      summary: summary(p.rows, p.nullCount, p.invalidCount, p.count),
      sorted,
      exact: p.sampleExact,
      n: p.count,
      min: p.min ?? Number.NaN,
      max: p.max ?? Number.NaN,
      std: p.std ?? Number.NaN,
      distinct: p.distinct,
      valueCounts: valueCounts ?? (p.sampleExact ? valueCountsSorted(sorted) : null),
      histogram: p.histogram,
    };
  }
  const clean = cleanNumeric(input);
  const { sorted } = clean;
  const n = sorted.length;
  return {
    summary: summary(clean.rows, clean.nullCount, clean.invalidCount, n),
    sorted,
    exact: true,
    n,
    min: n ? sorted[0]! : Number.NaN,
    max: n ? sorted[n - 1]! : Number.NaN,
    std: meanAndStd(sorted).std,
    distinct: countDistinctSorted(sorted),
    // Tables for many distinct values are built lazily by `numericCounts` when a test needs them.
    valueCounts: valueCountsSorted(sorted, DISCRETE_VALUE_CAP),
    histogram: null,
  };
}

/** Exact value counts of a numeric side, or null for a compressed profile with many values. */
export function numericCounts(side: PreparedNumeric): Map<number, number> | null {
  if (side.valueCounts) return side.valueCounts;
  return side.exact ? valueCountsSorted(side.sorted) : null;
}

export function prepareCategorical(input: CategoricalInput | CategoricalProfile): PreparedCategorical {
  if (isProfile(input)) {
    const p = input;
    return {
      summary: summary(p.rows, p.nullCount, 0, p.count),
      counts: new Map(Object.entries(p.counts)),
      n: p.count,
      otherCount: p.otherCount,
    };
  }
  const clean = cleanCategorical(input);
  const n = clean.rows - clean.nullCount;
  return { summary: summary(clean.rows, clean.nullCount, 0, n), counts: clean.counts, n, otherCount: 0 };
}
