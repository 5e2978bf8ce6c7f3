/**
 * Binning numeric samples into proportions: numpy's Sturges histogram over both samples
 * (what Evidently's Jensen–Shannon uses for numeric columns with > 20 reference values) and
 * quantile bins of the reference (what our PSI uses, so the bins can be cached in a profile).
 */

import { quantileSorted } from './numeric-sample';

/** np.histogram_bin_edges(values, bins='sturges') for data with the given min, max and size. */
export function sturgesEdges(min: number, max: number, size: number): number[] {
  let first = min;
  let last = max;
  const ptp = max - min;
  const width = ptp / (Math.log2(size) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i·step + first, with the last edge pinned to `last`.
  const step = (last - first) / bins;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i * step + first);
  edges[bins] = last;
  return edges;
}

/** Index of the first element >= x (side='left') or > x (side='right') in a sorted array. */
export function searchSorted(sorted: Float64Array | ReadonlyArray<number>, x: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (side === 'left' ? v < x : v <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * np.histogram(sample, edges)[0] for an ascending sample: bins are [e_i, e_i+1), the last closed;
 * values outside the edges are not counted.
 */
export function histogramCountsSorted(sorted: Float64Array, edges: ReadonlyArray<number>): number[] {
  const cum = edges.map((e, i) => searchSorted(sorted, e, i === edges.length - 1 ? 'right' : 'left'));
  const counts: number[] = [];
  for (let i = 1; i < cum.length; i++) counts.push(cum[i]! - cum[i - 1]!);
  return counts;
}

/**
 * Interior cut points at the reference's quantiles 1/bins … (bins−1)/bins (numpy 'linear'),
 * de-duplicated so tied quantiles do not make empty bins.
 */
export function quantileEdges(referenceSorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  const step = 1 / bins; // np.linspace(0, 1, bins + 1): i·step, not i / bins
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(referenceSorted, i * step);
    if (edges.length === 0 || q !== edges[edges.length - 1]) edges.push(q);
  }
  return edges;
}

/**
 * Counts per quantile bin: bin i holds edges[i-1] < x <= edges[i] (np.searchsorted side='left'
 * on the edges), with open outer bins — so current values outside the reference range still count.
 */
export function quantileBinCountsSorted(sorted: Float64Array, edges: ReadonlyArray<number>): number[] {
  const counts: number[] = [];
  let previous = 0;
  for (const e of edges) {
    const upTo = searchSorted(sorted, e, 'right');
    counts.push(upTo - previous);
    previous = upTo;
  }
  counts.push(sorted.length - previous);
  return counts;
}

/** The same counts for unsorted values (non-finite values skipped): no sort needed. */
export function quantileBinCounts(values: Float64Array, edges: ReadonlyArray<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[searchSorted(edges, v, 'left')]! += 1;
  }
  return counts;
}

/**
 * Evidently's zero filling before taking logs (`get_binned_data(..., feel_zeroes=True)`):
 * each empty bin gets min(non-zero share)/10⁶ if that minimum is <= 0.0001, else 0.0001.
 */
export function fillZeroProportions(proportions: ReadonlyArray<number>): number[] {
  let minNonZero = Infinity;
  for (const p of proportions) if (p !== 0 && p < minNonZero) minNonZero = p;
  if (minNonZero === Infinity) return [...proportions];
  const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
  return proportions.map((p) => (p === 0 ? fill : p));
}
