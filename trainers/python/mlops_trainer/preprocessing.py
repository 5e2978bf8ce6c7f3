"""The spec's preprocessing as a scikit-learn ColumnTransformer, mirroring the built-in encoder
(src/domain/ml/preprocessing.ts): numerics imputed with the training mean and standardized, categoricals
one-hot with unseen values (and nulls, sent as "") encoded as all zeros unless seen in training."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def spec_preprocessor(features: list[dict], standardize: bool = True) -> ColumnTransformer:
    """Public helper for user entrypoints: the same preprocessing the sklearn/xgboost/lightgbm trainers use.

    `standardize=False` keeps numerics on their own scale (imputed only) — for XGBoost, whose split points are
    feature values: standardized in float64 here and in float32 by ONNX, a value on a split point can land on
    either side of it. Trees do not need standardized inputs."""
    numeric = [f["name"] for f in features if f["type"] == "numeric"]
    categorical = [f["name"] for f in features if f["type"] == "categorical"]
    parts = []
    if numeric:
        steps = [("impute", SimpleImputer(strategy="mean"))] + ([("scale", StandardScaler())] if standardize else [])
        parts.append(("numeric", Pipeline(steps), numeric))
    if categorical:
        parts.append(("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0)
