"""Prometheus exposition for /metrics: one process, or every uvicorn worker at once in multiprocess mode.

With PROMETHEUS_MULTIPROC_DIR set (before the process starts), prometheus_client keeps each metric in
memory-mapped files in that folder, one set per process; a scrape of any worker reads them all. Without
it the default registry of this process is exposed, as before. docs/operations.md lists the metrics.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> Path | None:
    """The multiprocess folder when set, else None."""
    value = os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower())
    return Path(value) if value else None


def prepare_multiprocess_dir() -> None:
    """Create the folder and empty it of an earlier run's files (its dead processes would be summed in).

    Called by `promptforge serve` before any worker starts: one folder per serve process tree.
    """
    folder = multiprocess_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def exposition() -> bytes:
    """The text format of every metric: aggregated over the folder's processes in multiprocess mode."""
    if multiprocess_dir() is None:
        return generate_latest(REGISTRY)
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def process_exited() -> None:
    """Drop this process's live gauges from the folder (counters and histograms stay summed in)."""
    if multiprocess_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
