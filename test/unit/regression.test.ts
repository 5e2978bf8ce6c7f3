import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetPaths, DuckDbDatasets } from '../../src/adapters';
import { evaluateGuards, gateChecks, parseModelSpec, realizedPerformance, validateDataset, type ModelSpecInput } from '../../src/domain';
import {
  LoadedRegressionModel,
  dropMissingTarget,
  framePredictions,
  regressionMetrics,
  takeRows,
  trainRegressionOnFrame,
  type Frame,
  type LbfgsState,
  type Row,
} from '../../src/domain/ml';
import { repoRoot, tempDir } from '../support/paths';

let datasets: DuckDbDatasets;
beforeAll(async () => {
  datasets = await DuckDbDatasets.open(join(tempDir('regression'), 'snapshots'), new DatasetPaths([repoRoot]));
});
afterAll(() => datasets?.close());

const features = [
  { name: 'x1', type: 'numeric' as const },
  { name: 'x2', type: 'numeric' as const },
  { name: 'colour', type: 'categorical' as const },
];
const recipe = (l2: number) => ({
  modelName: 'm',
  datasetId: 'd',
  target: 'y',
  features,
  l2,
  solver: 'lbfgs' as const,
  maxIterations: 1000,
  tolerance: 1e-10,
});
const reference = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/training/ridge-reference.json'), 'utf8')) as {
  l2: number;
  trainRows: number;
  coefficients: number[];
  intercept: number;
  predictions: number[];
  rmse: number;
  mae: number;
  r2: number;
};

async function fixture(): Promise<{ train: Frame; test: Frame }> {
  const snapshot = await datasets.ingest({ path: join(repoRoot, 'test/fixtures/training/ridge-reference.csv'), format: 'csv' });
  const frame = await datasets.readFrame(snapshot, [...features, { name: 'y', type: 'numeric' }]);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  return { train: takeRows(frame, range(0, reference.trainRows)), test: takeRows(frame, range(reference.trainRows, frame.rows)) };
}

test("L-BFGS ridge reaches scikit-learn's Ridge coefficients, predictions and held-out metrics", async () => {
  const { train, test } = await fixture();
  const { artifact, state } = await trainRegressionOnFrame(train, recipe(reference.l2));
  expect(state.converged).toMatch(/^(gradient|loss)$/);
  expect(artifact.kind).toBe('regression');
  artifact.weights.forEach((w, j) => expect(Math.abs(w - (reference.coefficients[j] as number))).toBeLessThan(1e-6));
  expect(Math.abs(artifact.bias - reference.intercept)).toBeLessThan(1e-6);
  const predicted = framePredictions(artifact, test);
  reference.predictions.forEach((p, i) => expect(Math.abs(p - (predicted[i] as number))).toBeLessThan(1e-6));
  const metrics = regressionMetrics(test.columns['y']?.kind === 'numeric' ? test.columns['y'].values : [], predicted);
  expect(metrics.rmse).toBeCloseTo(reference.rmse, 6);
  expect(metrics.mae).toBeCloseTo(reference.mae, 6);
  expect(metrics.r2).toBeCloseTo(reference.r2, 6);
  // The row path (serving) predicts what the frame path (evaluation) does.
  const model = new LoadedRegressionModel(artifact);
  const rowOf = (i: number): Row => {
    const numeric = (name: string) => (test.columns[name] as { values: Float64Array }).values[i] as number;
    const colour = test.columns['colour'] as { codes: Int32Array; dictionary: readonly string[] };
    return { x1: numeric('x1'), x2: numeric('x2'), colour: colour.dictionary[colour.codes[i] as number] as string };
  };
  for (let i = 0; i < 5; i++) expect(model.predict(rowOf(i))).toBeCloseTo(predicted[i] as number, 10);
});

