import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, tempDir, weatherCsv } from '../support/paths';
import { pythonTrainerDir, trainerPython } from '../support/python-trainer';

/**
 * The Python worker's train_candidate without Temporal, on the weather data: each library kind exports an
 * ONNX model that reproduces predict_proba, and permanent problems are non-retryable TrainingFailed errors.
 */
const script = `
import json, os, sys
import pyarrow.csv, pyarrow.parquet
from temporalio.exceptions import ApplicationError
from mlops_trainer.training import train_candidate
from mlops_trainer.dataset import local_path
d = json.load(sys.stdin)
snapshot = os.path.join(os.environ["MLOPS_DATA_DIR"], "weather.parquet")
pyarrow.parquet.write_table(pyarrow.csv.read_csv(d["csv"]), snapshot)
results = []
for training in d["trainings"]:
    spec = dict(d["spec"], training=training)
    try:
        out = train_candidate({"spec": spec, "snapshot": {"id": "weather", "snapshotPath": snapshot}}, lambda phase: None)
        envelope = json.load(open(local_path(out["artifactPath"])))
        results.append({"ok": True, "trainer": out["trainer"], "parity": envelope["parity"], "accuracy": envelope["holdoutMetrics"]["accuracy"]})
    except ApplicationError as err:
        results.append({"ok": False, "type": err.type, "nonRetryable": err.non_retryable, "message": err.message})
print(json.dumps(results))
`;

test('sklearn, LightGBM, XGBoost and a user function export parity-checked ONNX; refusals are permanent', () => {
  const spec = {
    name: 'weather-py',
    target: { name: 'weather' },
    split: { testFraction: 0.25, seed: 42 },
    features: [
      { name: 'location', type: 'categorical' },
      { name: 'precipitation', type: 'numeric' },
      { name: 'temp_max', type: 'numeric' },
      { name: 'temp_min', type: 'numeric' },
      { name: 'wind', type: 'numeric' },
    ],
  };
  const trainings = [
    {
      trainer: 'sklearn',
      estimator: 'sklearn.ensemble.HistGradientBoostingClassifier',
      params: { max_iter: 30 },
      seed: 7,
    },
    { trainer: 'lightgbm', params: { n_estimators: 20, num_leaves: 7 }, seed: 7 },
    // xgboost-cpu, exported through onnxmltools' converter.
    { trainer: 'xgboost', params: { n_estimators: 20, max_depth: 3 }, seed: 7 },
    // The user function of examples/weather-python.json, found on MLOPS_TRAINER_PATH.
    { trainer: 'python', entrypoint: 'weather_trainer:fit', params: { n_estimators: 20, max_depth: 6 } },
    { trainer: 'sklearn', estimator: 'sklearn.ensemble.NoSuchForest', params: {} },
    { trainer: 'sklearn', estimator: 'sklearn.linear_model.LogisticRegression', params: { bogus: 1 } },
    { trainer: 'sklearn', estimator: 'sklearn.linear_model.LogisticRegression', params: { C: -1 } },
    { trainer: 'sklearn', estimator: 'sklearn.linear_model.LinearRegression', params: {} },
  ];
  const out = execFileSync(trainerPython(), ['-c', script], {
    cwd: pythonTrainerDir,
    input: JSON.stringify({ csv: weatherCsv, spec, trainings }),
    env: {
      ...process.env,
      MLOPS_DATA_DIR: join(tempDir('python-trainers')),
      MLOPS_TRAINER_PATH: join(repoRoot, 'examples/trainers'),
      OMP_NUM_THREADS: '1',
    },
    encoding: 'utf8',
  });
  const results = JSON.parse(out) as Record<string, unknown>[];
  const [hgb, lgbm, xgb, userFn, unknown, badParam, badValue, regressor] = results;
  expect(xgb).toMatchObject({ trainer: 'xgboost' });
  expect(userFn).toMatchObject({ trainer: 'weather_trainer:fit' });
  for (const ok of [hgb, lgbm, xgb, userFn]) {
    expect(ok).toMatchObject({ ok: true, parity: { rows: 732 } });
    expect((ok?.['parity'] as { maxAbsDiff: number }).maxAbsDiff).toBeLessThan(1e-5);
    expect(ok?.['accuracy'] as number).toBeGreaterThan(0.6);
  }
  const permanent = { ok: false, type: 'TrainingFailed', nonRetryable: true };
  expect(unknown).toMatchObject({ ...permanent, message: expect.stringMatching(/has no attribute 'NoSuchForest'/) });
  expect(badParam).toMatchObject({ ...permanent, message: expect.stringMatching(/refuses params \['bogus'\]/) });
  expect(badValue).toMatchObject({ ...permanent, message: expect.stringMatching(/failed to fit: The 'C' parameter/) });
  expect(regressor).toMatchObject({
    ...permanent,
    message: expect.stringMatching(/not a classifier with predict_proba/),
  });
});
