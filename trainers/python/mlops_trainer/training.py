"""trainCandidate end to end, without Temporal: read the snapshot, split as the built-in trainer does, fit,
score the held-out rows, export to ONNX, check parity, store. `progress` receives phase names for heartbeats."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd

from .artifacts import put_envelope, put_onnx
from .dataset import read_spec_frame, split_frame
from .environment import fingerprint
from .estimators import describe, fit_library_pipeline, fit_user_function
from .failures import permanent
from .metrics import classification_metrics
from .onnx_export import OnnxScorer, check_parity, to_onnx

ONNX_FORMAT = "temporal-mlops/onnx@1"
REFERENCE_ROWS = 5


def float32_numerics(frame: pd.DataFrame, features: list[dict]) -> pd.DataFrame:
    """ONNX receives float32: fitting on float32-representable values makes library and ONNX see the same data."""
    out = frame.copy()
    for f in features:
        if f["type"] == "numeric":
            out[f["name"]] = out[f["name"]].astype(np.float32).astype(np.float64)
    return out


def holdout_metrics(labels: list[str], probabilities: np.ndarray, classes: list[str]) -> dict:
    """As the built-in evaluator: a label the model never saw scores against an extra zero column."""
    truth = np.array([classes.index(label) if label in classes else len(classes) for label in labels])
    if np.any(truth == len(classes)):
        probabilities = np.hstack([probabilities, np.zeros((len(labels), 1))])
        classes = [*classes, "(unseen)"]
    return classification_metrics(truth, probabilities, classes)


def _json_rows(frame: pd.DataFrame, features: list[dict]) -> list[dict]:
    rows = []
    for record in frame[[f["name"] for f in features]].to_dict(orient="records"):
        rows.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()})
    return rows


def _iterations(model: object) -> int:
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    n_iter = getattr(final, "n_iter_", None)
    if n_iter is None:
        return int(getattr(final, "n_estimators", 1) or 1)
    return int(np.max(n_iter))


def fit_model(spec: dict, x_train: pd.DataFrame, train_labels: list[str]) -> tuple[object, list[str]]:
    """Fits the spec's trainer on these rows; returns the model and its classes in predict_proba column order."""
    training, features, target = spec["training"], spec["features"], spec["target"]["name"]
    if training["trainer"] == "python":
        model = fit_user_function(training, x_train, pd.Series(train_labels, name=target))
        return model, [str(c) for c in model.classes_]
    names = list(spec["target"].get("classes") or sorted(set(train_labels)))
    unknown = sorted(set(train_labels) - set(names))
    if unknown:
        raise permanent(f"target '{target}' has labels outside the declared classes: {', '.join(unknown)}")
    model = fit_library_pipeline(training, features, x_train, np.array([names.index(v) for v in train_labels]))
    return model, [names[int(i)] for i in model.classes_]


def train_candidate(payload: dict, progress: Callable[[str], None]) -> dict:
    spec, snapshot = payload["spec"], payload["snapshot"]
    training, features, target = spec["training"], spec["features"], spec["target"]["name"]
    progress("reading the snapshot")
    frame = float32_numerics(read_spec_frame(snapshot["snapshotPath"], spec), features)
    train, test = split_frame(frame, spec)
    train_labels, test_labels = train[target].tolist(), test[target].tolist()
    if len(set(train_labels)) < 2:
        raise permanent(f"training split of {snapshot['id']} has fewer than 2 classes")
    x_train, x_test = train[[f["name"] for f in features]], test[[f["name"] for f in features]]

    progress(f"fitting {describe(training)}")
    model, classes = fit_model(spec, x_train, train_labels)

    progress("scoring the held-out rows")
    train_proba = np.asarray(model.predict_proba(x_train), dtype=np.float64)
    test_proba = np.asarray(model.predict_proba(x_test), dtype=np.float64)
    holdout = holdout_metrics(test_labels, test_proba, classes)

    progress("exporting to ONNX")
    onnx_bytes = to_onnx(model, features)
    scorer = OnnxScorer(onnx_bytes, features)
    parity = check_parity(scorer, test_proba, x_test)
    onnx_path, onnx_sha = put_onnx(spec["name"], onnx_bytes)

    environment = fingerprint()
    trained_on = {
        "datasetId": snapshot["id"],
        "rows": len(train),
        "epochs": _iterations(model),
        "finalLoss": holdout_metrics(train_labels, train_proba, classes)["logLoss"],
    }
    envelope = {
        "format": ONNX_FORMAT,
        "modelName": spec["name"],
        "target": target,
        "classes": classes,
        "features": [{"name": f["name"], "type": f["type"]} for f in features],
        "onnx": {"file": onnx_path.name, "sha256": onnx_sha, "probabilityOutput": scorer.probability_output},
        "trainer": {"kind": training["trainer"], "name": describe(training), "params": training.get("params") or {}},
        "trainedOn": trained_on,
        "environment": environment,
        "holdoutMetrics": holdout,
        "parity": {"maxAbsDiff": parity, "rows": len(test)},
        "reference": {
            "rows": _json_rows(x_test.head(REFERENCE_ROWS), features),
            "probabilities": test_proba[:REFERENCE_ROWS].tolist(),
        },
    }
    progress("storing the artifact")
    path, sha256 = put_envelope(spec["name"], envelope)
    return {
        "artifactPath": path.resolve().as_uri(),
        "artifactSha256": sha256,
        "trainRows": len(train),
        "testRows": len(test),
        "epochs": trained_on["epochs"],
        "finalLoss": trained_on["finalLoss"],
        "format": ONNX_FORMAT,
        "trainer": describe(training),
        "environment": environment,
    }
