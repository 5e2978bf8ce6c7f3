/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp (scipy 1.17):
 * method 'auto' is exact when max(n1, n2) <= 10,000 and asymptotic (kstwo with
 * n = round(n1·n2/(n1+n2))) above; 'exact' falls back to 'asymp' when the exact computation
 * overflows, as scipy does. Sort-based: O(n log n) for the sort, O(n1 + n2) for the statistic.
 */

import { exactFeasible, exactTwoSampleKs } from './ks-exact';
import { kolmogorovSf } from './kolmogorov';
import { sortedFinite } from './numeric-sample';
import { roundHalfEven } from './special-functions';
import type { NumericInput } from './types';

export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  /** sup |F1 - F2| */
  statistic: number;
  pValue: number;
  /** The method that produced the p-value. */
  method: 'exact' | 'asymp';
}

const MAX_AUTO_N = 10_000;

/** The KS statistic of two ascending samples (ECDFs compared right-continuously, like scipy). */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= v) i++;
    while (j < n2 && b[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    else if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

/**
 * p-value of a KS statistic for sample sizes n1, n2 — separate from the statistic so a
 * compressed reference (equal-mass points standing for n observations) can be tested with
 * its true size.
 */
export function ksPValue(d: number, n1: number, n2: number, method: KsMethod = 'auto'): KsResult {
  let mode: 'exact' | 'asymp';
  if (method === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (method === 'exact') mode = exactFeasible(n1, n2) ? 'exact' : 'asymp';
  else mode = 'asymp';

  if (mode === 'exact') {
    const exact = exactTwoSampleKs(n1, n2, d);
    if (exact.ok) return { statistic: exact.statistic, pValue: exact.pValue, method: 'exact' };
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const pValue = Math.min(1, Math.max(0, kolmogorovSf(roundHalfEven(en), d)));
  return { statistic: d, pValue, method: 'asymp' };
}

/** KS test of two sorted samples, with optional effective sizes for compressed samples. */
export function ksSorted(
  a: Float64Array,
  b: Float64Array,
  options: { method?: KsMethod; n1?: number; n2?: number } = {},
): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const d = ksStatisticSorted(a, b);
  return ksPValue(d, options.n1 ?? a.length, options.n2 ?? b.length, options.method ?? 'auto');
}

/**
 * Two-sided two-sample KS test (scipy.stats.ks_2samp). Non-finite values and nulls are
 * dropped first; throws RangeError if either sample is then empty.
 */
export function ksTwoSample(a: NumericInput, b: NumericInput, options: { method?: KsMethod } = {}): KsResult {
  return ksSorted(sortedFinite(a), sortedFinite(b), options);
}
