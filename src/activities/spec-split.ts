import { isBuiltinTraining, type DatasetSnapshot, type ModelSpec } from '../domain';
import { splitFrame, type FeatureRef, type Frame } from '../domain/ml';
import type { ActivityDeps } from './deps';

/** The spec's columns as a columnar frame, split with the spec's seed (the seeded stratified split: training, evaluation and the reference profile all see the same rows). */
export async function readSpecFrameSplit(
  datasets: ActivityDeps['datasets'],
  spec: ModelSpec,
  snapshot: Pick<DatasetSnapshot, 'snapshotPath'>,
  extraColumns: readonly FeatureRef[] = [],
): Promise<{ train: Frame; test: Frame }> {
  const rowWeights = isBuiltinTraining(spec.training) ? spec.training.rowWeights : undefined;
  const weights = rowWeights ? [{ name: rowWeights.column, type: 'categorical' as const }] : [];
  const columns = [...spec.features, ...extraColumns, ...weights, { name: spec.target.name, type: 'categorical' as const }];
  const frame = await datasets.readFrame(snapshot, columns);
  return splitFrame(frame, spec.target.name, spec.split.testFraction, spec.split.seed);
}
