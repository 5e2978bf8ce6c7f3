import { buildReferenceProfilesFromFrame, type DatasetSnapshot, type ModelSpec } from '../domain';
import type { ActivityDeps } from './deps';
import { readSpecFrameSplit } from './spec-split';
import { heartbeatWhile } from './heartbeat';

/** Builds and stores the reference profile of a version's training split (the same seeded split training used). */
export async function profileTrainingSplit(
  { datasets, monitoring }: Pick<ActivityDeps, 'datasets' | 'monitoring'>,
  input: { spec: ModelSpec; snapshot: Pick<DatasetSnapshot, 'id' | 'snapshotPath'>; version: number },
): Promise<{ profileId: string; rows: number }> {
  const { spec, snapshot } = input;
  const { train } = await readSpecFrameSplit(datasets, spec, snapshot);
  const profiles = buildReferenceProfilesFromFrame(train, spec.features, spec.target.name);
  const { id } = await monitoring.saveProfile({ modelName: spec.name, version: input.version, datasetId: snapshot.id, profiles });
  return { profileId: id, rows: train.rows };
}

export function createProfileActivities(deps: ActivityDeps) {
  const log = deps.logger.child({ component: 'profile-activities' });
  return {
    /**
     * Stores the training split's drift profile with the registered version (per-feature quantiles,
     * histograms, samples, category counts, row counts): the reference every monitor report compares to.
     */
    async storeReferenceProfile(input: { spec: ModelSpec; snapshot: DatasetSnapshot; version: number }): Promise<{ profileId: string; rows: number }> {
      const step = `profile the training split of v${input.version}`;
      const stored = await heartbeatWhile({ step }, () => profileTrainingSplit(deps, input));
      log.info({ model: input.spec.name, version: input.version, profile: stored.profileId, rows: stored.rows }, 'reference profile stored');
      return stored;
    },
  };
}
