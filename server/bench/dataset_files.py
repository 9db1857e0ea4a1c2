"""The issue's benchmark dataset file: N rows of 5 variable columns plus `__expected`, written as a stream.

`write_benchmark_csv(path, rows)` never holds more than one row in memory, so the bench can make a
file of any size; `python server/bench/dataset_files.py OUT.csv [ROWS]` does the same from a shell.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

COLUMNS = ["question", "context", "persona", "language", "difficulty", "__expected"]
_WORDS = [
    "prompt",
    "model",
    "answer",
    "cache",
    "label",
    "version",
    "dataset",
    "item",
    "import",
    "export",
    "worker",
    "queue",
    "latency",
    "token",
    "budget",
    "cost",
    "review",
    "policy",
    "evaluation",
    "metric",
    "threshold",
    "context",
    "persona",
    "language",
    "summary",
    "detail",
]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def write_benchmark_csv(path: Path | str, rows: int, *, seed: int = 9) -> int:
    """Write `rows` deterministic rows (same seed, same bytes) to `path`; returns the file's size in bytes."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for n in range(rows):
            writer.writerow(
                [
                    f"Q{n}: {_sentence(rng, 12)}?",
                    # quotes, commas and a newline inside a field, as real exports have
                    f'{_sentence(rng, 20)}, "quoted"\n{_sentence(rng, 8)}',
                    rng.choice(["novice", "expert", "support agent", "auditor"]),
                    rng.choice(["en", "fr", "de", "ja"]),
                    str(rng.randint(1, 5)),
                    f"contains: {rng.choice(_WORDS)}",
                ]
            )
    return target.stat().st_size


if __name__ == "__main__":
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    print(f"{out}: {count} rows, {write_benchmark_csv(out, count)} bytes")
