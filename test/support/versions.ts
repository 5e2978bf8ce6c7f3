import type { ArtifactStore } from '../../src/adapters';
import type { Registry } from '../../src/domain';
import { ml } from '../../src/domain';
import { weatherFeatures, weatherRows } from './weather-rows';

/**
 * Trains a real weather model (optionally on a slice of the labels) and registers it as the model's next
 * version, the way the lifecycle's activities do, without a workflow around it.
 */
export async function registerTrainedVersion(
  registry: Registry,
  artifacts: ArtifactStore,
  options: { model: string; labels?: string[]; epochs?: number; seed?: number; artifactPath?: string },
): Promise<number> {
  const rows = weatherRows().filter((r) => !options.labels || options.labels.includes(r.weather));
  const { artifact } = await ml.trainModel(rows, {
    modelName: options.model,
    datasetId: 'test-weather',
    target: 'weather',
    features: weatherFeatures,
    testFraction: 0.25,
    splitSeed: 42,
    epochs: options.epochs ?? 40,
    learningRate: 0.5,
    l2: 0.001,
    seed: options.seed ?? 7,
    classWeight: 'none',
  });
  const stored = await artifacts.put(artifact);
  const metrics = { accuracy: 0, macroF1: 0, logLoss: 0, rows: 0 };
  const id = `${options.model}-${stored.sha256.slice(0, 8)}-${Math.random().toString(36).slice(2, 8)}`;
  const { version } = await registry.registerVersion({
    modelName: options.model,
    status: 'approved',
    datasetId: 'test-weather',
    datasetPath: 'test',
    datasetRows: rows.length,
    spec: { note: 'registered by a test' },
    params: {},
    metrics,
    evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 0 },
    // A test may record another path for the same bytes (e.g. a FIFO it feeds the artifact through).
    artifactPath: options.artifactPath ?? stored.path,
    artifactSha256: stored.sha256,
    codeVersion: 'test',
    workflowId: `test-${id}`,
    runId: id,
    requestedBy: 'test-suite',
  });
  return version;
}
