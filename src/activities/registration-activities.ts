import type { ApproverDirectory, CandidateRef, DatasetSnapshot, EvaluationReport, ModelSpec } from '../domain';
import type { ActivityDeps } from './deps';
import { createGovernanceActivities } from './governance-activities';
import { heartbeatWhile } from './heartbeat';
import { createProfileActivities } from './profile-activities';
import { createRegistryActivities } from './registry-activities';

/**
 * The steps between evaluation and the approval gate as one activity (lifecycles that took the
 * `lean-history-v1` patch): register the version, store its training split's reference profile and, for a
 * blessed candidate, snapshot the approver directory. As three activities they were always called back to
 * back, each costing three history events and a workflow task; the work is the same, each part idempotent
 * (registration per run, the profile per version), so a retry redoes the whole step safely.
 */
export function createRegistrationActivities(deps: ActivityDeps) {
  const registry = createRegistryActivities(deps);
  const profiles = createProfileActivities(deps);
  const governance = createGovernanceActivities(deps);
  return {
    async registerWithReferenceProfile(input: {
      spec: ModelSpec;
      snapshot: DatasetSnapshot;
      candidate: CandidateRef;
      evaluation: EvaluationReport;
      requestedBy: string;
      /** Load the approver directory too (a blessed candidate goes to the gate next). */
      approverDirectory: boolean;
    }): Promise<{ version: number; profileId: string; directory?: ApproverDirectory }> {
      const { approverDirectory, ...candidate } = input;
      const step = `register ${input.spec.name} with lineage`;
      const { version } = await heartbeatWhile({ step }, () => registry.registerCandidate(candidate));
      // The profile's split depends only on the spec's data fields, which a search's params never change.
      const { profileId } = await profiles.storeReferenceProfile({ spec: input.spec, snapshot: input.snapshot, version });
      if (!approverDirectory) return { version, profileId };
      return { version, profileId, directory: await governance.loadApproverDirectory() };
    },
  };
}
