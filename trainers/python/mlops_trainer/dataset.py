"""Reads the dataset snapshot (Parquet, by the path in the activity input) the way the TypeScript side does:
file order, numerics as float64 (unparseable → NaN, as DuckDB's TRY_CAST → NULL), everything else as text."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import pandas as pd
import pyarrow.parquet as pq

from .failures import permanent
from .split import stratified_split


def local_path(uri: str) -> str:
    """The file a snapshot URI names: `file:///abs/path` (or a bare path, in runs from before URIs). This worker
    shares the data dir with the TypeScript one; `s3://` snapshots need a local blob store (see README)."""
    if uri.startswith("file://"):
        return unquote(urlparse(uri).path)
    if uri.startswith("s3://"):
        raise permanent(f"{uri}: the Python training worker reads local snapshots only (MLOPS_BLOB_URL=file://…)")
    return uri


def read_spec_frame(snapshot_path: str, spec: dict) -> pd.DataFrame:
    features = spec["features"]
    target = spec["target"]["name"]
    names = [f["name"] for f in features] + [target]
    table = pq.read_table(local_path(snapshot_path), columns=names)
    frame = table.to_pandas()
    for f in features:
        column = frame[f["name"]]
        if f["type"] == "numeric":
            frame[f["name"]] = pd.to_numeric(column, errors="coerce").astype("float64")
        else:
            frame[f["name"]] = categorical_text(column)
    frame[target] = frame[target].map(lambda v: None if pd.isna(v) else str(v))
    return frame


def categorical_text(column: pd.Series) -> pd.Series:
    """Text with nulls as "": an ONNX string tensor has no null, so training and serving both send ""."""
    return column.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).astype(object)


def split_frame(frame: pd.DataFrame, spec: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spec's stratified split, identical to the built-in trainer's (see split.py)."""
    labels = frame[spec["target"]["name"]].tolist()
    train, test = stratified_split(labels, spec["split"]["testFraction"], spec["split"]["seed"])
    return frame.iloc[train].reset_index(drop=True), frame.iloc[test].reset_index(drop=True)
