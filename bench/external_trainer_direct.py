"""The same scikit-learn fit the training activity does, called directly in Python (no Temporal): the baseline
of bench/external-trainer.ts. Usage: python bench/external_trainer_direct.py <payload.json>; prints JSON timings.
Run with the training worker's venv and cwd trainers/python (so `mlops_trainer` imports)."""

import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("MLOPS_TRAINER_THREADS", "1"))  # as the worker

import numpy as np  # noqa: E402

from mlops_trainer.dataset import read_spec_frame, split_frame  # noqa: E402
from mlops_trainer.training import fit_model, float32_numerics, train_candidate  # noqa: E402


def fit_only(payload: dict) -> tuple[float, float]:
    """Read the snapshot, split, fit, predict the held-out rows: the fit itself, no ONNX export or artifact."""
    spec, started, cpu = payload["spec"], time.perf_counter(), time.process_time()
    frame = float32_numerics(read_spec_frame(payload["snapshot"]["snapshotPath"], spec), spec["features"])
    train, test = split_frame(frame, spec)
    names = [f["name"] for f in spec["features"]]
    model, _ = fit_model(spec, train[names], train[spec["target"]["name"]].tolist())
    np.asarray(model.predict_proba(test[names]))
    return time.perf_counter() - started, time.process_time() - cpu


def whole_activity_body(payload: dict) -> tuple[float, float]:
    """train_candidate() in-process: everything the activity does (fit, metrics, ONNX export, parity, store)."""
    started, cpu = time.perf_counter(), time.process_time()
    train_candidate(payload, lambda _phase: None)
    return time.perf_counter() - started, time.process_time() - cpu


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        payload = json.load(f)
    # [wall seconds, CPU seconds]: on a shared machine the CPU time is the comparison that survives contention.
    print(json.dumps({"fitOnly": fit_only(payload), "trainCandidate": whole_activity_body(payload)}))
