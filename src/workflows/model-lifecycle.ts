import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  executeChild,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ApproverDirectory, LifecycleInput, LifecycleResult, LifecycleStatus, ModelSpec, Stage } from '../domain';
import { FailureType } from '../domain/failure-types';
import { lifecycleInputSchema } from '../domain/lifecycle';
import { deploymentWorkflowId } from '../domain/rollout/deployment';
import { parseModelSpec } from '../domain/spec';
import { DEFAULT_TRAINING_TASK_QUEUE, describeTrainer, isBuiltinTraining } from '../domain/training-spec';
import { statusQuery } from './messages';
import { releaseProgressSignal } from './deployment-messages';
import { describeFailure, FAILURE_PATH_PATCH } from './failure-path';
import { upsertRunMemo } from './run-memo';
import { modelAttribute, stageAttribute, triggerAttribute, versionAttribute } from './search-attributes';
import { activities, dataStepOptions, registryStepOptions, trainingStepOptions } from './activity-options';
import { deploymentStartVisibility, deploymentWorkflow } from './deployment';
import { LEAN_HISTORY_PATCH, upsertChangedSearchAttributes } from './lean-history';
import { renderDetails } from './details';
import { AUDIT_NAMES_BY_KIND_PATCH, startAuditTrail } from './audit-trail';
import { installApprovalGate } from './approval-gate';
import { runSearch, withParams } from './hyper-search';
import { builtinTrainingQueue, onQueue } from './training-queue';

function specFailure(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.SpecInvalid, message: `invalid model spec: ${problems.join('; ')}`, nonRetryable: true, details: [problems] });
}

/**
 * One model's lifecycle: ingest → validate → train → evaluate → register → human approval → deploy.
 * The approval gate waits on signals at zero compute; everything with side effects is an activity.
 * Any terminal failure goes through the failure path the run installs once it knows its model (`onFailure`):
 * stage `failed` with the reason, the version marked, a `lifecycle.failed` audit event; then the run fails.
 */
export async function modelLifecycleWorkflow(rawInput: LifecycleInput): Promise<LifecycleResult> {
  const hooks: LifecycleHooks = {};
  try {
    return await runLifecycle(rawInput, hooks);
  } catch (err) {
    if (hooks.onFailure) await hooks.onFailure(err);
    throw err;
  }
}

interface LifecycleHooks {
  onFailure?: (err: unknown) => Promise<void>;
}

