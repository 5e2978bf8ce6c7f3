import { ml } from '../../src/domain';

const { classificationMetrics, binaryAuc, stratifiedSplit, trainModel, evaluateModel, LoadedModel, SeededRandom } = ml;

test('metrics follow scikit-learn conventions on a worked example', () => {
  // truth: a a b b c ; predicted argmax: a b b b a
  const truth = Int32Array.from([0, 0, 1, 1, 2]);
  const p = Float64Array.from([0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8, 0.1, 0.5, 0.3, 0.2]);
  const m = classificationMetrics(truth, p, ['a', 'b', 'c']);
  expect(m.accuracy).toBeCloseTo(3 / 5, 12);
  // per-class F1: a: P=1/2 R=1/2 → .5; b: P=2/3 R=1 → .8; c: 0 → macro (0.5+0.8+0)/3
  expect(m.macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3, 12);
  const expectedLogLoss = -(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.8) + Math.log(0.2)) / 5;
  expect(m.logLoss).toBeCloseTo(expectedLogLoss, 12);
  expect(m.perClass['b']).toEqual({ precision: 2 / 3, recall: 1, f1: 0.8, support: 2 });
  expect(m.auc).toBeUndefined();
});

test('binary AUC by ranks, ties averaged (sklearn roc_auc_score values)', () => {
  // sklearn.metrics.roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75
  const p = Float64Array.from([0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8]);
  expect(binaryAuc(Int32Array.from([0, 0, 1, 1]), p)).toBeCloseTo(0.75, 12);
  // roc_auc_score([0,1,0,1],[0.5,0.5,0.2,0.9]) == 0.875
  const tied = Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.8, 0.2, 0.1, 0.9]);
  expect(binaryAuc(Int32Array.from([0, 1, 0, 1]), tied)).toBeCloseTo(0.875, 12);
});

test('stratified split keeps class shares and is deterministic per seed', () => {
  const labels = [...Array(80).fill('x'), ...Array(20).fill('y')] as string[];
  const a = stratifiedSplit(labels, 0.25, 1);
  expect(a.test.filter((i) => labels[i] === 'x')).toHaveLength(20);
  expect(a.test.filter((i) => labels[i] === 'y')).toHaveLength(5);
  expect(new Set([...a.train, ...a.test]).size).toBe(100);
  expect(stratifiedSplit(labels, 0.25, 1)).toEqual(a);
  expect(stratifiedSplit(labels, 0.25, 2)).not.toEqual(a);
});

function syntheticRows(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => {
    const x = rng.next() * 4 - 2;
    const city = rng.next() < 0.5 ? 'A' : 'B';
    const label = x + (city === 'A' ? 0.5 : -0.5) > 0 ? 'pos' : 'neg';
    return { x, city, label };
  });
}

const recipe = {
  modelName: 'synthetic',
  datasetId: 'd1',
  target: 'label',
  features: [
    { name: 'x', type: 'numeric' as const },
    { name: 'city', type: 'categorical' as const },
  ],
  testFraction: 0.25,
  splitSeed: 1,
  epochs: 40,
  learningRate: 0.5,
  l2: 0.0001,
  seed: 3,
  classWeight: 'none' as const,
};

test('training learns a separable problem and is bit-for-bit deterministic for a seed', async () => {
  const rows = syntheticRows(400, 11);
  const { train, test } = ml.splitRows(rows, 'label', 0.25, 1);
  const a = await trainModel(train, recipe);
  const b = await trainModel(train, recipe);
  expect(a.artifact).toEqual(b.artifact);
  const metrics = evaluateModel(a.artifact, test, 'label');
  expect(metrics.accuracy).toBeGreaterThan(0.9);
  expect(metrics.auc).toBeGreaterThan(0.95);
  const c = await trainModel(train, { ...recipe, seed: 4 });
  expect(c.artifact.weights).not.toEqual(a.artifact.weights);
});

test('resuming from a mid-training checkpoint gives the same model as an uninterrupted run', async () => {
  const rows = syntheticRows(300, 5);
  const full = await trainModel(rows, recipe);
  let saved: ml.TrainState | undefined;
  await trainModel(rows, { ...recipe, epochs: 15 }, {
    onEpoch: (s) => {
      if (s.epoch === 15) saved = { ...s, params: s.params.slice(), m: s.m.slice(), v: s.v.slice() };
    },
  });
  const resumed = await trainModel(rows, recipe, { resumeFrom: saved as ml.TrainState });
  expect(resumed.artifact.weights).toEqual(full.artifact.weights);
  expect(resumed.artifact.bias).toEqual(full.artifact.bias);
});

test('a loaded model predicts with probabilities summing to one, unseen categories and missing values included', async () => {
  const { artifact } = await trainModel(syntheticRows(200, 9), recipe);
  const model = new LoadedModel(artifact);
  const rows: ml.Row[] = [{ x: 1.5, city: 'A' }, { x: -1.5, city: 'Z' }, {}];
  for (const row of rows) {
    const p = model.predict(row);
    expect(Object.values(p.probabilities).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(['pos', 'neg']).toContain(p.label);
  }
  expect(model.predict({ x: 1.9, city: 'A' }).label).toBe('pos');
  expect(model.predict({ x: -1.9, city: 'B' }).label).toBe('neg');
});
