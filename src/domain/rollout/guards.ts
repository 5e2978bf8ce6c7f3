import type { Guards, ShadowPolicy } from './strategy';
import { errorRate, totalVariationDistance, type VersionWindowStats } from './stats';
import { chiSquaredSf } from '../drift/special-functions';
import { ksTwoSample } from '../drift/ks';

/** The prediction-shift guard trips only on a difference this unlikely under "same distribution". */
const SHIFT_SIGNIFICANCE = 0.01;

/** p-value of the chi-squared test of homogeneity of two label-count tables (1 when there is nothing to compare). */
export function homogeneityPValue(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): number {
  const labels = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((l) => (a[l] ?? 0) + (b[l] ?? 0) > 0);
  const na = labels.reduce((n, l) => n + (a[l] ?? 0), 0);
  const nb = labels.reduce((n, l) => n + (b[l] ?? 0), 0);
  if (labels.length < 2 || na === 0 || nb === 0) return 1;
  let statistic = 0;
  for (const l of labels) {
    const column = (a[l] ?? 0) + (b[l] ?? 0);
    const expectedA = (na * column) / (na + nb);
    const expectedB = (nb * column) / (na + nb);
    statistic += ((a[l] ?? 0) - expectedA) ** 2 / expectedA + ((b[l] ?? 0) - expectedB) ** 2 / expectedB;
  }
  return chiSquaredSf(statistic, labels.length - 1);
}

/** Pure comparison of a candidate with the stable version over one window of live traffic. */

export type GuardName = 'traffic' | 'error-rate' | 'latency-p99' | 'prediction-shift' | 'agreement';

export interface GuardCheck {
  readonly name: GuardName;
  readonly passed: boolean;
  /** Human-readable: what was compared with what. */
  readonly detail: string;
}

export interface StatsSummary {
  readonly version: number;
  readonly requests: number;
  readonly errorRate: number;
  readonly p99Ms: number | null;
  readonly labels: Readonly<Record<string, number>>;
}

/** `insufficient`: the candidate has not served enough requests yet to be judged. */
export type GuardVerdict = 'pass' | 'fail' | 'insufficient';

export interface GuardReport {
  readonly verdict: GuardVerdict;
  readonly checks: readonly GuardCheck[];
  readonly baseline: StatsSummary;
  readonly candidate: StatsSummary;
}

const summary = (s: VersionWindowStats): StatsSummary => ({ version: s.version, requests: s.requests, errorRate: errorRate(s), p99Ms: s.latencyMs?.p99 ?? null, labels: s.labels });
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/**
 * Guards on errors, latency and prediction distribution. Latency and distribution need a baseline with
 * `minRequests` of its own; without one (e.g. the stable version got no traffic) they are skipped and the
 * error rate is judged against zero.
 */
export function evaluateGuards(baseline: VersionWindowStats, candidate: VersionWindowStats, guards: Guards): GuardReport {
  const report = (verdict: GuardVerdict, checks: GuardCheck[]): GuardReport => ({ verdict, checks, baseline: summary(baseline), candidate: summary(candidate) });
  if (candidate.requests < guards.minRequests) {
    return report('insufficient', [{ name: 'traffic', passed: false, detail: `candidate served ${candidate.requests} requests, needs ${guards.minRequests}` }]);
  }
  const hasBaseline = baseline.requests >= guards.minRequests;
  const checks: GuardCheck[] = [];
  const baseErrors = hasBaseline ? errorRate(baseline) : 0;
  const candErrors = errorRate(candidate);
  checks.push({
    name: 'error-rate',
    passed: candErrors <= baseErrors + guards.maxErrorRateIncrease,
    detail: `error rate ${pct(candErrors)} vs ${hasBaseline ? `stable ${pct(baseErrors)}` : 'no baseline (0 %)'} (allowed increase ${pct(guards.maxErrorRateIncrease)})`,
  });
  if (!hasBaseline) {
    const skipped = `skipped: stable served ${baseline.requests} requests in the window, needs ${guards.minRequests}`;
    checks.push({ name: 'latency-p99', passed: true, detail: skipped }, { name: 'prediction-shift', passed: true, detail: skipped });
  } else {
    const candP99 = candidate.latencyMs?.p99 ?? 0;
    const baseP99 = baseline.latencyMs?.p99 ?? 0;
    checks.push({
      name: 'latency-p99',
      passed: candP99 <= baseP99 + guards.maxP99LatencyIncreaseMs,
      detail: `p99 ${candP99.toFixed(2)} ms vs stable ${baseP99.toFixed(2)} ms (allowed increase ${guards.maxP99LatencyIncreaseMs} ms)`,
    });
    if (candidate.values && baseline.values) {
      checks.push(valueShiftCheck(baseline.values, candidate.values, guards));
      return report(checks.every((c) => c.passed) ? 'pass' : 'fail', checks);
    }
    const shift = totalVariationDistance(candidate.labels, baseline.labels);
    // A shift past the limit counts only when the two samples really differ: with ~100 canary requests, two
    // draws from one distribution often differ by 0.2 in total variation by chance alone.
    const p = homogeneityPValue(candidate.labels, baseline.labels);
    const significant = p < SHIFT_SIGNIFICANCE;
    const past = `differs by ${shift.toFixed(3)} (total variation) from stable (allowed ${guards.maxPredictionShift})`;
    checks.push({
      name: 'prediction-shift',
      passed: shift <= guards.maxPredictionShift || !significant,
      detail: `predicted-label distribution ${past}${shift > guards.maxPredictionShift ? `, ${significant ? '' : 'not '}significant (chi-squared p = ${p.toPrecision(2)})` : ''}`,
    });
  }
  return report(checks.every((c) => c.passed) ? 'pass' : 'fail', checks);
}

