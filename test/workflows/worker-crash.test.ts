import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactStore } from '../../src/adapters';
import { modelSpecSchema } from '../../src/domain';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { spawnCompiled } from '../support/processes';
import { tempDir } from '../support/paths';
import { temporal } from '@temporalio/proto';
import { registerTrainedVersion } from '../support/versions';

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

async function heartbeatOf<T>(workflowId: string, activity: string): Promise<T | undefined> {
  const description = await stack.client.workflow.getHandle(workflowId).describe();
  const pending = (description.raw.pendingActivities ?? []) as PendingActivity[];
  const data = pending.find((a) => a.activityType?.name === activity)?.heartbeatDetails?.payloads?.[0]?.data;
  return data ? (JSON.parse(Buffer.from(data).toString()) as T) : undefined;
}
const trainingHeartbeat = (workflowId: string) => heartbeatOf<{ epoch: number; checkpointPath?: string }>(workflowId, 'trainCandidate');

async function killed(p: ReturnType<typeof spawnCompiled> | undefined): Promise<void> {
  if (p && p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
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
    expect(await stack.registry.listVersions('weather-crash')).toHaveLength(1);
    expect(second.output()).toMatch(/resuming training from checkpoint/);

    const history = await handle.fetchHistory();
    const retriedStarts = (history.events ?? []).filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retriedStarts).toHaveLength(1);
  } finally {
    for (const p of [first, second]) await killed(p);
  }
}, 600_000);

test('SIGKILL of the worker mid-evaluation: the step is retried after a heartbeat timeout, and the same run completes with one version', async () => {
  const model = 'weather-crash-eval';
  // The champion's artifact is recorded at a FIFO: evaluation blocks reading it until the test writes the
  // bytes — a slow storage read the test controls. The kill lands while evaluation is provably running.
  const artifacts = new ArtifactStore(stack.config.artifactDir);
  const fifo = join(tempDir('crash-eval'), 'champion.json');
  execFileSync('mkfifo', [fifo]);
  const champion = await registerTrainedVersion(stack.registry, artifacts, { model, artifactPath: fifo });
  await stack.registry.moveAlias({ modelName: model, alias: 'production', version: champion, actor: 'test-suite' });
  const championBytes = await readFile(join(stack.config.artifactDir, model, `${(await stack.registry.getVersion(model, champion)).artifactSha256}.json`));

  const spec = modelSpecSchema.parse(weatherSpec({ name: model }));
  const first = spawnCompiled('src/workers/main.js', [], stack.env);
  let second: ReturnType<typeof spawnCompiled> | undefined;
  try {
    const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'crash-test' });
    await waitForStage(stack.client, workflowId, ['evaluating'], 120_000);
    let beat: { step?: string } | undefined;
    for (let i = 0; i < 600 && !beat; i++) {
      beat = await heartbeatOf<{ step?: string }>(workflowId, 'evaluateCandidate');
      if (!beat) await new Promise((r) => setTimeout(r, 100));
    }
    expect(beat?.step).toMatch(/^evaluate on the held-out split/);
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();

    second = spawnCompiled('src/workers/main.js', [], stack.env);
    await writeFile(fifo, championBytes); // opens when the retried evaluation reads the champion, not before

    const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval', 'failed'], 120_000);
    expect(waiting.stage).toBe('awaiting-approval');
    expect(waiting.evaluation?.champion?.version).toBe(champion);
    await sendDecision(stack.client, workflowId, 'approve', { approver: 'crash-test' });
    expect(await handle.result()).toMatchObject({ outcome: 'deployed', version: champion + 1 });
    expect((await stack.registry.listVersions(model)).filter((v) => v.workflowId === workflowId)).toHaveLength(1);

    // Recovery came from the heartbeat timeout (seconds), not the step's start-to-close timeout (30 min).
    const events = (await handle.fetchHistory()).events ?? [];
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried).toHaveLength(1);
    const lastFailure = retried[0]?.activityTaskStartedEventAttributes?.lastFailure;
    expect(lastFailure?.timeoutFailureInfo?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    const scheduled = events.find((e) => e.eventId?.toString() === retried[0]?.activityTaskStartedEventAttributes?.scheduledEventId?.toString());
    expect(scheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('evaluateCandidate');
    const retriedAt = Number(String(retried[0]?.eventTime?.seconds ?? 0)) * 1000 + (retried[0]?.eventTime?.nanos ?? 0) / 1e6;
    // A figure for the report, not an assertion: how long the killed step waited for its retry.
    process.stdout.write(`evaluation retried ${((retriedAt - killedAt) / 1000).toFixed(1)} s after the SIGKILL\n`);
  } finally {
    for (const p of [first, second]) await killed(p);
  }
}, 600_000);
