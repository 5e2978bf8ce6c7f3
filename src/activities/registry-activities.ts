import { currentWorkflowRun } from './run-context';
import { normalizeBlobUri, type CandidateRef, type DatasetSnapshot, type EvaluationReport, type ModelSpec, type RecordedDecision, type VersionStatus } from '../domain';
import type { ActivityDeps } from './deps';

export function createRegistryActivities({ registry, codeVersion, logger }: ActivityDeps) {
  const log = logger.child({ component: 'registry-activities' });

  return {
    /** Registers the candidate as a new immutable version with its lineage; idempotent per workflow run. */
    async registerCandidate(input: {
      spec: ModelSpec;
      snapshot: DatasetSnapshot;
      candidate: CandidateRef;
      evaluation: EvaluationReport;
      requestedBy: string;
    }): Promise<{ version: number }> {
      const { workflowId, runId } = currentWorkflowRun();
      const { version, created } = await registry.registerVersion({
        modelName: input.spec.name,
        status: input.evaluation.blessed ? 'pending_approval' : 'not_blessed',
        datasetId: input.snapshot.id,
        // Rows carry URIs: bare paths (runs from before URIs, older external trainers) are stored as file:// URIs.
        datasetPath: normalizeBlobUri(input.snapshot.snapshotPath),
        datasetRows: input.snapshot.rowCount,
        spec: input.spec,
        params: {
          ...input.spec.training,
          split: input.spec.split,
          epochsRun: input.candidate.epochs,
          finalLoss: input.candidate.finalLoss,
          // External trainers report what produced the model: kept with the version to rebuild it.
          ...(input.candidate.format ? { artifactFormat: input.candidate.format } : {}),
          ...(input.candidate.environment ? { environment: input.candidate.environment } : {}),
          // `training.search`: every trial's params and validation metric, and which one was picked.
          ...(input.candidate.search ? { hyperSearch: input.candidate.search } : {}),
        },
        metrics: input.evaluation.candidate,
        evaluation: input.evaluation,
        artifactPath: normalizeBlobUri(input.candidate.artifactPath),
        artifactSha256: input.candidate.artifactSha256,
        codeVersion,
        workflowId,
        runId,
        requestedBy: input.requestedBy,
      });
      log.info({ model: input.spec.name, version, created }, created ? 'version registered' : 'version already registered by this run');
      return { version };
    },

    /** Records every decision that counted and the version's resulting status; idempotent per run and approver. */
    async recordVerdict(input: { model: string; version: number; decisions: RecordedDecision[]; outcome: 'approve' | 'reject' }): Promise<void> {
      const { workflowId, runId } = currentWorkflowRun();
      for (const decision of input.decisions) await registry.recordDecision({ modelName: input.model, version: input.version, decision, workflowId, runId });
      await registry.setStatus(input.model, input.version, input.outcome === 'approve' ? 'approved' : 'rejected');
    },

    /** The failure path of a lifecycle: the version is marked `failed` with the reason (unless it serves). */
    async markVersionFailed(input: {
      model: string;
      version: number;
      reason: string;
    }): Promise<{ status: VersionStatus }> {
      const status = await registry.markFailed(input.model, input.version, input.reason);
      log.warn({ model: input.model, version: input.version, status, reason: input.reason }, 'version marked failed');
      return { status };
    },

    async setVersionStatus(input: { model: string; version: number; status: VersionStatus }): Promise<void> {
      await registry.setStatus(input.model, input.version, input.status);
    },
  };
}
