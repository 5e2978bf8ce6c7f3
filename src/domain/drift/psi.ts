/**
 * Population Stability Index: Σ (ref − cur) · ln(ref / cur) over bins. Numeric bins are the
 * reference's quantiles (deciles by default) so they can be computed once and cached in a
 * profile; categorical bins are the union of categories. Empty bins are filled as Evidently
 * does (see `fillZeroProportions`). Drift when PSI >= 0.1 (Evidently's default threshold).
 *
 * Deliberate difference from Evidently: for numeric columns Evidently bins PSI on a Sturges
 * histogram of reference and current together; quantile bins of the reference are the
 * textbook PSI and do not need the reference sample at test time.
 */

import { fillZeroProportions, quantileBinCounts, quantileBinCountsSorted, quantileEdges } from './binning';
import { alignCounts, sum, type CountsLike } from './counts';
import { cleanNumeric, sortedFinite } from './numeric-sample';
import type { NumericInput } from './types';

export const PSI_DEFAULT_BINS = 10;

/** PSI of two count (or proportion) vectors over the same bins. */
export function psiFromCounts(referenceCounts: CountsLike, currentCounts: CountsLike): number {
  const aligned = alignCounts(referenceCounts, currentCounts);
  const refTotal = sum(aligned.reference);
  const curTotal = sum(aligned.current);
  if (!(refTotal > 0) || !(curTotal > 0)) throw new RangeError('psi needs non-empty counts on both sides');
  const ref = fillZeroProportions(aligned.reference.map((c) => c / refTotal));
  const cur = fillZeroProportions(aligned.current.map((c) => c / curTotal));
  let total = 0;
  for (let i = 0; i < ref.length; i++) total += (ref[i]! - cur[i]!) * Math.log(ref[i]! / cur[i]!);
  return total;
}

/** PSI of a numeric column, binned on the reference's quantiles (non-finite values dropped). */
export function psi(reference: NumericInput, current: NumericInput, bins = PSI_DEFAULT_BINS): number {
  const ref = sortedFinite(reference);
  // Only the reference needs sorting (for its quantiles); current values are binned directly.
  const cur = current instanceof Float64Array ? current : cleanNumeric(current).sorted;
  if (ref.length === 0) throw new RangeError('psi needs a non-empty reference');
  const edges = quantileEdges(ref, bins);
  return psiFromCounts(quantileBinCountsSorted(ref, edges), quantileBinCounts(cur, edges));
}
