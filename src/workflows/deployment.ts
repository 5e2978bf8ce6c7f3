import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import type {
  DeploymentInput,
  DeploymentResult,
  DeploymentState,
  DeploymentStatus,
  GuardReport,
  RolloutCommandKind,
  RolloutEvent,
  RolloutStep,
  ReleaseProgress,
  ShadowReport,
  RunMemo,
} from '../domain';
import { parseDurationMs } from '../domain/duration';
import { FailureType } from '../domain/failure-types';
import { deploymentInputSchema, describeQueuePosition, rolloutCommandSchema } from '../domain/rollout/deployment';
import { runMemo } from '../domain/run-memo';
import {
  abortSignal,
  deploymentStatusQuery,
  deploymentTurnSignal,
  pauseSignal,
  promoteSignal,
  releaseProgressSignal,
  resumeSignal,
} from './deployment-messages';
import { renderDeploymentDetails } from './deployment-details';
import { modelAttribute, stageAttribute, versionAttribute } from './search-attributes';
import { activities, deployStepOptions, registryStepOptions } from './activity-options';
import { describeFailure, FAILURE_PATH_PATCH } from './failure-path';
import { upsertRunMemo } from './run-memo';
import { LEAN_HISTORY_PATCH, upsertChangedSearchAttributes } from './lean-history';

/** The run memo of a deployment: what it deploys, who asked, and the lifecycle whose spec it follows. */
function deploymentMemo(input: Pick<DeploymentInput, 'model' | 'version' | 'actor'>, parentWorkflowId?: string): RunMemo {
  const specSource = parentWorkflowId ? `deployment spec of ${parentWorkflowId}` : undefined;
  return { kind: 'deployment', model: input.model, version: input.version, requestedBy: input.actor, specSource };
}

/**
 * What a deployment sets first thing (memo, model, version, stage `starting`), for a lifecycle to pass when it
 * starts one: the child then has nothing to write (`lean-history-v1`).
 */
export function deploymentStartVisibility(input: Pick<DeploymentInput, 'model' | 'version' | 'actor'>, parentWorkflowId: string) {
  return {
    memo: runMemo(deploymentMemo(input, parentWorkflowId)),
    typedSearchAttributes: [
      { key: modelAttribute, value: input.model },
      { key: versionAttribute, value: input.version },
      { key: stageAttribute, value: 'starting' },
    ] as SearchAttributePair[],
  };
}

/** A queued deployment looks again this often even without a wake-up (a lost signal costs this, at most). */
const QUEUE_RECHECK = '2m';

/**
 * Brings one model version into production with the spec's strategy — direct, canary (traffic steps, each
 * baked on a durable timer and judged by guards against the stable version) or shadow (a copy of traffic,
 * then an agreement report) — and withdraws it automatically when a guard trips. Started as a child of the
 * lifecycle after approval, or by `mlops rollback` (direct). Signals pause, resume, abort and promote steer it.
 */
