/** Reference profiles: JSON round trip, exact equivalence for small data, bounded error when compressed. */

import {
  buildCategoricalProfile,
  buildNumericProfile,
  featureDrift,
  ksTwoSample,
  numericProfileSchema,
  psi,
  referenceProfileSchema,
  type DriftMethod,
  type ReferenceProfile,
} from '../../../src/domain/drift';
import { generate } from './fixture-data';

const normal = (seed: number, n: number, loc = 0, scale = 1) => generate({ seed, n, gen: 'irwin-hall', loc, scale });
const ints = (seed: number, n: number, values: number) =>
  generate({ seed, n, gen: 'uniform', loc: 0, scale: values, quantum: 1 });

/** Profiles are stored as JSON: always test the round-tripped, schema-validated form. */
function stored(profile: ReferenceProfile): ReferenceProfile {
  return referenceProfileSchema.parse(JSON.parse(JSON.stringify(profile)));
}

describe('buildNumericProfile', () => {
  it('summarises the column and survives JSON + schema validation', () => {
    const values = [3, 1, null, 2, NaN, 5, Infinity, 4];
    const p = buildNumericProfile(values);
    expect(p).toMatchObject({ rows: 8, nullCount: 1, invalidCount: 2, count: 5, min: 1, max: 5, mean: 3, distinct: 5, sampleExact: true });
    expect(p.std).toBeCloseTo(Math.sqrt(2), 15);
    expect(p.sample).toEqual([1, 2, 3, 4, 5]);
    expect(p.quantiles).toHaveLength(101);
    expect(p.quantiles[50]).toBe(3);
    expect(p.valueCounts).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(numericProfileSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('an empty column gives an empty, valid profile', () => {
    const p = buildNumericProfile([null, NaN]);
    expect(p).toMatchObject({ count: 0, min: null, std: null, quantiles: [], sample: [], sampleExact: true });
    expect(numericProfileSchema.safeParse(p).success).toBe(true);
    expect(featureDrift({ kind: 'numeric', reference: p, current: [1, 2] })).toMatchObject({ judged: false });
  });

  it('keeps value tables only for few distinct values', () => {
    expect(buildNumericProfile(ints(1, 1000, 50)).valueCounts).toHaveLength(50);
    expect(buildNumericProfile(normal(2, 1000)).valueCounts).toBeNull();
  });

  it('compresses to equal-mass points above maxSample (≈20 bytes a point)', () => {
    const p = buildNumericProfile(normal(3, 100_000));
    expect(p.sample).toHaveLength(5000);
    expect(p.sampleExact).toBe(false);
    expect(p.count).toBe(100_000);
    expect(JSON.stringify(p).length).toBeLessThan(5000 * 24 + 4000);
    expect(buildNumericProfile(normal(3, 100_000), { maxSample: 500 }).sample).toHaveLength(500);
  });
});

describe('a profile as the reference', () => {
  const methods: DriftMethod[] = ['ks', 'wasserstein', 'chisquare', 'jensenshannon', 'ztest', 'psi'];

  it.each([
    ['continuous, small', normal(10, 800), normal(11, 700, 0.1)],
    ['continuous, 5000 rows', normal(12, 5000), normal(13, 3000, 0, 1.1)],
    ['discrete', ints(14, 3000, 4), ints(15, 2000, 5)],
  ])('%s: identical to the raw reference for every method (exact sample)', (_name, reference, current) => {
    const profile = stored(buildNumericProfile(reference));
    for (const method of [undefined, ...methods]) {
      const override = method ? { method } : undefined;
      const raw = featureDrift({ kind: 'numeric', reference, current, override });
      const viaProfile = featureDrift({ kind: 'numeric', reference: profile, current, override });
      expect(viaProfile).toEqual(raw);
    }
  });

  it('compressed (100k rows → 5000 points): KS within 1/5000, p-value uses the true size, PSI exact', () => {
    const reference = normal(20, 100_000);
    const current = normal(21, 50_000, 0.02);
    const profile = stored(buildNumericProfile(reference));
    const raw = ksTwoSample(reference, current);
    const ks = featureDrift({ kind: 'numeric', reference: profile, current, override: { method: 'ks' } });
    expect(Math.abs(ks.statistic! - raw.statistic)).toBeLessThanOrEqual(1 / 5000 + 1e-12);
    expect(ks.score!).toBeGreaterThan(raw.pValue / 10);
    expect(ks.score!).toBeLessThan(raw.pValue * 10);
    expect(ks.notes.join(' ')).toMatch(/compressed profile/);

    const w = featureDrift({ kind: 'numeric', reference: profile, current });
    const wRaw = featureDrift({ kind: 'numeric', reference, current });
    expect(w.method).toBe('wasserstein');
    expect(Math.abs(w.score! - wRaw.score!)).toBeLessThan(0.005);

    const p = featureDrift({ kind: 'numeric', reference: profile, current, override: { method: 'psi' } });
    expect(p.score).toBeCloseTo(psi(reference, current), 14);
  });

  it('a profile of the wrong kind is not judged', () => {
    const r = featureDrift({ kind: 'categorical', reference: buildNumericProfile([1, 2, 3]), current: ['a'] });
    expect(r).toMatchObject({ judged: false });
    expect(r.reason).toMatch(/numeric profile/);
  });
});

describe('buildCategoricalProfile', () => {
  const values = ['a', 'b', 'a', null, 'c', 'a', 'b', undefined];

  it('counts categories and missing values', () => {
    const p = buildCategoricalProfile(values);
    expect(p).toEqual({ kind: 'categorical', version: 1, rows: 8, nullCount: 2, count: 6, distinct: 3, counts: { a: 3, b: 2, c: 1 }, otherCount: 0 });
    expect(stored(p)).toEqual(p);
  });

  it('as the reference it equals the raw column', () => {
    const current = ['a', 'c', 'c', 'd', null];
    for (const method of [undefined, 'chisquare', 'jensenshannon', 'ztest', 'psi'] as const) {
      const override = method ? { method } : undefined;
      expect(featureDrift({ kind: 'categorical', reference: stored(buildCategoricalProfile(values)), current, override })).toEqual(
        featureDrift({ kind: 'categorical', reference: values, current, override }),
      );
    }
  });

  it('capped: rare categories are pooled, and unseen ones cannot be reported', () => {
    const p = buildCategoricalProfile(values, { maxCategories: 2 });
    expect(p).toMatchObject({ counts: { a: 3, b: 2 }, otherCount: 1, distinct: 3 });
    const r = featureDrift({ kind: 'categorical', reference: p, current: ['a', 'b', 'c', 'z'] });
    expect(r.judged).toBe(true);
    expect(r.unseenCategories).toBeNull();
    expect(r.notes.join(' ')).toMatch(/capped/);
  });
});
