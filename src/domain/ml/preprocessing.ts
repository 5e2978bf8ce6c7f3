import type { FeatureRef, Row } from './types';

/** Fitted feature encoding: standardized numerics, one-hot categoricals. Stored inside the model artifact. */
export interface Preprocessor {
  readonly numeric: { name: string; mean: number; std: number }[];
  readonly categorical: { name: string; categories: string[] }[];
}

/**
 * Mean and deviation (population) of the finite numbers among `count` values; a constant or empty column
 * gets std 1, so it encodes as zero instead of dividing by zero.
 */
export function standardization(count: number, valueAt: (i: number) => unknown): { mean: number; std: number } {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < count; i++) {
    const v = valueAt(i);
    if (typeof v === 'number' && Number.isFinite(v)) {
      n++;
      sum += v;
      sumSq += v * v;
    }
  }
  const mean = n ? sum / n : 0;
  const variance = n ? Math.max(sumSq / n - mean * mean, 0) : 0;
  return { mean, std: variance > 1e-12 ? Math.sqrt(variance) : 1 };
}

export function fitPreprocessor(rows: readonly Row[], features: readonly FeatureRef[]): Preprocessor {
  const numeric = features
    .filter((f) => f.type === 'numeric')
    .map((f) => ({ name: f.name, ...standardization(rows.length, (i) => rows[i]?.[f.name]) }));
  const categorical = features
    .filter((f) => f.type === 'categorical')
    .map((f) => {
      const seen = new Set<string>();
      for (const r of rows) {
        const v = r[f.name];
        if (v !== null && v !== undefined) seen.add(String(v));
      }
      return { name: f.name, categories: [...seen].sort() };
    });
  return { numeric, categorical };
}

export function encodedWidth(p: Preprocessor): number {
  return p.numeric.length + p.categorical.reduce((w, c) => w + c.categories.length, 0);
}

/** Encodes one row into `out` at `offset`. Missing numerics impute the training mean (0 after scaling); unseen categories encode as all zeros. */
export function encodeRowInto(p: Preprocessor, row: Row, out: Float64Array, offset: number): void {
  let k = offset;
  for (const f of p.numeric) {
    const v = row[f.name];
    out[k++] = typeof v === 'number' && Number.isFinite(v) ? (v - f.mean) / f.std : 0;
  }
  for (const f of p.categorical) {
    const v = row[f.name];
    const idx = v === null || v === undefined ? -1 : f.categories.indexOf(String(v));
    for (let c = 0; c < f.categories.length; c++) out[k++] = c === idx ? 1 : 0;
  }
}

export function encodeRows(p: Preprocessor, rows: readonly Row[]): { x: Float64Array; width: number } {
  const width = encodedWidth(p);
  const x = new Float64Array(rows.length * width);
  rows.forEach((r, i) => encodeRowInto(p, r, x, i * width));
  return { x, width };
}
