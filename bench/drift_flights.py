"""Python side of bench/drift-flights.ts: the same drift statistics with scipy/numpy.

    bench/.venv/bin/python bench/drift_flights.py PARQUET
Prints one JSON object: {"load_ms", "results": [{"name", "value", "p_value"?, "ms"}], "versions"}.
Each timing covers the statistic alone (data already in numpy arrays), best of 3 runs.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import scipy
import scipy.stats as st
from scipy.spatial.distance import jensenshannon


def timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best * 1000


def fill_zeroes(p):
    p = p.astype(np.float64).copy()
    m = p[p != 0].min()
    p[p == 0] = m / 10**6 if m <= 0.0001 else 0.0001
    return p


def psi(ref, cur, bins=10):
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    rc = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    cc = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    rp, cp = fill_zeroes(rc), fill_zeroes(cc)
    return float(np.sum((rp - cp) * np.log(rp / cp)))


def value_counts(arr) -> dict:
    vc = pc.value_counts(arr)
    return dict(zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist()))


def category_counts(ref, cur):
    """Counts on the union of categories (Arrow's C++ value_counts: numpy's object unique is ~50x slower)."""
    r, c = value_counts(ref), value_counts(cur)
    keys = sorted(set(r) | set(c))
    return np.array([r.get(k, 0) for k in keys], dtype=np.float64), np.array([c.get(k, 0) for k in keys], dtype=np.float64)


def chisquare(ref, cur):
    r, c = category_counts(ref, cur)
    with np.errstate(divide="ignore", invalid="ignore"):
        return st.chisquare(c, r * (c.sum() / r.sum()))


def js(ref, cur):
    r, c = category_counts(ref, cur)
    return jensenshannon(r / r.sum(), c / c.sum())


def main() -> None:
    path = sys.argv[1]
    t0 = time.perf_counter()
    table = pq.read_table(path, columns=["date", "delay", "distance", "origin"])
    month = pc.month(table["date"]).to_numpy()
    jan, jun = month == 1, month == 6
    early, late = month <= 2, month >= 5
    num = {k: table[k].to_numpy().astype(np.float64) for k in ["delay", "distance"]}
    origin = table["origin"].combine_chunks()
    load_ms = (time.perf_counter() - t0) * 1000

    results = []

    def add(name, fn, value_of, p_of=None):
        out, ms = timed(fn)
        row = {"name": name, "value": float(value_of(out)), "ms": ms}
        if p_of:
            row["p_value"] = float(p_of(out))
        results.append(row)

    for col in ["delay", "distance"]:
        a, b = num[col][jan], num[col][jun]
        add(f"{col} ks", lambda: st.ks_2samp(a, b), lambda r: r.statistic, lambda r: r.pvalue)
        add(f"{col} wasserstein", lambda: st.wasserstein_distance(a, b), lambda r: r)
        add(f"{col} wasserstein_norm", lambda: st.wasserstein_distance(a, b) / max(np.std(a), 0.001), lambda r: r)
        add(f"{col} psi", lambda: psi(a, b), lambda r: r)
    o1, o2 = origin.filter(jan), origin.filter(jun)
    add("origin jensenshannon", lambda: js(o1, o2), lambda r: r)
    add("origin chisquare", lambda: chisquare(o1, o2), lambda r: r.statistic, lambda r: r.pvalue)
    a, b = num["delay"][early], num["delay"][late]
    add(f"delay ks 1M-vs-1M ({a.size} vs {b.size})", lambda: st.ks_2samp(a, b), lambda r: r.statistic, lambda r: r.pvalue)
    a, b = num["delay"][jan][:100000], num["delay"][jan][100000:200000] + 0.5
    add("delay ks 100k-vs-100k shifted", lambda: st.ks_2samp(a, b), lambda r: r.statistic, lambda r: r.pvalue)

    for row in results:  # JSON has no Infinity: the chi-squared statistic is infinite for unseen origins
        if not np.isfinite(row["value"]):
            row["value"] = str(row["value"])
    print(json.dumps({"load_ms": load_ms, "results": results,
                      "versions": {"numpy": np.__version__, "scipy": scipy.__version__}}, allow_nan=False))


if __name__ == "__main__":
    main()
