/**
 * @jest-environment ./test/support/shared-typed-arrays-environment.js
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArtifactStore } from '../../src/adapters';
import { describeLifecycle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { pollUntil } from '../../src/client/poll';
import { FailureType, metricValue, modelSpecSchema, type ModelSpec, type ModelSpecInput } from '../../src/domain';
import { ONNX_MODEL_FORMAT, onnxArtifactSchema } from '../../src/domain/ml';
import { startStack, type TestStack } from '../support/stack';
import { startTrainerFor, type PythonTrainer } from '../support/python-trainer';
import { weatherSpec } from '../support/specs';
import { repoRoot, tempDir } from '../support/paths';

/** External trainers end to end: the TypeScript worker runs the lifecycle, a real Python worker trains. */
let stack: TestStack;
let trainer: PythonTrainer;

beforeAll(async () => {
  stack = await startStack('external', { MLOPS_TRAINING_TASK_QUEUE: `test-training-${Date.now().toString(36)}` });
  await stack.startWorker();
  trainer = await startTrainerFor(stack.config);
}, 600_000); // first run on a fresh clone may install the Python requirements
afterAll(async () => {
  await trainer?.stop();
  // The Python worker's log, for a failing run: .data/python-trainer.log.
  if (trainer) writeFileSync(join(repoRoot, '.data/python-trainer.log'), trainer.output());
  await stack?.close();
});

const spec = (overrides: Partial<ModelSpecInput>): ModelSpec => modelSpecSchema.parse(weatherSpec(overrides));
const sklearnTraining = {
  trainer: 'sklearn',
  estimator: 'sklearn.linear_model.LogisticRegression',
  params: { max_iter: 500 },
} as const;

