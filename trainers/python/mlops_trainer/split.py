"""The built-in trainer's train/test split, ported bit for bit from src/domain/ml/split.ts and random.ts.

Champion and challenger are only comparable when both are scored on the same held-out rows, so the Python
worker must select exactly the rows the TypeScript side selects: same PRNG (mulberry32), same Fisher-Yates
shuffle, same per-class rounding, same class order.
"""

from __future__ import annotations

import math
from typing import Sequence

_MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    """Math.imul on the uint32 representation: the low 32 bits of the product."""
    return (a * b) & _MASK


class SeededRandom:
    """mulberry32, as src/domain/ml/random.ts: all arithmetic modulo 2**32."""

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & _MASK
        t = self.state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & _MASK
        return ((t ^ (t >> 14)) & _MASK) / 4294967296

    def shuffle(self, items: list) -> list:
        for i in range(len(items) - 1, 0, -1):
            j = math.floor(self.next() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items


def _js_sort_key(label: str) -> list[int]:
    """JavaScript's default sort compares UTF-16 code units; Python compares code points."""
    return list(label.encode("utf-16-be"))


def stratified_split(labels: Sequence[str], test_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Row indices (train, test), each sorted: every class keeps its share in both parts."""
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    rng = SeededRandom(seed)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_class.keys(), key=_js_sort_key):
        idx = rng.shuffle(by_class[label])
        # Math.round rounds halves up; Python's round() would round them to even.
        n_test = max(1, math.floor(len(idx) * test_fraction + 0.5)) if len(idx) > 1 else 0
        test.extend(idx[:n_test])
        train.extend(idx[n_test:])
    return sorted(train), sorted(test)
