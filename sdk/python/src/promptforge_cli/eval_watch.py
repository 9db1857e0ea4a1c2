"""Follow a running evaluation to its end: live from the WebSocket, else by polling GET.

The WebSocket (`/api/v1/ws`, the API key as a Bearer header, docs/api.md "Live events") gives
`evaluation.progress` a few times a second and `evaluation.completed|cancelled|failed` at the end.
Events are best effort, so the evaluation is read once after subscribing (it may have finished
before), again whenever the socket is quiet for a while, and always at the end: GET is the truth.
Any socket failure (refused upgrade, proxy without WebSocket, dropped connection) falls back to
polling, which only costs latency.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

FINISHED = frozenset({"completed", "failed", "cancelled"})
END_EVENTS = frozenset({"evaluation.completed", "evaluation.cancelled", "evaluation.failed"})
QUIET_RECHECK_SECONDS = 5.0
POLL_SECONDS = 1.0

Evaluation = dict[str, Any]


def websocket_url(host: str) -> str:
    base = host.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/api/v1/ws"
    if base.startswith("http://"):
        return "ws://" + base[len("http://") :] + "/api/v1/ws"
    return base + "/api/v1/ws"


class _Bar:
    """A rich progress bar on stderr (stdout keeps the report clean for CI logs and pipes)."""

    def __init__(self, console: Console, name: str) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "[green]{task.fields[passed]} passed[/] [red]{task.fields[failed]} failed[/] "
                "[yellow]{task.fields[errors]} errors[/]"
            ),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task = self.progress.add_task(name, total=None, passed=0, failed=0, errors=0)

    def update(self, progress: dict[str, Any]) -> None:
        self.progress.update(
            self.task,
            completed=progress.get("done", 0),
            total=progress.get("total") or None,
            passed=progress.get("passed", 0),
            failed=progress.get("failed", 0),
            errors=progress.get("errors", 0),
        )

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _follow_socket(
    url: str,
    api_key: str,
    project_id: str,
    evaluation_id: str,
    read: Callable[[], Evaluation],
    bar: _Bar,
    deadline: float,
) -> Evaluation:
    """Follow over the WebSocket; raises OSError/WebSocketException/TimeoutError for the fallback."""
    with connect(
        url, additional_headers={"Authorization": f"Bearer {api_key}"}, open_timeout=10, close_timeout=2
    ) as socket:
        socket.send(json.dumps({"type": "subscribe", "project_id": project_id}))
        while True:  # wait for the subscription before the first read, so no end event slips between
            message = json.loads(socket.recv(timeout=10))
            if message.get("type") == "subscribed":
                break
            if message.get("type") == "error":
                raise WebSocketException(f"subscription refused: {message.get('message')}")
        evaluation = read()
        bar.update(evaluation["progress"])
        while evaluation["status"] not in FINISHED:
            if time.monotonic() > deadline:
                raise TimeoutError
            try:
                message = json.loads(socket.recv(timeout=QUIET_RECHECK_SECONDS))
            except TimeoutError:
                evaluation = read()  # quiet socket: an event may have been lost
                bar.update(evaluation["progress"])
                continue
            if message.get("type") != "event" or (message.get("data") or {}).get("id") != evaluation_id:
                continue
            data = message["data"]
            if message.get("event") == "evaluation.progress":
                bar.update(data)
            elif message.get("event") in END_EVENTS:
                evaluation = read()
                bar.update(evaluation["progress"])
        return evaluation


def _poll(read: Callable[[], Evaluation], bar: _Bar, deadline: float) -> Evaluation:
    evaluation = read()
    bar.update(evaluation["progress"])
    while evaluation["status"] not in FINISHED:
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(POLL_SECONDS)
        evaluation = read()
        bar.update(evaluation["progress"])
    return evaluation


def wait_for_evaluation(
    *,
    host: str,
    api_key: str,
    project_id: str,
    evaluation: Evaluation,
    read: Callable[[], Evaluation],
    console: Console,
    timeout: float,
    live: bool = True,
) -> Evaluation:
    """The evaluation once finished, showing its progress; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    with _Bar(console, evaluation["name"]) as bar:
        bar.update(evaluation["progress"])
        if live:
            try:
                return _follow_socket(
                    websocket_url(host), api_key, project_id, evaluation["id"], read, bar, deadline
                )
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
                console.print("[dim]Live events unavailable (timed out); polling instead.[/]")
            except (OSError, WebSocketException, ValueError) as exc:
                console.print(
                    f"[dim]Live events unavailable ({type(exc).__name__}: {exc}); polling instead.[/]"
                )
        return _poll(read, bar, deadline)
