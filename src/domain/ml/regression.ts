import { column, takeRows, type Frame } from './frame';
import { lbfgsDone, lbfgsStart, lbfgsStep, type LbfgsState, type Objective } from './lbfgs';
import { standardization } from './preprocessing';
import { SeededRandom } from './random';
import { REGRESSION_MODEL_FORMAT, type RegressionArtifact } from './regression-artifact';
import { encodeFrame, fitPreprocessorOnFrame, logitsInto, type SparseDesign } from './sparse-design';
import { weightsOf, type SolverSettings } from './frame-pipeline';
import type { FeatureRef } from './types';

/**
 * Linear regression with an L2 penalty (ridge) on the columnar path: the same sparse design as the
 * classifier (standardized numerics, one-hot categoricals) and the same L-BFGS, so heartbeats and
 * checkpoint/resume work alike. The target is standardized while fitting (better conditioning, the same
 * minimizer) and the coefficients are stored back in the target's units.
 */
export interface RegressionRecipe extends SolverSettings {
  readonly modelName: string;
  readonly datasetId: string;
  readonly target: string;
  readonly features: readonly FeatureRef[];
  readonly l2: number;
}

/** The target column's values (NaN = missing). */
export function targetValues(frame: Frame, target: string): Float64Array {
  const c = column(frame, target);
  if (c.kind !== 'numeric') throw new Error(`target "${target}" must be read as a numeric column`);
  return c.values;
}

/** The rows whose target is a finite number, and how many were left out. */
export function dropMissingTarget(frame: Frame, target: string): { frame: Frame; dropped: number } {
  const y = targetValues(frame, target);
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i] as number)) keep.push(i);
  const dropped = frame.rows - keep.length;
  return { frame: dropped ? takeRows(frame, keep) : frame, dropped };
}

/** Seeded random train/test split of row indices (a continuous target has no classes to stratify by). */
export function randomSplit(rows: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  const order = new SeededRandom(seed).shuffle(Array.from({ length: rows }, (_, i) => i));
  const nTest = rows > 1 ? Math.max(1, Math.round(rows * testFraction)) : 0;
  return { train: Int32Array.from(order.slice(nTest)).sort(), test: Int32Array.from(order.slice(0, nTest)).sort() };
}

export function splitRegressionFrame(frame: Frame, testFraction: number, seed: number): { train: Frame; test: Frame } {
  const { train, test } = randomSplit(frame.rows, testFraction, seed);
  return { train: takeRows(frame, train), test: takeRows(frame, test) };
}

/**
 * ½ · (row-weighted) mean squared error + ½ · l2 · ‖weights‖² (bias unpenalized) and its gradient; params are
 * `width` weights then the bias. Without row weights its minimizer is scikit-learn's `Ridge(alpha = l2 · rows)`.
 */
export function ridgeObjective(
  design: SparseDesign,
  y: Float64Array,
  l2: number,
  rowWeights?: Float64Array,
): Objective {
  const { rows, width, numeric, oneHot } = design;
  let weightSum = rows;
  if (rowWeights) weightSum = rowWeights.reduce((a, b) => a + b, 0);
  const scale = weightSum > 0 ? 1 / weightSum : 0;
  const prediction = new Float64Array(1);
  return (params, gradient) => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      logitsInto(design, params, 1, i, prediction);
      const w = rowWeights ? (rowWeights[i] as number) : 1;
      const residual = (prediction[0] as number) - (y[i] as number);
      loss += w * residual * residual;
      const r = w * residual;
      for (let j = 0; j < numeric.length; j++) {
        gradient[j] = (gradient[j] as number) + r * ((numeric[j] as Float64Array)[i] as number);
      }
      for (let f = 0; f < oneHot.length; f++) {
        const col = (oneHot[f] as Int32Array)[i] as number;
        if (col >= 0) gradient[col] = (gradient[col] as number) + r;
      }
      gradient[width] = (gradient[width] as number) + r;
    }
    let penalty = 0;
    for (let p = 0; p <= width; p++) {
      gradient[p] = (gradient[p] as number) * scale;
      if (p < width) {
        const weight = params[p] as number;
        gradient[p] = (gradient[p] as number) + l2 * weight;
        penalty += weight * weight;
      }
    }
    return 0.5 * loss * scale + 0.5 * l2 * penalty;
  };
}

/**
 * Fits the ridge regression on a training frame whose target is present on every row (see
 * `dropMissingTarget`). `onProgress` runs after each L-BFGS iteration with a state `resumeFrom` accepts
 * bit-for-bit: a retried activity resumes where the killed one checkpointed.
 * @throws Error when the frame has no rows.
 */
export async function trainRegressionOnFrame(
  train: Frame,
  recipe: RegressionRecipe,
  options: { resumeFrom?: LbfgsState; droppedRows?: number; onProgress?: (s: LbfgsState) => void | Promise<void> } = {},
): Promise<{ artifact: RegressionArtifact; state: LbfgsState }> {
  if (train.rows === 0) throw new Error('no training rows with a target value');
  const raw = targetValues(train, recipe.target);
  const { mean, std } = standardization(raw.length, (i) => raw[i]);
  const y = Float64Array.from(raw, (v) => (v - mean) / std);
  const preprocessor = fitPreprocessorOnFrame(train, recipe.features);
  const design = encodeFrame(preprocessor, train);
  const rowWeights = recipe.rowWeights ? weightsOf(train, recipe.rowWeights) : undefined;
  const objective = ridgeObjective(design, y, recipe.l2, rowWeights);
  const opts = { maxIterations: recipe.maxIterations, tolerance: recipe.tolerance };
  const state = options.resumeFrom ?? lbfgsStart(objective, new Float64Array(design.width + 1));
  while (!lbfgsDone(state, opts)) {
    lbfgsStep(objective, state, opts);
    if (options.onProgress) await options.onProgress(state);
  }
  const coefficients = Array.from(state.x.subarray(0, design.width), (w) => w * std);
  const artifact: RegressionArtifact = {
    format: REGRESSION_MODEL_FORMAT,
    kind: 'regression',
    modelName: recipe.modelName,
    target: recipe.target,
    features: recipe.features.map((f) => ({ name: f.name, type: f.type })),
    preprocessor,
    weights: coefficients,
    bias: (state.x[design.width] as number) * std + mean,
    width: design.width,
    trainedOn: {
      datasetId: recipe.datasetId,
      rows: train.rows,
      epochs: state.iteration,
      finalLoss: state.loss,
      solver: 'lbfgs',
      converged: state.converged ?? 'max-iterations',
      droppedRows: options.droppedRows ?? 0,
    },
  };
  return { artifact, state };
}

/** Predicted values of a frame's rows (evaluation's path: no row objects). */
export function framePredictions(artifact: RegressionArtifact, frame: Frame): Float64Array {
  const design = encodeFrame(artifact.preprocessor, frame);
  if (design.width !== artifact.width) throw new Error('artifact width does not match its preprocessor');
  const params = Float64Array.from([...artifact.weights, artifact.bias]);
  const out = new Float64Array(frame.rows);
  const scratch = new Float64Array(1);
  for (let i = 0; i < frame.rows; i++) {
    logitsInto(design, params, 1, i, scratch);
    out[i] = scratch[0] as number;
  }
  return out;
}
