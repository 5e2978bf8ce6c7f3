"""Writes to the project's content-addressed artifact store (src/adapters/artifact-store.ts):
`<MLOPS_DATA_DIR>/artifacts/<model>/<sha256>.onnx` for the model bytes and `<sha256>.json` for the envelope
the registry points at (the same place and naming as built-in artifacts; writes are atomic)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def artifact_dir() -> Path:
    return Path(os.environ.get("MLOPS_DATA_DIR", ".data")).resolve() / "artifacts"


def _put(folder: Path, body: bytes, suffix: str) -> tuple[Path, str]:
    sha256 = hashlib.sha256(body).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}{suffix}"
    tmp = folder / f"{sha256}{suffix}.{os.getpid()}.tmp"
    tmp.write_bytes(body)
    os.replace(tmp, path)
    return path, sha256


def put_onnx(model_name: str, onnx_bytes: bytes) -> tuple[Path, str]:
    return _put(artifact_dir() / model_name, onnx_bytes, ".onnx")


def put_envelope(model_name: str, envelope: dict) -> tuple[Path, str]:
    body = json.dumps(envelope, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return _put(artifact_dir() / model_name, body, ".json")
