import { currentWorkflowRun } from './run-context';
import type { ActivityDeps } from './deps';

export function createDeployActivities({ registry, artifacts, modelServer, logger }: ActivityDeps) {
  const log = logger.child({ component: 'deploy-activities' });
  return {
    /**
     * Makes the model server serve the version (it loads, warms and swaps without a restart), then moves the
     * `production` alias. Server first: the alias never points at something that could not be loaded.
     */
    async deployVersion(input: { model: string; version: number; actor: string; reason?: string }): Promise<{ previousVersion: number | null; loadedAt: string }> {
      const { workflowId, runId } = currentWorkflowRun();
      const row = registry.getVersion(input.model, input.version);
      await artifacts.get(row.artifactPath, row.artifactSha256); // refuse a corrupt artifact before touching the server
      const loaded = await modelServer.load(input.model, input.version);
      const { from } = registry.moveAlias({ modelName: input.model, alias: 'production', version: input.version, actor: input.actor, workflowId, runId, ...(input.reason ? { reason: input.reason } : {}) });
      registry.setStatus(input.model, input.version, 'deployed');
      log.info({ model: input.model, version: input.version, previous: from }, 'version deployed');
      return { previousVersion: from, loadedAt: loaded.loadedAt };
    },
  };
}
