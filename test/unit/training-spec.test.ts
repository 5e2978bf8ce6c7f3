import { describeTrainer, isBuiltinTraining, parseModelSpec, type ModelSpecInput } from '../../src/domain';
import { weatherSpec } from '../support/specs';

const withTraining = (training: unknown) => parseModelSpec({ ...weatherSpec(), training } as ModelSpecInput);

test('a spec without a trainer stays built-in and parses exactly as before', () => {
  const { training, ...rest } = weatherSpec();
  void training;
  const parsed = parseModelSpec(rest);
  expect(parsed.ok && parsed.spec.training).toEqual({
    algorithm: 'logistic-regression',
    solver: 'lbfgs',
    maxIterations: 500,
    tolerance: 1e-5,
    epochs: 300,
    learningRate: 0.5,
    l2: 0.001,
    seed: 7,
    classWeight: 'none',
  });
  expect(parsed.ok && isBuiltinTraining(parsed.spec.training)).toBe(true);
  const explicit = withTraining({ trainer: 'builtin', solver: 'adam', epochs: 5 });
  expect(explicit.ok && describeTrainer(explicit.spec.training)).toBe('logistic-regression, 5 epochs');
  const lbfgs = withTraining({ trainer: 'builtin', maxIterations: 50 });
  expect(lbfgs.ok && describeTrainer(lbfgs.spec.training)).toBe('logistic-regression, L-BFGS ≤ 50 iterations');
});

test('external trainers: sklearn, xgboost, lightgbm and python entrypoints', () => {
  const sk = withTraining({
    trainer: 'sklearn',
    estimator: 'sklearn.ensemble.HistGradientBoostingClassifier',
    params: { max_iter: 50 },
  });
  expect(sk.ok && sk.spec.training).toEqual({
    trainer: 'sklearn',
    estimator: 'sklearn.ensemble.HistGradientBoostingClassifier',
    params: { max_iter: 50 },
  });
  const lgbm = withTraining({ trainer: 'lightgbm' });
  expect(lgbm.ok && lgbm.spec.training).toEqual({ trainer: 'lightgbm', params: {} });
  const xgb = withTraining({ trainer: 'xgboost', params: { max_depth: 3 }, seed: 1 });
  expect(xgb.ok && describeTrainer(xgb.spec.training)).toBe('xgboost');
  const py = withTraining({ trainer: 'python', entrypoint: 'my_package.train:fit' });
  expect(py.ok && describeTrainer(py.spec.training)).toBe('my_package.train:fit');
  expect(py.ok && isBuiltinTraining(py.spec.training)).toBe(false);
});

test('bad trainer sections name the problem', () => {
  const problems = (training: unknown) => {
    const r = withTraining(training);
    return r.ok ? [] : r.problems.join('; ');
  };
  expect(problems({ trainer: 'tensorflow' })).toMatch(/training\.trainer: Invalid discriminator value/);
  expect(problems({ trainer: 'sklearn', estimator: 'os.system' })).toMatch(
    /training\.estimator: a scikit-learn class path/,
  );
  expect(problems({ trainer: 'python', entrypoint: 'no_function' })).toMatch(/training\.entrypoint: module:function/);
  expect(problems({ trainer: 'sklearn', estimator: 'sklearn.svm.SVC', epochs: 3 })).toMatch(/Unrecognized key/);
});
