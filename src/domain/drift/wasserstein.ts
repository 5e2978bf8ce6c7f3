/**
 * First Wasserstein distance between two 1-D samples (scipy.stats.wasserstein_distance):
 * ∫ |F_u − F_v| over the merged support, by one merge walk of the sorted samples.
 * Evidently's normalised form divides by the reference's population standard deviation.
 */

import { meanAndStd, sortedFinite } from './numeric-sample';
import type { NumericInput } from './types';

/** Evidently's floor for the normaliser: `max(np.std(reference), 0.001)`. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** W1 of two ascending samples of equal-weight points. */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  if (nu === 0 || nv === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let total = 0;
  // Walk the merged support; between consecutive support points both CDFs are constant.
  let x = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    while (i < nu && u[i]! <= x) i++;
    while (j < nv && v[j]! <= x) j++;
    if (i >= nu && j >= nv) break;
    const next = j >= nv || (i < nu && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    total += Math.abs(i / nu - j / nv) * (next - x);
    x = next;
  }
  return total;
}

/** scipy.stats.wasserstein_distance(a, b) on the finite values of a and b. */
export function wassersteinDistance(a: NumericInput, b: NumericInput): number {
  return wassersteinSorted(sortedFinite(a), sortedFinite(b));
}

/**
 * Evidently's normalised Wasserstein distance: W1(ref, cur) / max(std(ref), 0.001).
 * The 0.001 floor (Evidently's) keeps a constant reference from dividing by zero; it is
 * scale-dependent, so a constant reference makes any shift ≥ 0.0001 units count as drift.
 */
export function normalizedWasserstein(reference: NumericInput, current: NumericInput): number {
  const ref = sortedFinite(reference);
  const cur = sortedFinite(current);
  return wassersteinSorted(ref, cur) / Math.max(meanAndStd(ref).std, WASSERSTEIN_MIN_NORM);
}
