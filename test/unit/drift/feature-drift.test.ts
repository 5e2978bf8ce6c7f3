/** featureDrift: automatic test choice, overrides, dirty and empty inputs, report fields. */

import {
  chooseMethod,
  featureDrift,
  featureDriftResultSchema,
  type FeatureDriftResult,
} from '../../../src/domain/drift';
import { generate } from './fixture-data';

const normal = (seed: number, n: number, loc = 0, scale = 1) => generate({ seed, n, gen: 'irwin-hall', loc, scale });
const ints = (seed: number, n: number, values: number) =>
  generate({ seed, n, gen: 'uniform', loc: 0, scale: values, quantum: 1 });
const labels = (seed: number, n: number, values: number) => Array.from(ints(seed, n, values), (v) => `c${v}`);

function valid(result: FeatureDriftResult): FeatureDriftResult {
  expect(featureDriftResultSchema.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
  return result;
}

describe('automatic test choice (Evidently defaults)', () => {
  it.each([
    ['numeric', 1000, 6, 'ks'],
    ['numeric', 1001, 6, 'wasserstein'],
    ['numeric', 1000, 5, 'chisquare'],
    ['numeric', 1000, 3, 'chisquare'],
    ['numeric', 1000, 2, 'ztest'],
    ['numeric', 1000, 1, 'ztest'],
    ['numeric', 1001, 5, 'jensenshannon'],
    ['numeric', 5000, 2, 'jensenshannon'],
    ['categorical', 1000, 3, 'chisquare'],
    ['categorical', 1000, 2, 'ztest'],
    ['categorical', 1001, 2, 'jensenshannon'],
    ['categorical', 50000, 40, 'jensenshannon'],
  ] as const)('%s, %d reference rows, %d distinct values → %s', (kind, rows, distinct, method) => {
    expect(chooseMethod(kind, rows, distinct)).toBe(method);
  });

  it('counts distinct values over both sides and valid reference rows only', () => {
    // 998 valid reference rows + 5 NaN: still the small-sample branch; 6 distinct values overall.
    const reference = [...Array.from(ints(1, 998, 3)), NaN, NaN, NaN, NaN, NaN];
    const current = Array.from(ints(2, 500, 6));
    const r = valid(featureDrift({ feature: 'f', kind: 'numeric', reference, current }));
    expect(r.reference).toMatchObject({ rows: 1003, invalidCount: 5, validCount: 998 });
    expect(r.distinctValues).toBe(6);
    expect(r.method).toBe('ks');
    expect(r.methodChoice).toBe('auto');
  });

  it('uses default thresholds and score kinds', () => {
    const ks = featureDrift({ kind: 'numeric', reference: normal(3, 300), current: normal(4, 300, 1) });
    expect(ks).toMatchObject({ method: 'ks', threshold: 0.05, scoreKind: 'p_value', drifted: true });
    const w = featureDrift({ kind: 'numeric', reference: normal(5, 3000), current: normal(6, 3000) });
    expect(w).toMatchObject({ method: 'wasserstein', threshold: 0.1, scoreKind: 'distance', drifted: false });
  });
});

describe('overrides', () => {
  const reference = normal(10, 2000);
  const current = normal(11, 2000, 0.08);

  it('method and threshold', () => {
    const auto = featureDrift({ kind: 'numeric', reference, current });
    expect(auto.method).toBe('wasserstein');
    const ks = valid(featureDrift({ kind: 'numeric', reference, current, override: { method: 'ks', threshold: 0.001 } }));
    expect(ks).toMatchObject({ method: 'ks', methodChoice: 'override', threshold: 0.001 });
    expect(ks.drifted).toBe(ks.score! <= 0.001);
    const psi = valid(featureDrift({ kind: 'numeric', reference, current, override: { method: 'psi' } }));
    expect(psi).toMatchObject({ method: 'psi', threshold: 0.1, scoreKind: 'distance', judged: true });
  });

  it('a threshold alone keeps the automatic test', () => {
    const r = featureDrift({ kind: 'numeric', reference, current, override: { threshold: 0.01 } });
    expect(r).toMatchObject({ method: 'wasserstein', methodChoice: 'auto', threshold: 0.01 });
    expect(r.drifted).toBe(r.score! >= 0.01);
  });

  it('numeric-only tests on categorical data are not judged, without throwing', () => {
    for (const method of ['ks', 'wasserstein'] as const) {
      const r = valid(featureDrift({ kind: 'categorical', reference: ['a', 'b'], current: ['a'], override: { method } }));
      expect(r).toMatchObject({ judged: false, drifted: false, score: null });
      expect(r.reason).toMatch(/numeric/);
    }
  });

  it('every method runs on numeric and (except ks/wasserstein) categorical data', () => {
    const ref = Array.from(ints(12, 400, 4));
    const cur = Array.from(ints(13, 300, 4));
    for (const method of ['ks', 'wasserstein', 'chisquare', 'jensenshannon', 'ztest', 'psi'] as const) {
      expect(valid(featureDrift({ kind: 'numeric', reference: ref, current: cur, override: { method } })).judged).toBe(true);
    }
    for (const method of ['chisquare', 'jensenshannon', 'ztest', 'psi'] as const) {
      const r = featureDrift({ kind: 'categorical', reference: labels(14, 400, 4), current: labels(15, 300, 4), override: { method } });
      expect(valid(r).judged).toBe(true);
    }
  });

  it('a non-finite threshold is refused as not judged', () => {
    const r = featureDrift({ kind: 'numeric', reference: [1, 2, 3], current: [1, 2], override: { threshold: NaN } });
    expect(r).toMatchObject({ judged: false });
  });
});

describe('dirty and empty input', () => {
  it('NaN and ±Infinity are counted as invalid and excluded; nulls are counted as null', () => {
    const clean = featureDrift({ kind: 'numeric', reference: [1, 2, 3, 4, 5, 6, 7], current: [2, 3, 4, 5, 6, 7, 8] });
    const dirty = valid(
      featureDrift({
        kind: 'numeric',
        reference: [1, NaN, 2, 3, Infinity, 4, 5, null, 6, 7],
        current: [2, 3, 4, -Infinity, 5, 6, undefined, 7, 8, null],
      }),
    );
    expect(dirty.reference).toEqual({ rows: 10, nullCount: 1, invalidCount: 2, validCount: 7, nullRate: 0.1 });
    expect(dirty.current).toEqual({ rows: 10, nullCount: 2, invalidCount: 1, validCount: 7, nullRate: 0.2 });
    expect(dirty.nullRateChange).toBeCloseTo(0.1, 12);
    expect(dirty.score).toBe(clean.score);
    expect(dirty.statistic).toBe(clean.statistic);
  });

  it('Float64Array input: NaN is invalid', () => {
    const r = featureDrift({ kind: 'numeric', reference: Float64Array.from([1, NaN, 3, 4, 5, 6, 7]), current: [1, 2, 3, 4, 5, 6] });
    expect(r.reference).toMatchObject({ invalidCount: 1, nullCount: 0, validCount: 6 });
  });

  it.each([
    ['empty reference', [], [1, 2, 3], /reference has no valid values/],
    ['empty current', [1, 2, 3], [], /current has no valid values/],
    ['reference all NaN', [NaN, Infinity, null], [1, 2], /reference has no valid values/],
    ['current all null', [1, 2], [null, null], /current has no valid values/],
  ] as const)('%s → judged: false with a reason', (_name, reference, current, reason) => {
    const r = valid(featureDrift({ feature: 'x', kind: 'numeric', reference: [...reference], current: [...current] }));
    expect(r).toMatchObject({ feature: 'x', judged: false, drifted: false, score: null });
    expect(r.reason).toMatch(reason);
  });

  it('categorical: null, undefined and NaN are missing; empty sides are not judged', () => {
    const r = valid(featureDrift({ kind: 'categorical', reference: ['a', null, 'b', undefined, NaN, 'a'], current: ['a', 'b', 'b', null] }));
    expect(r.reference).toEqual({ rows: 6, nullCount: 3, invalidCount: 0, validCount: 3, nullRate: 0.5 });
    expect(r.current.nullRate).toBe(0.25);
    expect(r.nullRateChange).toBe(-0.25);
    expect(featureDrift({ kind: 'categorical', reference: [null], current: ['a'] })).toMatchObject({ judged: false });
  });

  it('a constant column on both sides does not drift', () => {
    const r = valid(featureDrift({ kind: 'numeric', reference: new Array(50).fill(3), current: new Array(40).fill(3) }));
    expect(r).toMatchObject({ method: 'ztest', judged: true, drifted: false, score: 1 });
    const big = valid(featureDrift({ kind: 'numeric', reference: new Array(5000).fill(3), current: new Array(40).fill(3) }));
    expect(big).toMatchObject({ method: 'jensenshannon', drifted: false, score: 0 });
  });
});

describe('categorical reporting', () => {
  it('reports unseen categories, most frequent first', () => {
    const reference = [...Array(60).fill('a'), ...Array(40).fill('b')];
    const current = [...Array(50).fill('a'), ...Array(30).fill('b'), ...Array(15).fill('new'), ...Array(5).fill('rare')];
    const r = valid(featureDrift({ kind: 'categorical', reference, current }));
    expect(r.unseenCategories).toEqual({ count: 2, rows: 20, share: 0.2, examples: ['new', 'rare'] });
    expect(r).toMatchObject({ method: 'chisquare', score: 0, drifted: true, statistic: null });
    expect(r.notes.join(' ')).toMatch(/infinite/);
  });

  it('numbers and booleans are categories by their string form', () => {
    const r = featureDrift({ kind: 'categorical', reference: [1, 2, true, 1], current: ['1', '2', 'true', 'true'] });
    expect(r.unseenCategories!.count).toBe(0);
    expect(r.distinctValues).toBe(3);
  });

  it('numeric features have no unseen-category report', () => {
    expect(featureDrift({ kind: 'numeric', reference: [1, 2, 3], current: [4, 5, 6] }).unseenCategories).toBeNull();
  });
});
