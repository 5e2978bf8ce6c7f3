import { categoricalColumn, takeRows, textValues, type Frame } from './frame';
import { lbfgsDone, lbfgsStart, lbfgsStep, type LbfgsState } from './lbfgs';
import { initialState, trainSoftmax, toWeights } from './logistic-regression';
import { buildArtifact, type ModelArtifact } from './model-artifact';
import { classificationMetrics } from './metrics';
import { designProbabilities, encodeFrame, fitPreprocessorOnFrame, softmaxObjective, type SparseDesign } from './sparse-design';
import { stratifiedSplit } from './split';
import type { TrainingRecipe } from './pipeline';
import type { ClassificationMetrics } from './types';

/**
 * Training and evaluation on columnar frames — the path the activities use: typed arrays in, no row
 * objects. The split and the encoding are the row-based pipeline's, so both select and encode alike.
 */
export interface SolverSettings {
  readonly solver: 'lbfgs' | 'adam';
  /** Per-row loss weights from a categorical column's value (L-BFGS only). */
  readonly rowWeights?: { readonly column: string; readonly weights: Readonly<Record<string, number>>; readonly otherwise: number };
  /** L-BFGS: iteration cap and gradient tolerance (largest |∂loss/∂w|). */
  readonly maxIterations: number;
  readonly tolerance: number;
}

/** The label of each row as text (the split's and the classes' view of the target). */
export function labelTexts(frame: Frame, target: string): string[] {
  return textValues(categoricalColumn(frame, target)).map((v) => String(v));
}

/** Seeded stratified split of a frame's rows (the same rows `splitRows` picks for the same data). */
export function splitFrame(frame: Frame, target: string, testFraction: number, seed: number): { train: Frame; test: Frame } {
  const { train, test } = stratifiedSplit(labelTexts(frame, target), testFraction, seed);
  return { train: takeRows(frame, train), test: takeRows(frame, test) };
}

export function classesOfFrame(frame: Frame, target: string): string[] {
  return [...new Set(labelTexts(frame, target))].sort();
}

/** Each row's class index in `classes`, or -1 for a label not among them. */
export function labelCodes(frame: Frame, target: string, classes: readonly string[]): Int32Array {
  const column = categoricalColumn(frame, target);
  const position = new Map(classes.map((c, k) => [c, k]));
  const byCode = Int32Array.from(column.dictionary, (name) => position.get(name) ?? -1);
  return Int32Array.from(column.codes, (code) => (code < 0 ? (position.get('null') ?? -1) : (byCode[code] as number)));
}

/** Each row's weight from its value in `spec.column` (unlisted values and missing ones weigh `otherwise`). */
export function weightsOf(frame: Frame, spec: NonNullable<SolverSettings['rowWeights']>): Float64Array {
  const column = categoricalColumn(frame, spec.column);
  const byCode = Float64Array.from(column.dictionary, (value) => spec.weights[value] ?? spec.otherwise);
  return Float64Array.from(column.codes, (code) => (code < 0 ? spec.otherwise : (byCode[code] as number)));
}

/** Progress of a frame training run, for heartbeats and checkpoints. */
export type FrameTrainingState = { readonly solver: 'lbfgs'; readonly lbfgs: LbfgsState } | { readonly solver: 'adam'; readonly adam: ReturnType<typeof initialState> };

function denseOf(design: SparseDesign): Float64Array {
  const x = new Float64Array(design.rows * design.width);
  for (let i = 0; i < design.rows; i++) {
    const row = i * design.width;
    design.numeric.forEach((col, j) => (x[row + j] = col[i] as number));
    for (const col of design.oneHot) if ((col[i] as number) >= 0) x[row + (col[i] as number)] = 1;
  }
  return x;
}

/**
 * Fits the softmax regression on a training frame. L-BFGS (default) minimizes the regularized loss to the
 * spec's tolerance; `adam` keeps the earlier fixed-epoch optimiser. `onProgress` runs after each
 * iteration/epoch with a state that `resumeFrom` accepts bit-for-bit.
 * @throws Error when a label is outside the declared classes.
 */
