"""One evaluation as several shard jobs, so several workers share it (docs/evaluations.md, "Sharding").

A run is a *generation* (Evaluation.attempt_token): the launcher job (`evaluation-run`, enqueued at
creation, by retry-errors and on worker start) starts one when the evaluation is queued, splits it
into n shards and enqueues one `evaluation-shard` job per shard. Shard i runs the items whose
position % n == i with its share of the concurrency (the shares add up to the evaluation's
concurrency, so the limit holds in total across workers). Each shard attempt takes its shard over
with a token of its own (`Evaluation.shards`), so a presumed-dead attempt of one shard is fenced
off without disturbing the others. Every state change happens under the evaluation row lock: the
shard that finishes last (or the last to stop after a cancel) wraps the run up, exactly once.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from promptforge.evaluations.models import Evaluation

MIN_CELLS_PER_SHARD = 25  # below this a shard's start-up costs more than sharing saves
SHARD_JOB = "evaluation-shard"


def shard_count(configured: int, concurrency: int, cells: int, *, embedded: bool) -> int:
    """How many shards a run gets: 1 on the in-process queue (one process gains nothing from more)."""
    if embedded:
        return 1
    return max(1, min(configured, concurrency, math.ceil(cells / MIN_CELLS_PER_SHARD)))


def shard_concurrency(concurrency: int, count: int, shard: int) -> int:
    """Shard `shard`'s share of the concurrency; the shares of all shards add up to `concurrency`."""
    return concurrency // count + (1 if shard < concurrency % count else 0)


def shard_key(evaluation_id: uuid.UUID, generation: uuid.UUID, shard: int) -> str:
    """The queue key of a shard job: repeats of the same generation's shard are no-ops while pending."""
    return f"{evaluation_id}:{generation.hex}:{shard}"


@dataclass
class ShardState:
    """The `Evaluation.shards` JSON of the running generation, read and written under the row lock."""

    count: int
    tokens: dict[str, str | None] = field(default_factory=dict)
    finished: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, row: Evaluation) -> ShardState | None:
        data = row.shards
        if not data:
            return None
        return cls(int(data["count"]), dict(data.get("tokens") or {}), list(data.get("finished") or []))

    def save(self, row: Evaluation) -> None:
        # A new dict: SQLAlchemy sees a JSON column change only on assignment.
        row.shards = {"count": self.count, "tokens": self.tokens, "finished": sorted(self.finished)}

    @property
    def unfinished(self) -> list[int]:
        return [shard for shard in range(self.count) if shard not in self.finished]

    @property
    def all_finished(self) -> bool:
        return not self.unfinished

    def holds(self, shard: int, token: uuid.UUID) -> bool:
        return self.tokens.get(str(shard)) == token.hex and shard not in self.finished

    def take(self, shard: int, token: uuid.UUID) -> None:
        self.tokens[str(shard)] = token.hex

    def finish(self, shard: int) -> None:
        self.tokens[str(shard)] = None
        if shard not in self.finished:
            self.finished.append(shard)


def owns_shard(row: Evaluation | None, generation: uuid.UUID, shard: int, token: uuid.UUID) -> bool:
    """Whether this shard attempt may still write: same generation and its own token unchanged."""
    if row is None or row.attempt_token != generation:
        return False
    state = ShardState.of(row)
    return state is not None and state.holds(shard, token)


def start_generation(row: Evaluation, count: int) -> uuid.UUID:
    """A new run of the evaluation in `count` shards; attempts of any earlier run are fenced off."""
    generation = uuid.uuid4()
    row.attempt_token = generation
    ShardState(count).save(row)
    return generation


def shard_jobs(row: Evaluation) -> list[tuple[str, dict[str, Any]]]:
    """(key, kwargs) of every shard job of the running generation not finished yet."""
    state = ShardState.of(row)
    if state is None or row.attempt_token is None:
        return []
    generation = row.attempt_token
    return [
        (
            shard_key(row.id, generation, shard),
            {"evaluation_id": str(row.id), "generation": generation.hex, "shard": shard},
        )
        for shard in state.unfinished
    ]
