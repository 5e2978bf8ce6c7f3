"""The training queue's activities. Names and JSON shapes match the TypeScript ones (README: activity contract)."""

from __future__ import annotations

import asyncio
import time

from temporalio import activity

from .training import train_candidate

HEARTBEAT_EVERY_S = 2.0


@activity.defn(name="trainCandidate")
async def train_candidate_activity(payload: dict) -> dict:
    """Runs the blocking fit in a thread while this coroutine heartbeats the current phase."""
    started = time.monotonic()
    phase = {"name": "starting"}

    def progress(name: str) -> None:
        phase["name"] = name
        activity.logger.info("trainCandidate: %s", name)

    work = asyncio.ensure_future(asyncio.to_thread(train_candidate, payload, progress))
    while True:
        activity.heartbeat({"phase": phase["name"], "elapsedSeconds": round(time.monotonic() - started, 1)})
        done, _ = await asyncio.wait({work}, timeout=HEARTBEAT_EVERY_S)
        if done:
            return work.result()
