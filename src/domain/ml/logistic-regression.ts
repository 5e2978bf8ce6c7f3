import { SeededRandom } from './random';

/**
 * Multinomial logistic regression (softmax) trained by mini-batch Adam with L2.
 * Deterministic: the seed fixes initial weights and batch order, and the full optimiser state can be
 * checkpointed and resumed bit-for-bit (a retried training activity continues where it stopped).
 */
export interface SoftmaxWeights {
  /** classes × width, row-major. */
  readonly weights: number[];
  readonly bias: number[];
  readonly classes: number;
  readonly width: number;
}

export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly seed: number;
  readonly batchSize?: number;
  /** Per-class loss weights (e.g. balanced); defaults to 1. */
  readonly classWeights?: readonly number[];
}

export interface TrainState {
  epoch: number;
  rngState: number;
  params: Float64Array; // weights then bias
  m: Float64Array;
  v: Float64Array;
  step: number;
  loss: number;
}

export interface TrainingSet {
  readonly x: Float64Array;
  readonly y: Int32Array;
  readonly width: number;
  readonly classes: number;
}

export function initialState(set: TrainingSet, seed: number): TrainState {
  const size = set.classes * set.width + set.classes;
  const rng = new SeededRandom(seed);
  const params = new Float64Array(size);
  for (let i = 0; i < set.classes * set.width; i++) params[i] = (rng.next() - 0.5) * 0.02;
  return { epoch: 0, rngState: rng.snapshot, params, m: new Float64Array(size), v: new Float64Array(size), step: 0, loss: Number.NaN };
}

/** In-place softmax of `v[0..k)` (max-shifted, so large logits do not overflow). */
export function softmaxInPlace(v: Float64Array, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if ((v[c] as number) > max) max = v[c] as number;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((v[c] as number) - max);
    v[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) v[c] = (v[c] as number) / sum;
}

/** Softmax probabilities of one encoded row, written to `out`. */
export function softmaxRow(params: ArrayLike<number>, width: number, classes: number, x: ArrayLike<number>, xOffset: number, out: Float64Array): void {
  const biasOffset = classes * width;
  for (let c = 0; c < classes; c++) {
    let z = params[biasOffset + c] as number;
    const w = c * width;
    for (let j = 0; j < width; j++) z += (params[w + j] as number) * (x[xOffset + j] as number);
    out[c] = z;
  }
  softmaxInPlace(out, classes);
}

/** Runs epochs from `state` up to `opts.epochs`, calling `onEpoch` after each (for heartbeats/checkpoints). */
export async function trainSoftmax(
  set: TrainingSet,
  opts: TrainOptions,
  state: TrainState,
  onEpoch?: (state: TrainState) => void | Promise<void>,
): Promise<TrainState> {
  const { x, y, width, classes } = set;
  const n = y.length;
  const batchSize = Math.max(1, Math.min(opts.batchSize ?? 128, n));
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const grad = new Float64Array(state.params.length);
  const probs = new Float64Array(classes);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new SeededRandom(state.rngState);
  const classWeight = (k: number): number => opts.classWeights?.[k] ?? 1;

  for (let epoch = state.epoch; epoch < opts.epochs; epoch++) {
    // Each epoch's order derives from the RNG state alone (not the previous order), so a checkpoint that
    // stores the RNG state resumes bit-for-bit.
    for (let i = 0; i < n; i++) order[i] = i;
    rng.shuffle(order);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      grad.fill(0);
      for (let b = start; b < end; b++) {
        const i = order[b] as number;
        const label = y[i] as number;
        const cw = classWeight(label);
        softmaxRow(state.params, width, classes, x, i * width, probs);
        epochLoss -= cw * Math.log(Math.max(probs[label] as number, 1e-15));
        for (let c = 0; c < classes; c++) {
          const g = cw * ((probs[c] as number) - (c === label ? 1 : 0));
          const w = c * width;
          for (let j = 0; j < width; j++) grad[w + j] = (grad[w + j] as number) + g * (x[i * width + j] as number);
          grad[classes * width + c] = (grad[classes * width + c] as number) + g;
        }
      }
      const scale = 1 / (end - start);
      state.step++;
      const lr = opts.learningRate * 0.05; // Adam's step scale: spec learning rates stay in a readable 0.1–1 range
      const c1 = 1 - Math.pow(beta1, state.step);
      const c2 = 1 - Math.pow(beta2, state.step);
      for (let p = 0; p < grad.length; p++) {
        let g = (grad[p] as number) * scale;
        if (p < classes * width) g += opts.l2 * (state.params[p] as number);
        state.m[p] = beta1 * (state.m[p] as number) + (1 - beta1) * g;
        state.v[p] = beta2 * (state.v[p] as number) + (1 - beta2) * g * g;
        state.params[p] = (state.params[p] as number) - (lr * ((state.m[p] as number) / c1)) / (Math.sqrt((state.v[p] as number) / c2) + eps);
      }
    }
    state.epoch = epoch + 1;
    state.rngState = rng.snapshot;
    state.loss = epochLoss / n;
    if (onEpoch) await onEpoch(state);
  }
  return state;
}

export function toWeights(state: Pick<TrainState, 'params'>, set: Pick<TrainingSet, 'width' | 'classes'>): SoftmaxWeights {
  const all = Array.from(state.params);
  return {
    weights: all.slice(0, set.classes * set.width),
    bias: all.slice(set.classes * set.width),
    classes: set.classes,
    width: set.width,
  };
}
