#!/usr/bin/env node
import { join } from 'node:path';
import { ArtifactStore, BlobStoreUnavailableError, FilePredictionLog, RegistryUnavailableError, createLogger, openBlobStore, openRegistry } from '../adapters';
import { assertProductionSecrets, ConfigError, parseConfig } from '../domain';
import { buildModelServer } from './app';

/** Process entry point of the model server. */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
  assertProductionSecrets(config); // the built-in admin token only with MLOPS_DEV_MODE=true
  const logger = createLogger(config, 'mlops-model-server');
  // Artifacts load by URI through the blob store (S3 downloads go to the server's own cache folder).
  const blobs = await openBlobStore(config.blob, 'model-server');
  const registry = await openRegistry(config, (err) => logger.warn({ err }, 'registry connection lost'));
  const upload = config.blob.kind === 's3' ? { upload: blobs } : {};
  const predictions = new FilePredictionLog(config.monitoring.predictionLogDir, { flushMs: config.monitoring.flushMs, logger, ...upload });
  const { app, router } = await buildModelServer({
    registry,
    artifacts: new ArtifactStore(blobs),
    adminToken: config.server.adminToken,
    logger,
    sink: predictions,
    // Splits of rollouts in progress survive a restart of this process (src/serving/route-state.ts).
    routeStatePath: join(config.dataDir, 'serving', 'routes.json'),
  });
  await app.listen({ host: config.server.host, port: config.server.port });
  logger.info({ url: config.server.url, models: router.list().map((r) => `${r.name}@${r.stable.version}`) }, 'model server listening');
  const stop = async () => {
    await app.close(); // stops accepting, lets in-flight requests finish, then flushes the prediction log
    await predictions.close(); // stops its timer
    await registry.close();
    blobs.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof BlobStoreUnavailableError || err instanceof RegistryUnavailableError;
  process.stderr.write(`${known ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