test('a checkpointed regression state resumes to the bit-identical model', async () => {
  const { train } = await fixture();
  const uninterrupted = await trainRegressionOnFrame(train, recipe(reference.l2));
  let saved: string | undefined;
  // Stop after 3 iterations, keep a JSON copy of the state (as the activity's checkpoint does), resume from it.
  const plain = (s: LbfgsState) => ({ ...s, x: [...s.x], gradient: [...s.gradient], s: s.s.map((v) => [...v]), y: s.y.map((v) => [...v]) });
  await trainRegressionOnFrame(train, { ...recipe(reference.l2), maxIterations: 3 }, {
    onProgress: (s) => void (saved = JSON.stringify(plain(s))),
  });
  const stored = JSON.parse(saved as string) as ReturnType<typeof plain>;
  const typed = (v: number[]) => Float64Array.from(v);
  const resumeFrom: LbfgsState = {
    ...stored,
    x: typed(stored.x),
    gradient: typed(stored.gradient),
    s: stored.s.map(typed),
    y: stored.y.map(typed),
    converged: null,
  };
  const resumed = await trainRegressionOnFrame(train, recipe(reference.l2), { resumeFrom });
  expect(resumed.artifact).toEqual(uninterrupted.artifact);
});

test('rows without a target value are dropped and counted', async () => {
  const frame: Frame = { rows: 3, columns: { y: { kind: 'numeric', values: Float64Array.from([1, Number.NaN, 3]) } } };
  const { frame: kept, dropped } = dropMissingTarget(frame, 'y');
  expect(dropped).toBe(1);
  expect(kept.rows).toBe(2);
});

test('regression metrics follow scikit-learn (constant truth: R² 1 when exact, else 0)', () => {
  const m = regressionMetrics([1, 2, 3, 4], [1.5, 2, 2, 5]);
  expect(m.rmse).toBeCloseTo(Math.sqrt((0.25 + 0 + 1 + 1) / 4), 12);
  expect(m.mae).toBeCloseTo((0.5 + 0 + 1 + 1) / 4, 12);
  expect(m.r2).toBeCloseTo(1 - 2.25 / 5, 12);
  expect(regressionMetrics([2, 2], [2, 2]).r2).toBe(1);
  expect(regressionMetrics([2, 2], [2, 3]).r2).toBe(0);
});

const spec = (overrides: Partial<ModelSpecInput> = {}): ModelSpecInput => ({
  name: 'temp',
  dataset: { path: 'x.csv' },
  target: { name: 'temp_max', kind: 'regression' },
  features: [{ name: 'precipitation', type: 'numeric' }],
  ...overrides,
});

test('spec: regression refuses classification thresholds, external trainers, shadow rollouts and class lists', () => {
  expect(parseModelSpec(spec({ thresholds: { maxRmse: 3, minR2: 0.5, maxRmseRiseVsChampion: 0.2 } })).ok).toBe(true);
  const problems = (input: ModelSpecInput) => {
    const parsed = parseModelSpec(input);
    return parsed.ok ? [] : parsed.problems;
  };
  expect(problems(spec({ thresholds: { minAccuracy: 0.5 } }))).toEqual(['thresholds.minAccuracy: a regression target has no such threshold']);
  expect(problems(spec({ training: { trainer: 'sklearn', estimator: 'sklearn.linear_model.Ridge' } }))[0]).toMatch(
    /^training\.trainer: regression runs on the built-in trainer only/,
  );
  expect(problems(spec({ deployment: { strategy: 'shadow' } }))[0]).toMatch(/^deployment\.strategy:/);
  expect(problems(spec({ target: { name: 'temp_max', kind: 'regression', classes: ['a', 'b'] } }))[0]).toMatch(/^target\.classes:/);
  expect(problems({ ...spec(), target: { name: 'weather' }, thresholds: { maxRmse: 1 } })).toEqual(['thresholds.maxRmse: a classification target has no such threshold']);
  expect(problems(spec({ monitoring: { performance: { metric: 'rmse' } } }))[0]).toMatch(/^monitoring\.performance\.maxRise: required/);
});

