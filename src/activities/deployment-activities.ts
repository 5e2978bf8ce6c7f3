import { DeploymentStore, type RouteChange, type ServerRoute } from '../adapters';
import {
  emptyStats,
  evaluateGuards,
  shadowReport,
  statsOf,
  type DeploymentKind,
  type GuardReport,
  type Guards,
  type RolloutStep,
  type ShadowPolicy,
  type ShadowReport,
  type Strategy,
} from '../domain';
import type { ActivityDeps } from './deps';
import { currentWorkflowRun } from './run-context';

/** Side effects of the deployment workflow: the deployments table, the model server's routing and stats, aliases. */
export function createDeploymentActivities({ registry, artifacts, modelServer, logger }: ActivityDeps) {
  const log = logger.child({ component: 'deployment-activities' });
  const deployments = new DeploymentStore(registry.db);

  return {
    /**
     * Checks the target version and its artifact, reads the current production version and records the
     * deployment as running (refused while another deployment of the model runs). A canary or shadow needs a
     * stable version to compare with; without one the version is deployed directly.
     */
    async beginDeployment(input: {
      model: string;
      version: number;
      kind: DeploymentKind;
      strategy: Strategy;
      actor: string;
      reason?: string;
      parentWorkflowId?: string;
    }): Promise<{ deploymentId: number; fromVersion: number | null; strategy: Strategy; note?: string }> {
      const { workflowId, runId } = currentWorkflowRun();
      const target = registry.getVersion(input.model, input.version);
      await artifacts.get(target.artifactPath, target.artifactSha256);
      const fromVersion = registry.findByAlias(input.model, 'production')?.version ?? null;
      let strategy = input.strategy;
      let note: string | undefined;
      if (strategy !== 'direct' && fromVersion === null) note = `no version of ${input.model} in production to compare with: deployed directly instead of ${strategy}`;
      if (strategy !== 'direct' && fromVersion === input.version) note = `v${input.version} is already in production: routing re-asserted directly`;
      if (note) strategy = 'direct';
      const row = deployments.begin({
        model: input.model,
        kind: input.kind,
        strategy,
        fromVersion,
        toVersion: input.version,
        actor: input.actor,
        workflowId,
        runId,
        ...(input.parentWorkflowId ? { parentWorkflowId: input.parentWorkflowId } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
      });
      log.info({ model: input.model, deployment: row.id, from: row.fromVersion, to: row.toVersion, strategy: row.strategy }, 'deployment started');
      return { deploymentId: row.id, fromVersion: row.fromVersion, strategy: row.strategy, ...(note ? { note } : {}) };
    },

    /** Sets the model server's traffic split (it loads and warms the versions first). */
    async routeTraffic(input: { model: string; change: RouteChange }): Promise<ServerRoute> {
      return modelServer.route(input.model, input.change);
    },

    /** Compares the candidate (since its step began) with the stable version (since the rollout began). */
    async checkGuards(input: { model: string; stable: number; candidate: number; role: 'canary' | 'shadow'; baselineSince: string; candidateSince: string; guards: Guards }): Promise<GuardReport> {
      const [base, cand] = await Promise.all([modelServer.stats(input.model, input.baselineSince), modelServer.stats(input.model, input.candidateSince)]);
      return evaluateGuards(
        statsOf(base, input.stable, 'primary') ?? emptyStats(input.stable, 'primary'),
        statsOf(cand, input.candidate, input.role) ?? emptyStats(input.candidate, input.role),
        input.guards,
      );
    },

    /** The agreement report of a shadow rollout: guards plus how often the candidate agreed with stable. */
    async reportShadow(input: { model: string; stable: number; candidate: number; since: string; guards: Guards; policy: ShadowPolicy }): Promise<ShadowReport> {
      const window = await modelServer.stats(input.model, input.since);
      return shadowReport(
        statsOf(window, input.stable, 'primary') ?? emptyStats(input.stable, 'primary'),
        statsOf(window, input.candidate, 'shadow') ?? emptyStats(input.candidate, 'shadow'),
        input.guards,
        input.policy,
      );
    },

    async recordDeploymentSteps(input: { deploymentId: number; steps: RolloutStep[] }): Promise<void> {
      deployments.recordSteps(input.deploymentId, input.steps);
    },

    /**
     * Makes the version production: the server switches all traffic to it, then the `production` alias moves
     * (history kept, once per authorizing run). A rollback marks the version it replaced as rolled back.
     */
    async promoteVersion(input: {
      model: string;
      version: number;
      fromVersion: number | null;
      kind: DeploymentKind;
      actor: string;
      reason: string;
      /** The run that authorized the move (the approving lifecycle); the alias history names it. Default: this run. */
      authorizedBy?: { workflowId: string; runId: string };
    }): Promise<ServerRoute> {
      const { workflowId, runId } = input.authorizedBy ?? currentWorkflowRun();
      const route = await modelServer.route(input.model, { stable: input.version });
      registry.moveAlias({ modelName: input.model, alias: 'production', version: input.version, actor: input.actor, workflowId, runId, reason: input.reason });
      registry.setStatus(input.model, input.version, 'deployed');
      if (input.kind === 'rollback' && input.fromVersion !== null && input.fromVersion !== input.version) registry.setStatus(input.model, input.fromVersion, 'rolled_back');
      log.info({ model: input.model, version: input.version, previous: input.fromVersion, kind: input.kind }, 'version promoted to production');
      return route;
    },

    /** Withdraws the candidate: all traffic back to stable, the alias back on stable if anything moved it. */
    async restoreStable(input: { model: string; stable: number; candidate: number; reason: string }): Promise<ServerRoute> {
      const { workflowId, runId } = currentWorkflowRun();
      const route = await modelServer.route(input.model, { stable: input.stable });
      if (registry.findByAlias(input.model, 'production')?.version !== input.stable) {
        registry.moveAlias({ modelName: input.model, alias: 'production', version: input.stable, actor: 'system:rollback', workflowId, runId, reason: input.reason });
      }
      registry.setStatus(input.model, input.candidate, 'rolled_back');
      log.warn({ model: input.model, stable: input.stable, candidate: input.candidate, reason: input.reason }, 'candidate withdrawn, traffic back on stable');
      return route;
    },

    async finishDeployment(input: { deploymentId: number; state: 'promoted' | 'rolled-back' | 'failed'; reason: string; steps: RolloutStep[] }): Promise<void> {
      deployments.finish(input.deploymentId, input.state, input.reason, input.steps);
    },
  };
}
