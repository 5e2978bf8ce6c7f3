import type { Frame } from './frame';
import { framePredictions } from './regression';
import { LoadedRegressionModel, type RegressionArtifact } from './regression-artifact';
import type { FeatureRef, Row } from './types';

/** A regression model ready to score (the counterpart of `Classifier`): evaluation and serving only use this. */
export interface Regressor {
  readonly kind: 'regression';
  readonly modelName: string;
  readonly features: readonly FeatureRef[];
  /** One predicted value per row. */
  predictValues(rows: readonly Row[]): Float64Array;
  /** The same for a columnar frame (evaluation's path). */
  framePredictions(frame: Frame): Float64Array;
}

export function builtinRegressor(artifact: RegressionArtifact): Regressor {
  const model = new LoadedRegressionModel(artifact);
  return {
    kind: 'regression',
    modelName: artifact.modelName,
    features: artifact.features,
    predictValues: (rows) => model.predictMany(rows),
    framePredictions: (frame) => framePredictions(artifact, frame),
  };
}
