/**
 * Benchmark (not a test): external trainer overhead. The same scikit-learn fit (LogisticRegression on the
 * spec's preprocessing, rows of flights-3m) run (a) through the lifecycle's training activity — a real TS
 * worker, the Python worker on the training queue, the step's time from the run's history (scheduled →
 * completed, so queueing, payloads and heartbeats count) — and (b) called directly in Python on the same
 * snapshot, in the same run: the fit alone, and the activity's whole body (fit + metrics + ONNX export +
 * parity check + artifact) without Temporal. Goal (issue 8): (a) ≤ 1.2 × (b) + 1 s.
 * Usage: bash bench/external-trainer.sh [rows=200000]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { openRegistry } from '../src/adapters';
import { sendDecision, startLifecycle, waitForStage } from '../src/client';
import { parseConfig } from '../src/domain';
import { flightsStatusSpec } from './flights-status-spec';
import { createLifecycleWorker, openActivityDeps } from '../src/workers';

const ROOT = resolve(__dirname, '..', '..');
const FLIGHTS = join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');
const TRAINER_DIR = join(ROOT, 'trainers/python');

async function prepare(path: string, rows: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT distance::DOUBLE AS distance, hour(date) + minute(date) / 60.0 AS hour, origin, destination,
                  CASE WHEN delay > 15 THEN 'delayed' ELSE 'on-time' END AS status
           FROM read_parquet('${FLIGHTS}') LIMIT ${rows}) TO '${path}' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
}

/** Starts `python -m mlops_trainer.worker`; resolves on its ready line. */
async function startPythonWorker(python: string, env: Record<string, string>): Promise<{ stop(): void; pid: number }> {
  const child = spawn(python, ['-m', 'mlops_trainer.worker'], { cwd: TRAINER_DIR, env: { ...process.env, ...env } });
  await new Promise<void>((res, rej) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('training worker ready')) res();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => rej(new Error(`python worker exited (${code}):\n${out}`)));
  });
  return { stop: () => void child.kill('SIGTERM'), pid: child.pid ?? 0 };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const ms = (t: unknown): number => {
  const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number };
  const s = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return s * 1000 + (ts.nanos ?? 0) / 1e6;
};

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const rows = Number(process.argv[2] ?? 200_000);
  const address = process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277';
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-bench-external-'));
  mkdirSync(join(dataDir, 'datasets'));
  const dataset = join(dataDir, 'datasets', 'flights-status.parquet');
  await prepare(dataset, rows);
  const queue = `bench-training-${Date.now()}`;
  const config = parseConfig({
    TEMPORAL_ADDRESS: address,
    MLOPS_DATA_DIR: dataDir,
    MLOPS_TASK_QUEUE: `bench-external-${Date.now()}`,
    MLOPS_TRAINING_TASK_QUEUE: queue,
  });
  const logger = pino({ level: 'silent' });
  const registry = await openRegistry(config);
  const { deps, close } = await openActivityDeps(config, logger, { registry });
  const connection = await NativeConnection.connect({ address });
  const worker = await createLifecycleWorker({ config, connection, deps });
  const running = worker.run();
  const python = execFileSync('bash', [join(ROOT, 'scripts/ensure-python-trainer.sh')], { encoding: 'utf8' }).trim();
  const pythonWorker = await startPythonWorker(python, {
    TEMPORAL_ADDRESS: address,
    MLOPS_TRAINING_TASK_QUEUE: queue,
    MLOPS_DATA_DIR: dataDir,
  });
  const client = new Client({ connection: await Connection.connect({ address }) });

  const spec = flightsStatusSpec('flights-status-sklearn', dataset, {
    trainer: 'sklearn',
    estimator: 'sklearn.linear_model.LogisticRegression',
    params: { max_iter: 200 },
  });
  const cpuBefore = cpuSeconds(pythonWorker.pid);
  const { workflowId, handle } = await startLifecycle(client, config, { spec, requestedBy: 'bench' });
  const status = await waitForStage(client, workflowId, ['awaiting-approval', 'failed', 'not-blessed'], 1_800_000);
  // The Python worker does nothing else meanwhile: its CPU time is the activity's (plus idle polling).
  const activityCpu = cpuSeconds(pythonWorker.pid) - cpuBefore;
  await sendDecision(client, workflowId, 'reject', { approver: 'bench', comment: 'benchmark run' });
  await handle.result().catch(() => undefined);
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'trainCandidate');
  const completed = events.find(
    (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled?.eventId),
  );
  const activitySeconds = (ms(completed?.eventTime) - ms(scheduled?.eventTime)) / 1000;

  // The same work called directly in Python on the same snapshot (the worker is idle by now).
  const payloadPath = join(dataDir, 'direct-payload.json');
  writeFileSync(payloadPath, JSON.stringify({ spec, snapshot: status.dataset }));
  const direct = JSON.parse(
    execFileSync(python, [join(ROOT, 'bench/external_trainer_direct.py'), payloadPath], {
      cwd: TRAINER_DIR,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: TRAINER_DIR, MLOPS_DATA_DIR: join(dataDir, 'direct') },
    }),
  ) as { fitOnly: [number, number]; trainCandidate: [number, number] };

  const f = (s: number): string => `${s.toFixed(2)} s`;
  const vs = (a: number, b: number): string => `${f(a)} vs ${f(b)} = ${(a / b).toFixed(2)}×, goal ≤ ${f(1.2 * b + 1)}`;
  const rowsText = status.dataset?.rowCount.toLocaleString('en');
  console.log(`external trainer overhead, LogisticRegression on ${rowsText} rows of flights-3m (stage ${status.stage})`);
  console.log('  lifecycle trainCandidate activity vs direct train_candidate() body (fit + metrics + ONNX + parity + store):');
  console.log(`    wall (activity scheduled → completed): ${vs(activitySeconds, direct.trainCandidate[0])}`);
  console.log(`    CPU (Python worker process vs direct): ${vs(activityCpu, direct.trainCandidate[1])}`);
  console.log('  lifecycle trainCandidate activity vs direct read + split + fit + predict only:');
  console.log(`    wall: ${vs(activitySeconds, direct.fitOnly[0])}`);
  console.log(`    CPU:  ${vs(activityCpu, direct.fitOnly[1])}`);

  pythonWorker.stop();
  worker.shutdown();
  await running;
  await close();
  await registry.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
