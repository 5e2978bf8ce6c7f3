#!/usr/bin/env node
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { BlobStoreUnavailableError, createLogger, RegistryUnavailableError } from '../adapters';
import { ConfigError, parseConfig } from '../domain';
import { openActivityDeps } from './activity-deps';
import { createLifecycleWorker } from './create-worker';
import { defaultBundlePath, prebuiltWorkflowBundle, StaleBundleError } from './workflow-bundle';

/** Process entry point of a lifecycle worker: polls the task queue until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
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
  const workflowBundle = config.workflowBundle === 'none' ? null : await prebuiltWorkflowBundle(config.workflowBundle ?? defaultBundlePath);
  if (!workflowBundle) logger.warn('no prebuilt workflow bundle: bundling the workflow code now (seconds); `npm run build` makes one');
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const { deps, close } = await openActivityDeps(config, logger);
  const worker = await createLifecycleWorker({ config, connection, deps, ...(workflowBundle ? { workflowBundle } : {}) });
  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      address: config.temporal.address,
      codeVersion: deps.codeVersion,
      bundle: workflowBundle ? 'prebuilt' : 'bundled at start',
      startupMs: Math.round(process.uptime() * 1000),
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