/**
 * Regression models: the two-sample Kolmogorov–Smirnov test on predicted values. The statistic D (largest gap
 * between the two empirical distributions, 0..1) plays total variation's part: past `maxPredictionShift` and
 * significant (p < 0.01), it trips.
 */
function valueShiftCheck(baseline: readonly number[], candidate: readonly number[], guards: Guards): GuardCheck {
  if (!baseline.length || !candidate.length) {
    return { name: 'prediction-shift', passed: true, detail: 'no predicted values to compare' };
  }
  const { statistic, pValue } = ksTwoSample(Float64Array.from(candidate), Float64Array.from(baseline));
  const significant = pValue < SHIFT_SIGNIFICANCE;
  const past = statistic > guards.maxPredictionShift;
  const tail = past ? `, ${significant ? '' : 'not '}significant (p = ${pValue.toPrecision(2)})` : '';
  return {
    name: 'prediction-shift',
    passed: !past || !significant,
    detail:
      `predicted values differ by KS D = ${statistic.toFixed(3)} from stable ` +
      `(allowed ${guards.maxPredictionShift})${tail}`,
  };
}

export interface ShadowReport {
  readonly agreement: number | null;
  readonly compared: number;
  readonly agreed: number;
  readonly guards: GuardReport;
  /**
   * promote: agreement reached and the operational guards (errors, latency) pass; low-agreement: they pass but
   * agreement is below the minimum; fail: an operational guard tripped; insufficient: too few requests.
   */
  readonly verdict: 'promote' | 'low-agreement' | 'fail' | 'insufficient';
}

/**
 * The agreement report ending a shadow rollout: how often the candidate's label matched the stable answer
 * on the same rows. Agreement is the quality judgment here, so the prediction-shift check is reported but
 * does not decide; errors and latency still trip.
 */
export function shadowReport(baseline: VersionWindowStats, shadow: VersionWindowStats, guards: Guards, policy: ShadowPolicy): ShadowReport {
  const compared = shadow.agreement?.compared ?? 0;
  const agreed = shadow.agreement?.agreed ?? 0;
  const agreement = compared === 0 ? null : agreed / compared;
  const checked = evaluateGuards(baseline, shadow, guards);
  const agreementCheck: GuardCheck = {
    name: 'agreement',
    passed: agreement !== null && agreement >= policy.minAgreement,
    detail: agreement === null ? 'no rows compared' : `agreed with stable on ${agreed}/${compared} rows (${pct(agreement)}; minimum ${pct(policy.minAgreement)})`,
  };
  const operationalFailure = checked.checks.some((c) => !c.passed && c.name !== 'prediction-shift');
  const verdict = checked.verdict === 'insufficient' ? 'insufficient' : operationalFailure ? 'fail' : agreementCheck.passed ? 'promote' : 'low-agreement';
  const report: GuardReport = { ...checked, verdict: verdict === 'insufficient' ? 'insufficient' : verdict === 'fail' ? 'fail' : 'pass', checks: [...checked.checks, agreementCheck] };
  return { agreement, compared, agreed, guards: report, verdict };
}
