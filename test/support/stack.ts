import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type Database from 'better-sqlite3';
import { ArtifactStore, dataConverterFor, FilePredictionLog, openBlobStore, openRegistry, type PredictionStore, SqliteRegistry } from '../../src/adapters';
import { parseConfig, type AppConfig, type MonitoringStore, type Registry, type WorkerRole } from '../../src/domain';
import { buildModelServer } from '../../src/serving';
import { createLifecycleWorker, openActivityDeps, workflowBundleOptions, type LifecycleWorkers } from '../../src/workers';
import type { ActivityDeps } from '../../src/activities';
import { repoRoot, tempDir, temporalAddress } from './paths';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles workflow code once per test file (it costs ~0.5 s). */
export const workflowBundle = (): Promise<WorkflowBundleWithSourceMap> => (bundle ??= bundleWorkflowCode({ ...workflowBundleOptions(), logger: silentBundlerLogger }));
const silentBundlerLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface TestStack {
  readonly config: AppConfig;
  readonly client: Client;
  /** The registry port: SQLite in the data dir, or PostgreSQL when `env` sets MLOPS_REGISTRY_URL. */
  readonly registry: Registry;
  /** The model server in use (a new instance after `restartServer`). */
  readonly server: FastifyInstance;
  readonly serverUrl: string;
  /** The environment that yields `config`: hand it to child processes (worker, CLI) to join this stack. */
  readonly env: Record<string, string>;
  /** The model server's prediction log (writer), its DuckDB reader, and the registry's monitoring tables. */
  readonly predictionLog: FilePredictionLog;
  readonly predictions: PredictionStore;
  readonly monitoring: MonitoringStore;
  /**
   * Starts in-process workers (`role` default `all`: control and training queues; call `stop` to shut them down).
   * `adapt` may swap an adapter for one that misbehaves in a way real inputs cannot produce (say so where it is
   * used); `env` overrides the stack's settings for these workers only (e.g. other payload keys).
   */
  startWorker(
    adapt?: (deps: ActivityDeps) => ActivityDeps,
    options?: { role?: WorkerRole; env?: Record<string, string> },
  ): Promise<{ worker: LifecycleWorkers; stop: () => Promise<void> }>;
  /** Closes the model server and starts a new one on the same port, as a restarted process would be. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real stack for one test file: the shared Temporal dev server, a private task queue and data dir,
 * a real registry (SQLite, or PostgreSQL when `env` names one), DuckDB, artifact store, and the fastify model server on an ephemeral port.
 */
export async function startStack(name: string, env: Record<string, string> = {}): Promise<TestStack> {
  const dataDir = tempDir(name);
  const logger = pino({ level: process.env['MLOPS_TEST_LOG'] ?? 'silent' });
  const registryPathConfig = parseConfig({ MLOPS_DATA_DIR: dataDir, ...env });
  const registry = await openRegistry(registryPathConfig);
  // The model server's blob store, as its process opens it (`env` may name an S3 bucket: MLOPS_BLOB_URL).
  const serverBlobs = await openBlobStore(registryPathConfig.blob, 'model-server');
  const artifacts = new ArtifactStore(serverBlobs);
  const adminToken = 'test-admin-token';
  const upload = registryPathConfig.blob.kind === 's3' ? { upload: serverBlobs } : {};
  const predictionLog = new FilePredictionLog(registryPathConfig.monitoring.predictionLogDir, { flushMs: registryPathConfig.monitoring.flushMs, logger, ...upload });
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
    async startWorker(adapt = (d: ActivityDeps) => d, { role, env = {} }: { role?: WorkerRole; env?: Record<string, string> } = {}) {
      const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
      const worker = await createLifecycleWorker({
        config: parseConfig({ ...stackEnv, ...env }),
        connection: nativeConnection,
        workflowBundle: await workflowBundle(),
        deps: adapt(deps),
        ...(role ? { role } : {}),
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
      await closeDeps();
      serverBlobs.close();
      await registry.close();
    },
  };
}

/**
 * The raw SQLite connection of a stack's registry, for tests that prove the database's own guards (triggers)
 * or inject a fault only a database can produce. Nothing in src/ reaches it.
 */
export function sqliteHandle(registry: Registry): Database.Database {
  if (!(registry instanceof SqliteRegistry)) throw new Error('this test needs the SQLite registry');
  return registry.sqlite.handle;
}
