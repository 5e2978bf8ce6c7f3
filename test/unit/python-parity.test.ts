import { execFileSync } from 'node:child_process';
import { classificationMetrics, SeededRandom, stratifiedSplit } from '../../src/domain/ml';
import { pythonTrainerDir, trainerPython } from '../support/python-trainer';

/**
 * The Python training worker must split and score exactly as the built-in trainer, or champion and
 * challenger would be compared on different rows. These run the Python ports on the same inputs.
 */
function runPython(code: string, input: unknown): unknown {
  const out = execFileSync(trainerPython(), ['-c', code], {
    cwd: pythonTrainerDir,
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

test('the Python split selects the same held-out rows as the built-in one (labels of every kind, odd sizes)', () => {
  const rng = new SeededRandom(3);
  const names = ['sun', 'rain', 'Fog', 'fog', 'Éclair', 'snow', 'a', '10', '9'];
  const labels = Array.from({ length: 3001 }, (_, i) =>
    i === 17 ? 'singleton' : (names[Math.floor(rng.next() * names.length)] as string),
  );
  const cases = [
    { testFraction: 0.25, seed: 42 },
    { testFraction: 0.1, seed: 7 },
    { testFraction: 0.5, seed: -5 },
    { testFraction: 0.3, seed: 2 ** 31 + 11 },
  ];
  const python = runPython(
    `import json, sys
from mlops_trainer.split import stratified_split
d = json.load(sys.stdin)
print(json.dumps([stratified_split(d["labels"], c["testFraction"], c["seed"])[1] for c in d["cases"]]))`,
    { labels, cases },
  ) as number[][];
  cases.forEach((c, i) => expect(python[i]).toEqual(stratifiedSplit(labels, c.testFraction, c.seed).test));
});

test('the Python metrics equal the built-in evaluator: accuracy, macro-F1, log-loss, AUC with ties', () => {
  const rng = new SeededRandom(11);
  const binary = { k: 2, n: 400 };
  const multi = { k: 4, n: 300 };
  for (const { k, n } of [binary, multi]) {
    const truth = Int32Array.from({ length: n }, () => Math.floor(rng.next() * k));
    // Rounded probabilities make ties, which AUC must rank as averages.
    const raw = Array.from({ length: n * k }, () => Math.round(rng.next() * 10) / 10 + 0.01);
    const probs = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const sum = raw.slice(i * k, i * k + k).reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) probs[i * k + c] = (raw[i * k + c] as number) / sum;
    }
    const classes = Array.from({ length: k }, (_, c) => `c${c}`);
    const expected = classificationMetrics(truth, probs, classes);
    const actual = runPython(
      `import json, sys
import numpy as np
from mlops_trainer.metrics import classification_metrics
d = json.load(sys.stdin)
k = len(d["classes"])
print(json.dumps(classification_metrics(np.array(d["truth"]), np.array(d["probs"]).reshape(-1, k), d["classes"])))`,
      { truth: Array.from(truth), probs: Array.from(probs), classes },
    ) as Record<string, number>;
    expect(actual['accuracy']).toBe(expected.accuracy);
    expect(actual['macroF1']).toBeCloseTo(expected.macroF1, 12);
    expect(actual['logLoss']).toBeCloseTo(expected.logLoss, 12);
    if (k === 2) expect(actual['auc']).toBeCloseTo(expected.auc as number, 12);
    else expect(actual['auc']).toBeUndefined();
  }
});
