/** Aligning category counts of two sides on the union of their keys. */

import type { CategoryCounts } from './types';

/** Counts as aligned arrays (same order) or as category → count records. */
export type CountsLike = ReadonlyArray<number> | CategoryCounts | ReadonlyMap<string | number, number>;

export interface AlignedCounts {
  keys: string[];
  reference: number[];
  current: number[];
}

function toMap(counts: CountsLike): Map<string, number> {
  if (counts instanceof Map) {
    const m = new Map<string, number>();
    for (const [k, v] of counts) m.set(String(k), (m.get(String(k)) ?? 0) + v);
    return m;
  }
  return new Map(Object.entries(counts as CategoryCounts));
}

/**
 * Align two count vectors. Arrays must have equal length and are taken position by position;
 * records/maps are aligned on the union of their keys, a missing key counting 0.
 */
export function alignCounts(reference: CountsLike, current: CountsLike): AlignedCounts {
  if (Array.isArray(reference) || Array.isArray(current)) {
    if (!Array.isArray(reference) || !Array.isArray(current) || reference.length !== current.length) {
      throw new RangeError('count arrays must both be arrays of the same length');
    }
    return {
      keys: reference.map((_, i) => String(i)),
      reference: [...(reference as number[])],
      current: [...(current as number[])],
    };
  }
  const ref = toMap(reference);
  const cur = toMap(current);
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  return { keys, reference: keys.map((k) => ref.get(k) ?? 0), current: keys.map((k) => cur.get(k) ?? 0) };
}

export function sum(values: ReadonlyArray<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
