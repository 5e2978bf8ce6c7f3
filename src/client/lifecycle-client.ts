import { ApplicationFailure, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { LIFECYCLE_WORKFLOW_TYPE, resolveModelSpec, runMemo, type AppConfig, type Decision, type LifecycleInput, type LifecycleResult, type LifecycleStatus, type ModelSpecInput } from '../domain';
import { approveSignal, rejectSignal, statusQuery } from '../workflows/messages';
import { modelAttribute, stageAttribute, triggerAttribute } from '../workflows/search-attributes';
import type { modelLifecycleWorkflow } from '../workflows';
import { pollUntil } from './poll';

/** Business id: says which model and when, e.g. `lifecycle-weather-classifier-20261122T121530Z-3f9a`. */
export function lifecycleWorkflowId(modelName: string, now = new Date(), suffix = Math.random().toString(16).slice(2, 6)): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `lifecycle-${modelName}-${stamp}-${suffix}`;
}

export interface StartedLifecycle {
  readonly workflowId: string;
  readonly runId: string;
  readonly handle: WorkflowHandle<typeof modelLifecycleWorkflow>;
}

/**
 * Starts a lifecycle with the **fully resolved** spec: the spec is parsed here, every default applied once,
 * and the parsed result is what the run carries in its input — so a default changed in later workflow code
 * never changes a run already in flight (docs/versioning.md).
 * @throws SpecInvalidError (type `SpecInvalid`) naming every problem, before anything starts.
 */
export async function startLifecycle(
  client: Client,
  config: AppConfig,
  args: {
    spec: ModelSpecInput;
    requestedBy: string;
    reason?: string;
    specSource?: string;
    trigger?: LifecycleInput['trigger'];
    workflowId?: string;
  },
): Promise<StartedLifecycle> {
  const spec = resolveModelSpec(args.spec);
  const workflowId = args.workflowId ?? lifecycleWorkflowId(spec.name);
  const trigger = args.trigger ?? 'manual';
  const input: LifecycleInput = {
    spec,
    requestedBy: args.requestedBy,
    trigger,
    trainingTaskQueue: config.temporal.trainingTaskQueue,
    ...(args.reason ? { reason: args.reason } : {}),
    ...(args.specSource ? { specSource: args.specSource } : {}),
  };
  const handle = await client.workflow.start<typeof modelLifecycleWorkflow>(LIFECYCLE_WORKFLOW_TYPE, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: modelAttribute, value: spec.name },
      { key: stageAttribute, value: 'starting' },
      { key: triggerAttribute, value: trigger },
    ],
    memo: runMemo({ kind: 'lifecycle', model: spec.name, requestedBy: args.requestedBy, specSource: args.specSource }),
    staticSummary: `${spec.name}: train → evaluate → approve → deploy (requested by ${args.requestedBy})`,
    staticDetails: `dataset \`${spec.dataset.path}\`, target \`${spec.target.name}\`, ${spec.features.length} features${args.reason ? `\n\nreason: ${args.reason}` : ''}`,
  });
  return { workflowId, runId: handle.firstExecutionRunId, handle };
}

export function lifecycleHandle(client: Client, workflowId: string): WorkflowHandle<typeof modelLifecycleWorkflow> {
  return client.workflow.getHandle<typeof modelLifecycleWorkflow>(workflowId);
}

export async function sendDecision(client: Client, workflowId: string, kind: 'approve' | 'reject', decision: Decision): Promise<void> {
  await lifecycleHandle(client, workflowId).signal(kind === 'approve' ? approveSignal : rejectSignal, decision);
}

export interface LifecycleView {
  readonly workflowId: string;
  readonly runId: string;
  readonly execution: string;
  readonly status: LifecycleStatus | null;
  readonly result?: LifecycleResult;
  readonly failure?: string;
}

/**
 * The message that says what went wrong: the first ApplicationFailure in the cause chain (an activity's
 * "Activity task failed" wraps the failure the activity raised, e.g. a Python trainer's), with its type.
 */
function rootCauseMessage(err: Error): string {
  let failure: Error = err;
  while (!(failure instanceof ApplicationFailure) && failure.cause instanceof Error) failure = failure.cause;
  return failure instanceof ApplicationFailure && failure.type ? `${failure.type}: ${failure.message}` : failure.message;
}

/** Status of a run: its query answer plus the execution state; a closed run's result or failure too. */
export async function describeLifecycle(client: Client, workflowId: string): Promise<LifecycleView> {
  const handle = lifecycleHandle(client, workflowId);
  const description = await handle.describe();
  const execution = description.status.name;
  const status = await handle.query(statusQuery).catch(() => null);
  const base = { workflowId, runId: description.runId, execution, status };
  if (execution === 'COMPLETED') return { ...base, result: await handle.result() };
  if (execution === 'FAILED') {
    const failure = await handle.result().then(
      () => undefined,
      (err: Error) => rootCauseMessage(err),
    );
    return { ...base, ...(failure ? { failure } : {}) };
  }
  return base;
}

export { WorkflowNotFoundError };

/** Waits (by polling the query) until the run reaches one of the stages; for scripts, tests and the demo. */
export async function waitForStage(client: Client, workflowId: string, stages: LifecycleStatus['stage'][], timeoutMs = 120_000): Promise<LifecycleStatus> {
  const handle = lifecycleHandle(client, workflowId);
  return pollUntil(
    () => handle.query(statusQuery).catch(() => null),
    (s): s is LifecycleStatus => s !== null && stages.includes(s.stage),
    { timeoutMs, intervalMs: 250, timeoutMessage: (s) => `workflow ${workflowId} did not reach ${stages.join('/')} within ${timeoutMs} ms (stage: ${s?.stage ?? 'unknown'})` },
  );
}
