import { modelSpecSchema } from '../../src/domain';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { spawnCompiled } from '../support/processes';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('crash');
});
afterAll(async () => stack?.close());

interface PendingActivity {
  activityType?: { name?: string };
  attempt?: number;
  heartbeatDetails?: { payloads?: { data?: Uint8Array }[] };
}

async function trainingHeartbeat(workflowId: string): Promise<{ epoch: number; checkpointPath?: string } | undefined> {
  const description = await stack.client.workflow.getHandle(workflowId).describe();
  const pending = (description.raw.pendingActivities ?? []) as PendingActivity[];
  const training = pending.find((a) => a.activityType?.name === 'trainCandidate');
  const data = training?.heartbeatDetails?.payloads?.[0]?.data;
  return data ? (JSON.parse(Buffer.from(data).toString()) as { epoch: number; checkpointPath?: string }) : undefined;
}

test('SIGKILL of the worker mid-training: a new worker resumes from the checkpoint and the run registers exactly one version', async () => {
  // Long enough (tens of seconds) that the kill lands mid-training on any machine.
  // Adam for a fixed, long run (L-BFGS converges on this data in well under a second).
  const training = { solver: 'adam' as const, epochs: 30_000, learningRate: 0.5, l2: 0.001, seed: 7, classWeight: 'none' as const, algorithm: 'logistic-regression' as const };
  const spec = modelSpecSchema.parse(weatherSpec({ name: 'weather-crash', training }));
  const first = spawnCompiled('src/workers/main.js', [], stack.env);
  let second: ReturnType<typeof spawnCompiled> | undefined;
  try {
    const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'crash-test' });
    await waitForStage(stack.client, workflowId, ['training'], 60_000);

    // Wait until a checkpoint has been heartbeated, then kill the worker without any chance to clean up.
    let beat: Awaited<ReturnType<typeof trainingHeartbeat>>;
    for (let i = 0; i < 600 && !beat?.checkpointPath; i++) {
      beat = await trainingHeartbeat(workflowId);
      if (!beat?.checkpointPath) await new Promise((r) => setTimeout(r, 100));
    }
    expect(beat?.checkpointPath).toBeDefined();
    expect(beat?.epoch).toBeLessThan(training.epochs);
    first.child.kill('SIGKILL');
    await first.exited;

    second = spawnCompiled('src/workers/main.js', [], stack.env);
    await waitForStage(stack.client, workflowId, ['awaiting-approval'], 480_000);
    await sendDecision(stack.client, workflowId, 'approve', { approver: 'crash-test' });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'deployed', version: 1 });
    expect(stack.registry.listVersions('weather-crash')).toHaveLength(1);
    expect(second.output()).toMatch(/resuming training from checkpoint/);

    const history = await handle.fetchHistory();
    const retriedStarts = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retriedStarts).toHaveLength(1);
  } finally {
    for (const p of [first, second]) {
      if (p && p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
  }
}, 600_000);