test('validation: a regression target must be numeric with at least one value; nulls are reported, not fatal', () => {
  const parsed = parseModelSpec(spec());
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const profile = (type: string, nullCount: number) => ({
    rowCount: 100,
    columns: [
      { name: 'precipitation', type: 'DOUBLE', nullCount: 0 },
      { name: 'temp_max', type, nullCount },
    ],
  });
  expect(validateDataset(profile('DOUBLE', 7), parsed.spec).passed).toBe(true);
  expect(validateDataset(profile('DOUBLE', 7), parsed.spec).checks.find((c) => c.column === 'temp_max' && c.check === 'nulls')?.detail).toBe(
    '7 rows without a target value (left out of training and evaluation)',
  );
  expect(validateDataset(profile('VARCHAR', 0), parsed.spec).failures).toEqual([
    'temp_max: type — VARCHAR is not numeric (a regression target needs numbers)',
  ]);
  expect(validateDataset(profile('DOUBLE', 100), parsed.spec).failures).toEqual(['temp_max: nulls — every target value is missing']);
});

test('gate: RMSE/MAE lower is better, R² higher; vs champion on the same rows', () => {
  const candidate = { rmse: 2.5, mae: 2, r2: 0.8, rows: 100 };
  const champion = { rmse: 2.2, mae: 1.9, r2: 0.85, rows: 100 };
  const checks = gateChecks(candidate, champion, { maxRmse: 3, minR2: 0.9, maxRmseRiseVsChampion: 0.2, maxR2DropVsChampion: 0.1 });
  expect(checks.map((c) => [c.name, c.passed])).toEqual([
    ['max-rmse', true],
    ['min-r2', false],
    ['rmse-vs-champion', false],
    ['r2-vs-champion', true],
  ]);
  // A classifier champion is not compared with a regression candidate.
  const mixed = gateChecks(candidate, { accuracy: 0.9, macroF1: 0.9, logLoss: 0.3, rows: 100 }, { maxRmseRiseVsChampion: 0.2 });
  expect(mixed).toEqual([{ name: 'vs-champion', passed: true, detail: 'no regression champion to compare with: change-vs-champion checks skipped' }]);
});

test('monitoring: realized RMSE of served values against delayed labels, compared with the evaluated RMSE', () => {
  const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' };
  const labelled = [
    { truth: '10', predicted: '12', probabilities: {} },
    { truth: '20', predicted: '18', probabilities: {} },
    { truth: 'n/a', predicted: '5', probabilities: {} },
  ];
  const base = { window, labelled, classes: [], evaluated: { rmse: 1, mae: 1, r2: 0.9, rows: 50 }, maxDrop: 0.1, minLabels: 2 };
  const judged = realizedPerformance({ ...base, metric: 'rmse', maxRise: 0.5 });
  expect(judged).toMatchObject({ judged: true, labelledRows: 2, unknownLabels: 1, expected: 1, drop: 1, maxDrop: 0.5, degraded: true });
  expect(judged.realized).toEqual({ rmse: 2, mae: 2, r2: 1 - 8 / 50, rows: 2 });
  expect(realizedPerformance({ ...base, metric: 'mae', maxRise: 1.5 }).degraded).toBe(false);
});

test('canary guard: regression compares predicted values by two-sample KS, not label counts', () => {
  const guards = { minRequests: 10, maxExtensions: 3, maxErrorRateIncrease: 0.01, maxP99LatencyIncreaseMs: 50, maxPredictionShift: 0.2 };
  const side = (version: number, values: number[]) => ({
    version,
    role: version === 1 ? ('primary' as const) : ('canary' as const),
    requests: values.length,
    errors: 0,
    rejected: 0,
    latencyMs: { p50: 1, p90: 1, p99: 1, max: 1 },
    rows: values.length,
    labels: {},
    values,
  });
  const spread = (n: number, shift: number) => Array.from({ length: n }, (_, i) => shift + (i * 37) % 100);
  const same = evaluateGuards(side(1, spread(200, 0)), side(2, spread(200, 0.5)), guards);
  expect(same.verdict).toBe('pass');
  expect(same.checks.find((c) => c.name === 'prediction-shift')?.detail).toMatch(/^predicted values differ by KS D = 0\.0\d\d from stable/);
  const shifted = evaluateGuards(side(1, spread(200, 0)), side(2, spread(200, 40)), guards);
  expect(shifted.verdict).toBe('fail');
  expect(shifted.checks.find((c) => c.name === 'prediction-shift')).toMatchObject({ passed: false, detail: expect.stringMatching(/KS D = 0\.400 .*significant \(p = /) });
});
