"""Turns the spec's `training` section into a fitted estimator: a named scikit-learn classifier, XGBoost,
LightGBM, or a user function found on MLOPS_TRAINER_PATH. Every refusal is a permanent failure."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import warnings
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from .failures import permanent
from .preprocessing import spec_preprocessor

# LightGBM remembers column names from the pipeline's fit and warns on every predict of the ONNX parity check.
warnings.filterwarnings("ignore", message="X does not have valid feature names")


def _import_attr(module_name: str, attr: str, what: str) -> Any:
    try:
        module = importlib.import_module(module_name)
    except Exception as err:  # ImportError, or the module raising on import
        raise permanent(f"cannot import {what} module '{module_name}': {type(err).__name__}: {err}") from err
    if not hasattr(module, attr):
        raise permanent(f"{what} '{module_name}' has no attribute '{attr}'")
    return getattr(module, attr)


def _instantiate(cls: Any, params: dict, label: str) -> Any:
    try:
        return cls(**params)
    except TypeError as err:
        raise permanent(f"{label} refuses params {sorted(params)}: {err}") from err


def _with_seed(estimator: Any, seed: int | None) -> Any:
    """Seeds estimators that take a random_state, unless the params set one: reruns give the same model."""
    if seed is not None and "random_state" in estimator.get_params(deep=False):
        if estimator.get_params(deep=False)["random_state"] is None:
            estimator.set_params(random_state=seed)
    return estimator


def library_classifier(training: dict) -> Any:
    """The classifier for trainer kinds sklearn, xgboost, lightgbm (unfitted)."""
    kind = training["trainer"]
    params = dict(training.get("params") or {})
    if kind == "sklearn":
        dotted = training["estimator"]
        module_name, _, class_name = dotted.rpartition(".")
        if not module_name.startswith("sklearn."):
            raise permanent(f"estimator '{dotted}' is not a scikit-learn class (use trainer 'python' for other code)")
        cls = _import_attr(module_name, class_name, "scikit-learn")
        if not inspect.isclass(cls):
            raise permanent(f"estimator '{dotted}' is not a class")
        estimator = _instantiate(cls, params, dotted)
        if not is_classifier(estimator) or not hasattr(estimator, "predict_proba"):
            raise permanent(f"estimator '{dotted}' is not a classifier with predict_proba")
    elif kind == "xgboost":
        estimator = _instantiate(_import_attr("xgboost", "XGBClassifier", "xgboost"), params, "XGBClassifier")
    elif kind == "lightgbm":
        params.setdefault("verbose", -1)
        estimator = _instantiate(_import_attr("lightgbm", "LGBMClassifier", "lightgbm"), params, "LGBMClassifier")
    else:
        raise permanent(f"unknown trainer '{kind}'", "SpecInvalid")
    return _with_seed(estimator, training.get("seed"))


def fit_library_pipeline(training: dict, features: list[dict], x: pd.DataFrame, y_index: np.ndarray) -> Pipeline:
    """Spec preprocessing + the named classifier, fitted on class indices (0..k-1) so every library agrees."""
    preprocess = spec_preprocessor(features, standardize=training["trainer"] != "xgboost")
    pipeline = Pipeline([("preprocess", preprocess), ("model", library_classifier(training))])
    try:
        pipeline.fit(x, y_index)
    except (ValueError, TypeError) as err:  # sklearn's InvalidParameterError is both
        raise permanent(f"{describe(training)} failed to fit: {err}") from err
    return pipeline


def load_entrypoint(entrypoint: str) -> Callable[..., Any]:
    """`package.module:function`, searched on MLOPS_TRAINER_PATH (os.pathsep-separated) before sys.path."""
    for folder in reversed([p for p in os.environ.get("MLOPS_TRAINER_PATH", "").split(os.pathsep) if p]):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    module_name, _, function_name = entrypoint.partition(":")
    fn = _import_attr(module_name, function_name, "entrypoint")
    if not callable(fn):
        raise permanent(f"entrypoint '{entrypoint}' is not callable")
    return fn


def fit_user_function(training: dict, x: pd.DataFrame, y: pd.Series) -> Any:
    """Calls the user's `fit(X, y, params)`; it must return a fitted classifier that accepts the raw frame."""
    fn = load_entrypoint(training["entrypoint"])
    try:
        model = fn(x, y, dict(training.get("params") or {}))
    except Exception as err:
        raise permanent(f"entrypoint {training['entrypoint']} raised {type(err).__name__}: {err}") from err
    if model is None or not hasattr(model, "predict_proba") or not hasattr(model, "classes_"):
        raise permanent(f"entrypoint {training['entrypoint']} returned {type(model).__name__}, not a fitted classifier")
    return model


def describe(training: dict) -> str:
    kind = training["trainer"]
    if kind == "sklearn":
        return training["estimator"]
    if kind == "python":
        return training["entrypoint"]
    return kind
