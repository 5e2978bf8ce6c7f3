import { createServer } from 'node:net';
import { spawnCompiled } from '../support/processes';
import { tempDir, temporalAddress } from '../support/paths';

/** A port nobody listens on right now, for the demo's own model server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/**
 * Runs the compiled demo; one that has not ended within `ms` is stopped and fails the test with its output,
 * so a hang shows where the demo stood instead of a bare jest timeout.
 */
async function runDemo(env: Record<string, string>, ms = 140_000): Promise<{ code: number | null; output: string }> {
  const demo = spawnCompiled('scripts/demo.js', [], env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms)));
  const code = await Promise.race([demo.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timed out') {
    demo.child.kill('SIGINT'); // the demo stops its worker, trainer and model server on SIGINT
    await demo.exited;
    throw new Error(`the demo had not ended after ${ms / 1000} s; its output:\n${demo.output().slice(-6000)}`);
  }
  return { code, output: demo.output() };
}

/**
 * `npm run demo` twice in a row on one data dir, as a user who runs it again would: both runs tell the whole
 * story and end with the summary. The second run meets what the first left behind (a champion in production,
 * so the release goes out as a canary under live traffic; monitoring state of the Seattle model).
 * MLOPS_DEMO_FAST shortens the canary bakes; the compiled demo starts its own worker, Python training worker
 * (the venv scripts/test.sh installs) and model server, on task queues of its own.
 */
test('the demo completes on a fresh data dir and again on the same data dir', async () => {
  const queue = `test-demo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const env = {
    TEMPORAL_ADDRESS: temporalAddress(),
    MLOPS_TASK_QUEUE: queue,
    MLOPS_TRAINING_TASK_QUEUE: `${queue}-training`,
    MLOPS_DATA_DIR: tempDir('demo-twice'),
    MLOPS_SERVER_PORT: String(await freePort()),
    MLOPS_PREDICTION_FLUSH_MS: '200',
    MLOPS_CODE_VERSION: 'test',
    MLOPS_DEMO_FAST: '1',
  };
  const first = await runDemo(env);
  expect(first.output).toContain('✔ demo complete in');
  expect(first.code).toBe(0);
  expect(first.output).not.toMatch(/^demo failed:/m);
  expect(first.output).toMatch(/▶ rollout: direct — nothing serves weather-classifier yet/);
  expect(first.output).toContain('seattle-weather-run1: this run');
  // Chapter 2: a challenger from the Python worker, compared with the built-in champion at the gate.
  expect(first.output).toMatch(/candidate {2}v2: sklearn\.ensemble\.HistGradientBoostingClassifier \(ONNX\)/);
  expect(first.output).toMatch(/champion {3}v1: built-in logistic-regression/);
  expect(first.output).toMatch(/^ {4}champion v1 /m);

  env.MLOPS_SERVER_PORT = String(await freePort());
  const second = await runDemo(env);
  expect(second.output).toContain('✔ demo complete in');
  expect(second.code).toBe(0);
  expect(second.output).toMatch(/▶ rollout: canary 10 → 50 → 100 % with 2s bakes, as the spec asks: v1 already/);
  expect(second.output).toMatch(/▶ outcome: deployed \(v3\)/);
  expect(second.output).toMatch(/candidate {2}v4: sklearn\.ensemble\.HistGradientBoostingClassifier \(ONNX\)/);
  expect(second.output).toMatch(/champion {3}v3: built-in logistic-regression/);
  expect(second.output).toMatch(/live traffic during the rollout: \d+ requests/);
  expect(second.output).toContain('seattle-weather-run2: this run');
  expect(second.output).toContain('removed the paused schedules of earlier demo runs: monitor-seattle-weather-run1');
}, 300_000);
