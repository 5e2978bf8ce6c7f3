import {
  bucketOf,
  counterRoutesToCandidate,
  deploymentSpecSchema,
  evaluateGuards,
  guardsSchema,
  homogeneityPValue,
  modelSpecSchema,
  previousProductionVersion,
  shadowReport,
  shadowSchema,
  totalVariationDistance,
  type VersionWindowStats,
} from '../../src/domain';
import { weatherSpec } from '../support/specs';

const guards = guardsSchema.parse({ minRequests: 10 });
const stats = (over: Partial<VersionWindowStats> = {}): VersionWindowStats => ({
  version: 1,
  role: 'primary',
  requests: 100,
  errors: 0,
  rejected: 0,
  latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 },
  rows: 100,
  labels: { sun: 60, rain: 40 },
  ...over,
});

describe('deployment spec', () => {
  test('defaults to direct so existing specs keep working', () => {
    const spec = modelSpecSchema.parse(weatherSpec());
    expect(spec.deployment.strategy).toBe('direct');
    expect(spec.deployment.canary).toEqual({ steps: [10, 50, 100], bake: '5m' });
    expect(spec.deployment.guards.maxPredictionShift).toBe(0.2);
  });

  test('canary steps must increase and end at 100; durations are checked', () => {
    const problems = (raw: unknown) => {
      const r = deploymentSpecSchema.safeParse(raw);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ strategy: 'canary', canary: { steps: [50, 10, 100] } })).toEqual(['canary.steps: steps must increase']);
    expect(problems({ strategy: 'canary', canary: { steps: [10, 50] } })).toEqual(['canary.steps: the last step must be 100']);
    expect(problems({ strategy: 'shadow', shadow: { duration: 'soon' } })[0]).toMatch(/^shadow.duration: a duration/);
    expect(problems({ strategy: 'blue-green' })[0]).toMatch(/^strategy/);
  });
});

describe('guards', () => {
  test('an identical candidate passes every guard', () => {
    const r = evaluateGuards(stats(), stats({ version: 2, role: 'canary' }), guards);
    expect(r.verdict).toBe('pass');
    expect(r.checks.map((c) => c.name)).toEqual(['error-rate', 'latency-p99', 'prediction-shift']);
  });

  test('too little candidate traffic is insufficient, not a pass', () => {
    const r = evaluateGuards(stats(), stats({ version: 2, requests: 9 }), guards);
    expect(r.verdict).toBe('insufficient');
    expect(r.checks[0]?.detail).toBe('candidate served 9 requests, needs 10');
  });

  test('errors (5xx and refused requests), slow responses and a shifted label distribution each trip', () => {
    const failing = (over: Partial<VersionWindowStats>) => evaluateGuards(stats(), stats({ version: 2, ...over }), guards).checks.filter((c) => !c.passed).map((c) => c.name);
    expect(failing({ errors: 1, rejected: 1 })).toEqual(['error-rate']);
    expect(failing({ latencyMs: { p50: 10, p90: 50, p99: 60, max: 70 } })).toEqual(['latency-p99']);
    expect(failing({ labels: { fog: 70, drizzle: 30 } })).toEqual(['prediction-shift']);
    expect(failing({ labels: { sun: 75, rain: 25 } })).toEqual([]); // shift 0.15 ≤ 0.2
  });

  test('without a stable baseline only the error rate is judged, against zero', () => {
    const r = evaluateGuards(stats({ requests: 0, labels: {} }), stats({ version: 2, errors: 5, labels: { fog: 1 } }), guards);
    expect(r.verdict).toBe('fail');
    expect(r.checks.map((c) => [c.name, c.passed])).toEqual([['error-rate', false], ['latency-p99', true], ['prediction-shift', true]]);
    expect(r.checks[1]?.detail).toMatch(/^skipped/);
  });

  test('total variation distance', () => {
    expect(totalVariationDistance({ a: 1, b: 1 }, { a: 2, b: 2 })).toBe(0);
    expect(totalVariationDistance({ a: 1 }, { b: 5 })).toBe(1);
    expect(totalVariationDistance({ a: 3, b: 1 }, { a: 1, b: 1 })).toBeCloseTo(0.25);
    expect(totalVariationDistance({}, {})).toBe(0);
  });
});

