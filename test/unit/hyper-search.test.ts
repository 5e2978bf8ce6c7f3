import {
  bestTrial,
  parseModelSpec,
  planTrials,
  searchSchema,
  type ModelSpecInput,
  type TrialResult,
} from '../../src/domain';
import { weatherSpec } from '../support/specs';

const sklearn = { trainer: 'sklearn', estimator: 'sklearn.ensemble.HistGradientBoostingClassifier' };
const withSearch = (search: unknown) =>
  parseModelSpec({ ...weatherSpec(), training: { ...sklearn, search } } as ModelSpecInput);
const problems = (search: unknown): string[] => {
  const parsed = withSearch(search);
  return parsed.ok ? [] : parsed.problems;
};

test('grid: every combination, parameters in name order, the last varying fastest', () => {
  const search = searchSchema.parse({ method: 'grid', space: { max_iter: [50, 100], learning_rate: [0.1, 0.3] } });
  expect(planTrials(search)).toEqual([
    { learning_rate: 0.1, max_iter: 50 },
    { learning_rate: 0.1, max_iter: 100 },
    { learning_rate: 0.3, max_iter: 50 },
    { learning_rate: 0.3, max_iter: 100 },
  ]);
  expect(search).toMatchObject({ parallelism: 2, metric: 'accuracy', validationFraction: 0.2, seed: 7 });
});

test('random: the same seed draws the same trials, within the ranges; another seed draws others', () => {
  const space = {
    learning_rate: { min: 0.01, max: 1, log: true },
    max_leaf_nodes: { min: 4, max: 64, integer: true },
    loss: ['log_loss'],
  };
  const search = searchSchema.parse({ method: 'random', space, trials: 20, seed: 3 });
  const plan = planTrials(search);
  expect(plan).toHaveLength(20);
  expect(planTrials(search)).toEqual(plan);
  for (const t of plan) {
    expect(t['learning_rate']).toBeGreaterThanOrEqual(0.01);
    expect(t['learning_rate']).toBeLessThanOrEqual(1);
    expect(Number.isInteger(t['max_leaf_nodes'])).toBe(true);
    expect(t['max_leaf_nodes']).toBeGreaterThanOrEqual(4);
    expect(t['max_leaf_nodes']).toBeLessThanOrEqual(64);
    expect(t['loss']).toBe('log_loss');
  }
  expect(planTrials({ ...search, seed: 4 })).not.toEqual(plan);
});

test('best trial: higher wins, lower for log-loss, ties go to the lowest index whatever the finishing order', () => {
  const trial = (index: number, value: number | null): TrialResult => ({
    index,
    params: {},
    value,
    metrics: { accuracy: 0, macroF1: 0, logLoss: 0, rows: 1 },
  });
  expect(bestTrial([trial(2, 0.8), trial(0, 0.7), trial(1, 0.8)], 'accuracy')).toBe(1);
  expect(bestTrial([trial(1, 0.5), trial(0, 0.4), trial(2, 0.4)], 'logLoss')).toBe(0);
  expect(bestTrial([trial(0, null), trial(1, 0.6)], 'auc')).toBe(1);
  expect(bestTrial([trial(0, null)], 'auc')).toBe(-1);
});

test('bad searches are refused with their paths; the built-in trainer takes no search', () => {
  expect(problems({ method: 'random', space: { C: [1, 2] } })).toEqual([
    expect.stringMatching(/training\.search\.trials: random search needs "trials"/),
  ]);
  expect(problems({ method: 'grid', space: { C: { min: 0.1, max: 1 } } }).join()).toMatch(
    /training\.search\.space\.C: grid search needs a list of values/,
  );
  expect(problems({ method: 'grid', space: { a: [1, 2, 3], b: [1, 2] }, trials: 4 }).join()).toMatch(
    /grid has 6 trials, more than trials=4/,
  );
  expect(problems({ method: 'random', space: { C: { min: 0, max: 1, log: true } }, trials: 2 }).join()).toMatch(
    /log range needs min > 0/,
  );
  expect(problems({ method: 'grid', space: {}, metric: 'f1' }).join()).toMatch(/space is empty/);
  const builtin = parseModelSpec({
    ...weatherSpec(),
    training: { algorithm: 'logistic-regression', search: { method: 'grid', space: { l2: [0.1] } } },
  } as ModelSpecInput);
  expect(builtin.ok).toBe(false);
});
