#!/usr/bin/env node
import { getHeapStatistics } from 'node:v8';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { BlobStoreUnavailableError, createLogger, RegistryUnavailableError } from '../adapters';
import { ConfigError, heapMbNeededForCache } from '../domain';
import { loadAppConfig, temporalConnectionOptions } from '../client';
import { openActivityDeps } from './activity-deps';
import { createLifecycleWorker } from './create-worker';
import { defaultBundlePath, prebuiltWorkflowBundle, StaleBundleError } from './workflow-bundle';

/** Process entry point of a lifecycle worker: polls its role's task queues until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadAppConfig(process.env);
  const logger = createLogger(config, 'mlops-worker');
  const sdkLogger = logger.child({ component: 'temporal-sdk' });
  // The SDK's own logs (and workflow `log` calls) go through pino too; its metrics, when asked, to Prometheus.
  const metrics = config.workerMetricsAddress;
  Runtime.install({
    ...(metrics ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metrics } } } } : {}),
    logger: new DefaultLogger((config.log.level === 'silent' ? 'ERROR' : config.log.level.toUpperCase().replace('FATAL', 'ERROR')) as LogLevel, (entry) => {
      const level = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      sdkLogger[level](entry.meta ?? {}, entry.message);
    }),
  });
  // A training-only worker runs no workflow code: it needs no bundle.
  const needsBundle = config.worker.role !== 'training' && config.workflowBundle !== 'none';
  const workflowBundle = needsBundle ? await prebuiltWorkflowBundle(config.workflowBundle ?? defaultBundlePath) : null;
  if (!workflowBundle && config.worker.role !== 'training') logger.warn('no prebuilt workflow bundle: bundling the workflow code now (seconds); `npm run build` makes one');
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const { deps, close } = await openActivityDeps(config, logger);
  const worker = await createLifecycleWorker({ config, connection, deps, ...(workflowBundle ? { workflowBundle } : {}) });
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  const heapNeededMb = heapMbNeededForCache(config.worker.maxCachedWorkflows);
  if (config.worker.role !== 'training' && heapLimitMb < heapNeededMb) {
    logger.warn({ heapLimitMb, heapNeededMb, maxCachedWorkflows: config.worker.maxCachedWorkflows },
      'the V8 heap is too small for a full workflow cache: raise MLOPS_WORKER_HEAP_MB (npm run worker) or lower MLOPS_WORKER_MAX_CACHED_WORKFLOWS');
  }
  logger.info(
    {
      role: config.worker.role,
      taskQueues: worker.taskQueues,
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      ...(config.temporal.profileSource ? { profile: config.temporal.profileSource } : {}),
      codeVersion: deps.codeVersion,
      bundle: config.worker.role === 'training' ? 'none (no workflows)' : workflowBundle ? 'prebuilt' : 'bundled at start',
      startupMs: Math.round(process.uptime() * 1000),
      heapLimitMb,
      metrics: metrics ? `http://${metrics}/metrics` : 'off',
    },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    await close();
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StaleBundleError || err instanceof BlobStoreUnavailableError ||
    err instanceof RegistryUnavailableError;
  process.stderr.write(`${known ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