export async function deploymentWorkflow(rawInput: DeploymentInput): Promise<DeploymentResult> {
  const parsed = deploymentInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw ApplicationFailure.create({ type: FailureType.SpecInvalid, message: `invalid deployment input: ${problems.join('; ')}`, nonRetryable: true });
  }
  const input = parsed.data;
  const { model, version: target, deployment: spec } = input;
  // Asked first, before any command: runs recorded before it replay their earlier patches one by one.
  const lean = patched(LEAN_HISTORY_PATCH);

  const steps: RolloutStep[] = [];
  const events: RolloutEvent[] = [];
  let status: DeploymentStatus = { model, kind: input.kind, strategy: spec.strategy, requestedStrategy: spec.strategy, fromVersion: null, toVersion: target, state: 'starting', paused: false, steps, events };
  let paused = false;
  let abort: RolloutEvent | undefined;
  let promote: RolloutEvent | undefined;
  let shadow: ShadowReport | undefined;

  const update = (patch: Partial<DeploymentStatus> = {}): void => {
    status = { ...status, ...patch, paused, steps: [...steps], events: [...events], ...(shadow ? { shadow } : {}) };
    setCurrentDetails(renderDeploymentDetails(status));
  };
  const enter = (state: DeploymentState, also: SearchAttributeUpdatePair[] = []): void => {
    update({ state });
    if (lean) upsertChangedSearchAttributes([...also, { key: stageAttribute, value: state }]);
    else upsertSearchAttributes([{ key: stageAttribute, value: state }]);
    log.info('deployment state', { model, version: target, state });
  };

  const command = (kind: RolloutCommandKind, raw: unknown): void => {
    const at = new Date().toISOString();
    const cmd = rolloutCommandSchema.safeParse(raw);
    const actor = cmd.success ? cmd.data.actor : String((raw as { actor?: unknown } | null)?.actor ?? '(unknown)');
    const event: RolloutEvent = { kind, actor, at, accepted: true, ...(cmd.success && cmd.data.reason ? { reason: cmd.data.reason } : {}) };
    const refuse = (note: string) => {
      events.push({ ...event, accepted: false, note });
      update();
      log.warn('rollout command refused', { kind, actor, note });
    };
    if (!cmd.success) return refuse(`malformed: ${cmd.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
    const rolling = status.state === 'canary' || status.state === 'shadow';
    if (kind === 'pause') {
      if (!rolling) return refuse(`nothing to pause in state ${status.state}`);
      if (paused) return refuse('already paused');
      paused = true;
    } else if (kind === 'resume') {
      if (!paused) return refuse('not paused');
      paused = false;
    } else if (kind === 'abort') {
      if (!rolling && status.state !== 'awaiting-decision') return refuse(`nothing to abort in state ${status.state}`);
      if (abort) return refuse('already aborting');
      abort = event;
    } else {
      if (status.state !== 'awaiting-decision') return refuse('promote is accepted only while a shadow candidate awaits a decision');
      promote = event;
    }
    events.push(event);
    update();
  };
  setHandler(deploymentStatusQuery, () => status);
  setHandler(pauseSignal, (c) => command('pause', c));
  setHandler(resumeSignal, (c) => command('resume', c));
  setHandler(abortSignal, (c) => command('abort', c));
  setHandler(promoteSignal, (c) => command('promote', c));
  let woken = false;
  setHandler(deploymentTurnSignal, () => {
    woken = true;
  });

  const identity: SearchAttributeUpdatePair[] = [
    { key: modelAttribute, value: model },
    { key: versionAttribute, value: target },
  ];
  if (!lean) upsertSearchAttributes(identity);
  upsertRunMemo(deploymentMemo(input, workflowInfo().parent?.workflowId), lean);
  enter('starting', lean ? identity : []);
  /**
   * Wakes the model's queued deployments: the first may start now, the others see where they stand. Results of
   * `finishDeployment` recorded before the queue existed carry no `queued`, so old histories replay without it.
   */
  type Closed = { queued?: { deploymentId: number; workflowId: string }[] } | undefined;
  const wakeNext = async (closed: Closed): Promise<void> => {
    await Promise.all(
      (closed?.queued ?? []).map((q) =>
        getExternalWorkflowHandle(q.workflowId)
          .signal(deploymentTurnSignal, { deploymentId: q.deploymentId })
          .catch((e: unknown) => log.warn('could not wake a queued deployment', { to: q.workflowId, error: String(e) })),
      ),
    );
  };
  /** Tells the approving lifecycle (if any) where its release stands, so its stage shows it too. */
  const tellParent = async (progress: ReleaseProgress): Promise<void> => {
    const parent = workflowInfo().parent;
    if (!parent) return;
    await getExternalWorkflowHandle(parent.workflowId, parent.runId)
      .signal(releaseProgressSignal, progress)
      .catch((e: unknown) => log.warn('could not tell the parent about the queue', { error: (e as Error).message }));
  };
  /**
   * Deployments of a model run one at a time, first come first served: wait for the turn, visibly. The
   * deployment that ends before it wakes it (signal `deploymentTurn`); a slow timer looks again anyway, so a
   * lost wake-up costs minutes, never the release. Waiting holds no worker slot.
   */
  const takeTurn = async () => {
    const claim = () =>
      activities(registryStepOptions, `is it ${model} v${target}'s turn?`).claimDeploymentTurn({
        deploymentId: answer.deploymentId,
        strategy: spec.strategy,
      });
    let answer = await activities(registryStepOptions, `record deployment of ${model} v${target}`).beginDeployment({
      model,
      version: target,
      kind: input.kind,
      strategy: spec.strategy,
      actor: input.actor,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(workflowInfo().parent ? { parentWorkflowId: workflowInfo().parent?.workflowId } : {}),
    });
    if (!answer.waitingFor) return answer;
    let shown: string | undefined;
    while (answer.waitingFor) {
      const waiting = describeQueuePosition(model, answer.waitingFor);
      if (waiting !== shown) {
        update({ deploymentId: answer.deploymentId, waitingFor: answer.waitingFor });
        if (shown === undefined) enter('queued');
        await tellParent({ state: 'queued', deploymentId: answer.deploymentId, waitingFor: answer.waitingFor });
        shown = waiting;
      }
      await condition(() => woken, QUEUE_RECHECK, { summary: waiting });
      woken = false; // a wake-up arriving during the claim below makes the next wait return at once
      answer = await claim();
    }
    status = { ...status, waitingFor: undefined };
    enter('starting');
    await tellParent({ state: 'started', deploymentId: answer.deploymentId });
    return answer;
  };
  let begun: Awaited<ReturnType<typeof takeTurn>>;
  try {
    begun = await takeTurn();
  } catch (err) {
    // Old histories failed here without a word; new runs close a queued row and say why before failing.
    if (lean || patched(FAILURE_PATH_PATCH)) {
      const reason = isCancellation(err)
        ? 'deployment cancelled before it started'
        : `deployment could not start: ${describeFailure(err)}`;
      const queued = status.deploymentId;
      if (queued !== undefined) {
        await CancellationScope.nonCancellable(() =>
          activities(registryStepOptions, 'record outcome: failed')
            .finishDeployment({ deploymentId: queued, state: 'failed', reason, steps: [] })
            .then(wakeNext, (e: unknown) => log.error('could not close the queued deployment', { error: String(e) })),
        );
      }
      update({ outcomeReason: reason });
      enter('failed');
    }
    throw err;
  }
  const { deploymentId, fromVersion, strategy } = begun;
  update({ deploymentId, fromVersion, strategy });
  if (begun.note) log.info(begun.note);
  const why = input.reason ?? `${input.kind} by ${input.actor}`;
  let candidateRouted = false;

  const recordSteps = () => activities(registryStepOptions, 'record rollout progress').recordDeploymentSteps({ deploymentId, steps: [...steps] });
  const now = () => new Date().toISOString();
  const endStep = (patch: Partial<RolloutStep> = {}) => {
    const i = steps.length - 1;
    steps[i] = { ...(steps[i] as RolloutStep), endedAt: now(), ...patch };
    update();
  };

  const finish = async (state: 'promoted' | 'rolled-back', reason: string): Promise<DeploymentResult> => {
    update({ outcomeReason: reason });
    enter(state);
    const closed = await activities(registryStepOptions, `record outcome: ${state}`).finishDeployment({
      deploymentId,
      state,
      reason,
      steps: [...steps],
    });
    await wakeNext(closed);
    await condition(allHandlersFinished);
    return { outcome: state, model, kind: input.kind, strategy, fromVersion, toVersion: target, deploymentId, reason, steps: [...steps], ...(shadow ? { shadow } : {}) };
  };

  const promoteTarget = async (actor: string, reason: string): Promise<DeploymentResult> => {
    enter('promoting');
    const parent = workflowInfo().parent;
    await activities(deployStepOptions, `promote ${model} v${target} to production`).promoteVersion({
      model,
      version: target,
      fromVersion,
      kind: input.kind,
      actor,
      reason,
      ...(parent ? { authorizedBy: { workflowId: parent.workflowId, runId: parent.runId } } : {}),
    });
    return finish('promoted', reason);
  };

  const rollBack = async (stable: number, reason: string): Promise<DeploymentResult> => {
    enter('rolling-back');
    await activities(deployStepOptions, `withdraw v${target}: all traffic to v${stable}`).restoreStable({ model, stable, candidate: target, reason });
    return finish('rolled-back', reason);
  };

  const abortReason = () => `aborted by ${abort?.actor}${abort?.reason ? `: ${abort.reason}` : ''}`;

  /** One bake period (a durable timer); an abort cuts it short; a pause holds the rollout afterwards until resumed. */
  const bake = async (ms: number, what: string): Promise<void> => {
    await condition(() => abort !== undefined, ms, { summary: what });
    if (paused && !abort) await condition(() => !paused || abort !== undefined);
  };

  /** Bakes the current step, then judges it; too little traffic extends the bake up to `maxExtensions` times. */
  const bakeAndJudge = async (bakeMs: number, what: string, judge: () => Promise<GuardReport>): Promise<GuardReport | undefined> => {
    for (;;) {
      await bake(bakeMs, what);
      if (abort) return undefined;
      const report = await judge();
      const i = steps.length - 1;
      const step = steps[i] as RolloutStep;
      if (report.verdict === 'insufficient' && step.extensions < spec.guards.maxExtensions) {
        steps[i] = { ...step, extensions: step.extensions + 1, report };
        update();
        continue;
      }
      endStep({ report });
      await recordSteps();
      return report;
    }
  };

  const failedChecks = (r: GuardReport) => r.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`).join('; ');

  const runCanary = async (stable: number): Promise<DeploymentResult> => {
    const bakeMs = parseDurationMs(spec.canary.bake);
    let rolloutStart: string | undefined;
    for (const percent of spec.canary.steps) {
      if (abort) return rollBack(stable, abortReason());
      const routed = await activities(deployStepOptions, `route ${percent} % of ${model} to v${target}`).routeTraffic({ model, change: { stable, candidate: target, mode: 'canary', percent } });
      candidateRouted = true;
      rolloutStart ??= routed.routedAt;
      const since = rolloutStart;
      steps.push({ mode: 'canary', percent, startedAt: routed.routedAt, extensions: 0 });
      enter('canary');
      await recordSteps();
      const report = await bakeAndJudge(bakeMs, `bake ${spec.canary.bake} at ${percent} %`, () =>
        activities(deployStepOptions, `guards at ${percent} %`).checkGuards({ model, stable, candidate: target, role: 'canary', baselineSince: since, candidateSince: routed.routedAt, guards: spec.guards }),
      );
      if (!report) return rollBack(stable, abortReason());
      if (report.verdict === 'insufficient') return rollBack(stable, `guard tripped at ${percent} %: not enough traffic to judge the candidate (${failedChecks(report)})`);
      if (report.verdict === 'fail') return rollBack(stable, `guard tripped at ${percent} %: ${failedChecks(report)}`);
    }
    return promoteTarget(input.actor, `${why}; canary ${spec.canary.steps.join(' → ')} % passed its guards`);
  };

  const runShadow = async (stable: number): Promise<DeploymentResult> => {
    const routed = await activities(deployStepOptions, `shadow ${model} v${target} on a copy of traffic`).routeTraffic({ model, change: { stable, candidate: target, mode: 'shadow' } });
    candidateRouted = true;
    steps.push({ mode: 'shadow', percent: null, startedAt: routed.routedAt, extensions: 0 });
    enter('shadow');
    await recordSteps();
    const report = await bakeAndJudge(parseDurationMs(spec.shadow.duration), `shadow for ${spec.shadow.duration}`, async () => {
      shadow = await activities(deployStepOptions, 'shadow agreement report').reportShadow({ model, stable, candidate: target, since: routed.routedAt, guards: spec.guards, policy: spec.shadow });
      return shadow.guards;
    });
    if (!report || !shadow) return rollBack(stable, abortReason());
    if (shadow.verdict === 'promote') return promoteTarget(input.actor, `${why}; shadow agreement ${((shadow.agreement ?? 0) * 100).toFixed(1)} % passed`);
    if (shadow.verdict !== 'low-agreement') return rollBack(stable, `shadow guard tripped: ${failedChecks(report)}`);
    const low = `shadow agreement ${shadow.agreement === null ? 'unknown' : `${(shadow.agreement * 100).toFixed(1)} %`} is below ${spec.shadow.minAgreement * 100} %`;
    if (spec.shadow.onLowAgreement === 'reject') return rollBack(stable, low);
    enter('awaiting-decision');
    const decided = await condition(() => promote !== undefined || abort !== undefined, parseDurationMs(spec.shadow.decisionTimeout), { summary: `decision deadline ${spec.shadow.decisionTimeout}` });
    if (promote) return promoteTarget(promote.actor, `${low}; promoted by ${promote.actor}${promote.reason ? `: ${promote.reason}` : ''}`);
    return rollBack(stable, decided ? `${low}; ${abortReason()}` : `${low}; no decision within ${spec.shadow.decisionTimeout}`);
  };

  try {
    if (strategy === 'direct' || fromVersion === null) {
      steps.push({ mode: 'direct', percent: null, startedAt: now(), extensions: 0 });
      update();
      return await promoteTarget(input.actor, begun.note ? `${why}; ${begun.note}` : why);
    }
    return strategy === 'canary' ? await runCanary(fromVersion) : await runShadow(fromVersion);
  } catch (err) {
    const reason = isCancellation(err) ? 'deployment cancelled' : `deployment failed: ${(err as Error).message}`;
    await CancellationScope.nonCancellable(async () => {
      if (candidateRouted && fromVersion !== null) {
        await activities(deployStepOptions, `withdraw v${target} after failure`)
          .restoreStable({ model, stable: fromVersion, candidate: target, reason })
          .catch((e: unknown) => log.error('could not restore the stable version', { error: (e as Error).message }));
      }
      const closed = await activities(registryStepOptions, 'record outcome: failed').finishDeployment({
        deploymentId,
        state: 'failed',
        reason,
        steps: [...steps],
      });
      await wakeNext(closed);
    });
    update({ outcomeReason: reason });
    enter('failed');
    throw err;
  }
}
