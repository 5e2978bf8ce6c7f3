import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetPaths, DuckDbDatasets } from '../../src/adapters';
import { buildReferenceProfiles, buildReferenceProfilesFromFrame, parseModelSpec, validateDataset, type ModelSpec } from '../../src/domain';
import { evaluateModel, evaluateOnFrame, frameProbabilities, splitFrame, splitRows, takeRows, trainOnFrame, type FrameTrainingState, type Frame, type LbfgsState } from '../../src/domain/ml';
import { repoRoot, tempDir, weatherCsv } from '../support/paths';

const dataDir = tempDir('trainer-data');
let datasets: DuckDbDatasets;
beforeAll(async () => {
  datasets = await DuckDbDatasets.open(join(tempDir('trainer'), 'snapshots'), new DatasetPaths([repoRoot, dataDir]));
});
afterAll(() => datasets?.close());

const recipe = (overrides: Partial<Parameters<typeof trainOnFrame>[1]> = {}): Parameters<typeof trainOnFrame>[1] => ({
  modelName: 'm',
  datasetId: 'd',
  target: 'label',
  features: [
    { name: 'x1', type: 'numeric' },
    { name: 'x2', type: 'numeric' },
    { name: 'colour', type: 'categorical' },
  ],
  testFraction: 0.25,
  splitSeed: 42,
  epochs: 10,
  learningRate: 0.5,
  l2: 0.01,
  seed: 7,
  classWeight: 'none',
  solver: 'lbfgs',
  maxIterations: 1000,
  tolerance: 1e-9,
  ...overrides,
});

async function frameOf(path: string, columns: { name: string; type: 'numeric' | 'categorical' }[]): Promise<Frame> {
  const snapshot = await datasets.ingest({ path, format: 'csv' });
  return datasets.readFrame(snapshot, columns);
}

const fixtureColumns = [
  { name: 'x1', type: 'numeric' as const },
  { name: 'x2', type: 'numeric' as const },
  { name: 'colour', type: 'categorical' as const },
  { name: 'label', type: 'categorical' as const },
];

test('L-BFGS reaches scikit-learn\'s optimum of the same regularized multinomial loss', async () => {
  const reference = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/training/softmax-reference.json'), 'utf8')) as {
    l2: number;
    classes: string[];
    objective: number;
    probabilities: number[][];
  };
  const frame = await frameOf(join(repoRoot, 'test/fixtures/training/softmax-reference.csv'), fixtureColumns);
  const { artifact, state } = await trainOnFrame(frame, recipe({ l2: reference.l2 }));
  expect(artifact.classes).toEqual(reference.classes);
  expect(state.solver === 'lbfgs' && state.lbfgs.converged).toMatch(/^(gradient|loss)$/);
  expect(Math.abs(artifact.trainedOn.finalLoss - reference.objective)).toBeLessThan(1e-9);
  const probs = frameProbabilities(artifact, frame);
  let worst = 0;
  reference.probabilities.forEach((row, i) => row.forEach((p, c) => (worst = Math.max(worst, Math.abs(p - (probs[i * 3 + c] as number))))));
  expect(worst).toBeLessThan(1e-5);
});

test('a checkpointed L-BFGS state resumes to the bit-identical model', async () => {
  const frame = await frameOf(join(repoRoot, 'test/fixtures/training/softmax-reference.csv'), fixtureColumns);
  const uninterrupted = await trainOnFrame(frame, recipe());
  // Stop after 5 iterations, keep a JSON copy of the state (as the activity's checkpoint does), resume from it.
  let saved: string | undefined;
  await trainOnFrame(frame, recipe(), {
    onProgress: (s) => {
      if (s.solver === 'lbfgs' && s.lbfgs.iteration === 5) {
        const l = s.lbfgs;
        saved = JSON.stringify({ ...l, x: [...l.x], gradient: [...l.gradient], s: l.s.map((v) => [...v]), y: l.y.map((v) => [...v]) });
        throw new Error('killed');
      }
    },
  }).catch((err: Error) => expect(err.message).toBe('killed'));
  const raw = JSON.parse(saved as string) as Record<string, unknown> & { x: number[]; gradient: number[]; s: number[][]; y: number[][] };
  const lbfgs = { ...raw, x: Float64Array.from(raw.x), gradient: Float64Array.from(raw.gradient), s: raw.s.map((v) => Float64Array.from(v)), y: raw.y.map((v) => Float64Array.from(v)) } as unknown as LbfgsState;
  const resumeFrom: FrameTrainingState = { solver: 'lbfgs', lbfgs };
  const resumed = await trainOnFrame(frame, recipe(), { resumeFrom });
  expect(resumed.artifact.weights).toEqual(uninterrupted.artifact.weights);
  expect(resumed.artifact.bias).toEqual(uninterrupted.artifact.bias);
  expect(resumed.artifact.trainedOn).toEqual(uninterrupted.artifact.trainedOn);
});

