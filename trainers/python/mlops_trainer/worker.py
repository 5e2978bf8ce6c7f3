"""Entry point: `python -m mlops_trainer.worker` serves the training task queue.

Config (environment): the Temporal envconfig profile as the TypeScript processes read it (TEMPORAL_CONFIG_FILE,
TEMPORAL_PROFILE; TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* override it; neither:
127.0.0.1:7233, namespace default), MLOPS_TRAINING_TASK_QUEUE (mlops-training), MLOPS_DATA_DIR (.data; artifacts go to <dir>/artifacts),
MLOPS_TRAINER_PATH (folders searched for `python` trainer entrypoints, os.pathsep-separated),
MLOPS_PAYLOAD_KEYS / MLOPS_PAYLOAD_KEYS_FILE / MLOPS_PAYLOAD_KEY_ID (payload encryption, as the TS processes).
"""

from __future__ import annotations

import os

# Before numpy/scikit-learn load OpenMP: one thread per fit, so a fit does not compete for a small machine's cores.
os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("MLOPS_TRAINER_THREADS", "1"))

import asyncio
import dataclasses
import logging
import signal
from concurrent.futures import ThreadPoolExecutor

import temporalio.converter
from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.worker import Worker

from .activities import train_candidate_activity, validate_trial_activity
from .payload_codec import codec_from_env


def connect_config() -> dict:
    """Client.connect keyword arguments from the envconfig profile; a broken profile stops with the setting named."""
    config_file = os.environ.get("TEMPORAL_CONFIG_FILE")
    if config_file and not os.path.exists(config_file):
        raise SystemExit(f"invalid configuration:\n  TEMPORAL_CONFIG_FILE: file not found ({config_file})")
    try:
        config = dict(ClientConfig.load_client_connect_config())
    except Exception as err:  # a missing certificate file, an unknown profile, bad TOML
        raise SystemExit(f"invalid configuration:\n  TEMPORAL_PROFILE/TEMPORAL_CONFIG_FILE: {err}") from err
    config.setdefault("target_host", "127.0.0.1:7233")
    config.setdefault("namespace", "default")
    return config


async def main() -> None:
    level = os.environ.get("MLOPS_TRAINER_LOG_LEVEL", "INFO")
    logging.basicConfig(level=level, format="%(levelname)s %(name)s %(message)s")
    connect = connect_config()
    address = connect["target_host"]
    queue = os.environ.get("MLOPS_TRAINING_TASK_QUEUE", "mlops-training")
    # Same payload keys as the TypeScript workers: activity inputs and results are encrypted on the wire.
    codec = codec_from_env(os.environ)
    converter = dataclasses.replace(temporalio.converter.default(), payload_codec=codec)
    client = await Client.connect(**connect, data_converter=converter)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    # Fits are CPU-bound: two at a time on a small machine keeps heartbeats flowing.
    with ThreadPoolExecutor(max_workers=2) as executor:
        worker = Worker(
            client,
            task_queue=queue,
            activities=[train_candidate_activity, validate_trial_activity],
            activity_executor=executor,
            max_concurrent_activities=2,
        )
        logging.getLogger("mlops_trainer").info("training worker polling %s on %s", queue, address)
        print(f"training worker ready: queue={queue} encryption={'on' if codec else 'off'}", flush=True)
        async with worker:
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
