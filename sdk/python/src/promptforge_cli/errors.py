"""Exit codes and the one exception type every `pf` command raises for an expected failure.

0: done. 1: the work failed or was refused (an evaluation failed, a protected label, a rejected
file). 2: pf could not do the work at all (bad usage, no or bad credentials, server unreachable).
`main.run` prints the message on stderr and exits with the code: a user never sees a traceback.
"""

from __future__ import annotations

from typing import Any

OK = 0
FAILED = 1
USAGE = 2


class PfError(Exception):
    """An expected failure: `message` goes to stderr, `exit_code` ends the process."""

    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageProblem(PfError):
    """Bad flags or configuration: exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE)


class ConnectionProblem(PfError):
    """The server could not be reached or answered garbage: exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE)


class ApiError(PfError):
    """The server answered with an RFC 9457 problem. 401 is an auth problem (exit 2); anything
    else means the server refused or could not do this work (exit 1)."""

    def __init__(self, status: int, problem: dict[str, Any], what: str = "") -> None:
        self.status = status
        self.code = str(problem.get("code") or "")
        self.detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
        self.field_errors: list[dict[str, Any]] = list(problem.get("errors") or [])
        prefix = f"{what}: " if what else ""
        message = f"{prefix}{self.detail} (HTTP {status}{', ' + self.code if self.code else ''})"
        if status == 401:
            message += "\nCheck the API key (--api-key, PF_API_KEY, or `pf login`)."
        extra = [
            f"  {'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}"
            for e in self.field_errors[:10]
            if e.get("msg") and e.get("msg") != self.detail
        ]
        if extra:
            message += "\n" + "\n".join(extra)
        super().__init__(message, USAGE if status == 401 else FAILED)
