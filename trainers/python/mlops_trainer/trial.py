"""validateTrial: one hyper-parameter search trial. Fits on part of the training split and scores the rest
(the validation rows); the test split the lifecycle's gate uses is never touched. No artifact is written."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .dataset import read_spec_frame, split_frame
from .estimators import describe
from .failures import permanent
from .split import stratified_split
from .training import fit_model, float32_numerics, holdout_metrics


def validate_trial(payload: dict, progress: Callable[[str], None]) -> dict:
    spec, snapshot, trial = payload["spec"], payload["snapshot"], payload["trial"]
    validation = payload["validation"]
    features, target = spec["features"], spec["target"]["name"]
    progress("reading the snapshot")
    frame = float32_numerics(read_spec_frame(snapshot["snapshotPath"], spec), features)
    train, _test = split_frame(frame, spec)
    # The validation rows: the same stratified rule as the test split, applied to the training split.
    fit_rows, validation_rows = stratified_split(train[target].tolist(), validation["fraction"], validation["seed"])
    fit_part, held = train.iloc[fit_rows].reset_index(drop=True), train.iloc[validation_rows].reset_index(drop=True)
    fit_labels = fit_part[target].tolist()
    if len(set(fit_labels)) < 2:
        raise permanent(f"the fit part of trial {trial['index']} has fewer than 2 classes")
    names = [f["name"] for f in features]

    progress(f"trial {trial['index']}: fitting {describe(spec['training'])} with {trial['params']}")
    model, classes = fit_model(spec, fit_part[names], fit_labels)
    progress(f"trial {trial['index']}: scoring {len(held)} validation rows")
    proba = np.asarray(model.predict_proba(held[names]), dtype=np.float64)
    return {
        "index": trial["index"],
        "trainRows": len(fit_part),
        "validationRows": len(held),
        "metrics": holdout_metrics(held[target].tolist(), proba, classes),
    }
