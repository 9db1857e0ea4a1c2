"""pf's evaluation follower falls back to polling when the WebSocket cannot be used."""

from __future__ import annotations

import io
import socket
from typing import Any

from rich.console import Console

from promptforge_cli.eval_watch import wait_for_evaluation, websocket_url


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_websocket_url_follows_the_scheme() -> None:
    assert websocket_url("https://pf.example.com/") == "wss://pf.example.com/api/v1/ws"
    assert websocket_url("http://127.0.0.1:8000") == "ws://127.0.0.1:8000/api/v1/ws"


def test_unreachable_websocket_falls_back_to_polling() -> None:
    states = iter(["queued", "running", "completed"])
    reads: list[str] = []

    def read() -> dict[str, Any]:
        status = next(states)
        reads.append(status)
        done = 2 if status == "completed" else 0
        return {
            "id": "e",
            "name": "n",
            "status": status,
            "progress": {"done": done, "total": 2, "passed": done, "failed": 0, "errors": 0},
        }

    stream = io.StringIO()
    first = {
        "id": "e",
        "name": "n",
        "status": "queued",
        "progress": {"done": 0, "total": 2, "passed": 0, "failed": 0, "errors": 0},
    }
    final = wait_for_evaluation(
        host=f"http://127.0.0.1:{closed_port()}",
        api_key="pf_x",
        project_id="p",
        evaluation=first,
        read=read,
        console=Console(file=stream, width=120),
        timeout=30,
    )
    assert final["status"] == "completed"
    assert reads == ["queued", "running", "completed"]
    assert "Live events unavailable" in stream.getvalue() and "polling instead" in stream.getvalue()
