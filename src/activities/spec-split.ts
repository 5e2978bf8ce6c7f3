import type { DatasetSnapshot, ModelSpec } from '../domain';
import { splitFrame, splitRows, type FeatureRef, type Frame, type SplitRows } from '../domain/ml';
import type { ActivityDeps } from './deps';

/** Reads a snapshot's spec columns and splits them with the spec's seed: the same split for training, evaluation and the reference profile. */
export async function readSpecSplit(datasets: ActivityDeps['datasets'], spec: ModelSpec, snapshot: Pick<DatasetSnapshot, 'snapshotPath'>): Promise<SplitRows> {
  const rows = await datasets.readRows(snapshot, [...spec.features, { name: spec.target.name, type: 'categorical' }]);
  return splitRows(rows, spec.target.name, spec.split.testFraction, spec.split.seed);
}

/** The spec's columns as a columnar frame, split with the spec's seed (the same rows as `readSpecSplit`). */
export async function readSpecFrameSplit(
  datasets: ActivityDeps['datasets'],
  spec: ModelSpec,
  snapshot: Pick<DatasetSnapshot, 'snapshotPath'>,
  extraColumns: readonly FeatureRef[] = [],
): Promise<{ train: Frame; test: Frame }> {
  const frame = await datasets.readFrame(snapshot, [...spec.features, ...extraColumns, { name: spec.target.name, type: 'categorical' }]);
  return splitFrame(frame, spec.target.name, spec.split.testFraction, spec.split.seed);
}