test.each([
  ['integer 0/1', (w: string) => (w === 'rain' ? '1' : '0'), ['0', '1']],
  ['boolean', (w: string) => (w === 'rain' ? 'true' : 'false'), ['false', 'true']],
  ['string', (w: string) => (w === 'rain' ? 'wet' : 'dry'), ['dry', 'wet']],
])('%s labels validate, train and evaluate, with the user\'s values as class names', async (_kind, relabel, classes) => {
  const lines = readFileSync(weatherCsv, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const w = header.indexOf('weather');
  const csv = join(dataDir, `labels-${classes.join('-')}.csv`);
  writeFileSync(csv, [header.join(','), ...lines.slice(1).map((l) => l.split(',').map((v, i) => (i === w ? relabel(v) : v)).join(','))].join('\n'));
  const snapshot = await datasets.ingest({ path: csv, format: 'csv' });
  const parsed = parseModelSpec({ name: 'labels', dataset: { path: csv }, target: { name: 'weather' }, features: [{ name: 'temp_max', type: 'numeric' }, { name: 'precipitation', type: 'numeric' }] });
  const spec = (parsed.ok ? parsed.spec : null) as ModelSpec;
  const profile = await datasets.profile(snapshot, ['temp_max', 'precipitation', 'weather'], { distinctOf: ['weather'] });
  expect(validateDataset(profile, spec)).toMatchObject({ passed: true });
  const frame = await datasets.readFrame(snapshot, [{ name: 'temp_max', type: 'numeric' }, { name: 'precipitation', type: 'numeric' }, { name: 'weather', type: 'categorical' }]);
  const { train, test } = splitFrame(frame, 'weather', 0.25, 42);
  const { artifact } = await trainOnFrame(train, recipe({ target: 'weather', features: spec.features }));
  expect(artifact.classes).toEqual(classes);
  const metrics = evaluateOnFrame(artifact, test, 'weather');
  expect(metrics.rows).toBe(test.rows);
  expect(metrics.auc).toBeGreaterThan(0.8);
});

test('declared classes may be written as numbers or booleans', () => {
  const parsed = parseModelSpec({ name: 'm1', dataset: { path: 'x.csv' }, target: { name: 'y', classes: [0, 1] }, features: [{ name: 'a', type: 'numeric' }] });
  expect(parsed.ok && parsed.spec.target.classes).toEqual(['0', '1']);
});

test('frames see what rows see: same split, same reference profiles, same metrics as the row pipeline', async () => {
  const columns = [
    { name: 'location', type: 'categorical' as const },
    { name: 'precipitation', type: 'numeric' as const },
    { name: 'wind', type: 'numeric' as const },
    { name: 'weather', type: 'categorical' as const },
  ];
  const snapshot = await datasets.ingest({ path: weatherCsv, format: 'csv' });
  const frame = await datasets.readFrame(snapshot, columns);
  const rows = await datasets.readRows(snapshot, columns);
  const split = splitFrame(frame, 'weather', 0.25, 42);
  const rowSplit = splitRows(rows, 'weather', 0.25, 42);
  expect([split.train.rows, split.test.rows]).toEqual([rowSplit.train.length, rowSplit.test.length]);
  const features = columns.slice(0, 3);
  expect(buildReferenceProfilesFromFrame(split.train, features, 'weather')).toEqual(buildReferenceProfiles(rowSplit.train, features, 'weather'));
  const { artifact } = await trainOnFrame(split.train, recipe({ target: 'weather', features }));
  expect(evaluateOnFrame(artifact, split.test, 'weather')).toEqual(evaluateModel(artifact, rowSplit.test, 'weather'));
});

test('row weights: weight 2 on some rows reaches the optimum of those rows written twice', async () => {
  const frame = await frameOf(join(repoRoot, 'test/fixtures/training/softmax-reference.csv'), fixtureColumns);
  const twice = Array.from({ length: frame.rows }, (_, i) => i).filter((i) => i % 3 === 0);
  const duplicated = takeRows(frame, [...Array.from({ length: frame.rows }, (_, i) => i), ...twice]);
  // A weight column: 'x2' rows (every third) weigh 2, the rest 1.
  const marks = Int32Array.from({ length: frame.rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const weighted: Frame = { rows: frame.rows, columns: { ...frame.columns, source: { kind: 'categorical', codes: marks, dictionary: ['x1', 'x2'] } } };
  const rowWeights = { column: 'source', weights: { x2: 2 }, otherwise: 1 };
  // A categorical feature only: standardizing numerics would see the duplicates and encode both sides differently.
  const features = [{ name: 'colour', type: 'categorical' as const }];
  const a = await trainOnFrame(weighted, recipe({ rowWeights, features }));
  const b = await trainOnFrame(duplicated, recipe({ features }));
  expect(Math.abs(a.artifact.trainedOn.finalLoss - b.artifact.trainedOn.finalLoss)).toBeLessThan(1e-9);
  const pa = frameProbabilities(a.artifact, frame);
  const pb = frameProbabilities(b.artifact, frame);
  expect(Math.max(...pa.map((p, i) => Math.abs(p - (pb[i] as number))))).toBeLessThan(1e-5);
  expect(parseModelSpec({ name: 'm1', dataset: { path: 'x.csv' }, target: { name: 'y' }, features: [{ name: 'a', type: 'numeric' }], training: { solver: 'adam', rowWeights } })).toMatchObject({
    ok: false,
    problems: ['training.rowWeights: row weights need solver "lbfgs"'],
  });
});