export async function trainOnFrame(
  train: Frame,
  recipe: TrainingRecipe & SolverSettings,
  options: { resumeFrom?: FrameTrainingState; onProgress?: (s: FrameTrainingState) => void | Promise<void> } = {},
): Promise<{ artifact: ModelArtifact; state: FrameTrainingState }> {
  const classes = recipe.classes ? [...recipe.classes] : classesOfFrame(train, recipe.target);
  const preprocessor = fitPreprocessorOnFrame(train, recipe.features);
  const design = encodeFrame(preprocessor, train);
  const y = labelCodes(train, recipe.target, classes);
  if (y.some((v) => v < 0)) throw new Error(`target "${recipe.target}" has labels outside the declared classes ${classes.join(', ')}`);
  const k = classes.length;
  const counts = new Float64Array(k);
  for (const label of y) counts[label] = (counts[label] as number) + 1;
  const classWeights = recipe.classWeight === 'balanced' ? Array.from(counts, (cnt) => (cnt ? train.rows / (k * cnt) : 0)) : undefined;
  const rowWeights = recipe.rowWeights ? weightsOf(train, recipe.rowWeights) : undefined;

  let state: FrameTrainingState;
  let iterations: number;
  let finalLoss: number;
  let converged: string | null = null;
  if (recipe.solver === 'lbfgs') {
    const objective = softmaxObjective(design, y, k, recipe.l2, classWeights, rowWeights);
    const opts = { maxIterations: recipe.maxIterations, tolerance: recipe.tolerance };
    const resumed = options.resumeFrom?.solver === 'lbfgs' ? options.resumeFrom.lbfgs : undefined;
    const lbfgs = resumed ?? lbfgsStart(objective, new Float64Array(k * design.width + k));
    while (!lbfgsDone(lbfgs, opts)) {
      lbfgsStep(objective, lbfgs, opts);
      if (options.onProgress) await options.onProgress({ solver: 'lbfgs', lbfgs });
    }
    state = { solver: 'lbfgs', lbfgs };
    iterations = lbfgs.iteration;
    finalLoss = lbfgs.loss;
    converged = lbfgs.converged ?? 'max-iterations';
  } else {
    if (rowWeights) throw new Error('row weights need the lbfgs solver');
    const set = { x: denseOf(design), y, width: design.width, classes: k };
    const resumed = options.resumeFrom?.solver === 'adam' ? options.resumeFrom.adam : undefined;
    const opts = { epochs: recipe.epochs, learningRate: recipe.learningRate, l2: recipe.l2, seed: recipe.seed, ...(classWeights ? { classWeights } : {}) };
    const onEpoch = options.onProgress;
    const adam = await trainSoftmax(set, opts, resumed ?? initialState(set, recipe.seed), onEpoch ? (s) => onEpoch({ solver: 'adam', adam: s }) : undefined);
    state = { solver: 'adam', adam };
    iterations = adam.epoch;
    finalLoss = adam.loss;
  }
  const params = state.solver === 'lbfgs' ? state.lbfgs.x : state.adam.params;
  const artifact = buildArtifact({
    modelName: recipe.modelName,
    target: recipe.target,
    classes,
    features: recipe.features,
    preprocessor,
    weights: toWeights({ params }, { width: design.width, classes: k }),
    trainedOn: { datasetId: recipe.datasetId, rows: train.rows, epochs: iterations, finalLoss, solver: recipe.solver, ...(converged ? { converged } : {}) },
  });
  return { artifact, state };
}

/** Class probabilities (rows × classes, in `artifact.classes` order) of a frame. */
export function frameProbabilities(artifact: ModelArtifact, frame: Frame): Float64Array {
  const design = encodeFrame(artifact.preprocessor, frame);
  if (design.width !== artifact.width) throw new Error('artifact width does not match its preprocessor');
  return designProbabilities(design, Float64Array.from([...artifact.weights, ...artifact.bias]), artifact.classes.length);
}

/** Metrics of a probability matrix (rows × `known` classes) against a frame's labels; unseen labels count as errors. */
export function evaluateFrameProbabilities(known: readonly string[], probs: Float64Array, frame: Frame, target: string): ClassificationMetrics {
  const truth = labelCodes(frame, target, known);
  if (!truth.some((t) => t < 0)) return classificationMetrics(truth, probs, known);
  const k = known.length;
  const wide = new Float64Array(frame.rows * (k + 1));
  for (let i = 0; i < frame.rows; i++) wide.set(probs.subarray(i * k, i * k + k), i * (k + 1));
  return classificationMetrics(Int32Array.from(truth, (t) => (t < 0 ? k : t)), wide, [...known, '(unseen)']);
}

/** Scores a built-in model on a labelled frame (as `evaluateModel` on rows). */
export function evaluateOnFrame(artifact: ModelArtifact, frame: Frame, target: string): ClassificationMetrics {
  return evaluateFrameProbabilities(artifact.classes, frameProbabilities(artifact, frame), frame, target);
}
