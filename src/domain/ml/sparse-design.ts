import type { CategoricalColumn, Frame, NumericColumn } from './frame';
import { standardization, type Preprocessor } from './preprocessing';
import { softmaxInPlace } from './logistic-regression';
import type { FeatureRef } from './types';

/**
 * The encoded design matrix without its zeros: standardized numeric columns, and for each categorical
 * feature the one design column a row's one-hot 1 sits in. The same encoding as `encodeRowInto`
 * (missing numerics → the training mean, i.e. 0; missing or unseen categories → all zeros), in O(rows × features).
 */
export interface SparseDesign {
  readonly rows: number;
  readonly width: number;
  readonly numeric: readonly Float64Array[];
  /** Per categorical feature: each row's design column, or -1. */
  readonly oneHot: readonly Int32Array[];
}

function numericOf(frame: Frame, name: string): NumericColumn {
  const c = frame.columns[name];
  if (c?.kind !== 'numeric') throw new Error(`numeric column "${name}" is not in the frame`);
  return c;
}

function categoricalOf(frame: Frame, name: string): CategoricalColumn {
  const c = frame.columns[name];
  if (c?.kind !== 'categorical') throw new Error(`categorical column "${name}" is not in the frame`);
  return c;
}

/** Fits the artifact's preprocessor (means, deviations, sorted categories) on a frame, as `fitPreprocessor` does on rows. */
export function fitPreprocessorOnFrame(frame: Frame, features: readonly FeatureRef[]): Preprocessor {
  const numeric = features
    .filter((f) => f.type === 'numeric')
    .map((f) => {
      const values = numericOf(frame, f.name).values;
      return { name: f.name, ...standardization(values.length, (i) => values[i]) };
    });
  const categorical = features
    .filter((f) => f.type === 'categorical')
    .map((f) => {
      const c = categoricalOf(frame, f.name);
      const seen = new Uint8Array(c.dictionary.length);
      for (let i = 0; i < c.codes.length; i++) if ((c.codes[i] as number) >= 0) seen[c.codes[i] as number] = 1;
      return { name: f.name, categories: c.dictionary.filter((_, k) => seen[k] === 1).sort() };
    });
  return { numeric, categorical };
}

export function encodeFrame(p: Preprocessor, frame: Frame): SparseDesign {
  const rows = frame.rows;
  const numeric = p.numeric.map((f) => {
    const source = numericOf(frame, f.name).values;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = source[i] as number;
      out[i] = Number.isFinite(v) ? (v - f.mean) / f.std : 0;
    }
    return out;
  });
  let offset = p.numeric.length;
  const oneHot = p.categorical.map((f) => {
    const c = categoricalOf(frame, f.name);
    const position = new Map(f.categories.map((name, k) => [name, k]));
    // Dictionary code → design column, computed once per distinct value.
    const columnOfCode = Int32Array.from(c.dictionary, (name) => {
      const k = position.get(name);
      return k === undefined ? -1 : offset + k;
    });
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const code = c.codes[i] as number;
      out[i] = code < 0 ? -1 : (columnOfCode[code] as number);
    }
    offset += f.categories.length;
    return out;
  });
  return { rows, width: offset, numeric, oneHot };
}

/** Class logits of row `i` into `out` (params: classes × width weights, then classes biases). */
export function logitsInto(design: SparseDesign, params: Float64Array, classes: number, i: number, out: Float64Array): void {
  const { width, numeric, oneHot } = design;
  const biasOffset = classes * width;
  for (let c = 0; c < classes; c++) {
    const w = c * width;
    let z = params[biasOffset + c] as number;
    for (let j = 0; j < numeric.length; j++) z += (params[w + j] as number) * ((numeric[j] as Float64Array)[i] as number);
    for (let f = 0; f < oneHot.length; f++) {
      const col = (oneHot[f] as Int32Array)[i] as number;
      if (col >= 0) z += params[w + col] as number;
    }
    out[c] = z;
  }
}

/** Probability matrix (rows × classes). */
export function designProbabilities(design: SparseDesign, params: Float64Array, classes: number): Float64Array {
  const out = new Float64Array(design.rows * classes);
  const scratch = new Float64Array(classes);
  for (let i = 0; i < design.rows; i++) {
    logitsInto(design, params, classes, i, scratch);
    softmaxInPlace(scratch, classes);
    out.set(scratch, i * classes);
  }
  return out;
}

/**
 * The regularized multinomial log-loss and its gradient: (row-weighted) mean of (class-weighted) −log p(label) plus
 * (l2 / 2)·‖weights‖² (biases unpenalized) — the objective the Adam trainer approximates, solved exactly here.
 */
export function softmaxObjective(
  design: SparseDesign,
  labels: Int32Array,
  classes: number,
  l2: number,
  classWeights?: readonly number[],
  rowWeights?: Float64Array,
) {
  const { rows, width, numeric, oneHot } = design;
  // With row weights the loss is their weighted mean (Σ wᵢ·lossᵢ / Σ wᵢ), so l2 keeps its meaning.
  let weightSum = rows;
  if (rowWeights) {
    weightSum = 0;
    for (let i = 0; i < rows; i++) weightSum += rowWeights[i] as number;
  }
  const biasOffset = classes * width;
  const probs = new Float64Array(classes);
  return (params: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const label = labels[i] as number;
      const cw = (classWeights?.[label] ?? 1) * (rowWeights ? (rowWeights[i] as number) : 1);
      logitsInto(design, params, classes, i, probs);
      softmaxInPlace(probs, classes);
      loss -= cw * Math.log(Math.max(probs[label] as number, 1e-300));
      for (let c = 0; c < classes; c++) {
        const r = cw * ((probs[c] as number) - (c === label ? 1 : 0));
        if (r === 0) continue;
        const w = c * width;
        for (let j = 0; j < numeric.length; j++) gradient[w + j] = (gradient[w + j] as number) + r * ((numeric[j] as Float64Array)[i] as number);
        for (let f = 0; f < oneHot.length; f++) {
          const col = (oneHot[f] as Int32Array)[i] as number;
          if (col >= 0) gradient[w + col] = (gradient[w + col] as number) + r;
        }
        gradient[biasOffset + c] = (gradient[biasOffset + c] as number) + r;
      }
    }
    const scale = weightSum > 0 ? 1 / weightSum : 0;
    let penalty = 0;
    for (let p = 0; p < gradient.length; p++) {
      gradient[p] = (gradient[p] as number) * scale;
      if (p < biasOffset) {
        const w = params[p] as number;
        gradient[p] = (gradient[p] as number) + l2 * w;
        penalty += w * w;
      }
    }
    return loss * scale + 0.5 * l2 * penalty;
  };
}
