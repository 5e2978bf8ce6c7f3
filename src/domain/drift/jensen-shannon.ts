/**
 * Jensen–Shannon distance (scipy.spatial.distance.jensenshannon). Evidently calls it with
 * base=None, i.e. natural logarithms, so the distance lies in [0, √ln 2 ≈ 0.8326].
 */

export function jensenShannonDistance(p: ReadonlyArray<number>, q: ReadonlyArray<number>, base?: number): number {
  if (p.length !== q.length) throw new RangeError('jensenShannonDistance needs vectors of equal length');
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  if (!(sp > 0) || !(sq > 0)) throw new RangeError('jensenShannonDistance needs two non-zero vectors');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2;
    // scipy.special.rel_entr: x·log(x/y), 0 at x = 0.
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(Math.max(0, js) / 2);
}
