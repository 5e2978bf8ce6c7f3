"""Exports a fitted pipeline to ONNX (skl2onnx; onnxmltools converters for XGBoost and LightGBM) and checks
that onnxruntime reproduces the library's predict_proba within a tolerance on held-out rows."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pandas as pd
from skl2onnx import convert_sklearn, update_registered_converter
from skl2onnx.common.data_types import FloatTensorType, StringTensorType
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes

from .failures import permanent

PARITY_TOLERANCE = 1e-5
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
_registered: set[str] = set()


def _register_boosters(model: object) -> None:
    """onnxmltools converters for the boosting libraries, registered with skl2onnx on first use."""
    name = type(model).__name__
    if name in _registered:
        return
    if name == "LGBMClassifier":
        from lightgbm import LGBMClassifier
        from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm

        update_registered_converter(
            LGBMClassifier, "LightGbmLGBMClassifier", calculate_linear_classifier_output_shapes, convert_lightgbm,
            options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
        )
    elif name == "XGBClassifier":
        from xgboost import XGBClassifier

        from .xgboost_onnx import convert_xgboost_classifier

        update_registered_converter(
            XGBClassifier, "XGBoostXGBClassifier", calculate_linear_classifier_output_shapes,
            convert_xgboost_classifier,
            options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
        )
    _registered.add(name)


def onnx_feed(frame: pd.DataFrame, features: list[dict]) -> dict[str, np.ndarray]:
    """One [n, 1] input per feature: float32 numerics (NaN for nulls), strings for categoricals."""
    feed = {}
    for f in features:
        column = frame[f["name"]]
        if f["type"] == "numeric":
            feed[f["name"]] = column.to_numpy(dtype=np.float32).reshape(-1, 1)
        else:
            feed[f["name"]] = column.astype(str).to_numpy(dtype=object).reshape(-1, 1)
    return feed


def to_onnx(model: object, features: list[dict]) -> bytes:
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    _register_boosters(final)
    initial_types = [
        (f["name"], FloatTensorType([None, 1]) if f["type"] == "numeric" else StringTensorType([None, 1]))
        for f in features
    ]
    try:
        onx = convert_sklearn(
            model, initial_types=initial_types, options={id(final): {"zipmap": False}}, target_opset=TARGET_OPSET
        )
    except Exception as err:  # skl2onnx raises RuntimeError / MissingShapeCalculator / NotImplementedError
        raise permanent(f"ONNX conversion does not support this model ({type(final).__name__}): {err}") from err
    return onx.SerializeToString()


class OnnxScorer:
    def __init__(self, onnx_bytes: bytes, features: list[dict]) -> None:
        self.session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
        self.features = features
        outputs = [o.name for o in self.session.get_outputs()]
        self.probability_output = "probabilities" if "probabilities" in outputs else outputs[-1]

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        (probabilities,) = self.session.run([self.probability_output], onnx_feed(frame, self.features))
        return np.asarray(probabilities, dtype=np.float64)


def check_parity(scorer: OnnxScorer, expected: np.ndarray, frame: pd.DataFrame) -> float:
    """Largest absolute difference between ONNX and library probabilities; over the tolerance is a failure."""
    actual = scorer.predict_proba(frame)
    if actual.shape != expected.shape:
        raise permanent(f"ONNX model returns probabilities of shape {actual.shape}, the library {expected.shape}")
    worst = float(np.max(np.abs(actual - expected))) if expected.size else 0.0
    if not worst <= PARITY_TOLERANCE:
        raise permanent(f"ONNX predictions differ from predict_proba by up to {worst:.3g} (> {PARITY_TOLERANCE})")
    return worst