describe('shadow agreement report', () => {
  const policy = shadowSchema.parse({ minAgreement: 0.9 });
  const shadow = (agreed: number, over: Partial<VersionWindowStats> = {}) => stats({ version: 2, role: 'shadow', agreement: { compared: 100, agreed }, ...over });

  test('agreement decides; the label shift is reported but does not', () => {
    expect(shadowReport(stats(), shadow(95), guards, policy)).toMatchObject({ verdict: 'promote', agreement: 0.95 });
    const low = shadowReport(stats(), shadow(20, { labels: { fog: 100 } }), guards, policy);
    expect(low.verdict).toBe('low-agreement');
    expect(low.guards.checks.find((c) => c.name === 'prediction-shift')?.passed).toBe(false);
  });

  test('operational guards still trip', () => {
    expect(shadowReport(stats(), shadow(100, { errors: 10 }), guards, policy).verdict).toBe('fail');
    expect(shadowReport(stats(), shadow(5, { requests: 3 }), guards, policy).verdict).toBe('insufficient');
  });
});

describe('canary routing', () => {
  test('a counter sends exactly percent of every 100 requests to the candidate, evenly spread', () => {
    for (const percent of [0, 1, 10, 33, 50, 99, 100]) {
      const hits = Array.from({ length: 300 }, (_, n) => counterRoutesToCandidate(n, percent)).filter(Boolean).length;
      expect(hits).toBe(3 * percent);
    }
    expect(Array.from({ length: 20 }, (_, n) => counterRoutesToCandidate(n, 10))).toEqual(Array.from({ length: 20 }, (_, n) => n % 10 === 9));
  });

  test('request ids hash to stable buckets spread over 0..99', () => {
    expect(bucketOf('abc')).toBe(bucketOf('abc'));
    const buckets = Array.from({ length: 10_000 }, (_, i) => bucketOf(`request-${i}`));
    expect(Math.min(...buckets)).toBe(0);
    expect(Math.max(...buckets)).toBe(99);
    const share = buckets.filter((b) => b < 10).length / buckets.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });
});

test('rollback target: the newest earlier version that was in production', () => {
  const history = [
    { fromVersion: null, toVersion: 1 },
    { fromVersion: 1, toVersion: 2 },
    { fromVersion: 2, toVersion: 4 },
  ];
  expect(previousProductionVersion(history, 4)).toBe(2); // v3 never reached production
  expect(previousProductionVersion(history, 2)).toBe(1);
  expect(previousProductionVersion(history, 1)).toBeNull();
});

test('prediction-shift trips only on a significant difference: sampling noise of a small canary passes', () => {
  // scipy.stats.chi2_contingency([[10, 20], [20, 10]], correction=False) → statistic 6.667, p 0.00982
  expect(homogeneityPValue({ sun: 10, rain: 20 }, { sun: 20, rain: 10 })).toBeCloseTo(0.00982, 4);
  expect(homogeneityPValue({ sun: 5 }, { sun: 50 })).toBe(1);
  // The demo's case: 102 canary vs 921 stable requests, total variation just past 0.2, not significant.
  const noisy = homogeneityPValue({ sun: 40, rain: 40, fog: 12, drizzle: 6, snow: 4 }, { sun: 510, rain: 300, fog: 60, drizzle: 36, snow: 15 });
  expect(noisy).toBeGreaterThan(0.01);
  expect(homogeneityPValue({ sun: 90, rain: 10 }, { sun: 100, rain: 800 })).toBeLessThan(1e-6);
});
