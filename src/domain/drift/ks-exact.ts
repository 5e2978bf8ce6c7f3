/**
 * Exact null distribution of the two-sample KS statistic (scipy's `_attempt_exact_2kssamp`,
 * two-sided): lattice-path counting after Hodges (1958), with Viehmann's (2021) recursion for
 * the complement so small p-values keep their precision.
 */

import { roundHalfEven } from './special-functions';

/** Pr(D_{n,n} >= h/n) for equal sample sizes, by the alternating binomial sum in Horner form. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n)
 * (scipy's `_compute_outer_prob_inside_method`). O(m · band width) time, O(n) memory.
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

export interface ExactKsResult {
  /** false when the computation left [0, 1] (overflow): scipy then falls back to 'asymp'. */
  ok: boolean;
  /** The statistic snapped to the lattice h / lcm(n1, n2), as scipy reports it. */
  statistic: number;
  pValue: number;
}

/** Two-sided exact p-value of the two-sample KS statistic `d` for sizes n1, n2. */
export function exactTwoSampleKs(n1: number, n2: number, d: number): ExactKsResult {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { ok: true, statistic, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  const ok = Number.isFinite(p) && p >= 0 && p <= 1;
  return { ok, statistic, pValue: p };
}

/** The largest lcm(n1, n2) for which scipy attempts the exact computation (int32 limit). */
export function exactFeasible(n1: number, n2: number): boolean {
  const g = gcd(n1, n2);
  return n1 / g < 2147483647 / (n2 / g);
}
