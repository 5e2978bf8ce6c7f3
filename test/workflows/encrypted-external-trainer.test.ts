/**
 * @jest-environment ./test/support/shared-typed-arrays-environment.js
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { startPythonTrainer, type PythonTrainer } from '../support/python-trainer';
import { newPayloadKey } from '../support/payload-keys';
import { repoRoot } from '../support/paths';
import { weatherSpec } from '../support/specs';
import { startStack, type TestStack } from '../support/stack';

/**
 * The Python training worker with payload encryption on: it decrypts the TypeScript worker's activity input
 * and encrypts its result with the same keys (trainers/python/mlops_trainer/payload_codec.py), and the
 * history shows neither in clear. The current key is the second listed (MLOPS_PAYLOAD_KEY_ID), as after a rotation.
 */
const keys = `${newPayloadKey('old')},${newPayloadKey('current')}`;
let stack: TestStack;
let trainer: PythonTrainer;

beforeAll(async () => {
  const env = { MLOPS_PAYLOAD_KEYS: keys, MLOPS_PAYLOAD_KEY_ID: 'current', MLOPS_TRAINING_TASK_QUEUE: `test-enc-training-${Date.now().toString(36)}` };
  stack = await startStack('encrypted-external', env);
  await stack.startWorker();
  trainer = await startPythonTrainer({
    ...env,
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    MLOPS_DATA_DIR: stack.config.dataDir,
  });
}, 600_000); // first run on a fresh clone may install the Python requirements
afterAll(async () => {
  await trainer?.stop();
  if (trainer) writeFileSync(join(repoRoot, '.data/python-trainer-encrypted.log'), trainer.output());
  await stack?.close();
});

test('an sklearn candidate trained by the Python worker through encrypted payloads; no plaintext in the history', async () => {
  expect(trainer.output()).toMatch(/encryption=on/);
  const training = { trainer: 'sklearn', estimator: 'sklearn.linear_model.LogisticRegression', params: { max_iter: 321 } } as const;
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: weatherSpec({ name: 'weather-enc-sklearn', training }),
    requestedBy: 'test-suite',
  });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  expect(waiting.candidate?.trainer).toMatch(/LogisticRegression/);
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'approver-python-enc', comment: 'python-enc-comment' });
  expect(await handle.result()).toMatchObject({ outcome: 'deployed' });

  const raw = new Client({ connection: stack.client.connection, namespace: stack.config.temporal.namespace });
  const history = temporal.api.history.v1.History.create(await raw.workflow.getHandle(workflowId).fetchHistory());
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const trainedOnQueue = history.events?.some(
    (e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name === stack.config.temporal.trainingTaskQueue,
  );
  expect(trainedOnQueue).toBe(true);
  for (const text of ['LogisticRegression', 'max_iter', 'approver-python-enc', 'python-enc-comment', 'temp_max']) {
    expect({ text, found: bytes.includes(text) }).toEqual({ text, found: false });
  }
  expect(bytes.includes('current')).toBe(true); // the key id, in clear in the payloads' metadata
});
