"""Baseline of the serving benchmark: FastAPI + scikit-learn serving the same weather classifier.

Trains a multinomial logistic regression on the same five features as the TypeScript model (numerics
standardised, missing values imputed with the mean, `location` one-hot) and serves it with the same request
and response shapes: POST /v1/models/<name>/predict with {"instance": {...}} or {"instances": [...]}.

usage: python bench/serving-fastapi.py --csv <weather.csv> --port 8814
"""
import argparse
import csv
from typing import Optional, Union

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sklearn.linear_model import LogisticRegression

NUMERIC = ["precipitation", "temp_max", "temp_min", "wind"]
LOCATIONS = ["New York", "Seattle"]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    location: Optional[str]
    precipitation: Optional[float]
    temp_max: Optional[float]
    temp_min: Optional[float]
    wind: Optional[float]


class Single(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instance: Row


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[Row] = Field(min_length=1, max_length=1000)


def train(csv_path: str):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    numeric = np.array([[float(r[c]) for c in NUMERIC] for r in rows])
    mean, std = numeric.mean(axis=0), numeric.std(axis=0)
    labels = np.array([r["weather"] for r in rows])
    model = LogisticRegression(max_iter=300)
    model.fit(encode_matrix([r["location"] for r in rows], numeric, mean, std), labels)
    return model, mean, std


def encode_matrix(locations, numeric, mean, std):
    scaled = np.nan_to_num((numeric - mean) / std)  # a missing value (NaN) becomes the mean, 0 after scaling
    onehot = np.array([[1.0 if loc == known else 0.0 for known in LOCATIONS] for loc in locations])
    return np.hstack([scaled, onehot])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", default="weather-bench")
    args = parser.parse_args()
    model, mean, std = train(args.csv)
    classes = [str(c) for c in model.classes_]
    app = FastAPI()

    def predict(rows: list[Row]):
        numeric = np.array([[np.nan if getattr(r, c) is None else getattr(r, c) for c in NUMERIC] for r in rows], dtype=float)
        probs = model.predict_proba(encode_matrix([r.location for r in rows], numeric, mean, std))
        return [
            {"label": classes[int(p.argmax())], "probabilities": {c: float(v) for c, v in zip(classes, p)}}
            for p in probs
        ]

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/v1/models/{name}/predict")
    def predict_route(name: str, body: Union[Single, Batch]):
        if name != args.model:
            raise HTTPException(status_code=404, detail=f'model "{name}" is not being served')
        if isinstance(body, Single):
            return {"model": name, "version": 1, "prediction": predict([body.instance])[0]}
        return {"model": name, "version": 1, "predictions": predict(body.instances)}

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, loop="uvloop", http="httptools")


if __name__ == "__main__":
    main()
