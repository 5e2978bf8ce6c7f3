"""ONNX conversion of XGBClassifier with XGBoost ≥ 3.1, through onnxmltools 1.14.

XGBoost 3.1 stores `base_score` as a vector in the booster config ("[4.8E-1]" for a binary model, one
intercept per class for a multi-class one, estimated from the labels); onnxmltools 1.14 parses it with
`float()` and fails ("could not convert string to float"). This converter shows onnxmltools a scalar, then
writes the per-class intercepts into the TreeEnsembleClassifier's `base_values` (margins before the softmax,
as XGBoost adds them). The parity check against predict_proba (onnx_export.check_parity) proves the result.
"""

from __future__ import annotations

import json
from typing import Any

from onnxmltools.convert.xgboost.operator_converters.XGBoost import XGBClassifierConverter


def base_scores(model: Any) -> list[float]:
    """The booster's base_score as a list (one value for scalar configs of XGBoost < 3.1)."""
    raw = json.loads(model.get_booster().save_config())["learner"]["learner_model_param"]["base_score"]
    return [float(v) for v in str(raw).strip("[]").split(",")]


class _Booster:
    """The real booster, except that save_config() reports one scalar base_score."""

    def __init__(self, booster: Any, scalar: float) -> None:
        self._booster = booster
        self._scalar = scalar

    def save_config(self) -> str:
        config = json.loads(self._booster.save_config())
        config["learner"]["learner_model_param"]["base_score"] = repr(self._scalar)
        return json.dumps(config)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._booster, name)


class _Model:
    """The fitted XGBClassifier as onnxmltools sees it: everything forwarded, the booster wrapped."""

    def __init__(self, model: Any, scalar: float) -> None:
        # onnxmltools reads the estimator's params from its __dict__ (XGBClassifier 3.x has no `kwargs`).
        self.__dict__.update(model.__dict__)
        self._wrapped = (model, scalar)

    def get_booster(self) -> Any:
        model, scalar = self._wrapped
        return _Booster(model.get_booster(), scalar)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped[0], name)


def _set_base_values(container: Any, first_node: int, values: list[float]) -> None:
    for node in container.nodes[first_node:]:
        if node.op_type != "TreeEnsembleClassifier":
            continue
        for attribute in node.attribute:
            if attribute.name == "base_values":
                del attribute.floats[:]
                attribute.floats.extend(values)


def convert_xgboost_classifier(scope: Any, operator: Any, container: Any) -> None:
    """skl2onnx converter for XGBClassifier that also handles vector base scores."""
    model = operator.raw_operator
    scores = base_scores(model)
    per_class = len(scores) > 1
    # Multi-class: any equal placeholder (the softmax ignores a shared offset), replaced below.
    view = _Model(model, 0.5 if per_class else scores[0])
    operator.raw_operator = view
    first_node = len(container.nodes)
    try:
        # What onnxmltools' convert_xgboost does for a classifier (it dispatches on isinstance, not the view).
        XGBClassifierConverter.validate(view)
        XGBClassifierConverter.convert(scope, operator, container)
    finally:
        operator.raw_operator = model
    if per_class:
        _set_base_values(container, first_node, scores)
