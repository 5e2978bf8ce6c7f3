import type { RouteChange, ServerRoute } from '../adapters';
import {
  FailureType,
  type DeploymentRow,
  type PlanDeployment,
  type QueueAnswer,
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
  type DeploymentQueuePosition,
} from '../domain';
import type { ActivityDeps } from './deps';
import { currentWorkflowRun } from './run-context';
import { heartbeatWhile } from './heartbeat';
import { failure } from './failures';
import { closeStaleDeployments } from './stale-deployments';

/** What `beginDeployment` and `claimDeploymentTurn` answer: the row, what it runs as, or what it waits for. */
export interface BegunDeployment {
  readonly deploymentId: number;
  readonly fromVersion: number | null;
  readonly strategy: Strategy;
  readonly note?: string;
  /** Set while the deployment is queued behind another of the same model. */
  readonly waitingFor?: DeploymentQueuePosition;
}

/** Why a canary or shadow runs as direct after all (read back from the row, so a retry gives the same note). */
function strategyNote(requested: Strategy, row: DeploymentRow): string | undefined {
  if (requested === 'direct' || row.strategy !== 'direct') return undefined;
  if (row.fromVersion === null) {
    return `no version of ${row.model} in production to compare with: deployed directly instead of ${requested}`;
  }
  if (row.fromVersion === row.toVersion) {
    return `v${row.toVersion} is already in production: routing re-asserted directly`;
  }
  return undefined;
}

