import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import type { TrainingProgress } from '../../src/activities/training-activities';
import { metricValue, modelSpecSchema, parseConfig, type CandidateRef, type DatasetSnapshot } from '../../src/domain';
import { openActivityDeps } from '../../src/workers';
import { repoRoot, tempDir } from '../support/paths';
import { weatherSpec } from '../support/specs';

/**
 * Histories of runs started before blob URIs carry bare absolute paths (snapshot, artifact, checkpoint): the
 * activities those runs still schedule must read them as `file://`, and registry rows get URIs either way.
 */
const config = parseConfig({ MLOPS_DATA_DIR: tempDir('legacy-paths'), MLOPS_DATASET_ROOTS: repoRoot, MLOPS_CODE_VERSION: 'test' });
const spec = modelSpecSchema.parse(weatherSpec({ name: 'legacy-paths' }));
const execution = { workflowExecution: { workflowId: 'lifecycle-legacy', runId: 'run-1' } };
let opened: Awaited<ReturnType<typeof openActivityDeps>>;
let activities: ReturnType<typeof createActivities>;
const logLines: string[] = [];

beforeAll(async () => {
  opened = await openActivityDeps(config, pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }));
  activities = createActivities(opened.deps);
});
afterAll(() => opened.close());

const run = async <T>(fn: () => Promise<T>, info: ConstructorParameters<typeof MockActivityEnvironment>[0] = execution): Promise<T> =>
  (await new MockActivityEnvironment(info).run(fn)) as T;
const bare = (uri: string) => fileURLToPath(uri);

test('snapshot, artifact and checkpoint named by bare paths are read as file:// URIs; rows store URIs', async () => {
  const snapshot = await run(() => activities.ingestDataset({ spec }));
  expect(snapshot.snapshotPath).toMatch(/^file:\/\/\/.*\/snapshots\/[0-9a-f]{64}\.parquet$/);
  expect(snapshot.sourcePath).toMatch(/^file:\/\/\/.*weather\.csv$/);
  const legacySnapshot: DatasetSnapshot = { ...snapshot, snapshotPath: bare(snapshot.snapshotPath), sourcePath: bare(snapshot.sourcePath) };

  const report = await run(() => activities.validateDataset({ spec, snapshot: legacySnapshot }));
  expect(report.passed).toBe(true);

  const candidate = await run(() => activities.trainCandidate({ spec, snapshot: legacySnapshot }));
  expect(candidate.artifactPath).toMatch(/^file:\/\/\/.*\/artifacts\/legacy-paths\/[0-9a-f]{64}\.json$/);
  // A checkpoint heartbeated as a bare path by an older attempt is read and resumed from.
  const checkpoint = `${tempDir('legacy-checkpoint')}/run.json`;
  writeFileSync(checkpoint, JSON.stringify({ solver: 'lbfgs', iteration: 3, loss: 1, evaluations: 3, x: [], gradient: [], s: [], y: [] }));
  await run(() => activities.trainCandidate({ spec, snapshot: legacySnapshot }), {
    ...execution,
    heartbeatDetails: { epoch: 3, epochs: 100, loss: 1, checkpointPath: checkpoint } satisfies TrainingProgress,
  }).catch(() => undefined); // this hand-made state need not fit the model: only the reading is under test
  expect(logLines.some((l) => l.includes('resuming training from checkpoint'))).toBe(true);

  const legacyCandidate: CandidateRef = { ...candidate, artifactPath: bare(candidate.artifactPath) };
  const evaluation = await run(() => activities.evaluateCandidate({ spec, snapshot: legacySnapshot, candidate: legacyCandidate }));
  expect(metricValue(evaluation.candidate, 'accuracy')).toBeGreaterThan(0.5);

  const { version } = await run(() =>
    activities.registerCandidate({ spec, snapshot: legacySnapshot, candidate: legacyCandidate, evaluation, requestedBy: 'test' }),
  );
  const row = await opened.deps.registry.getVersion(spec.name, version);
  expect(row.datasetPath).toBe(snapshot.snapshotPath);
  expect(row.artifactPath).toBe(candidate.artifactPath);
  expect(JSON.parse(readFileSync(bare(row.artifactPath), 'utf8'))).toMatchObject({ modelName: spec.name });
});
