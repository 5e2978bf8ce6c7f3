import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  executeChild,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  FailureType,
  decisionSchema,
  deploymentWorkflowId,
  lifecycleInputSchema,
  parseDurationMs,
  parseModelSpec,
  type LifecycleInput,
  type LifecycleResult,
  type LifecycleStatus,
  type ModelSpec,
  type RecordedDecision,
  type Stage,
} from '../domain';
import { approveSignal, rejectSignal, statusQuery } from './messages';
import { modelAttribute, stageAttribute, triggerAttribute, versionAttribute } from './search-attributes';
import { dataStepOptions, registryStepOptions, trainingStepOptions } from './activity-options';
import { deploymentWorkflow } from './deployment';
import { renderDetails } from './details';

const activities = (options: ActivityOptions, summary: string) => proxyActivities<Activities>({ ...options, summary });

function specFailure(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.SpecInvalid, message: `invalid model spec: ${problems.join('; ')}`, nonRetryable: true, details: [problems] });
}

/**
 * One model's lifecycle: ingest → validate → train → evaluate → register → human approval → deploy.
 * The approval gate waits on signals at zero compute; everything with side effects is an activity.
 */
export async function modelLifecycleWorkflow(rawInput: LifecycleInput): Promise<LifecycleResult> {
  const parsedInput = lifecycleInputSchema.safeParse(rawInput);
  if (!parsedInput.success) throw specFailure(parsedInput.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`));
  const input = parsedInput.data;
  const parsedSpec = parseModelSpec(input.spec);
  if (!parsedSpec.ok) throw specFailure(parsedSpec.problems);
  const spec: ModelSpec = parsedSpec.spec;

  let status: LifecycleStatus = {
    model: spec.name,
    stage: 'starting',
    requestedBy: input.requestedBy,
    trigger: input.trigger,
    decisions: [],
    ...(input.reason ? { reason: input.reason } : {}),
  };
  let gateOpen = false;
  let verdict: RecordedDecision | undefined;

  const update = (patch: Partial<LifecycleStatus>): void => {
    status = { ...status, ...patch };
  };
  const enter = (stage: Stage): void => {
    update({ stage });
    upsertSearchAttributes([
      { key: stageAttribute, value: stage },
      ...(status.version !== undefined ? [{ key: versionAttribute, value: status.version }] : []),
    ]);
    setCurrentDetails(renderDetails(status));
    log.info('lifecycle stage', { model: spec.name, stage, version: status.version });
  };

  const decide = (kind: RecordedDecision['kind'], raw: unknown): void => {
    const at = new Date().toISOString();
    const parsed = decisionSchema.safeParse(raw);
    const approver = parsed.success ? parsed.data.approver : String((raw as { approver?: unknown } | null)?.approver ?? '(unknown)');
    const refuse = (reason: string) => {
      update({ decisions: [...status.decisions, { kind, approver, at, accepted: false, reason }] });
      log.warn('decision refused', { kind, approver, reason });
    };
    if (!parsed.success) return refuse(`malformed decision: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
    if (!gateOpen) return refuse(verdict ? 'the approval gate is already closed' : 'no candidate is awaiting approval yet');
    verdict = { kind, approver, at, accepted: true, ...(parsed.data.comment ? { comment: parsed.data.comment } : {}) };
    gateOpen = false;
    update({ decisions: [...status.decisions, verdict] });
  };

  setHandler(statusQuery, () => status);
  setHandler(approveSignal, (d) => decide('approve', d));
  setHandler(rejectSignal, (d) => decide('reject', d));

  upsertSearchAttributes([
    { key: modelAttribute, value: spec.name },
    { key: triggerAttribute, value: input.trigger },
  ]);

  enter('ingesting');
  const snapshot = await activities(dataStepOptions, `ingest ${spec.dataset.path}`).ingestDataset({ spec });
  update({ dataset: snapshot });

  enter('validating');
  const validation = await activities(dataStepOptions, `validate ${snapshot.rowCount} rows against the spec`).validateDataset({ spec, snapshot });
  update({ validation });
  if (!validation.passed) {
    update({ failure: `dataset failed validation: ${validation.failures.join('; ')}` });
    enter('failed');
    throw ApplicationFailure.create({ type: FailureType.DatasetInvalid, message: status.failure ?? 'dataset invalid', nonRetryable: true, details: [validation] });
  }

  enter('training');
  const candidate = await activities(trainingStepOptions, `train ${spec.training.algorithm}, ${spec.training.epochs} epochs`).trainCandidate({ spec, snapshot });
  update({ candidate });

  enter('evaluating');
  const evaluation = await activities(dataStepOptions, `evaluate on ${candidate.testRows} held-out rows vs champion`).evaluateCandidate({ spec, snapshot, candidate });
  update({ evaluation });

  enter('registering');
  const { version } = await activities(registryStepOptions, `register ${spec.name} with lineage`).registerCandidate({
    spec,
    snapshot,
    candidate,
    evaluation,
    requestedBy: input.requestedBy,
  });
  update({ version });

  if (!evaluation.blessed) {
    update({ failure: `candidate failed the gate: ${evaluation.checks.filter((c) => !c.passed).map((c) => c.detail).join('; ')}` });
    enter('not-blessed');
    await condition(allHandlersFinished);
    return { outcome: 'not-blessed', model: spec.name, version, evaluation };
  }

  const timeoutMs = spec.approval.timeout ? parseDurationMs(spec.approval.timeout) : undefined;
  if (timeoutMs !== undefined) update({ deadline: new Date(Date.now() + timeoutMs).toISOString() });
  gateOpen = true;
  enter('awaiting-approval');
  const decided =
    timeoutMs === undefined
      ? (await condition(() => verdict !== undefined), true)
      : await condition(() => verdict !== undefined, timeoutMs, { summary: `approval deadline ${spec.approval.timeout}` });
  gateOpen = false;
  if (!decided || !verdict) {
    verdict = { kind: 'reject', approver: 'system:deadline', at: new Date().toISOString(), accepted: true, comment: `timed out after ${spec.approval.timeout}` };
    update({ decisions: [...status.decisions, verdict] });
  }
  const decision: RecordedDecision = verdict;
  await activities(registryStepOptions, `record ${decision.kind} by ${decision.approver}`).recordDecision({ model: spec.name, version, decision });

  if (decision.kind === 'reject') {
    enter('rejected');
    await condition(allHandlersFinished);
    return { outcome: 'rejected', model: spec.name, version, decision, evaluation };
  }

  enter('deploying');
  const deployment = await executeChild(deploymentWorkflow, {
    workflowId: deploymentWorkflowId(spec.name, version),
    args: [{ model: spec.name, version, kind: 'release', deployment: spec.deployment, actor: decision.approver, reason: `approved in ${workflowInfo().workflowId}` }],
    staticSummary: `${spec.name} v${version}: ${spec.deployment.strategy} rollout`,
  });
  if (deployment.outcome !== 'promoted') {
    update({ failure: `rollout withdrawn: ${deployment.reason}` });
    enter('rolled-back');
    await condition(allHandlersFinished);
    return { outcome: 'rolled-back', model: spec.name, version, decision, evaluation, deployment };
  }
  enter('deployed');
  await condition(allHandlersFinished);
  return { outcome: 'deployed', model: spec.name, version, decision, evaluation, deployment };
}