/** Side effects of the deployment workflow: the deployments table, the model server's routing and stats, aliases. */
export function createDeploymentActivities({ registry, artifacts, modelServer, logger }: ActivityDeps) {
  const log = logger.child({ component: 'deployment-activities' });
  const deployments = registry.deployments;

  /** Decided when a deployment starts running: the version it replaces and whether a canary/shadow is possible. */
  const plan = (version: number, requested: Strategy): PlanDeployment => (fromVersion) => {
    const direct = requested !== 'direct' && (fromVersion === null || fromVersion === version);
    return { fromVersion, strategy: direct ? 'direct' : requested };
  };
  const begun = ({ row, waitingFor }: QueueAnswer, requested: Strategy): BegunDeployment => {
    const note = strategyNote(requested, row);
    return {
      deploymentId: row.id,
      fromVersion: row.fromVersion,
      strategy: row.strategy,
      ...(note ? { note } : {}),
      ...(waitingFor ? { waitingFor } : {}),
    };
  };

  return {
    /**
     * Checks the target version and its artifact and records the deployment: running at once when nothing
     * else of the model runs or waits, else queued behind the others (answer `waitingFor`; then call
     * `awaitDeploymentTurn`). A canary or shadow needs a stable version to compare with; without one the
     * version is deployed directly. A rollback first closes rows of workflows that ended without an outcome.
     */
    async beginDeployment(input: {
      model: string;
      version: number;
      kind: DeploymentKind;
      strategy: Strategy;
      actor: string;
      reason?: string;
      parentWorkflowId?: string;
    }): Promise<BegunDeployment> {
      const { workflowId, runId } = currentWorkflowRun();
      const target = await registry.getVersion(input.model, input.version);
      await artifacts.get(target.artifactPath, target.artifactSha256);
      if (input.kind === 'rollback') {
        const closed = await closeStaleDeployments(deployments, input.model, workflowId);
        if (closed.length) log.warn({ model: input.model, closed }, 'closed deployments whose workflows had ended');
      }
      const answer = await deployments.begin(
        {
          model: input.model,
          kind: input.kind,
          strategy: input.strategy,
          fromVersion: null,
          toVersion: input.version,
          actor: input.actor,
          workflowId,
          runId,
          ...(input.parentWorkflowId ? { parentWorkflowId: input.parentWorkflowId } : {}),
          ...(input.reason ? { reason: input.reason } : {}),
        },
        plan(input.version, input.strategy),
      );
      const { row } = answer;
      const waitingFor = answer.waitingFor?.deploymentId;
      const { id: deployment, state, fromVersion: from, toVersion: to } = row;
      log.info({ model: input.model, deployment, state, from, to, waitingFor }, 'deployment recorded');
      return begun(answer, input.strategy);
    },

    /**
     * Starts a queued deployment if its turn has come (nothing of the model runs and it is the oldest queued)
     * — what it runs as is decided now, from the production version of this moment — else says what it still
     * waits for. Quick: the workflow waits between calls (for a `deploymentTurn` signal or a timer).
     */
    async claimDeploymentTurn(input: { deploymentId: number; strategy: Strategy }): Promise<BegunDeployment> {
      const row = await deployments.get(input.deploymentId);
      const answer = await deployments.claim(row.id, plan(row.toVersion, input.strategy));
      if (answer.row.state !== 'queued' && answer.row.state !== 'running') {
        // Closed by someone else while it queued (e.g. `mlops rollback` clearing rows of a dead workflow).
        const why = answer.row.outcomeReason ?? 'no reason recorded';
        const message = `deployment #${row.id} was closed (${answer.row.state}) while it queued: ${why}`;
        throw failure(FailureType.DeploymentRefused, message);
      }
      if (!answer.waitingFor) {
        const started = { model: row.model, deployment: row.id, from: answer.row.fromVersion, to: row.toVersion };
        log.info(started, 'queued deployment started');
      }
      return begun(answer, input.strategy);
    },

    /** Sets the model server's traffic split (it loads and warms the versions first). */
    async routeTraffic(input: { model: string; change: RouteChange }): Promise<ServerRoute> {
      const step = `route ${input.model}`;
      return heartbeatWhile({ step, change: input.change }, () => modelServer.route(input.model, input.change));
    },

    /** Compares the candidate (since its step began) with the stable version (since the rollout began). */
    async checkGuards(input: { model: string; stable: number; candidate: number; role: 'canary' | 'shadow'; baselineSince: string; candidateSince: string; guards: Guards }): Promise<GuardReport> {
      const [base, cand] = await heartbeatWhile({ step: `stats of ${input.model}` }, () =>
        Promise.all([
          modelServer.stats(input.model, input.baselineSince),
          modelServer.stats(input.model, input.candidateSince),
        ]),
      );
      return evaluateGuards(
        statsOf(base, input.stable, 'primary') ?? emptyStats(input.stable, 'primary'),
        statsOf(cand, input.candidate, input.role) ?? emptyStats(input.candidate, input.role),
        input.guards,
      );
    },

    /** The agreement report of a shadow rollout: guards plus how often the candidate agreed with stable. */
    async reportShadow(input: { model: string; stable: number; candidate: number; since: string; guards: Guards; policy: ShadowPolicy }): Promise<ShadowReport> {
      const step = `stats of ${input.model}`;
      const window = await heartbeatWhile({ step }, () => modelServer.stats(input.model, input.since));
      return shadowReport(
        statsOf(window, input.stable, 'primary') ?? emptyStats(input.stable, 'primary'),
        statsOf(window, input.candidate, 'shadow') ?? emptyStats(input.candidate, 'shadow'),
        input.guards,
        input.policy,
      );
    },

    async recordDeploymentSteps(input: { deploymentId: number; steps: RolloutStep[] }): Promise<void> {
      await deployments.recordSteps(input.deploymentId, input.steps);
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
      const step = `all traffic of ${input.model} to v${input.version}`;
      const route = await heartbeatWhile({ step }, () => modelServer.route(input.model, { stable: input.version }));
      await registry.moveAlias({ modelName: input.model, alias: 'production', version: input.version, actor: input.actor, workflowId, runId, reason: input.reason });
      await registry.setStatus(input.model, input.version, 'deployed');
      if (input.kind === 'rollback' && input.fromVersion !== null && input.fromVersion !== input.version) await registry.setStatus(input.model, input.fromVersion, 'rolled_back');
      log.info({ model: input.model, version: input.version, previous: input.fromVersion, kind: input.kind }, 'version promoted to production');
      return route;
    },

    /** Withdraws the candidate: all traffic back to stable, the alias back on stable if anything moved it. */
    async restoreStable(input: { model: string; stable: number; candidate: number; reason: string }): Promise<ServerRoute> {
      const { workflowId, runId } = currentWorkflowRun();
      const step = `all traffic of ${input.model} back to v${input.stable}`;
      const route = await heartbeatWhile({ step }, () => modelServer.route(input.model, { stable: input.stable }));
      if ((await registry.findByAlias(input.model, 'production'))?.version !== input.stable) {
        await registry.moveAlias({ modelName: input.model, alias: 'production', version: input.stable, actor: 'system:rollback', workflowId, runId, reason: input.reason });
      }
      await registry.setStatus(input.model, input.candidate, 'rolled_back', input.reason);
      log.warn({ model: input.model, stable: input.stable, candidate: input.candidate, reason: input.reason }, 'candidate withdrawn, traffic back on stable');
      return route;
    },

    /** Closes the deployment; answers the model's queued deployments, to wake them (the first may now start). */
    async finishDeployment(input: {
      deploymentId: number;
      state: 'promoted' | 'rolled-back' | 'failed';
      reason: string;
      steps: RolloutStep[];
    }): Promise<{ queued: { deploymentId: number; workflowId: string }[] }> {
      const row = await deployments.finish(input.deploymentId, input.state, input.reason, input.steps);
      return { queued: (await deployments.queued(row.model)).map((q) => ({ deploymentId: q.id, workflowId: q.workflowId })) };
    },
  };
}
