import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { ArtifactStore, dataConverterFor, FilePredictionLog, type MonitoringRegistry, type PredictionStore, SqliteRegistry } from '../../src/adapters';
import { parseConfig, type AppConfig } from '../../src/domain';
import { buildModelServer } from '../../src/serving';
import { createLifecycleWorker, openActivityDeps, workflowsPath } from '../../src/workers';
import type { ActivityDeps } from '../../src/activities';
import { repoRoot, tempDir, temporalAddress } from './paths';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles workflow code once per test file (it costs ~0.5 s). */
export const workflowBundle = (): Promise<WorkflowBundleWithSourceMap> => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: silentBundlerLogger }));
const silentBundlerLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface TestStack {
  readonly config: AppConfig;
  readonly client: Client;
  readonly registry: SqliteRegistry;
  /** The model server in use (a new instance after `restartServer`). */
  readonly server: FastifyInstance;
  readonly serverUrl: string;
  /** The environment that yields `config`: hand it to child processes (worker, CLI) to join this stack. */
  readonly env: Record<string, string>;
  /** The model server's prediction log (writer), its DuckDB reader, and the registry's monitoring tables. */
  readonly predictionLog: FilePredictionLog;
  readonly predictions: PredictionStore;
  readonly monitoring: MonitoringRegistry;
  /**
   * Starts an in-process worker on the stack's task queue (call `stop` to shut it down). `adapt` may swap an
   * adapter for one that misbehaves in a way real inputs cannot produce (say so where it is used); `env`
   * overrides the stack's settings for this worker only (e.g. other payload keys).
   */
  startWorker(
    adapt?: (deps: ActivityDeps) => ActivityDeps,
    env?: Record<string, string>,
  ): Promise<{ worker: Worker; stop: () => Promise<void> }>;
  /** Closes the model server and starts a new one on the same port, as a restarted process would be. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real stack for one test file: the shared Temporal dev server, a private task queue and data dir,
 * a real SQLite registry, DuckDB, artifact store, and the fastify model server on an ephemeral port.
 */
export async function startStack(name: string, env: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = tempDir(name);
  const logger = pino({ level: process.env['MLOPS_TEST_LOG'] ?? 'silent' });
  const registryPathConfig = parseConfig({ MLOPS_DATA_DIR: dataDir });
  const registry = new SqliteRegistry(registryPathConfig.registryPath);
  const artifacts = new ArtifactStore(registryPathConfig.artifactDir);
  const adminToken = 'test-admin-token';
  const predictionLog = new FilePredictionLog(registryPathConfig.monitoring.predictionLogDir, { flushMs: registryPathConfig.monitoring.flushMs, logger });
  const routeStatePath = join(dataDir, 'serving', 'routes.json');
  const serverDeps = { registry, artifacts, adminToken, logger, sink: predictionLog, routeStatePath };
  let { app: server } = await buildModelServer(serverDeps);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const stackEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: temporalAddress(),
    MLOPS_TASK_QUEUE: `test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    MLOPS_DATA_DIR: dataDir,
    MLOPS_SERVER_PORT: String(port),
    MLOPS_ADMIN_TOKEN: adminToken,
    MLOPS_CODE_VERSION: 'test',
    MLOPS_DEV_MODE: 'true',
    // The repo (vega-datasets) and the temp folders tests write their datasets and labels files to.
    MLOPS_DATASET_ROOTS: `${repoRoot},${tmpdir()}`,
    ...env,
  };
  const config = parseConfig(stackEnv);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverterFor(config) });
  // The same adapters a worker process opens, sharing the stack's registry connection.
  const { deps, close: closeDeps } = await openActivityDeps(config, logger, { registry });
  const { predictions, monitoring } = deps;
  const workers: { stop: () => Promise<void> }[] = [];

  return {
    config,
    client,
    registry,
    get server() {
      return server;
    },
    serverUrl: config.server.url,
    env: stackEnv,
    predictionLog,
    predictions,
    monitoring,
    async startWorker(adapt = (d: ActivityDeps) => d, env = {}) {
      const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
      const worker = await createLifecycleWorker({
        config: parseConfig({ ...stackEnv, ...env }),
        connection: nativeConnection,
        workflowBundle: await workflowBundle(),
        deps: adapt(deps),
      });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const handle = {
        worker,
        // Idempotent: a test may stop a worker early, and close() stops every worker again.
        stop: () =>
          (stopped ??= (async () => {
            if (worker.getState() === 'RUNNING') worker.shutdown();
            await running;
            await nativeConnection.close();
          })()),
      };
      workers.push(handle);
      return handle;
    },
    async restartServer() {
      await server.close();
      ({ app: server } = await buildModelServer(serverDeps));
      await server.listen({ host: '127.0.0.1', port });
    },
    async close() {
      for (const w of workers) await w.stop();
      await connection.close();
      await server.close();
      await predictionLog.close();
      closeDeps();
      registry.close();
    },
  };
}
