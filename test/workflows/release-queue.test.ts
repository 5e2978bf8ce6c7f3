import { ArtifactStore } from '../../src/adapters';
import {
  inState,
  queryDeployment,
  sendDecision,
  sendRolloutCommand,
  startDeployment,
  startLifecycle,
  startRollback,
  waitForDeployment,
  waitForStage,
} from '../../src/client';
import { modelSpecSchema, type LifecycleStatus, type DeploymentLedger } from '../../src/domain';
import type { BuiltinTraining } from '../../src/domain';
import { stageAttribute } from '../../src/workflows/search-attributes';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { registerTrainedVersion } from '../support/versions';
import { saveHistoryIfAsked } from '../support/histories';

let stack: TestStack;
let deployments: DeploymentLedger;
beforeAll(async () => {
  stack = await startStack('queue');
  await stack.startWorker();
  deployments = stack.registry.deployments;
});
afterAll(async () => stack?.close());

const quickGuards = { minRequests: 20, maxExtensions: 10, maxP99LatencyIncreaseMs: 250, maxPredictionShift: 0.3 };
const currentDetails = async (workflowId: string): Promise<string> =>
  ((await stack.client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '');

test('ten versions of one model approved while its canary runs: all queue, none fails, they deploy first come first served; a rollback queues too', async () => {
  const model = 'queue-weather';
  const artifacts = new ArtifactStore(stack.config.artifactDir);
  for (let i = 0; i < 2; i++) await registerTrainedVersion(stack.registry, artifacts, { model });
  const v1 = await startDeployment(stack.client, stack.config, { model, version: 1, actor: 'test-suite' }, `queue-v1-${Date.now().toString(36)}`);
  await v1.result();
  // A rollout that holds the model for an hour (until aborted): every approval below must wait for it.
  const canary = { strategy: 'canary' as const, canary: { steps: [10, 100], bake: '1h' }, guards: quickGuards };
  const blocker = await startDeployment(stack.client, stack.config, { model, version: 2, actor: 'test-suite', deployment: canary }, `queue-v2-${Date.now().toString(36)}`);
  await waitForDeployment(stack.client, blocker.workflowId, inState('canary'));
  const blockerId = (await deployments.running(model))?.id;

  const spec = modelSpecSchema.parse(weatherSpec({ name: model, training: { ...(weatherSpec().training as BuiltinTraining), epochs: 20 } }));
  const runs = await Promise.all(Array.from({ length: 10 }, () => startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' })));
  const gated = await Promise.all(runs.map((r) => waitForStage(stack.client, r.workflowId, ['awaiting-approval', 'failed'], 300_000)));
  // Every run must wait for a person here; if one does not, its stage and reason say why.
  expect(gated.map((s) => (s.stage === 'awaiting-approval' ? s.stage : `${s.stage}: ${s.failure ?? ''}`))).toEqual(runs.map(() => 'awaiting-approval'));
  await Promise.all(runs.map((r) => sendDecision(stack.client, r.workflowId, 'approve', { approver: 'alice' })));

  const queued = await Promise.all(runs.map((r) => waitForStage(stack.client, r.workflowId, ['queued', 'deployed', 'failed'])));
  expect(queued.map((s) => s.stage)).toEqual(runs.map(() => 'queued'));
  for (const s of queued) expect(s.waitingFor).toMatchObject({ deploymentId: blockerId, version: 2, kind: 'release', state: 'running' });
  expect(queued.map((s) => s.waitingFor?.ahead).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const first = runs[0]?.workflowId as string;
  expect((await stack.client.workflow.getHandle(first).describe()).typedSearchAttributes.get(stageAttribute)).toBe('queued');
  expect(await currentDetails(first)).toMatch(new RegExp(`queued: waiting for deployment #${blockerId} \\(release of v2, running\\) of ${model} to finish`));

  // A rollback asked for now takes its place at the end of the same queue.
  const rollback = await startRollback(stack.client, stack.config, { model, version: 1, actor: 'oncall', reason: 'back to v1 after the queue' });
  const rollbackQueued = await waitForDeployment(stack.client, rollback.workflowId, inState('queued', 'promoted', 'failed'));
  expect(rollbackQueued).toMatchObject({ state: 'queued', waitingFor: { deploymentId: blockerId, ahead: 11 } });

  await sendRolloutCommand(stack.client, blocker.workflowId, 'abort', { actor: 'ops', reason: 'let the queue through' });
  expect(await blocker.result()).toMatchObject({ outcome: 'rolled-back' });

  const results = await Promise.all(runs.map((r) => r.handle.result()));
  expect(results.map((r) => r.outcome)).toEqual(runs.map(() => 'deployed'));
  expect(await rollback.result()).toMatchObject({ outcome: 'promoted', kind: 'rollback', toVersion: 1 });

  // First come, first served: each ran after the one before it, from the production version that one left.
  const after = (await deployments.list(model)).reverse().filter((d) => d.id > (blockerId ?? 0));
  expect(after).toHaveLength(11);
  expect(after.map((d) => d.state)).toEqual(after.map(() => 'promoted'));
  expect(after.every((d) => d.queuedAt !== null)).toBe(true);
  expect(after.map((d) => d.fromVersion)).toEqual([1, ...after.slice(0, -1).map((d) => d.toVersion)]);
  expect(after.slice(0, 10).map((d) => d.toVersion).sort((a, b) => a - b)).toEqual(results.map((r) => r.version).sort((a, b) => (a ?? 0) - (b ?? 0)));
  expect(after[10]).toMatchObject({ kind: 'rollback', toVersion: 1 });
  // The rule's winner: the last to join the queue (here the rollback) is production.
  expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(1);
  expect((await stack.registry.listVersions(model)).filter((v) => v.status === 'approved' || v.status === 'failed')).toEqual([]);
  expect((await queryDeployment(stack.client, rollback.workflowId)).state).toBe('promoted');

  // Each lifecycle ended deployed, having shown `queued` and then `deploying`; no failure anywhere in the trail.
  const finalStatus = await Promise.all(runs.map((r) => r.handle.query<LifecycleStatus>('status')));
  expect(finalStatus.map((s) => [s.stage, s.waitingFor])).toEqual(runs.map(() => ['deployed', undefined]));
  expect((await stack.registry.audit.list({ model })).filter((e) => e.kind === 'lifecycle.failed')).toEqual([]);

  await saveHistoryIfAsked(runs[0]?.handle as NonNullable<(typeof runs)[0]>['handle'], 'lifecycle-queued-release.json');
  await saveHistoryIfAsked(stack.client.workflow.getHandle(rollback.workflowId), 'deployment-queued-rollback.json');
}, 600_000);

test('a rollback closes, inside its own workflow, the row a terminated deployment left running, then runs at once', async () => {
  const model = 'stale-weather';
  const artifacts = new ArtifactStore(stack.config.artifactDir);
  for (let i = 0; i < 2; i++) await registerTrainedVersion(stack.registry, artifacts, { model });
  await (await startDeployment(stack.client, stack.config, { model, version: 1, actor: 'test-suite' }, `stale-v1-${Date.now().toString(36)}`)).result();
  const canary = { strategy: 'canary' as const, canary: { steps: [10, 100], bake: '1h' }, guards: quickGuards };
  const dead = await startDeployment(stack.client, stack.config, { model, version: 2, actor: 'test-suite', deployment: canary }, `stale-v2-${Date.now().toString(36)}`);
  await waitForDeployment(stack.client, dead.workflowId, inState('canary'));
  await stack.client.workflow.getHandle(dead.workflowId).terminate('test: a deployment killed without an outcome');
  expect(await deployments.running(model)).toMatchObject({ workflowId: dead.workflowId, state: 'running' });

  const rollback = await startRollback(stack.client, stack.config, { model, version: 1, actor: 'oncall', reason: 'stuck canary' });
  expect(await rollback.result()).toMatchObject({ outcome: 'promoted' });
  const rows = await deployments.list(model);
  expect(rows.find((r) => r.workflowId === dead.workflowId)).toMatchObject({ state: 'failed',
    outcomeReason: `workflow ${dead.workflowId} ended (TERMINATED) without recording an outcome` });
  expect(rows[0]).toMatchObject({ kind: 'rollback', state: 'promoted', queuedAt: null });
});
