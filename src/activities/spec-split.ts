import { isBuiltinTraining, type DatasetSnapshot, type ModelSpec } from '../domain';
import { dropMissingTarget, splitFrame, splitRegressionFrame, type FeatureRef, type Frame } from '../domain/ml';
import type { ActivityDeps } from './deps';

/**
 * The spec's columns as a columnar frame, split with the spec's seed (the seeded stratified split: training,
 * evaluation and the reference profile all see the same rows). Regression targets: see `droppedRows`.
 */
export async function readSpecFrameSplit(
  datasets: ActivityDeps['datasets'],
  spec: ModelSpec,
  snapshot: Pick<DatasetSnapshot, 'snapshotPath'>,
  extraColumns: readonly FeatureRef[] = [],
): Promise<{ train: Frame; test: Frame; droppedRows: number }> {
  const rowWeights = isBuiltinTraining(spec.training) ? spec.training.rowWeights : undefined;
  const weights = rowWeights ? [{ name: rowWeights.column, type: 'categorical' as const }] : [];
  const regression = spec.target.kind === 'regression';
  const target = { name: spec.target.name, type: regression ? ('numeric' as const) : ('categorical' as const) };
  const frame = await datasets.readFrame(snapshot, [...spec.features, ...extraColumns, ...weights, target]);
  const { testFraction, seed } = spec.split;
  if (!regression) return { ...splitFrame(frame, spec.target.name, testFraction, seed), droppedRows: 0 };
  // Regression: rows without a target value are left out before the (seeded, unstratified) split.
  const present = dropMissingTarget(frame, spec.target.name);
  return { ...splitRegressionFrame(present.frame, testFraction, seed), droppedRows: present.dropped };
}
