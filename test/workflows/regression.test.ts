import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ingestLabels } from '../../src/adapters';
import { describeLifecycle, lifecycleHandle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { FailureType, modelSpecSchema, retrainWorkflowId, type ModelSpec } from '../../src/domain';
import { LoadedRegressionModel, regressionArtifactSchema, regressionMetrics, type Row } from '../../src/domain/ml';
import { startStack, type TestStack } from '../support/stack';
import { labelsCsv, monitorOnce, uniqueModel, weatherRows, type WeatherRow } from '../support/monitoring';
import { repoRoot, weatherCsv } from '../support/paths';
import { startTraffic } from '../support/traffic';
import { saveHistoryIfAsked } from '../support/histories';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack('regression');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

/** examples/weather-temperature.json on this stack: deployed directly (no traffic to bake a canary in). */
function temperatureSpec(name: string): ModelSpec {
  const example = JSON.parse(readFileSync(`${repoRoot}/examples/weather-temperature.json`, 'utf8')) as Record<string, unknown>;
  return modelSpecSchema.parse({
    ...example,
    name,
    dataset: { path: weatherCsv, format: 'csv' },
    deployment: { strategy: 'direct' },
    monitoring: { window: '1h', cooldown: '0s', performance: { metric: 'rmse', maxRise: 1.0, minLabels: 30 } },
  });
}

const featuresOf = ({ location, weather, precipitation, temp_min, wind }: WeatherRow): Row => ({ location, weather, precipitation, temp_min, wind });

async function predictValues(model: string, rows: readonly WeatherRow[]) {
  const res = await fetch(`${stack.serverUrl}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: rows.map(featuresOf) }),
  });
  const body = (await res.json()) as { requestId: string; version: number; values: number[] };
  if (!res.ok) throw new Error(`predict failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

test('regression end to end: train → gate (RMSE/R²) → approve → serve values → realized RMSE on delayed labels → retrain', async () => {
  const model = uniqueModel('temp-max');
  const run = await startLifecycle(stack.client, stack.config, { spec: temperatureSpec(model), requestedBy: 'test-suite' });
  const waiting = await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  const evaluated = waiting.evaluation;
  // weather.csv, both cities: temp_max from temp_min & co. is a well-posed linear problem.
  expect(evaluated?.candidate).toEqual({ rmse: expect.any(Number), mae: expect.any(Number), r2: expect.any(Number), rows: evaluated?.testRows });
  const candidate = evaluated?.candidate as { rmse: number; mae: number; r2: number };
  expect(candidate.rmse).toBeLessThan(5);
  expect(candidate.r2).toBeGreaterThan(0.7);
  expect(evaluated?.checks.map((c) => [c.name, c.passed])).toEqual([
    ['max-rmse', true],
    ['min-r2', true],
    ['vs-champion', true],
  ]);
  // The approver sees the regression figures (the UI details are rendered from the same status).
  const described = await describeLifecycle(stack.client, run.workflowId);
  expect(described.status?.evaluation?.candidate).toEqual(evaluated?.candidate);

  await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'test-suite' });
  const result = await run.handle.result();
  expect(result).toMatchObject({ outcome: 'deployed', version: 1 });
  await saveHistoryIfAsked(run.handle, 'lifecycle-regression.json');

  // Served values are the artifact's predictions, single row and batch; the model info says what it is.
  const row = await stack.registry.getVersion(model, 1);
  const artifact = regressionArtifactSchema.parse(JSON.parse(readFileSync(fileURLToPath(row.artifactPath), 'utf8')));
  expect(artifact).toMatchObject({ format: 'temporal-mlops/linear-regression@1', kind: 'regression', target: 'temp_max' });
  const local = new LoadedRegressionModel(artifact);
  const rows = [...(await weatherRows('Seattle', 100)), ...(await weatherRows('New York', 100))];
  const served = await predictValues(model, rows);
  expect(served.version).toBe(1);
  expect(served.values).toEqual(Array.from(local.predictMany(rows.map(featuresOf))));
  const single = await fetch(`${stack.serverUrl}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instance: featuresOf(rows[0] as WeatherRow) }),
  });
  expect(await single.json()).toEqual({ model, version: 1, requestId: expect.any(String), value: local.predict(featuresOf(rows[0] as WeatherRow)) });
  const info = (await (await fetch(`${stack.serverUrl}/v1/models/${model}`)).json()) as { kind: string; classes: string[] };
  expect(info).toMatchObject({ kind: 'regression', classes: [] });

  // Delayed labels (the true temp_max): realized RMSE of the served values, compared with the evaluated RMSE.
  const honest = rows.map((r, i) => ({ id: served.requestId, row: i, truth: String(r.temp_max) }));
  await stack.predictionLog.flush();
  await ingestLabels(stack.predictions, labelsCsv(honest));
  const first = await monitorOnce(stack, model);
  const firstReport = (await stack.monitoring.getReport(first.reportId))?.report;
  const expected = regressionMetrics(rows.map((r) => r.temp_max), served.values);
  expect(firstReport?.performance).toMatchObject({ judged: true, metric: 'rmse', labelledRows: 200, expected: candidate.rmse, degraded: false });
  // The same figures up to summation order (the log is joined with the labels in DuckDB's order).
  expect(firstReport?.performance?.realized).toEqual({
    rmse: expect.closeTo(expected.rmse, 10),
    mae: expect.closeTo(expected.mae, 10),
    r2: expect.closeTo(expected.r2, 10),
    rows: 200,
  });
  expect(first.retrain).toMatchObject({ action: 'none' });
  // Prediction drift (informational) compares the served values with the training target as numbers.
  expect(firstReport?.drift.prediction).toMatchObject({ judged: true, kind: 'numeric' });

  // Labels 8 °C above what the model says: realized RMSE rises past maxRise → a performance retrain child.
  const shifted = rows.map((r, i) => ({ id: served.requestId, row: i, truth: String((served.values[i] as number) + 8) }));
  await ingestLabels(stack.predictions, labelsCsv(shifted));
  const second = await monitorOnce(stack, model);
  const secondReport = (await stack.monitoring.getReport(second.reportId))?.report;
  expect(secondReport?.performance).toMatchObject({ judged: true, metric: 'rmse', degraded: true });
  expect(secondReport?.performance?.realized).toMatchObject({ rmse: expect.closeTo(8, 9), mae: expect.closeTo(8, 9) });
  expect(second.verdict).toBe('degraded');
  expect(second.retrain).toMatchObject({ action: 'started', kind: 'performance' });
  const child = await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval', 'not-blessed', 'failed']);
  expect(child.failure).toBeUndefined();
  expect(child).toMatchObject({ trigger: 'performance', reportId: second.reportId });
  expect(child.evaluation?.champion?.version).toBe(1);
  expect(child.evaluation?.checks.map((c) => c.name)).toEqual(['max-rmse', 'min-r2', 'rmse-vs-champion']);
  if (child.stage === 'awaiting-approval') await sendDecision(stack.client, retrainWorkflowId(model), 'reject', { approver: 'test-suite' });
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result();
});

test('a non-numeric regression target fails validation with a clear message', async () => {
  const spec = modelSpecSchema.parse({ ...temperatureSpec(uniqueModel('temp-bad')), target: { name: 'weather', kind: 'regression' }, features: [{ name: 'wind', type: 'numeric' }] });
  const run = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  const err = await run.handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe(FailureType.DatasetInvalid);
  expect(cause.message).toMatch(/weather: type — VARCHAR is not numeric \(a regression target needs numbers\)/);
});

test('canary of a regression model: the prediction-shift guard compares predicted values (KS) under live traffic', async () => {
  const model = uniqueModel('temp-canary');
  const guards = { minRequests: 20, maxExtensions: 10, maxP99LatencyIncreaseMs: 250, maxPredictionShift: 0.3 };
  const spec = modelSpecSchema.parse({ ...temperatureSpec(model), deployment: { strategy: 'canary', canary: { steps: [50, 100], bake: '2s' }, guards } });
  const release = async () => {
    const run = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
    await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
    await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'test-suite' });
    return run.handle.result();
  };
  expect((await release()).deployment).toMatchObject({ outcome: 'promoted', strategy: 'direct' });
  const traffic = startTraffic(stack.serverUrl, model, (await weatherRows('Seattle', 200)).map(featuresOf));
  const second = await release();
  const sent = await traffic.stop();
  expect(sent.statuses).toEqual({ 200: sent.sent });
  expect(second.deployment).toMatchObject({ outcome: 'promoted', strategy: 'canary', fromVersion: 1, toVersion: 2 });
  const shift = second.deployment?.steps[0]?.report?.checks.find((c) => c.name === 'prediction-shift');
  // The same data and seed train the same model: its values match stable's.
  expect(shift).toMatchObject({ passed: true, detail: expect.stringMatching(/^predicted values differ by KS D = 0\.\d{3} from stable/) });
});
