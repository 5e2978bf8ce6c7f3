/**
 * Turning raw numeric input into what the tests need: the finite values sorted in a
 * Float64Array, with nulls (null/undefined) and invalid values (NaN, ±Infinity) counted apart.
 */

import type { NumericInput } from './types';

export interface CleanNumeric {
  rows: number;
  nullCount: number;
  invalidCount: number;
  /** Finite values, ascending. */
  sorted: Float64Array;
}

/** Split `values` into sorted finite values and counts of nulls and non-finite numbers. */
export function cleanNumeric(values: NumericInput, options: { nanIsNull?: boolean } = {}): CleanNumeric {
  const rows = values.length;
  const out = new Float64Array(rows);
  let n = 0;
  let nullCount = 0;
  let invalidCount = 0;
  if (values instanceof Float64Array) {
    for (let i = 0; i < rows; i++) {
      const v = values[i]!;
      if (Number.isFinite(v)) out[n++] = v;
      else if (options.nanIsNull && Number.isNaN(v)) nullCount++;
      else invalidCount++;
    }
  } else {
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      if (v === null || v === undefined) nullCount++;
      else if (typeof v === 'number' && Number.isFinite(v)) out[n++] = v;
      else invalidCount++;
    }
  }
  // TypedArray sort is numeric and much faster than Array#sort with a comparator.
  const sorted = out.subarray(0, n).sort();
  return { rows, nullCount, invalidCount, sorted };
}

/** Finite values of any numeric input, sorted ascending (non-finite values and nulls dropped). */
export function sortedFinite(values: NumericInput): Float64Array {
  return cleanNumeric(values).sorted;
}

/** Number of distinct values of a sorted array. */
export function countDistinctSorted(sorted: Float64Array): number {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

/** Distinct values of the union of two sorted arrays (merge walk, no allocation). */
export function countDistinctUnionSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let distinct = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    distinct++;
  }
  return distinct;
}

/** Value → count of a sorted array, or null when it has more than `cap` distinct values. */
export function valueCountsSorted(sorted: Float64Array, cap = Infinity): Map<number, number> | null {
  const counts = new Map<number, number>();
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    if (counts.size >= cap) return null;
    counts.set(v, j - i);
    i = j;
  }
  return counts;
}

/**
 * Quantile of sorted data with numpy's default ('linear') method, written with numpy's own
 * operation order so results are bit-identical to np.quantile.
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const lo = Math.floor(virtual);
  const gamma = virtual - lo;
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const diff = b - a;
  // numpy's _lerp switches to the upper anchor for gamma >= 0.5 to stay monotone.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Mean and population standard deviation (np.std, ddof = 0) with Neumaier-compensated sums. */
export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = compensatedSum(values, (v) => v) / n;
  const variance = compensatedSum(values, (v) => (v - mean) * (v - mean)) / n;
  return { mean, std: Math.sqrt(variance) };
}

function compensatedSum(values: Float64Array, f: (v: number) => number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const x = f(values[i]!);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * `k` equal-mass points of a sorted sample: point i is the mean of the ranks
 * [floor(i·n/k), floor((i+1)·n/k)). Each point stands for n/k observations and lies inside its
 * block, so an ECDF built on the points is within 1/k of the full sample's; using the block mean
 * (not its middle value) also keeps the mean exact, which matters for W1 on heavy tails.
 */
export function equalMassPoints(sorted: Float64Array, k: number): Float64Array {
  const n = sorted.length;
  if (n <= k) return sorted.slice();
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const from = Math.floor((i * n) / k);
    const to = Math.floor(((i + 1) * n) / k);
    let sum = 0;
    for (let r = from; r < to; r++) sum += sorted[r]!;
    // Clamp: rounding must not push a block mean outside its block (keeps the sample sorted).
    out[i] = Math.min(sorted[to - 1]!, Math.max(sorted[from]!, sum / (to - from)));
  }
  return out;
}
