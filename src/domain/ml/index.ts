/**
 * @module domain/ml — pure machine learning: seeded split, feature encoding, softmax regression,
 * metrics, and the serialisable model artifact. No I/O; the activities feed it columnar frames (typed arrays).
 */
export * from './types';
export * from './random';
export * from './preprocessing';
export * from './logistic-regression';
export * from './metrics';
export * from './split';
export * from './model-artifact';
export * from './pipeline';
export * from './frame';
export * from './lbfgs';
export * from './sparse-design';
export * from './frame-pipeline';
export * from './onnx-artifact';
export * from './classifier';
export * from './regression-artifact';
export * from './regression-metrics';
export * from './regression';
export * from './regressor';
