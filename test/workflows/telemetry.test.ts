import { createServer } from 'node:net';
import { startLifecycle, waitForStage } from '../../src/client';
import { pollUntil } from '../../src/client/poll';
import { parseModelSpec } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { spawnCompiled } from '../support/processes';

let stack: TestStack;
let worker: ReturnType<typeof spawnCompiled> | undefined;
beforeAll(async () => {
  stack = await startStack('telemetry');
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await stack?.close();
});

/** A port nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('a worker process serves Temporal metrics to Prometheus, and its activity log lines name the run', async () => {
  const port = await freePort();
  worker = spawnCompiled('src/workers/main.js', [], {
    ...stack.env,
    MLOPS_WORKER_METRICS_PORT: String(port),
    MLOPS_WORKER_METRICS_HOST: '127.0.0.1',
  });
  const scrape = () =>
    fetch(`http://127.0.0.1:${port}/metrics`).then(
      async (r) => (r.ok ? r.text() : ''),
      () => '',
    );
  const parsed = parseModelSpec(weatherSpec({ name: 'weather-telemetry' }));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const run = { spec: parsed.spec, requestedBy: 'ops' };
  const { workflowId, runId } = await startLifecycle(stack.client, stack.config, run);
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);

  // The Runtime's own metrics: polls, task latencies, activity executions of this worker.
  const metrics = await pollUntil(scrape, (text) => /temporal_activity_execution_latency/.test(text), {
    timeoutMs: 30_000,
    intervalMs: 250,
    timeoutMessage: (text) => `no activity metrics at :${port}/metrics; got ${text.slice(0, 300)}`,
  });
  expect(metrics).toMatch(/# TYPE temporal_\w+ /);
  const queue = stack.config.temporal.taskQueue;
  expect(metrics).toMatch(new RegExp(`temporal_workflow_task_queue_poll_succeed\\{[^}]*task_queue="${queue}"`));

  const json = worker.output().split('\n').filter((l) => l.startsWith('{'));
  const lines = json.map((l) => JSON.parse(l) as Record<string, unknown>);
  const trained = lines.find((l) => l['msg'] === 'candidate trained');
  const component = 'training-activities';
  expect(trained).toMatchObject({ workflowId, runId, activityType: 'trainCandidate', attempt: 1, component });
  const started = lines.find((l) => l['msg'] === 'worker started');
  expect(started).toMatchObject({ metrics: `http://127.0.0.1:${port}/metrics` });
  expect(started).not.toHaveProperty('workflowId');
});
