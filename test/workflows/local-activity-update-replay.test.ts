import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { temporalAddress } from '../support/paths';
import type { LocalSteps } from '../support/local-activity-update-workflows';

/**
 * Why the lifecycle keeps one local activity in flight at most (README "Benchmarks", scale — throughput). Two
 * local activities running at once in one workflow task, one of which an Update handler waits for: live, their
 * results reach the workflow in separate activations (the handler's first, here), so the Update completes before
 * the main code's next command; on replay both results are in the same workflow task and come back together, the
 * Update's completion and the main code's command are emitted in one activation, and the order in the history
 * is not reproduced: TMPRL1100 (`…Machine does not handle … WorkflowExecutionUpdateCompleted`). Waiting for the
 * handler's local activity before starting the next one replays. No timing is involved: the `verdict` step
 * finishes only once the activation in which the handler saw its append has completed (a sink call).
 */
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

async function runAndReplay(serialized: boolean): Promise<{ events: string[]; replay: Promise<void> }> {
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../support/local-activity-update-workflows'),
    logger: silent,
  });
  let releaseVerdict = (): void => undefined;
  const verdictReleased = new Promise<void>((resolve) => (releaseVerdict = resolve));
  const activities: LocalSteps = { append: async () => undefined, verdict: () => verdictReleased };
  const taskQueue = `la-update-${serialized}-${Date.now()}`;
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const sinks = { probe: { appendSeen: { fn: () => releaseVerdict() } } };
  const worker = await Worker.create({ connection, taskQueue, workflowBundle, activities, sinks });
  const client = new Client({ connection: await Connection.connect({ address: temporalAddress() }) });
  const workflowId = `${taskQueue}-run`;
  const history = await worker.runUntil(async () => {
    const handle = await client.workflow.start('gateWithLocalSteps', { taskQueue, workflowId, args: [serialized] });
    await handle.executeUpdate('decide', { args: [] });
    await handle.result();
    return handle.fetchHistory();
  });
  const events = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? '?');
  return { events, replay: Worker.runReplayHistory({ workflowBundle }, history, workflowId) };
}

test('two local activities in flight, one awaited by an Update handler: the live history does not replay', async () => {
  const { events, replay } = await runAndReplay(false);
  const completed = events.indexOf('workflowExecutionUpdateCompletedEventAttributes');
  expect(completed).toBeLessThan(events.indexOf('workflowPropertiesModifiedEventAttributes'));
  await expect(replay).rejects.toThrow(/TMPRL1100/);
});

test('one local activity in flight at a time: the same steps replay', async () => {
  const { replay } = await runAndReplay(true);
  await expect(replay).resolves.toBeUndefined();
});
