"""A hard time limit for Python code running in this thread, enforced by a trace function."""

from __future__ import annotations

import inspect
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from promptforge.prompts.rendering.errors import RenderTimeout
from promptforge.prompts.rendering.sandbox import TEMPLATE_FILENAME

if TYPE_CHECKING:
    from _typeshed import TraceFunction

T = TypeVar("T")
_GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_ASYNC_GENERATOR | inspect.CO_COROUTINE


def call_with_deadline(fn: Callable[[], T], seconds: float) -> T:
    """Run fn in this thread, raising RenderTimeout from inside it once `seconds` have passed.

    The global trace function sees every Python call; line events (one per loop iteration)
    are only requested for template code, which keeps the overhead of tracing small.  Loops
    elsewhere either call Python functions per iteration or are bounded by the size guards.
    """
    deadline = time.monotonic() + seconds

    def on_line(frame: FrameType, event: str, arg: Any) -> TraceFunction:
        if time.monotonic() > deadline:
            raise RenderTimeout
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        # A generator may be resumed only to be closed while the timeout unwinds (RE2's search is
        # one); raising there is reported as "Exception ignored". Its next call or line raises.
        if time.monotonic() > deadline and not frame.f_code.co_flags & _GENERATOR_FLAGS:
            raise RenderTimeout
        return on_line if frame.f_code.co_filename == TEMPLATE_FILENAME else None

    previous = sys.gettrace()  # the event loop's thread may be traced (coverage, debugger)
    sys.settrace(on_call)
    try:
        return fn()
    finally:
        sys.settrace(previous)
