import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import {
  DEPLOYMENT_WORKFLOW_TYPE,
  rollbackWorkflowId,
  runMemo,
  type AppConfig,
  type DeploymentInput,
  type DeploymentState,
  type DeploymentStatus,
  type RolloutCommand,
  type RolloutCommandKind,
} from '../domain';
import { abortSignal, deploymentStatusQuery, pauseSignal, promoteSignal, resumeSignal } from '../workflows/deployment-messages';
import { modelAttribute, versionAttribute } from '../workflows/search-attributes';
import type { deploymentWorkflow } from '../workflows';
import { pollUntil } from './poll';

export type DeploymentHandle = WorkflowHandle<typeof deploymentWorkflow>;
export type StartedDeployment = WorkflowHandleWithFirstExecutionRunId<typeof deploymentWorkflow>;

export const deploymentHandle = (client: Client, workflowId: string): DeploymentHandle => client.workflow.getHandle<typeof deploymentWorkflow>(workflowId);

/** Starts a deployment workflow on its own (the lifecycle starts release deployments as its children). */
export async function startDeployment(client: Client, config: AppConfig, input: DeploymentInput, workflowId: string): Promise<StartedDeployment> {
  return client.workflow.start<typeof deploymentWorkflow>(DEPLOYMENT_WORKFLOW_TYPE, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: modelAttribute, value: input.model },
      { key: versionAttribute, value: input.version },
    ],
    memo: runMemo({ kind: 'deployment', model: input.model, version: input.version, requestedBy: input.actor,
      ...(input.kind === 'rollback' ? { specSource: 'mlops rollback' } : {}) }),
    staticSummary: `${input.model} → v${input.version}: ${input.kind ?? 'release'} (${input.deployment?.strategy ?? 'direct'}) by ${input.actor}`,
    ...(input.reason ? { staticDetails: input.reason } : {}),
  });
}

/** `mlops rollback`: the same deployment workflow, strategy direct, towards an earlier version. */
export function startRollback(client: Client, config: AppConfig, args: { model: string; version: number; actor: string; reason?: string }): Promise<StartedDeployment> {
  const workflowId = rollbackWorkflowId(args.model, args.version, new Date(), Math.random().toString(16).slice(2, 6));
  return startDeployment(
    client,
    config,
    { model: args.model, version: args.version, kind: 'rollback', deployment: { strategy: 'direct' }, actor: args.actor, ...(args.reason ? { reason: args.reason } : {}) },
    workflowId,
  );
}

const signals = { pause: pauseSignal, resume: resumeSignal, abort: abortSignal, promote: promoteSignal } as const;

export async function sendRolloutCommand(client: Client, workflowId: string, kind: RolloutCommandKind, command: RolloutCommand): Promise<void> {
  await deploymentHandle(client, workflowId).signal(signals[kind], command);
}

export function queryDeployment(client: Client, workflowId: string): Promise<DeploymentStatus> {
  return deploymentHandle(client, workflowId).query(deploymentStatusQuery);
}

/** Polls the status query until `done` holds; for scripts, tests and the demo. */
export async function waitForDeployment(client: Client, workflowId: string, done: (s: DeploymentStatus) => boolean, timeoutMs = 120_000): Promise<DeploymentStatus> {
  return pollUntil(
    () => queryDeployment(client, workflowId).catch(() => null),
    (s): s is DeploymentStatus => s !== null && done(s),
    { timeoutMs, intervalMs: 200, timeoutMessage: (s) => `deployment ${workflowId} did not reach the expected state within ${timeoutMs} ms (state: ${s?.state ?? 'unknown'})` },
  );
}

export const inState = (...states: DeploymentState[]) => (s: DeploymentStatus): boolean => states.includes(s.state);
