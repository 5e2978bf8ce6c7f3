import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { queryDeployment, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { deploymentWorkflowId, modelSpecSchema, type LifecycleStatus, type AuditLog } from '../../src/domain';
import { stageAttribute } from '../../src/workflows/search-attributes';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { saveHistoryIfAsked } from '../support/histories';
import { labelTexts, takeRows } from '../../src/domain/ml';
import type { ActivityDeps } from '../../src/activities';

let stack: TestStack;
let oneClass: TestStack;
let audit: AuditLog;
beforeAll(async () => {
  stack = await startStack('failure-path');
  await stack.startWorker();
  audit = stack.registry.audit;
  // Validation refuses a single-class dataset and the split is stratified, so no dataset file makes training
  // fail. This worker reads snapshots through an adapter that keeps only sunny days — a snapshot changed
  // behind the run's back — so training fails for real (TrainingFailed, non-retryable) after validation passed.
  oneClass = await startStack('failure-path-training');
  await oneClass.startWorker((deps) => ({ ...deps, datasets: sunnyDaysOnly(deps.datasets) }));
});
afterAll(async () => {
  await stack?.close();
  await oneClass?.close();
});

function sunnyDaysOnly(datasets: ActivityDeps['datasets']): ActivityDeps['datasets'] {
  return new Proxy(datasets, {
    get(target, property) {
      if (property === 'readFrame') {
        return async (...args: Parameters<typeof target.readFrame>) => {
          const frame = await target.readFrame(...args);
          const sunny = labelTexts(frame, 'weather').flatMap((label, i) => (label === 'sun' ? [i] : []));
          return takeRows(frame, sunny);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const currentDetails = async (workflowId: string): Promise<string> =>
  ((await stack.client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '');
const stageOf = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(stageAttribute);

test('a failing training: stage failed with the reason (query, details, MlopsStage), lifecycle.failed audited, nothing registered', async () => {
  const spec = modelSpecSchema.parse(weatherSpec({ name: 'fail-training' }));
  const { workflowId, handle } = await startLifecycle(oneClass.client, oneClass.config, { spec, requestedBy: 'test-suite' });

  expect(await handle.result().catch((e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
  const status = await handle.query<LifecycleStatus>('status');
  expect(status.stage).toBe('failed');
  expect(status.failure).toMatch(/^failed while training: activity trainCandidate → TrainingFailed: training split of \w+ has fewer than 2 classes$/);
  expect(await currentDetails(workflowId)).toContain(`**${status.failure}**`);
  expect(await stageOf(workflowId)).toBe('failed');
  expect(await oneClass.registry.listVersions('fail-training')).toEqual([]);
  const events = await oneClass.registry.audit.list({ workflowId });
  expect(events.map((e) => e.kind)).toEqual(['lifecycle.requested', 'lifecycle.failed']);
  expect(events[1]).toMatchObject({ actor: 'system:lifecycle', version: null, details: { reason: status.failure, stage: 'training' } });
  await saveHistoryIfAsked(handle, 'lifecycle-failed-training.json');
});

test('a failing deployment: the approved version is marked failed with the reason, the lifecycle and its deployment say why', async () => {
  const model = 'fail-deploy';
  const spec = modelSpecSchema.parse(weatherSpec({ name: model }));
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  // The artifact is damaged while the version waits for approval: the deployment refuses it (ArtifactCorrupt).
  const registered = await stack.registry.getVersion(model, waiting.version ?? 0);
  writeFileSync(fileURLToPath(registered.artifactPath), '{"tampered": true}');
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice' });

  expect(await handle.result().catch((e: unknown) => e)).toBeInstanceOf(WorkflowFailedError);
  const status = await handle.query<LifecycleStatus>('status');
  expect(status.stage).toBe('failed');
  const child = deploymentWorkflowId(model, 1);
  expect(status.failure).toMatch(new RegExp(`^failed while deploying: child workflow ${child} → activity beginDeployment → ArtifactCorrupt: artifact .* has sha256`));
  expect(await stageOf(workflowId)).toBe('failed');
  expect(await stack.registry.getVersion(model, 1)).toMatchObject({ status: 'failed', statusReason: status.failure });
  expect(await stack.registry.findByAlias(model, 'production')).toBeNull();
  const failed = (await audit.list({ workflowId })).filter((e) => e.kind === 'lifecycle.failed');
  expect(failed).toEqual([expect.objectContaining({ version: 1, details: { reason: status.failure, stage: 'deploying', versionStatus: 'failed' } })]);

  // The deployment itself failed before it recorded a row, and says so in its status and stage.
  const deployment = await queryDeployment(stack.client, child);
  expect(deployment).toMatchObject({ state: 'failed', outcomeReason: expect.stringMatching(/^deployment could not start: activity beginDeployment → ArtifactCorrupt/) });
  expect(await stageOf(child)).toBe('failed');
  expect(await stack.registry.deployments.list(model)).toEqual([]);
  await saveHistoryIfAsked(handle, 'lifecycle-failed-deployment.json');
  await saveHistoryIfAsked(stack.client.workflow.getHandle(child), 'deployment-failed-to-start.json');
});
