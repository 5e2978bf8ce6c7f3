"""An example user training function for `{"trainer": "python", "entrypoint": "weather_trainer:fit"}`.

The training worker imports this module from a folder on MLOPS_TRAINER_PATH and calls `fit(X, y, params)`:
X is the training split as a pandas DataFrame (the spec's feature columns, nulls as NaN / ""), y the labels,
params the spec's `training.params` (the best trial's, under a search). Return a fitted classifier with
`predict_proba` and `classes_` that accepts the raw frame; the worker scores it on the held-out split,
exports it to ONNX (skl2onnx) and checks the ONNX model against `predict_proba` within 1e-5.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline

# The preprocessing the library trainers apply: numerics imputed (and standardized unless told not to), one-hot
# categoricals. A forest needs no standardization, and without it ONNX (float32) sees exactly the values the
# trees split on, so its predictions match predict_proba within the worker's 1e-5 check.
from mlops_trainer.preprocessing import spec_preprocessor


def fit(X, y, params):
    features = [{"name": c, "type": "numeric" if X[c].dtype.kind in "fi" else "categorical"} for c in X.columns]
    forest = RandomForestClassifier(**{"random_state": 7, "n_jobs": 1, **params})
    preprocess = spec_preprocessor(features, standardize=False)
    return Pipeline([("preprocess", preprocess), ("model", forest)]).fit(X, y)
