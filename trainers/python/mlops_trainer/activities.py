"""The training queue's activities. Names and JSON shapes match the TypeScript ones (README: activity contract)."""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from temporalio import activity

from .training import train_candidate
from .trial import validate_trial

HEARTBEAT_EVERY_S = 2.0


async def _with_heartbeats(fn: Callable[[dict, Callable[[str], None]], dict], payload: dict, label: str) -> dict:
    """Runs the blocking work in a thread while this coroutine heartbeats the current phase."""
    started = time.monotonic()
    phase = {"name": "starting"}

    def progress(name: str) -> None:
        phase["name"] = name
        activity.logger.info("%s: %s", label, name)

    work = asyncio.ensure_future(asyncio.to_thread(fn, payload, progress))
    while True:
        activity.heartbeat({"phase": phase["name"], "elapsedSeconds": round(time.monotonic() - started, 1)})
        done, _ = await asyncio.wait({work}, timeout=HEARTBEAT_EVERY_S)
        if done:
            return work.result()


@activity.defn(name="trainCandidate")
async def train_candidate_activity(payload: dict) -> dict:
    return await _with_heartbeats(train_candidate, payload, "trainCandidate")


@activity.defn(name="validateTrial")
async def validate_trial_activity(payload: dict) -> dict:
    """One hyper-parameter search trial: fit on the training split minus the validation rows, score those."""
    return await _with_heartbeats(validate_trial, payload, "validateTrial")
