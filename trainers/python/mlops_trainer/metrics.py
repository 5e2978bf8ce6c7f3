"""The built-in evaluator's metrics (src/domain/ml/metrics.ts): accuracy, macro-F1 over labels present in truth
or prediction, log-loss clipped to [1e-15, 1 - 1e-15], AUC of class 1 by average ranks when binary."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def classification_metrics(truth: np.ndarray, probabilities: np.ndarray, class_names: list[str]) -> dict:
    n, k = probabilities.shape
    predicted = probabilities.argmax(axis=1)  # first maximum on ties, as the TypeScript loop
    f1_sum, present = 0.0, 0
    for c in range(k):
        tp = float(np.sum((predicted == c) & (truth == c)))
        support = float(np.sum(truth == c))
        npred = float(np.sum(predicted == c))
        precision = tp / npred if npred else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if support > 0 or npred > 0:
            f1_sum += f1
            present += 1
    picked = np.clip(probabilities[np.arange(n), truth], 1e-15, 1 - 1e-15)
    metrics = {
        "accuracy": float(np.mean(predicted == truth)) if n else 0.0,
        "macroF1": f1_sum / present if present else 0.0,
        "logLoss": float(-np.mean(np.log(picked))) if n else 0.0,
        "rows": int(n),
    }
    if k == 2:
        metrics["auc"] = binary_auc(truth, probabilities[:, 1])
    return metrics


def binary_auc(truth: np.ndarray, scores: np.ndarray) -> float | None:
    positives = int(np.sum(truth == 1))
    negatives = len(truth) - positives
    if not positives or not negatives:
        return None  # NaN in TypeScript; JSON has no NaN
    ranks = rankdata(scores, method="average")
    return float((ranks[truth == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))