async function runLifecycle(rawInput: LifecycleInput, hooks: LifecycleHooks): Promise<LifecycleResult> {
  const parsedInput = lifecycleInputSchema.safeParse(rawInput);
  if (!parsedInput.success) throw specFailure(parsedInput.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`));
  const input = parsedInput.data;
  // Clients send the fully resolved spec (defaults applied at start): parsing it again changes nothing, so a
  // default changed in later code never reaches this run. Older or foreign inputs still parse (docs/versioning.md).
  const parsedSpec = parseModelSpec(input.spec);
  if (!parsedSpec.ok) throw specFailure(parsedSpec.problems);
  const spec: ModelSpec = parsedSpec.spec;
  // Asked first, before any command: runs recorded before it replay their earlier patches one by one.
  const lean = patched(LEAN_HISTORY_PATCH);

  let status: LifecycleStatus = {
    model: spec.name,
    stage: 'starting',
    requestedBy: input.requestedBy,
    trigger: input.trigger,
    decisions: [],
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.reportId ? { reportId: input.reportId } : {}),
    ...(input.evidence ? { evidence: input.evidence } : {}),
  };
  const update = (patch: Partial<LifecycleStatus>): void => {
    status = { ...status, ...patch };
  };
  let lastActiveStage: Stage = status.stage;
  /** Enters a stage: status, search attributes (with `also`, in lean runs), UI details, a log line. */
  const enter = (stage: Stage, also: SearchAttributeUpdatePair[] = []): void => {
    if (stage !== 'failed') lastActiveStage = stage;
    update({ stage });
    const attributes: SearchAttributeUpdatePair[] = [
      { key: stageAttribute, value: stage },
      ...(status.version !== undefined ? [{ key: versionAttribute, value: status.version }] : []),
    ];
    if (lean) upsertChangedSearchAttributes([...also, ...attributes]);
    else upsertSearchAttributes(attributes);
    setCurrentDetails(renderDetails(status));
    log.info('lifecycle stage', { model: spec.name, stage, version: status.version });
  };

  setHandler(statusQuery, () => status);
  const audit = startAuditTrail(
    spec.name,
    {
      showHealth: (auditTrail) => {
        update({ auditTrail });
        setCurrentDetails(renderDetails(status));
      },
    },
    // Runs started before this patch keep numbering their audit keys by seq (their stored rows use it).
    { nameByKind: lean || patched(AUDIT_NAMES_BY_KIND_PATCH) },
  );
  audit.record('lifecycle.requested', input.requestedBy, { trigger: input.trigger, ...(input.reason ? { reason: input.reason } : {}), ...(input.specSource ? { specSource: input.specSource } : {}) });
  const gate = installApprovalGate({
    model: spec.name,
    requestedBy: input.requestedBy,
    ...(input.reason ? { reason: input.reason } : {}),
    policy: spec.approval,
    audit,
    recordDecision: (d) => {
      update({ decisions: [...status.decisions, d] });
      setCurrentDetails(renderDetails(status));
    },
    showApproval: (approval) => {
      update({ approval, ...(approval.deadline ? { deadline: approval.deadline } : {}) });
      setCurrentDetails(renderDetails(status));
    },
    opened: () => enter('awaiting-approval'),
  });
  /** Before returning: let in-flight handlers end, then make sure the audit trail is stored. */
  const finish = async (): Promise<void> => {
    await condition(allHandlersFinished);
    await audit.stored();
  };

  hooks.onFailure = async (err) => {
    // Runs that failed before the failure path existed replay without it (their history has no marker).
    if (!lean && !patched(FAILURE_PATH_PATCH)) return;
    await CancellationScope.nonCancellable(async () => {
      // A failure the run already described (invalid dataset) keeps its reason; any other gets one here.
      const described = status.stage === 'failed' ? status.failure : undefined;
      const reason = described ?? `failed while ${lastActiveStage}: ${describeFailure(err)}`;
      update({ failure: reason });
      if (status.stage !== 'failed') enter('failed');
      const { version } = status;
      let versionStatus: string | undefined;
      if (version !== undefined) {
        try {
          const marked = activities(registryStepOptions, `mark v${version} failed`);
          ({ status: versionStatus } = await marked.markVersionFailed({ model: spec.name, version, reason }));
        } catch (e) {
          log.error('could not mark the version failed', { version, error: String(e) });
        }
      }
      const details = { reason, stage: lastActiveStage, ...(versionStatus ? { versionStatus } : {}) };
      audit.record('lifecycle.failed', 'system:lifecycle', details, version);
      await audit.stored().catch((e: unknown) => log.error('could not store the failed run\'s audit trail', { error: String(e) }));
    });
  };
  setHandler(releaseProgressSignal, (progress) => {
    if (progress.state === 'queued') {
      update({ waitingFor: progress.waitingFor });
      enter('queued');
    } else if (status.stage === 'queued') {
      update({ waitingFor: undefined });
      enter('deploying');
    }
  });

  const identity: SearchAttributeUpdatePair[] = [
    { key: modelAttribute, value: spec.name },
    { key: triggerAttribute, value: input.trigger },
  ];
  if (!lean) upsertSearchAttributes(identity);
  upsertRunMemo({ kind: 'lifecycle', model: spec.name, requestedBy: input.requestedBy, specSource: input.specSource }, lean);

  enter('ingesting', lean ? identity : []);
  const snapshot = await activities(dataStepOptions, `ingest ${spec.dataset.path}`).ingestDataset({ spec });
  update({ dataset: snapshot });

  enter('validating');
  const validation = await activities(dataStepOptions, `validate ${snapshot.rowCount} rows against the spec`).validateDataset({ spec, snapshot });
  update({ validation });
  if (!validation.passed) {
    update({ failure: `dataset failed validation: ${validation.failures.join('; ')}` });
    enter('failed');
    await audit.stored();
    throw ApplicationFailure.create({ type: FailureType.DatasetInvalid, message: status.failure ?? 'dataset invalid', nonRetryable: true, details: [validation] });
  }

  // External trainers run on the training task queue; status, details and the activity summary name it, so a
  // run waiting for a missing Python worker says where. Built-in training and every evaluation run on the
  // built-in training queue (src/workflows/training-queue.ts); runs recorded before it replay unchanged.
  const external = !isBuiltinTraining(spec.training);
  const builtinQueue = builtinTrainingQueue(lean);
  const trainingQueue = external ? (input.trainingTaskQueue ?? DEFAULT_TRAINING_TASK_QUEUE) : builtinQueue;
  update({ training: { trainer: describeTrainer(spec.training), ...(trainingQueue ? { taskQueue: trainingQueue } : {}) } });
  enter('training');
  const trainingOptions = onQueue(trainingStepOptions, trainingQueue);
  const trainSummary = `train ${describeTrainer(spec.training)}${trainingQueue ? ` on task queue ${trainingQueue}` : ''}`;
  // `training.search` (external trainers only): trials first, then the candidate with the best trial's params.
  const search = !isBuiltinTraining(spec.training) ? spec.training.search : undefined;
  const searched = search
    ? await runSearch({
        spec,
        search,
        snapshot,
        options: trainingOptions,
        progress: (done, total) => {
          const trainer = describeTrainer(spec.training);
          update({ training: { ...status.training, trainer, search: { done, total } } });
          setCurrentDetails(renderDetails(status));
        },
      })
    : undefined;
  const trainedSpec = searched ? withParams(spec, searched.bestParams) : spec;
  const trained = await activities(trainingOptions, trainSummary).trainCandidate({ spec: trainedSpec, snapshot });
  const candidate = searched ? { ...trained, search: searched } : trained;
  update({ candidate });

  enter('evaluating');
  const evaluation = await activities(onQueue(dataStepOptions, builtinQueue), `evaluate on ${candidate.testRows} held-out rows vs champion`).evaluateCandidate({ spec, snapshot, candidate });
  update({ evaluation });

  enter('registering');
  const registration = { spec: trainedSpec, snapshot, candidate, evaluation, requestedBy: input.requestedBy };
  let version: number;
  let directory: ApproverDirectory | undefined;
  if (lean) {
    // One step: register, store the reference profile, and (blessed) snapshot the approver directory.
    const summary = `register ${spec.name} with lineage, store its reference profile` +
      (evaluation.blessed ? ', load the approver directory' : '');
    const step = activities(dataStepOptions, summary);
    ({ version, directory } = await step.registerWithReferenceProfile({ ...registration, approverDirectory: evaluation.blessed }));
    update({ version });
    upsertRunMemo({ version }, lean);
  } else {
    ({ version } = await activities(registryStepOptions, `register ${spec.name} with lineage`).registerCandidate(registration));
    update({ version });
    upsertRunMemo({ version });
    const profileSummary = `store the training split's reference profile with v${version}`;
    await activities(dataStepOptions, profileSummary).storeReferenceProfile({ spec, snapshot, version });
  }

  audit.record(evaluation.blessed ? 'machine-gate.blessed' : 'machine-gate.not-blessed', 'system:machine-gate', { checks: evaluation.checks, candidate: evaluation.candidate, champion: evaluation.champion }, version);
  if (!evaluation.blessed) {
    update({ failure: `candidate failed the gate: ${evaluation.checks.filter((c) => !c.passed).map((c) => c.detail).join('; ')}` });
    enter('not-blessed');
    await finish();
    return { outcome: 'not-blessed', model: spec.name, version, evaluation };
  }

  const { decision, approvers } = await gate.open(version, directory);
  await activities(registryStepOptions, `record ${decision.kind} by ${decision.approver}`).recordVerdict({
    model: spec.name,
    version,
    decisions: status.decisions.filter((d) => d.accepted),
    outcome: decision.kind,
  });

  if (decision.kind === 'reject') {
    enter('rejected');
    await finish();
    return { outcome: 'rejected', model: spec.name, version, decision, approvers, evaluation };
  }

  enter('deploying');
  const actor = approvers.join(', ');
  const release = { model: spec.name, version, kind: 'release' as const, deployment: spec.deployment, actor };
  const deployment = await executeChild(deploymentWorkflow, {
    workflowId: deploymentWorkflowId(spec.name, version),
    args: [{ ...release, reason: `approved in ${workflowInfo().workflowId}` }],
    staticSummary: `${spec.name} v${version}: ${spec.deployment.strategy} rollout`,
    // Lean runs start it with the memo and search attributes it would otherwise write first thing.
    ...(lean ? deploymentStartVisibility(release, workflowInfo().workflowId) : {}),
  });
  const rollout = { deploymentId: deployment.deploymentId, strategy: deployment.strategy, previousVersion: deployment.fromVersion, reason: deployment.reason };
  if (deployment.outcome !== 'promoted') {
    audit.record('model.rollout-withdrawn', 'system:rollout', rollout, version);
    update({ failure: `rollout withdrawn: ${deployment.reason}` });
    enter('rolled-back');
    await finish();
    return { outcome: 'rolled-back', model: spec.name, version, decision, approvers, evaluation, deployment };
  }
  audit.record('model.deployed', actor, rollout, version);
  enter('deployed');
  await finish();
  return { outcome: 'deployed', model: spec.name, version, decision, approvers, evaluation, deployment };
}
