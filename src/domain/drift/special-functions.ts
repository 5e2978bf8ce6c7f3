/**
 * Special functions behind the p-values: log-gamma, the regularized incomplete gamma
 * functions (chi-squared and normal tails) and `ldexp`. Pure double-precision code.
 */

const LN_SQRT_2PI = 0.9189385332046728;
const MAX_ITERATIONS = 100_000;
const EPS = 1e-16;
const FP_MIN = 1e-300;

/**
 * ln Γ(x) for x > 0. Below 15 the argument is shifted up with the recurrence, so the
 * Stirling series is only used where six correction terms reach full double precision.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Infinity) return Infinity;
  let shift = 0;
  let product = 1;
  let z = x;
  while (z < 15) {
    product *= z;
    z += 1;
    shift += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  // Bernoulli-number corrections B2k / (2k (2k-1) z^(2k-1)).
  const series =
    inv *
    (1 / 12 +
      inv2 * (-1 / 360 + inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360))))));
  const stirling = (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + series;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

/** log of x^a e^-x / Γ(a): the common prefactor of both incomplete-gamma expansions. */
function logGammaPrefactor(a: number, x: number): number {
  return -x + a * Math.log(x) - logGamma(a);
}

/** Series for P(a, x), good for x < a + 1 (Numerical Recipes `gser`). */
function gammaPSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logGammaPrefactor(a, x));
}

/** Continued fraction for Q(a, x), good for x >= a + 1 (modified Lentz, NR `gcf`). */
function gammaQContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FP_MIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FP_MIN) d = FP_MIN;
    c = b + an / c;
    if (Math.abs(c) < FP_MIN) c = FP_MIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logGammaPrefactor(a, x)) * h;
}

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return Number.NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaPSeries(a, x) : 1 - gammaQContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed directly in the tail. */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

/** Survival function of the chi-squared distribution (scipy.stats.chi2.sf). */
export function chiSquaredSf(x: number, degreesOfFreedom: number): number {
  if (Number.isNaN(x) || !(degreesOfFreedom > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(degreesOfFreedom / 2, x / 2);
}

/** erfc(x), through erfc(x) = Q(1/2, x²) so the tail keeps its relative precision. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  return gammaQ(0.5, x * x);
}

/** Upper tail of the standard normal distribution (scipy.stats.norm.sf). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** x · 2^e without overflowing the intermediate power (C's `ldexp`). */
export function ldexp(x: number, e: number): number {
  let r = x;
  let rest = e;
  while (rest > 1000) {
    r *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    r *= 2 ** -1000;
    rest += 1000;
  }
  return r * 2 ** rest;
}

/** numpy's `round` (round half to even), which scipy applies to the effective sample size. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
