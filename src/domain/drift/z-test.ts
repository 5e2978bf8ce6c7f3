/** Two-proportion z-test, as Evidently's `z` stat test (pooled variance, two-sided). */

import { normalSf } from './special-functions';

export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Compare the share of "successes" in reference and current.
 * p = 2·(1 − Φ(|z|)); we evaluate the tail with erfc, so tiny p-values stay exact where
 * Evidently's `1 − norm.cdf` rounds them to 0. When the pooled share is 0 or 1 both sides
 * are identical and the p-value is 1 (Evidently's special case for one shared value).
 */
export function twoProportionZTest(
  referenceSuccesses: number,
  referenceTotal: number,
  currentSuccesses: number,
  currentTotal: number,
): ZTestResult {
  if (!(referenceTotal > 0) || !(currentTotal > 0)) throw new RangeError('twoProportionZTest needs non-empty samples');
  const p1 = referenceSuccesses / referenceTotal;
  const p2 = currentSuccesses / currentTotal;
  const pooled = (p1 * referenceTotal + p2 * currentTotal) / (referenceTotal + currentTotal);
  const variance = pooled * (1 - pooled) * (1 / referenceTotal + 1 / currentTotal);
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
