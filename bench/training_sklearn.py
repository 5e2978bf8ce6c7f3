"""scikit-learn side of bench/training.ts: the same rows, split, preprocessing and regularized loss.
usage: training_sklearn.py <case.parquet> <is-test.u8> <l2> <tol> <max_iter>  → one JSON line."""
import json
import resource
import sys
import time

import numpy as np
import pyarrow.parquet as pq
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

parquet, mask_path, l2, tol, max_iter = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
t = time.perf_counter()
table = pq.read_table(parquet).to_pandas()
read_ms = (time.perf_counter() - t) * 1000
is_test = np.fromfile(mask_path, dtype=np.uint8).astype(bool)
train, test = table[~is_test], table[is_test]
classes = sorted(train["label"].unique())
n = len(train)
# Our softmax keeps one weight vector per class; for two classes that equals scikit-learn's single vector
# with half the penalty, hence C = 2 / (l2 n) there and 1 / (l2 n) for more classes.
C = (2.0 if len(classes) == 2 else 1.0) / (l2 * n)
model = Pipeline([
    ("prep", ColumnTransformer([
        ("num", StandardScaler(), ["distance", "hour"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["origin", "destination"]),
    ])),
    ("lr", LogisticRegression(C=C, tol=tol, max_iter=max_iter)),
])
t = time.perf_counter()
model.fit(train, train["label"])
fit_ms = (time.perf_counter() - t) * 1000
p = model.predict_proba(test)
truth = test["label"].to_numpy()
out = {
    "readMs": read_ms,
    "fitMs": fit_ms,
    "iterations": int(np.max(model.named_steps["lr"].n_iter_)),
    "accuracy": float(accuracy_score(truth, model.classes_[p.argmax(axis=1)])),
    "logLoss": float(log_loss(truth, p, labels=model.classes_)),
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}
if len(model.classes_) == 2:
    out["auc"] = float(roc_auc_score(truth == model.classes_[1], p[:, 1]))
print(json.dumps(out))
