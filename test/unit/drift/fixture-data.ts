/**
 * Loads test/fixtures/drift/scipy-cases.json and replays its generated samples. The generator
 * mirrors generate.py operation for operation (xorshift32, exact IEEE arithmetic), so the
 * arrays are bit-identical; `sampleOf` checks each against the checksum Python recorded.
 */

import * as fs from 'fs';
import * as path from 'path';

export interface SampleSpec {
  seed: number;
  n: number;
  gen: 'uniform' | 'irwin-hall' | 'square';
  loc: number;
  scale: number;
  quantum?: number;
}

export type Side = { values: number[] } | { spec: SampleSpec; checksum: { n: number; sum: number; first: number; last: number } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fixtures: any = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/drift/scipy-cases.json'), 'utf8'),
);

function uniforms(seed: number, count: number): Float64Array {
  let x = seed >>> 0 || 1;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x / 4294967296;
  }
  return out;
}

export function generate(spec: SampleSpec): Float64Array {
  const per = spec.gen === 'irwin-hall' ? 4 : 1;
  const u = uniforms(spec.seed, spec.n * per);
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let v: number;
    if (spec.gen === 'uniform') v = u[i]! * spec.scale + spec.loc;
    else if (spec.gen === 'square') v = u[i]! * u[i]! * spec.scale + spec.loc;
    else v = (u[4 * i]! + u[4 * i + 1]! + u[4 * i + 2]! + u[4 * i + 3]! - 2) * spec.scale + spec.loc;
    if (spec.quantum) v = Math.floor(v * spec.quantum) / spec.quantum;
    out[i] = v;
  }
  return out;
}

/** Exactly rounded sum (Shewchuk), to compare with Python's math.fsum. */
export function fsum(values: Float64Array): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  return partials.reduce((a, b) => a + b, 0);
}

export function sampleOf(side: Side): Float64Array {
  if ('values' in side) return Float64Array.from(side.values);
  const values = generate(side.spec);
  const { checksum } = side;
  if (values.length !== checksum.n || values[0] !== checksum.first || values[values.length - 1] !== checksum.last) {
    throw new Error(`generated sample ${JSON.stringify(side.spec)} does not match generate.py`);
  }
  if (Math.abs(fsum(values) - checksum.sum) > 1e-9 * Math.max(1, Math.abs(checksum.sum))) {
    throw new Error(`generated sample ${JSON.stringify(side.spec)} sum differs from generate.py`);
  }
  return values;
}

/** JSON stores inf/nan as strings. */
export function num(value: number | string): number {
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  if (value === 'nan') return Number.NaN;
  return value as number;
}

/** |actual − expected| <= rel·|expected| + abs. */
export function expectClose(actual: number, expected: number, rel: number, abs = 0, label = ''): void {
  if (Number.isNaN(expected)) {
    expect(actual).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  const tolerance = rel * Math.abs(expected) + abs;
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${label}: expected ${expected}, got ${actual} (|diff| ${Math.abs(actual - expected)} > ${tolerance})`);
  }
}

/** A fixture case (untyped JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Case = any;

/** [name, case] rows for it.each. */
export function byName(list: Array<{ name: string }>): Array<[string, Case]> {
  return list.map((c) => [c.name, c]);
}
