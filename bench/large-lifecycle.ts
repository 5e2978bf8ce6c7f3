/**
 * Benchmark (not a test): the lifecycle on all 3M rows of flights-3m (vega-datasets) — ingest → validate →
 * train → evaluate → register → reference profile — through a real worker and workflow, printing each step's
 * time (from the run's history), the worker process's peak RSS, and the training step against the same fit
 * done directly (no Temporal, data already in memory), measured in the same run.
 * Usage: bash bench/large-lifecycle.sh
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { openRegistry } from '../src/adapters';
import { sendDecision, startLifecycle, waitForStage } from '../src/client';
import { metricValue, parseConfig, type BuiltinTraining } from '../src/domain';
import { flightsStatusSpec } from './flights-status-spec';
import { splitFrame, trainOnFrame } from '../src/domain/ml';
import { createLifecycleWorker, openActivityDeps } from '../src/workers';

const ROOT = resolve(__dirname, '..', '..');
const FLIGHTS = join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');

async function prepare(path: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT distance::DOUBLE AS distance, hour(date) + minute(date) / 60.0 AS hour, origin, destination,
                  CASE WHEN delay > 15 THEN 'delayed' ELSE 'on-time' END AS status
           FROM read_parquet('${FLIGHTS}')) TO '${path}' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277';
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-bench-large-'));
  mkdirSync(join(dataDir, 'datasets'));
  const dataset = join(dataDir, 'datasets', 'flights-status.parquet');
  await prepare(dataset);
  const config = parseConfig({ TEMPORAL_ADDRESS: address, MLOPS_DATA_DIR: dataDir, MLOPS_TASK_QUEUE: `bench-large-${Date.now()}` });
  const logger = pino({ level: 'silent' });
  const registry = await openRegistry(config);
  const { deps, close } = await openActivityDeps(config, logger, { registry });
  const connection = await NativeConnection.connect({ address });
  const worker = await createLifecycleWorker({ config, connection, deps });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }) });

  const spec = flightsStatusSpec('flights-status', dataset);
  const t0 = Date.now();
  const { workflowId, handle } = await startLifecycle(client, config, { spec, requestedBy: 'bench' });
  const status = await waitForStage(client, workflowId, ['awaiting-approval', 'failed', 'not-blessed'], 1_800_000);
  const toGate = Date.now() - t0;
  const lifecycleRssMb = process.resourceUsage().maxRSS / 1024; // before the direct fit below adds its own
  await sendDecision(client, workflowId, 'reject', { approver: 'bench', comment: 'benchmark run' });
  await handle.result();

  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, { name: string; at: number }>();
  const steps: [string, number][] = [];
  const ms = (t: unknown): number => {
    const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number };
    const s = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
    return s * 1000 + (ts.nanos ?? 0) / 1e6;
  };
  for (const e of events) {
    const sched = e.activityTaskScheduledEventAttributes;
    if (sched) scheduled.set(String(e.eventId), { name: sched.activityType?.name ?? '?', at: ms(e.eventTime) });
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const s = scheduled.get(String(done.scheduledEventId));
      if (s) steps.push([s.name, ms(e.eventTime) - s.at]);
    }
  }
  // The same fit done directly, in this process, on data already in memory: the floor of the training step.
  const frame = await deps.datasets.readFrame({ snapshotPath: status.dataset?.snapshotPath ?? '' }, [...spec.features, { name: 'status', type: 'categorical' }]);
  const { train } = splitFrame(frame, 'status', spec.split.testFraction, spec.split.seed);
  const t1 = Date.now();
  const training = spec.training as BuiltinTraining;
  await trainOnFrame(train, { modelName: 'direct', datasetId: 'direct', target: 'status', features: spec.features, testFraction: spec.split.testFraction, splitSeed: spec.split.seed, ...training });
  const directFit = Date.now() - t1;

  console.log(`lifecycle on ${status.dataset?.rowCount.toLocaleString('en')} rows (flights-3m, binary status), stage ${status.stage}: ${(toGate / 1000).toFixed(1)} s from start to the approval gate`);
  for (const [name, d] of steps) console.log(`  ${name.padEnd(24)} ${(d / 1000).toFixed(2).padStart(7)} s`);
  const trainStep = steps.find(([n]) => n === 'trainCandidate')?.[1] ?? Number.NaN;
  console.log(`  training step vs the same fit done directly: ${(trainStep / 1000).toFixed(1)} s vs ${(directFit / 1000).toFixed(1)} s (${(trainStep / directFit).toFixed(2)}×)`);
  console.log(`  candidate accuracy ${metricValue(status.evaluation?.candidate, 'accuracy')?.toFixed(4)}, AUC ${metricValue(status.evaluation?.candidate, 'auc')?.toFixed(4)}`);
  console.log(`  peak RSS of the worker process through the lifecycle (worker, DuckDB, registry): ${lifecycleRssMb.toFixed(0)} MB`);

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
