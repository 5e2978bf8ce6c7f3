"""Environment fingerprint recorded with each trained version: what produced the model, to rebuild it."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
LIBRARIES = ("temporalio", "scikit-learn", "numpy", "pandas", "pyarrow", "skl2onnx", "onnx", "onnxruntime",
             "onnxmltools", "lightgbm", "xgboost")


def fingerprint() -> dict:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    requirements = REQUIREMENTS.read_bytes() if REQUIREMENTS.exists() else b""
    return {
        "runtime": f"python {platform.python_version()}",
        "platform": platform.platform(),
        "libraries": versions,
        "requirementsSha256": hashlib.sha256(requirements).hexdigest(),
    }
