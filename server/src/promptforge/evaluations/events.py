"""The project events an evaluation publishes for WebSocket clients (docs/evaluations.md, Live events)."""

from __future__ import annotations

from typing import Any

from promptforge.evaluations.models import Evaluation

PROGRESS = "evaluation.progress"
COMPLETED = "evaluation.completed"
FAILED = "evaluation.failed"
CANCELLED = "evaluation.cancelled"
FINISHED_EVENTS = {"completed": COMPLETED, "failed": FAILED, "cancelled": CANCELLED}
PROGRESS_SECONDS = 0.25  # at most ~4 progress events per second per evaluation


def progress_data(row: Evaluation) -> dict[str, Any]:
    """`{id, done, total, passed, failed, errors}`: the counters as committed."""
    return {
        "id": str(row.id),
        "done": row.done,
        "total": row.total,
        "passed": row.passed_count,
        "failed": row.failed_count,
        "errors": row.error_count,
    }


def finished_data(row: Evaluation) -> dict[str, Any]:
    """`{id, status, progress, passed}` of an evaluation that just finished."""
    progress = progress_data(row)
    del progress["id"]
    return {"id": str(row.id), "status": row.status, "progress": progress, "passed": row.passed}