async function post(path: string, body: unknown) {
  const res = await fetch(`${stack.serverUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      version: number;
      predictions: { label: string; probabilities: Record<string, number> }[];
    },
  };
}

test('sklearn trainer: trained in Python, gated against the built-in champion on the same split, approved, served from ONNX', async () => {
  const name = 'weather-sklearn';
  const builtin = await startLifecycle(stack.client, stack.config, { spec: spec({ name }), requestedBy: 'test-suite' });
  const builtinWaiting = await waitForStage(stack.client, builtin.workflowId, ['awaiting-approval']);
  expect(builtinWaiting.candidate?.environment).toMatchObject({
    runtime: `node ${process.version}`,
    lockfileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  await sendDecision(stack.client, builtin.workflowId, 'approve', { approver: 'alice' });
  expect(await builtin.handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const external = await startLifecycle(stack.client, stack.config, {
    spec: spec({ name, training: sklearnTraining }),
    requestedBy: 'test-suite',
  });
  const waiting = await waitForStage(stack.client, external.workflowId, ['awaiting-approval']);
  expect(waiting.version).toBe(2);
  expect(waiting.candidate).toMatchObject({
    format: ONNX_MODEL_FORMAT,
    trainer: 'sklearn.linear_model.LogisticRegression',
    trainRows: 2190,
    testRows: 732,
  });
  expect(waiting.candidate?.environment).toMatchObject({
    libraries: { 'scikit-learn': expect.any(String), skl2onnx: expect.any(String) },
  });
  expect(waiting.evaluation?.champion?.version).toBe(1);
  expect(waiting.evaluation?.testRows).toBe(732);

  // The Python side scored the same held-out rows with the same metric definitions: a different split or
  // metric would not agree this closely (Python used predict_proba in float64, TypeScript the ONNX model).
  const envelope = onnxArtifactSchema.parse(JSON.parse(readFileSync(fileURLToPath(waiting.candidate?.artifactPath ?? ''), 'utf8')));
  const evaluated = waiting.evaluation?.candidate;
  expect(evaluated?.rows).toBe(envelope.holdoutMetrics.rows);
  expect(Math.abs((metricValue(evaluated, 'accuracy') ?? 0) - envelope.holdoutMetrics.accuracy)).toBeLessThanOrEqual(1 / 732);
  expect(Math.abs((metricValue(evaluated, 'logLoss') ?? 0) - envelope.holdoutMetrics.logLoss)).toBeLessThan(1e-4);
  expect(envelope.parity.maxAbsDiff).toBeLessThan(1e-5);
  expect((await stack.registry.getVersion(name, 2)).params).toMatchObject({
    trainer: 'sklearn',
    artifactFormat: ONNX_MODEL_FORMAT,
    environment: { requirementsSha256: expect.any(String) },
  });

  await sendDecision(stack.client, external.workflowId, 'approve', { approver: 'bob' });
  expect(await external.handle.result()).toMatchObject({ outcome: 'deployed', version: 2 });

  // The model server answers from the ONNX model with the probabilities scikit-learn computed in Python.
  const served = await post(`/v1/models/${name}/predict`, { instances: envelope.reference.rows });
  expect(served.status).toBe(200);
  expect(served.body.version).toBe(2);
  served.body.predictions.forEach((p, i) => {
    envelope.classes.forEach((label, c) =>
      expect(
        Math.abs((p.probabilities[label] ?? NaN) - (envelope.reference.probabilities[i]?.[c] ?? NaN)),
      ).toBeLessThan(1e-5),
    );
  });
  const info = (await (await fetch(`${stack.serverUrl}/v1/models/${name}`)).json()) as {
    format: string;
    version: number;
  };
  expect(info).toMatchObject({ version: 2, format: ONNX_MODEL_FORMAT });

  // Integrity: altered ONNX bytes, or reference predictions the model does not reproduce, are refused at load.
  const copy = join(tempDir('onnx-integrity'), name);
  mkdirSync(copy);
  const envelopePath = fileURLToPath(waiting.candidate?.artifactPath ?? '');
  const onnxBytes = readFileSync(join(dirname(envelopePath), envelope.onnx.file));
  const store = new ArtifactStore(dirname(copy));
  writeFileSync(join(copy, envelope.onnx.file), Buffer.concat([onnxBytes, Buffer.from([0])]));
  writeFileSync(join(copy, 'tampered-bytes.json'), JSON.stringify(envelope));
  await expect(store.classifier(join(copy, 'tampered-bytes.json'))).rejects.toThrow(
    /ONNX file .* has sha256 .*, its envelope says/,
  );
  writeFileSync(join(copy, envelope.onnx.file), onnxBytes);
  const shifted = envelope.reference.probabilities.map((row) => row.map((p, c) => (c === 0 ? p + 1e-3 : p)));
  writeFileSync(
    join(copy, 'tampered-reference.json'),
    JSON.stringify({ ...envelope, reference: { ...envelope.reference, probabilities: shifted } }),
  );
  await expect(store.classifier(join(copy, 'tampered-reference.json'))).rejects.toThrow(
    /differs from its reference predictions/,
  );
});

test('python trainer: a user function that raises fails the run at once with its message; nothing is registered', async () => {
  const name = 'weather-failing-fn';
  const s = spec({
    name,
    training: { trainer: 'python', entrypoint: 'failing_trainer:fit', params: { reason: 'labels look wrong' } },
  });
  const { workflowId: id, handle } = await startLifecycle(stack.client, stack.config, { spec: s, requestedBy: 'test-suite' });
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activity = (err as WorkflowFailedError).cause as ActivityFailure;
  expect(activity).toBeInstanceOf(ActivityFailure);
  expect(activity.activityType).toBe('trainCandidate');
  const cause = activity.cause as ApplicationFailure;
  expect(cause.type).toBe(FailureType.TrainingFailed);
  expect(cause.nonRetryable).toBe(true);
  expect(cause.message).toContain('fixture trainer refuses to fit: labels look wrong');
  expect(await stack.registry.listVersions(name)).toEqual([]);
  // `mlops status` shows the Python message, not just "Activity task failed".
  const view = await describeLifecycle(stack.client, id);
  expect(view.failure).toMatch(/^TrainingFailed: .*fixture trainer refuses to fit: labels look wrong/);
});

test('python trainer: a user function on MLOPS_TRAINER_PATH trains a candidate that reaches the approval gate', async () => {
  const name = 'weather-user-fn';
  const s = spec({ name, training: { trainer: 'python', entrypoint: 'tiny_trainer:fit', params: { max_iter: 300 } } });
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: s,
    requestedBy: 'test-suite',
  });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  expect(waiting.candidate).toMatchObject({ format: ONNX_MODEL_FORMAT, trainer: 'tiny_trainer:fit' });
  expect(metricValue(waiting.evaluation?.candidate, 'accuracy')).toBeGreaterThan(0.5);
  await sendDecision(stack.client, workflowId, 'reject', { approver: 'carol' });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected', version: 1 });
  expect((await describeLifecycle(stack.client, workflowId)).status?.stage).toBe('rejected');
});

test('no training worker on the queue: the run waits visibly, naming the queue, and resumes when one starts', async () => {
  const name = 'weather-late-worker';
  const lateQueue = `${stack.config.temporal.trainingTaskQueue}-late`;
  const config = { ...stack.config, temporal: { ...stack.config.temporal, trainingTaskQueue: lateQueue } };
  const { workflowId, handle } = await startLifecycle(stack.client, config, {
    spec: spec({ name, training: sklearnTraining }),
    requestedBy: 'test-suite',
  });
  // The scheduled activity carries the queue and a UI summary saying where it waits.
  const scheduled = await pollUntil(
    async () =>
      (await handle.fetchHistory()).events?.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'trainCandidate',
      ),
    (e) => e !== undefined,
    { timeoutMs: 60_000, intervalMs: 200, timeoutMessage: () => 'trainCandidate was never scheduled' },
  );
  expect(scheduled?.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(lateQueue);
  const summary = Buffer.from(scheduled?.userMetadata?.summary?.data ?? new Uint8Array()).toString('utf8');
  expect(summary).toContain(`on task queue ${lateQueue}`);
  const status = (await describeLifecycle(stack.client, workflowId)).status;
  expect(status).toMatchObject({ stage: 'training', training: { trainer: sklearnTraining.estimator, taskQueue: lateQueue } });

  const late = await startTrainerFor(stack.config, lateQueue);
  try {
    const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
    expect(waiting.candidate?.format).toBe(ONNX_MODEL_FORMAT);
    await sendDecision(stack.client, workflowId, 'reject', { approver: 'carol' });
    expect(await handle.result()).toMatchObject({ outcome: 'rejected' });
  } finally {
    await late.stop();
  }
});
