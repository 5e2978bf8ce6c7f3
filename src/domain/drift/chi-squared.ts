/**
 * Evidently's chi-squared drift test: the expected current counts are the reference counts
 * scaled to the current total, compared by scipy.stats.chisquare (dof = categories − 1).
 */

import { alignCounts, sum, type CountsLike } from './counts';
import { chiSquaredSf } from './special-functions';

export interface ChiSquaredResult {
  /** Σ (observed − expected)² / expected; Infinity when current has a category reference lacks. */
  statistic: number;
  pValue: number;
  degreesOfFreedom: number;
}

/**
 * Chi-squared goodness of fit of current counts against reference proportions.
 * Categories absent from both sides are ignored. A category seen only in current has
 * expected count 0, so the statistic is Infinity and the p-value 0 — exactly what
 * scipy returns (with a warning) inside Evidently. With a single category scipy gives a NaN
 * p-value; we return 1 (one category cannot change shape).
 */
export function chiSquaredTest(referenceCounts: CountsLike, currentCounts: CountsLike): ChiSquaredResult {
  const aligned = alignCounts(referenceCounts, currentCounts);
  const ref: number[] = [];
  const cur: number[] = [];
  aligned.reference.forEach((r, i) => {
    const c = aligned.current[i]!;
    if (r > 0 || c > 0) {
      ref.push(r);
      cur.push(c);
    }
  });
  const refTotal = sum(ref);
  const curTotal = sum(cur);
  if (refTotal <= 0 || curTotal <= 0) throw new RangeError('chiSquaredTest needs non-empty counts on both sides');
  const degreesOfFreedom = ref.length - 1;
  const kNorm = curTotal / refTotal;
  let statistic = 0;
  for (let i = 0; i < ref.length; i++) {
    const expected = ref[i]! * kNorm;
    const diff = cur[i]! - expected;
    statistic += (diff * diff) / expected;
  }
  if (degreesOfFreedom === 0) return { statistic, pValue: 1, degreesOfFreedom };
  return { statistic, pValue: chiSquaredSf(statistic, degreesOfFreedom), degreesOfFreedom };
}
