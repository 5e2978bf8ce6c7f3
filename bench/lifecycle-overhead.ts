/**
 * Benchmark (not a test): per-step orchestration overhead of the model lifecycle against a bare chain of
 * no-op activities of the same length, on the same dev server, in one run. Prints p50/p95 and the ratio.
 * Usage: bash bench/lifecycle.sh [runs]   (default 10 lifecycles and 10 chains)
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseConfig, modelSpecSchema } from '../src/domain';
import { ArtifactStore, SqliteRegistry } from '../src/adapters';
import { openActivityDeps } from '../src/workers';
import { createActivities } from '../src/activities';
import { sendDecision, startLifecycle, waitForStage } from '../src/client';
import { buildModelServer } from '../src/serving';
import { quantile, stepOverheads } from './history-gaps';

const runs = Number(process.argv[2] ?? 10);
const root = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-bench-'));
  const address = process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277';
  const logger = pino({ level: 'silent' });
  const paths = parseConfig({ MLOPS_DATA_DIR: dataDir });
  const registry = new SqliteRegistry(paths.registryPath);
  const { app } = await buildModelServer({ registry, artifacts: new ArtifactStore(paths.artifactDir), adminToken: paths.server.adminToken, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const config = parseConfig({ TEMPORAL_ADDRESS: address, MLOPS_DATA_DIR: dataDir, MLOPS_TASK_QUEUE: `bench-${Date.now()}`, MLOPS_SERVER_PORT: String(port) });
  const { deps, close } = await openActivityDeps(config, logger, { registry });

  const connection = await NativeConnection.connect({ address });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./bench-workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  // One worker runs both workflows; the baseline's no-op activity sits beside the real ones.
  const worker = await Worker.create({
    connection,
    taskQueue: config.temporal.taskQueue,
    workflowBundle,
    activities: { ...createActivities(deps), noop: async (step: number) => step },
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address }) });

  const specJson = require(join(root, 'examples/weather-classifier.json')) as Record<string, unknown>;
  const spec = modelSpecSchema.parse({ ...specJson, name: 'bench-weather', dataset: { path: join(root, 'node_modules/vega-datasets/data/weather.csv') }, training: { epochs: 50 }, deployment: { strategy: 'direct' } });

  const lifecycleOverheads: number[] = [];
  let activitiesPerLifecycle = 0;
  let lifecycleWall = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    const { workflowId, handle } = await startLifecycle(client, config, { spec, requestedBy: 'bench' });
    await waitForStage(client, workflowId, ['awaiting-approval'], 120_000);
    await sendDecision(client, workflowId, 'approve', { approver: 'bench-approver' });
    await handle.result();
    lifecycleWall += Date.now() - t0;
    const { overheads, activities } = stepOverheads((await handle.fetchHistory()).events ?? []);
    activitiesPerLifecycle = activities;
    lifecycleOverheads.push(...overheads);
  }

  const chainOverheads: number[] = [];
  let chainWall = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    const handle = await client.workflow.start('noopChainWorkflow', { taskQueue: config.temporal.taskQueue, workflowId: `bench-chain-${Date.now()}-${i}`, args: [activitiesPerLifecycle] });
    await handle.result();
    chainWall += Date.now() - t0;
    chainOverheads.push(...stepOverheads((await handle.fetchHistory()).events ?? []).overheads);
  }

  const row = (name: string, v: number[]) => `${name.padEnd(26)} p50 ${quantile(v, 0.5).toFixed(1).padStart(6)} ms   p95 ${quantile(v, 0.95).toFixed(1).padStart(6)} ms   (n=${v.length})`;
  console.log(`per-step orchestration overhead, ${runs} runs each, ${activitiesPerLifecycle} activities per run, server ${address}`);
  console.log(row('lifecycle (real steps)', lifecycleOverheads));
  console.log(row('no-op activity chain', chainOverheads));
  console.log(`ratio lifecycle/no-op      p50 ${(quantile(lifecycleOverheads, 0.5) / quantile(chainOverheads, 0.5)).toFixed(2)}x   p95 ${(quantile(lifecycleOverheads, 0.95) / quantile(chainOverheads, 0.95)).toFixed(2)}x`);
  console.log(`mean wall time: lifecycle ${(lifecycleWall / runs).toFixed(0)} ms (incl. training and approval round trip), no-op chain ${(chainWall / runs).toFixed(0)} ms`);

  worker.shutdown();
  await running;
  await app.close();
  await close();
  await registry.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
