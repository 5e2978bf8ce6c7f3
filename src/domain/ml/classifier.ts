import { LoadedModel, type ModelArtifact, type Prediction } from './model-artifact';
import { frameProbabilities } from './frame-pipeline';
import type { Frame } from './frame';
import type { FeatureRef, Row } from './types';

/**
 * A model ready to score, whatever produced it: the built-in JSON model (synchronous, in-process math) or an
 * ONNX model (onnxruntime, see adapters/onnx-classifier.ts). Evaluation and serving only use this.
 */
export interface Classifier {
  readonly modelName: string;
  readonly classes: readonly string[];
  readonly features: readonly FeatureRef[];
  /** Probability matrix (rows × classes), columns in `classes` order. */
  probabilityMatrix(rows: readonly Row[]): Promise<Float64Array>;
  /**
   * The same, answered at once, for models scored in-process: the model server's request path then needs no
   * promise (ONNX sessions run on onnxruntime's threads and have none).
   */
  readonly probabilityMatrixNow?: (rows: readonly Row[]) => Float64Array;
  /** The same for a columnar frame (evaluation's path: no row objects). */
  frameProbabilityMatrix(frame: Frame): Promise<Float64Array>;
}

export function builtinClassifier(artifact: ModelArtifact): Classifier {
  const model = new LoadedModel(artifact);
  return {
    modelName: artifact.modelName,
    classes: artifact.classes,
    features: artifact.features,
    probabilityMatrix: (rows) => Promise.resolve(model.probabilityMatrix(rows)),
    probabilityMatrixNow: (rows) => model.probabilityMatrix(rows),
    frameProbabilityMatrix: (frame) => Promise.resolve(frameProbabilities(artifact, frame)),
  };
}

/** Each row's label as a class index: the first class with the highest probability (as the built-in model). */
export function argmaxLabels(probabilities: Float64Array, classCount: number): Uint16Array {
  const rows = probabilities.length / classCount;
  const labels = new Uint16Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if ((probabilities[r * classCount + c] as number) > (probabilities[r * classCount + best] as number)) best = c;
    labels[r] = best;
  }
  return labels;
}

/** Label (first highest probability, as the built-in model) and named probabilities of each row. */
export function toPredictions(classes: readonly string[], matrix: Float64Array): Prediction[] {
  const k = classes.length;
  return Array.from(argmaxLabels(matrix, k), (best, i) => {
    const probabilities: Record<string, number> = {};
    for (let c = 0; c < k; c++) probabilities[classes[c] as string] = matrix[i * k + c] as number;
    return { label: classes[best] as string, probabilities };
  });
}

export async function predictRows(model: Classifier, rows: readonly Row[]): Promise<Prediction[]> {
  return toPredictions(model.classes, await model.probabilityMatrix(rows));
}
