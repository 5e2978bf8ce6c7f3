import { execFileSync } from 'node:child_process';
import type { Logger } from 'pino';
import {
  ArtifactStore,
  createGovernanceAdapters,
  DatasetPaths,
  DuckDbDatasets,
  ModelServerClient,
  openBlobStore,
  openRegistry,
  PredictionStore,
} from '../adapters';
import type { ActivityDeps } from '../activities';
import type { AppConfig, Registry } from '../domain';

/** The code version recorded as lineage: the configured one, else the git commit, else null. */
export function detectCodeVersion(config: AppConfig): string | null {
  if (config.codeVersion) return config.codeVersion;
  try {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim();
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return null;
  }
}

/**
 * Opens the real adapters the activities need; `close` releases them on shutdown. A process that already
 * holds the registry (a test stack, a benchmark with an in-process model server) passes it in and keeps
 * ownership of it.
 */
export async function openActivityDeps(config: AppConfig, logger: Logger, shared: { registry?: Registry } = {}): Promise<{ deps: ActivityDeps; close: () => Promise<void> }> {
  // The registry first: an unreachable PostgreSQL stops the worker before anything else is opened.
  const registry = shared.registry ?? (await openRegistry(config, (err) => logger.warn({ err }, 'registry connection lost')));
  const paths = new DatasetPaths(config.datasetRoots);
  // Then the blobs: an unreachable S3 endpoint or a missing bucket stops the worker before it polls.
  const blobs = await openBlobStore(config.blob);
  const datasets = await DuckDbDatasets.open(config.snapshotDir, paths, blobs);
  const predictions = await PredictionStore.open(config.monitoring, paths, blobs);
  const deps: ActivityDeps = {
    datasets,
    registry,
    artifacts: new ArtifactStore(blobs),
    modelServer: new ModelServerClient(config.server.url, config.server.adminToken),
    governance: createGovernanceAdapters(config, registry),
    predictions,
    monitoring: registry.monitoring,
    codeVersion: detectCodeVersion(config),
    logger,
  };
  return {
    deps,
    close: async () => {
      datasets.close();
      predictions.close();
      blobs.close();
      if (!shared.registry) await registry.close();
    },
  };
}
