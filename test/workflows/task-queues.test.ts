import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { modelSpecSchema } from '../../src/domain';
import { TRAINING_QUEUE_PATCH } from '../../src/workflows/training-queue';
import { LEAN_HISTORY_PATCH } from '../../src/workflows/lean-history';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { saveHistoryIfAsked } from '../support/histories';
import { repoRoot } from '../support/paths';

/** Control and built-in training on separate task queues, served by workers of separate roles. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('queues');
});
afterAll(async () => stack?.close());

type Events = temporal.api.history.v1.IHistoryEvent[];
/** Activity type → the task queues it was scheduled on. */
function queuesByActivity(events: Events): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name) (out[a.activityType.name] ??= []).push(a.taskQueue?.name ?? '');
  }
  return out;
}
const patchMarkers = (events: Events): string[] =>
  events.flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    if (!data) return [];
    // Live histories carry bytes; saved ones (JSON) carry them base64-encoded.
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data);
    return [(JSON.parse(bytes.toString()) as { id: string }).id];
  });

test('built-in training and evaluation wait on the training queue until a training-role worker polls it', async () => {
  const control = stack.config.temporal.taskQueue;
  const training = stack.config.temporal.builtinTrainingTaskQueue;
  expect(training).toBe(`${control}-builtin-training`);
  await stack.startWorker(undefined, { role: 'control' });
  const spec = modelSpecSchema.parse(weatherSpec({ name: 'weather-queues' }));
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'queues-test' });

  // No worker polls the training queue yet: the run sits at training, saying where it waits.
  const waiting = await waitForStage(stack.client, workflowId, ['training']);
  expect(waiting.training?.taskQueue).toBe(training);
  const pending = (await handle.describe()).raw.pendingActivities ?? [];
  expect(pending.map((a) => [a.activityType?.name, a.state])).toEqual([
    ['trainCandidate', temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED],
  ]);

  await stack.startWorker(undefined, { role: 'training' });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice' });
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const events = (await handle.fetchHistory()).events ?? [];
  const queues = queuesByActivity(events);
  expect(queues['trainCandidate']).toEqual([training]);
  expect(queues['evaluateCandidate']).toEqual([training]);
  for (const [name, list] of Object.entries(queues)) {
    if (name !== 'trainCandidate' && name !== 'evaluateCandidate') expect([name, list]).toEqual([name, list.map(() => control)]);
  }
  // New runs take the patch through lean-history-v1, which implies it (src/workflows/lean-history.ts).
  expect(patchMarkers(events)).toEqual([LEAN_HISTORY_PATCH]);
  // The new branch's history, replayed by replay.test.ts (older histories there hold the branch before it).
  await saveHistoryIfAsked(handle, 'lifecycle-training-queue.json');
});

test('the saved histories hold both branches: training on the control queue (before) and on the training queue', () => {
  const load = (file: string): Events =>
    (JSON.parse(readFileSync(join(repoRoot, 'test/histories', file), 'utf8')) as { events: Events }).events;
  const before = load('lifecycle-direct-deploy.json');
  expect(patchMarkers(before)).not.toContain(TRAINING_QUEUE_PATCH);
  const queue = before[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name;
  expect(queuesByActivity(before)['trainCandidate']).toEqual([queue]);
  const after = load('lifecycle-training-queue.json');
  expect(patchMarkers(after)).toContain(TRAINING_QUEUE_PATCH);
  const control = after[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name;
  expect(queuesByActivity(after)['trainCandidate']).toEqual([`${control}-builtin-training`]);
});
