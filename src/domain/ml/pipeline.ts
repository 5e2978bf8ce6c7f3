import { fitPreprocessor, encodeRows } from './preprocessing';
import { initialState, trainSoftmax, toWeights, type TrainState } from './logistic-regression';
import { buildArtifact, LoadedModel, type ModelArtifact } from './model-artifact';
import { classificationMetrics } from './metrics';
import { stratifiedSplit } from './split';
import type { ClassificationMetrics, FeatureRef, Row } from './types';

/** The training recipe end to end, pure: split, fit encoding, train, package. I/O lives in the activity. */
export interface TrainingRecipe {
  readonly modelName: string;
  readonly datasetId: string;
  readonly target: string;
  readonly features: readonly FeatureRef[];
  /** Fixed class order; defaults to the sorted labels seen in the data. */
  readonly classes?: readonly string[];
  readonly testFraction: number;
  readonly splitSeed: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  readonly classWeight: 'none' | 'balanced';
}

export interface SplitRows {
  readonly train: Row[];
  readonly test: Row[];
}

export function splitRows(rows: readonly Row[], target: string, testFraction: number, seed: number): SplitRows {
  const labels = rows.map((r) => String(r[target]));
  const { train, test } = stratifiedSplit(labels, testFraction, seed);
  return { train: train.map((i) => rows[i] as Row), test: test.map((i) => rows[i] as Row) };
}

export function classesOf(rows: readonly Row[], target: string): string[] {
  return [...new Set(rows.map((r) => String(r[target])))].sort();
}

export function prepareTraining(rows: readonly Row[], recipe: TrainingRecipe) {
  const classes = recipe.classes ? [...recipe.classes] : classesOf(rows, recipe.target);
  const preprocessor = fitPreprocessor(rows, recipe.features);
  const { x, width } = encodeRows(preprocessor, rows);
  const y = Int32Array.from(rows.map((r) => classes.indexOf(String(r[recipe.target]))));
  if (y.some((v) => v < 0)) throw new Error(`target "${recipe.target}" has labels outside the declared classes ${classes.join(', ')}`);
  const counts = classes.map((_, c) => y.reduce((n, v) => n + (v === c ? 1 : 0), 0));
  const classWeights =
    recipe.classWeight === 'balanced' ? counts.map((cnt) => (cnt ? rows.length / (classes.length * cnt) : 0)) : undefined;
  return { classes, preprocessor, set: { x, y, width, classes: classes.length }, classWeights };
}

export async function trainModel(
  trainRows: readonly Row[],
  recipe: TrainingRecipe,
  options: { resumeFrom?: TrainState; onEpoch?: (s: TrainState) => void | Promise<void> } = {},
): Promise<{ artifact: ModelArtifact; state: TrainState }> {
  const prepared = prepareTraining(trainRows, recipe);
  const state = options.resumeFrom ?? initialState(prepared.set, recipe.seed);
  const opts = { epochs: recipe.epochs, learningRate: recipe.learningRate, l2: recipe.l2, seed: recipe.seed, ...(prepared.classWeights ? { classWeights: prepared.classWeights } : {}) };
  const finalState = await trainSoftmax(prepared.set, opts, state, options.onEpoch);
  const artifact = buildArtifact({
    modelName: recipe.modelName,
    target: recipe.target,
    classes: prepared.classes,
    features: recipe.features,
    preprocessor: prepared.preprocessor,
    weights: toWeights(finalState, prepared.set),
    trainedOn: { datasetId: recipe.datasetId, rows: trainRows.length, epochs: finalState.epoch, finalLoss: finalState.loss },
  });
  return { artifact, state: finalState };
}

/** Scores a model on labelled rows. Labels the model has never seen count as errors (probability 0 → clipped log-loss). */
export function evaluateModel(artifact: ModelArtifact, rows: readonly Row[], target: string): ClassificationMetrics {
  return evaluateProbabilities(artifact.classes, new LoadedModel(artifact).probabilityMatrix(rows), rows, target);
}

/** Metrics of any model's probability matrix (rows × classes) against the rows' labels. */
export function evaluateProbabilities(known: readonly string[], probs: Float64Array, rows: readonly Row[], target: string): ClassificationMetrics {
  const truth = Int32Array.from(rows.map((r) => known.indexOf(String(r[target]))));
  if (truth.some((t) => t < 0)) {
    // Extend with an "unseen" column of zero probability so metrics stay defined.
    const k = known.length;
    const names = [...known, '(unseen)'];
    const wide = new Float64Array(rows.length * (k + 1));
    for (let i = 0; i < rows.length; i++) wide.set(probs.subarray(i * k, i * k + k), i * (k + 1));
    return classificationMetrics(Int32Array.from(truth, (t) => (t < 0 ? k : t)), wide, names);
  }
  return classificationMetrics(truth, probs, known);
}
