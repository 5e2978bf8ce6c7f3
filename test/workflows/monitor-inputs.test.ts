import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ingestLabels, predictionLogLayout } from '../../src/adapters';
import { FailureType, metricValue, retrainWorkflowId, type PredictionRecord } from '../../src/domain';
import { lifecycleHandle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { startStack, type TestStack } from '../support/stack';
import { tempDir } from '../support/paths';
import { saveHistoryIfAsked } from '../support/histories';
import { deploy, labelsCsv, monitorOnce, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack('monitor-inputs');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

test('labels: realized accuracy on labelled traffic is compared with evaluation; a drop past maxDrop retrains on performance', async () => {
  const model = uniqueModel('mon-perf');
  const version = await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '0s', performance: { metric: 'accuracy', maxDrop: 0.1, minLabels: 30 } }));
  const evaluated = metricValue((await stack.registry.getVersion(model, version)).metrics, 'accuracy');

  const honest = await serve(stack, model, await weatherRows('Seattle', 300));
  await ingestLabels(stack.predictions, labelsCsv(honest));
  const first = await monitorOnce(stack, model);
  const firstReport = (await stack.monitoring.getReport(first.reportId))?.report;
  const expectedAccuracy = honest.filter((p) => p.predicted === p.truth).length / honest.length;
  expect(firstReport?.performance).toMatchObject({ judged: true, labelledRows: 300, expected: evaluated, degraded: false });
  expect(metricValue(firstReport?.performance?.realized, 'accuracy')).toBeCloseTo(expectedAccuracy, 10);
  expect(first.verdict).toBe('ok');

  // Ground truth that contradicts every prediction: the labelled window's accuracy halves, inputs do not drift.
  const contradicted = (await serve(stack, model, await weatherRows('Seattle', 300, 300))).map((p) => ({ ...p, truth: p.predicted === 'fog' ? 'snow' : 'fog' }));
  await ingestLabels(stack.predictions, labelsCsv(contradicted));
  const second = await monitorOnce(stack, model);
  const secondReport = (await stack.monitoring.getReport(second.reportId))?.report;
  expect(secondReport?.performance?.labelledRows).toBe(600);
  expect(metricValue(secondReport?.performance?.realized, 'accuracy')).toBeCloseTo((expectedAccuracy * 300) / 600, 10);
  expect(secondReport?.drift.dataset.datasetDrift).toBe(false);
  expect(second.verdict).toBe('degraded');
  expect(second.retrain).toMatchObject({ action: 'started', kind: 'performance' });
  const child = await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval', 'not-blessed']);
  expect(child).toMatchObject({ trigger: 'performance', reportId: second.reportId });
  expect(child.reason).toMatch(/accuracy 0\.\d+ on 600 labelled predictions vs \d\.\d+ at evaluation/);
  await sendDecision(stack.client, retrainWorkflowId(model), 'reject', { approver: 'test-suite' });
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result();
  await saveHistoryIfAsked(stack.client.workflow.getHandle(second.workflowId), 'monitor-performance-retrain.json');
  await saveHistoryIfAsked(lifecycleHandle(stack.client, retrainWorkflowId(model)), 'lifecycle-performance-retrain.json');
});

test('empty window and too few rows: a report that says it could not judge, and no retrain', async () => {
  const model = uniqueModel('mon-empty');
  await deploy(stack, seattleSpec(model, { window: '1h', minRows: 30, performance: { metric: 'accuracy', maxDrop: 0.1, minLabels: 30 } }));
  const empty = await monitorOnce(stack, model);
  expect(empty.verdict).toBe('not-judged');
  expect(empty.retrain).toMatchObject({ action: 'none', detail: 'nothing could be judged: no predictions in the window' });
  const report = (await stack.monitoring.getReport(empty.reportId))?.report;
  expect(report?.drift.features.every((f) => !f.judged && f.reason === 'no predictions in the window')).toBe(true);
  expect(report?.performance).toMatchObject({ judged: false, reason: 'no labelled predictions in the window' });

  await serve(stack, model, await weatherRows('New York', 10));
  const few = await monitorOnce(stack, model);
  expect(few.verdict).toBe('not-judged');
  expect((await stack.monitoring.getReport(few.reportId))?.report.drift.reason).toBe('only 10 predictions in the window (minimum 30)');
});

