"""The fake LLM server (server/tests/fake_llm.py) as a process of its own, for benchmarks: the
provider's work must not share the worker's or the benchmark's CPU accounting.

`python server/bench/fake_provider.py PORT`; model `slow-100ms-...` answers after a fixed 100 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fake_llm import FakeLLM, build_app


class QuietFakeLLM(FakeLLM):
    """Keeps no request log: a long benchmark would only grow it."""

    def record(self, request: object, body: dict[str, object] | None) -> int:
        return 0


if __name__ == "__main__":
    uvicorn.run(build_app(QuietFakeLLM()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
