#!/usr/bin/env node
import { join } from 'node:path';
import { ArtifactStore, FilePredictionLog, SqliteRegistry, createLogger } from '../adapters';
import { assertProductionSecrets, ConfigError, parseConfig } from '../domain';
import { buildModelServer } from './app';

/** Process entry point of the model server. */
async function main(): Promise<void> {
  const config = parseConfig(process.env);
  assertProductionSecrets(config); // the built-in admin token only with MLOPS_DEV_MODE=true
  const logger = createLogger(config, 'mlops-model-server');
  const registry = new SqliteRegistry(config.registryPath);
  const predictions = new FilePredictionLog(config.monitoring.predictionLogDir, { flushMs: config.monitoring.flushMs, logger });
  const { app, router } = await buildModelServer({
    registry,
    artifacts: new ArtifactStore(config.artifactDir),
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
    registry.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