test('a feature missing from the log and NaN/Inf values are reported; the rest is still judged', async () => {
  const model = uniqueModel('mon-bad');
  await deploy(stack, seattleSpec(model, { window: '1h' }));
  // Another producer wrote these records: no "wind", and non-finite temperatures in some of them.
  const at = new Date(Date.now() - 60_000).toISOString();
  const rows = await weatherRows('New York', 100);
  const lines = rows.map((r, i) =>
    JSON.stringify({
      requestId: 'foreign',
      row: i,
      at,
      model,
      version: 1,
      role: 'primary',
      features: { precipitation: r.precipitation, temp_max: i < 5 ? 'NaN' : i < 8 ? 'Infinity' : r.temp_max, temp_min: r.temp_min },
      label: 'sun',
      probabilities: { sun: 1 },
    }),
  );
  const dir = predictionLogLayout.modelDir(stack.config.monitoring.predictionLogDir, model);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, predictionLogLayout.fileName(predictionLogLayout.hourKey(at), 'foreign')), `${lines.join('\n')}\n{"requestId": "torn`);

  const result = await monitorOnce(stack, model);
  const report = (await stack.monitoring.getReport(result.reportId))?.report;
  expect(report?.rows).toBe(100);
  expect(report?.problems).toEqual(expect.arrayContaining(['wind: missing from every prediction in the window', 'temp_max: 8 NaN/Inf values, left out of the test']));
  const wind = report?.drift.features.find((f) => f.feature === 'wind');
  expect(wind).toMatchObject({ judged: false, reason: 'missing from the prediction log' });
  expect(report?.drift.dataset.judgedCount).toBe(3);
  expect(report?.drift.dataset.notJudged).toEqual([{ feature: 'wind', reason: 'missing from the prediction log' }]);
  expect(report?.drift.features.find((f) => f.feature === 'temp_max')?.current.invalidCount).toBe(8);
  expect(result.verdict).toBe('drift');
  await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval', 'not-blessed', 'failed']);
  await sendDecision(stack.client, retrainWorkflowId(model), 'reject', { approver: 'test-suite' });
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result().catch(() => undefined);
});

test('a model with nothing in production fails the run once with ModelNotDeployed, an unknown one with ModelNotFound', async () => {
  for (const [model, type] of [[uniqueModel('mon-none'), FailureType.ModelNotFound]] as const) {
    const err = (await monitorOnce(stack, model).catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err.cause as Error & { cause?: ApplicationFailure }).cause;
    expect(cause?.type).toBe(type);
    expect(cause?.nonRetryable).toBe(true);
  }
  const model = uniqueModel('mon-undeployed');
  const run = await startLifecycle(stack.client, stack.config, { spec: seattleSpec(model, undefined), requestedBy: 'test-suite' });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  const err = (await monitorOnce(stack, model).catch((e: unknown) => e)) as WorkflowFailedError;
  const cause = (err.cause as Error & { cause?: ApplicationFailure }).cause;
  expect(cause?.type).toBe(FailureType.ModelNotDeployed);
  expect(cause?.message).toMatch(/has no version in production/);
  await sendDecision(stack.client, run.workflowId, 'reject', { approver: 'test-suite' });
  await run.handle.result();
});

test('the model server logs every prediction with its request id and row, off the request path', async () => {
  const model = uniqueModel('mon-log');
  await deploy(stack, seattleSpec(model, undefined));
  const post = (body: object, headers: Record<string, string> = {}) =>
    fetch(`${stack.serverUrl}/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const row = { precipitation: 0, temp_max: 20, temp_min: 10, wind: 3 };
  const single = (await (await post({ instance: row }, { 'x-request-id': 'order-42' })).json()) as { requestId: string; prediction: { label: string; probabilities: Record<string, number> } };
  expect(single.requestId).toBe('order-42');
  const batch = (await (await post({ instances: [row, row, { ...row, wind: null }] })).json()) as { requestId: string };

  await stack.predictionLog.flush();
  const dir = predictionLogLayout.modelDir(stack.config.monitoring.predictionLogDir, model);
  const records = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PredictionRecord));
  expect(records.map((r) => [r.requestId, r.row])).toEqual([['order-42', 0], [batch.requestId, 0], [batch.requestId, 1], [batch.requestId, 2]]);
  expect(records[0]).toMatchObject({ version: 1, role: 'primary', features: row, label: single.prediction.label, probabilities: single.prediction.probabilities });
  expect(records[3]?.features).toEqual({ ...row, wind: null });
});

test('retrain data that cannot be read: the outcome "failed" is stored with the report and the run fails once, non-retryable', async () => {
  const model = uniqueModel('mon-nodata');
  await deploy(stack, seattleSpec(model, { window: '1h', retrain: { enabled: true, dataset: { path: join(tempDir('missing-export'), 'fresh-export.csv') } } }));
  await serve(stack, model, await weatherRows('New York', 150));
  const err = (await monitorOnce(stack, model).catch((e: unknown) => e)) as WorkflowFailedError;
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = err.cause as ApplicationFailure;
  expect(cause.type).toBe(FailureType.DatasetNotFound);
  expect(cause.nonRetryable).toBe(true);
  const [report] = await stack.monitoring.listReports(model);
  expect(report).toMatchObject({ verdict: 'drift', retrain: { action: 'failed', kind: 'drift', detail: expect.stringMatching(/the retrain data could not be prepared: dataset not found: \/.*\/fresh-export\.csv/) } });
});
