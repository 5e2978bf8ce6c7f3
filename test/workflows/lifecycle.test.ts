import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLifecycle, sendDecision, waitForStage, describeLifecycle } from '../../src/client';
import { FailureType, deploymentWorkflowId, metricValue, modelSpecSchema, type ModelSpec } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { tempDir, weatherCsv } from '../support/paths';
import { saveHistoryIfAsked } from '../support/histories';
import { readFileSync } from 'node:fs';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack('lifecycle');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

const spec = (overrides: Parameters<typeof weatherSpec>[0] = {}): ModelSpec => modelSpecSchema.parse(weatherSpec(overrides));

async function predict(model: string, instances: unknown[]) {
  const res = await fetch(`${stack.serverUrl}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances }),
  });
  return { status: res.status, body: (await res.json()) as { version: number; predictions: { label: string }[]; message?: string } };
}

test('approve path: trains, registers with lineage, waits for approval, deploys to the model server', async () => {
  const s = spec({ name: 'weather-approve' });
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, { spec: s, requestedBy: 'test-suite', reason: 'approve path', specSource: 'specs/weather-approve.json' });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  expect(waiting.version).toBe(1);
  expect(metricValue(waiting.evaluation?.candidate, 'accuracy')).toBeGreaterThan(0.6);
  expect(waiting.evaluation?.champion).toBeNull();
  expect(waiting.dataset?.rowCount).toBe(2922);

  const registered = await stack.registry.getVersion('weather-approve', 1);
  expect(registered).toMatchObject({ status: 'pending_approval', workflowId, runId, requestedBy: 'test-suite', codeVersion: 'test', datasetId: waiting.dataset?.id });

  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice', comment: 'looks good' });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'deployed', version: 1, decision: { kind: 'approve', approver: 'alice', comment: 'looks good' } });

  expect((await stack.registry.getVersion('weather-approve', 1)).status).toBe('deployed');
  expect((await stack.registry.findByAlias('weather-approve', 'production'))?.version).toBe(1);
  expect(await stack.registry.decisionsFor('weather-approve', 1)).toEqual([expect.objectContaining({ decision: 'approve', approver: 'alice' })]);
  expect(await stack.registry.aliasHistory('weather-approve')).toEqual([expect.objectContaining({ fromVersion: null, toVersion: 1, actor: 'alice', workflowId })]);
  // The memo (shown on the run's UI page): model, version once registered, requester, spec source.
  expect((await handle.describe()).memo).toEqual({ kind: 'lifecycle', model: 'weather-approve', version: 1,
    requestedBy: 'test-suite', specSource: 'specs/weather-approve.json' });
  expect((await stack.client.workflow.getHandle(deploymentWorkflowId('weather-approve', 1)).describe()).memo).toEqual({
    kind: 'deployment', model: 'weather-approve', version: 1, requestedBy: 'alice',
    specSource: `deployment spec of ${workflowId}` });
  // Histories of runs with the memo (patch run-memo-v1), replayed by replay.test.ts.
  await saveHistoryIfAsked(handle, 'lifecycle-run-memo.json');
  await saveHistoryIfAsked(stack.client.workflow.getHandle(deploymentWorkflowId('weather-approve', 1)), 'deployment-run-memo.json');

  const prediction = await predict('weather-approve', [{ location: 'Seattle', precipitation: 12.5, temp_max: 9, temp_min: 4, wind: 5 }]);
  expect(prediction.status).toBe(200);
  expect(prediction.body.version).toBe(1);
  expect(['rain', 'sun', 'drizzle', 'snow', 'fog']).toContain(prediction.body.predictions[0]?.label);

  // A second run is evaluated against the deployed champion on the same split.
  const second = await startLifecycle(stack.client, stack.config, { spec: s, requestedBy: 'test-suite' });
  const secondWaiting = await waitForStage(stack.client, second.workflowId, ['awaiting-approval']);
  expect(secondWaiting.version).toBe(2);
  expect(secondWaiting.evaluation?.champion?.version).toBe(1);
  await sendDecision(stack.client, second.workflowId, 'approve', { approver: 'bob' });
  await second.handle.result();
  expect((await predict('weather-approve', [{ location: 'New York', precipitation: 0, temp_max: 30, temp_min: 20, wind: 2 }])).body.version).toBe(2);
  expect((await stack.registry.aliasHistory('weather-approve')).map((h) => [h.fromVersion, h.toVersion])).toEqual([[null, 1], [1, 2]]);
});

test('reject path: records the rejection, deploys nothing, and refuses decisions once closed', async () => {
  // An unresolved spec (no defaults applied): startLifecycle resolves it, and the run's input carries the result.
  const raw = weatherSpec({ name: 'weather-reject' });
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: raw, requestedBy: 'test-suite' });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, 'reject', { approver: 'carol', comment: 'not yet' });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'rejected', version: 1, decision: { kind: 'reject', approver: 'carol' } });
  expect((await stack.registry.getVersion('weather-reject', 1)).status).toBe('rejected');
  expect(await stack.registry.findByAlias('weather-reject', 'production')).toBeNull();
  expect((await predict('weather-reject', [{ location: 'Seattle', precipitation: 0, temp_max: 1, temp_min: 0, wind: 1 }])).status).toBe(404);
  const view = await describeLifecycle(stack.client, workflowId);
  expect(view.status?.stage).toBe('rejected');

  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const input = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as { spec: ModelSpec };
  expect(input.spec).toEqual(JSON.parse(JSON.stringify(spec({ name: 'weather-reject' }))));
  expect(input.spec.training).toMatchObject({ solver: 'lbfgs', maxIterations: 500, tolerance: 1e-5 });
  await saveHistoryIfAsked(handle, 'lifecycle-rejected.json');
});

test('malformed and early decisions are recorded as refused and change nothing', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: spec({ name: 'weather-refusals' }), requestedBy: 'test-suite' });
  await sendDecision(stack.client, workflowId, 'approve', { approver: '' } as never);
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'dave', extra: 1 } as never);
  await sendDecision(stack.client, workflowId, 'reject', { approver: 'erin' });
  const result = await handle.result();
  expect(result.outcome).toBe('rejected');
  const status = (await describeLifecycle(stack.client, workflowId)).status;
  expect(status?.decisions.map((d) => [d.kind, d.approver, d.accepted])).toEqual([
    ['approve', '', false],
    ['approve', 'dave', false],
    ['reject', 'erin', true],
  ]);
  expect(status?.decisions[0]?.reason).toMatch(/approver is required/);
});

test('bad data: a dataset failing validation ends the run with DatasetInvalid and registers nothing', async () => {
  const badCsv = join(tempDir('bad-data'), 'weather-bad.csv');
  const lines = readFileSync(weatherCsv, 'utf8').trim().split('\n');
  // Negative precipitation and an unknown location: both break the spec's declared ranges/categories.
  writeFileSync(badCsv, [...lines.slice(0, 200), 'Seattle,2016-01-01,-5.0,10,5,3,rain', 'Atlantis,2016-01-02,1.0,10,5,3,rain'].join('\n'));
  const s = spec({ name: 'weather-bad-data', dataset: { path: badCsv } });
  const { handle } = await startLifecycle(stack.client, stack.config, { spec: s, requestedBy: 'test-suite' });
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe(FailureType.DatasetInvalid);
  expect(cause.message).toMatch(/precipitation: range/);
  expect(cause.message).toMatch(/location: categories — unexpected values: Atlantis/);
  expect(await stack.registry.listVersions('weather-bad-data')).toEqual([]);
});

test('missing dataset: a non-retryable DatasetNotFound, not a retry loop', async () => {
  const s = spec({ name: 'weather-missing', dataset: { path: join(tempDir('missing'), 'weather.csv') } });
  const { handle } = await startLifecycle(stack.client, stack.config, { spec: s, requestedBy: 'test-suite' });
  const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
  const activityFailure = err.cause as Error & { cause?: ApplicationFailure };
  expect(activityFailure.cause?.type).toBe(FailureType.DatasetNotFound);
  expect(activityFailure.cause?.nonRetryable).toBe(true);
});

test('bad spec: the workflow fails at once with SpecInvalid naming the problems', async () => {
  const raw = { ...weatherSpec({ name: 'weather-bad-spec' }), features: [{ name: 'wind', type: 'vector' }] };
  const handle = await stack.client.workflow.start('modelLifecycleWorkflow', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `bad-spec-${Date.now()}`,
    args: [{ spec: raw, requestedBy: 'test-suite' }],
  });
  const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
  const cause = err.cause as ApplicationFailure;
  expect(cause.type).toBe(FailureType.SpecInvalid);
  expect(cause.nonRetryable).toBe(true);
  expect(cause.message).toMatch(/features\.0/);
});
