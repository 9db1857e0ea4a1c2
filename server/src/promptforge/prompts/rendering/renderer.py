"""The Renderer: resolves includes, compiles through a cache, renders under the deadline and limits.

Almost every render takes microseconds, so it is first tried inline under a few-millisecond
deadline (no thread hop, no GIL hand-offs); only a render that needs longer moves to a worker
thread with the full deadline, so the event loop is never held longer than INLINE_BUDGET_SECONDS.
Composition: `prompt("name", label=...)` / `prompt("name", version=N)` with constant arguments;
includes are loaded before rendering starts, without label or version the label "latest".
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from promptforge.prompts.rendering.deadline import call_with_deadline
from promptforge.prompts.rendering.errors import (
    Loc,
    NeedsMoreTime,
    RenderTimeout,
    TooLarge,
    UnknownInclude,
    field_error,
    render_failure,
)
from promptforge.prompts.rendering.size_guard import with_guard
from promptforge.prompts.rendering.templates import (
    CHAT_ROLES,
    Compiled,
    IncludeKey,
    Kind,
    RenderLimits,
    TemplateUnit,
    check_size_and_encoding,
    compile_unit,
    include_key,
    template_units,
)
from promptforge.prompts.rendering.variables import validate_variables

MAX_INCLUDE_DEPTH = 5
TEMPLATE_CACHE_SIZE = 512
INLINE_BUDGET_SECONDS = 0.005


@dataclass(frozen=True)
class TemplateSource:
    """One prompt version as the renderer needs it; `variables` is its declared JSON Schema."""

    name: str
    version: int
    kind: Kind
    template: str | list[dict[str, Any]]
    variables: dict[str, Any] | None


IncludeLoader = Callable[[str, str | None, int | None], Awaitable[TemplateSource]]
"""(name, label, version) -> source; label is "latest" when neither was given; raises NotFound itself."""


@dataclass(frozen=True)
class RenderResult:
    """`text` for text prompts, `messages` for chat prompts."""

    text: str | None
    messages: list[dict[str, Any]] | None


@dataclass
class _Part:
    """A unit of a resolved prompt: compiled text, or a chat placeholder."""

    role: str | None
    compiled: Compiled | None
    placeholder: str | None


@dataclass
class _Node:
    """A prompt with its compiled units and its resolved includes."""

    source: TemplateSource
    parts: list[_Part]
    children: dict[IncludeKey, _Node]


class CompiledCache:
    """Bounded LRU of compiled templates keyed by the template text.

    The key is the text itself: dict hashing is the content hash and equality rules out
    collisions.  Unlike functools.lru_cache it can be read on the event loop without
    compiling, so a warm render needs no trip to the thread pool.
    """

    def __init__(self, size: int) -> None:
        self._items: LRUCache[str, Compiled] = LRUCache(maxsize=size)
        self._lock = threading.Lock()  # written from worker threads, read on the event loop

    def get(self, source: str) -> Compiled | None:
        """The compiled unit, marked as recently used; None on a miss."""
        with self._lock:
            return self._items.get(source)

    def put(self, source: str, compiled: Compiled) -> None:
        """Store a compiled unit, evicting the least recently used beyond the size."""
        with self._lock:
            self._items[source] = compiled


class _Budget:
    """Counts UTF-8 bytes of output and fails as soon as the limit is passed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, text: str) -> None:
        # strict encoding: a lone surrogate from a variable cannot be sent as JSON (UnicodeError → 422)
        self.used += len(text) if text.isascii() else len(text.encode("utf-8"))
        if self.used > self.limit:
            raise TooLarge(f"The rendered output exceeds {self.limit} bytes.")


class _Render:
    """One render of a resolved include tree, run under the deadline."""

    def __init__(self, variables: dict[str, Any], limit: int) -> None:
        self._variables = variables
        self._limit = limit
        self._included: dict[int, str] = {}  # id(node) -> its text: an include renders once per render

    def run(self, root: _Node) -> RenderResult:
        validate_variables(root.source.variables, self._variables)
        budget = _Budget(self._limit)
        if root.source.kind == "text":
            return RenderResult(text=self._unit(root, root.parts[0], budget), messages=None)
        messages: list[dict[str, Any]] = []
        for part in root.parts:
            if part.placeholder is not None:
                messages.extend(self._placeholder(part.placeholder, budget))
            else:
                messages.append({"role": part.role, "content": self._unit(root, part, budget)})
        return RenderResult(text=None, messages=messages)

    def _unit(self, node: _Node, part: _Part, budget: _Budget) -> str:
        assert part.compiled is not None
        context = {**self._variables, "prompt": self._prompt_function(node)}
        chunks: list[str] = []
        # generate() streams, so the budget stops an oversized output before it is ever joined
        for chunk in part.compiled.template.generate(context):
            budget.spend(chunk)
            chunks.append(chunk)
        return "".join(chunks)

    def _prompt_function(self, node: _Node) -> Callable[..., str]:
        def prompt(name: str, label: str | None = None, version: int | None = None) -> str:
            child = node.children.get(include_key(name, label, version))
            if child is None:
                raise UnknownInclude(name)
            if id(child) not in self._included:
                self._included[id(child)] = self._unit(child, child.parts[0], _Budget(self._limit))
            return self._included[id(child)]

        return prompt

    def _placeholder(self, name: str, budget: _Budget) -> list[dict[str, Any]]:
        loc: Loc = ["body", "variables", name]
        if name not in self._variables:
            raise field_error(loc, f"Missing variable '{name}' (placeholder messages).", "missing_variable")
        value = self._variables[name]
        if not isinstance(value, list):
            raise field_error(loc, f"Placeholder '{name}' must be a list of messages.", "invalid_placeholder")
        messages = []
        for i, item in enumerate(value):
            ok = (
                isinstance(item, dict)
                and item.get("role") in CHAT_ROLES
                and isinstance(item.get("content"), str)
            )
            if not ok:
                msg = f"Placeholder '{name}' item {i} must be {{role: system|user|assistant, content}}."
                raise field_error([*loc, i], msg, "invalid_placeholder")
            budget.spend(item["content"])
            messages.append({"role": item["role"], "content": item["content"]})
        return messages


class Renderer:
    """Renders prompt versions off the event loop, with a compiled-template cache and hard limits."""

    def __init__(self, limits: RenderLimits, max_workers: int = 2) -> None:
        self.limits = limits
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="promptforge-render")
        self._cache = CompiledCache(TEMPLATE_CACHE_SIZE)

    async def render(
        self, source: TemplateSource, variables: dict[str, Any], loader: IncludeLoader
    ) -> RenderResult:
        """Render `source` with `variables` (checked against `source.variables` first).

        Includes are loaded through `loader` before rendering; `prompt("x")` without label or
        version asks for label "latest", the newest version.  Every failure a template or its
        variables can cause is an `Unprocessable` (422); the loader's NotFound passes through.
        """
        loaded: dict[IncludeKey, TemplateSource] = {}
        root = await self._resolve(source, loader, ((source.name, source.version),), loaded)
        with contextlib.suppress(NeedsMoreTime):
            return self._render_sync(root, variables, INLINE_BUDGET_SECONDS)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._render_sync, root, variables)

    def close(self) -> None:
        """Stop the worker threads (a running render still ends at its deadline)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _resolve(
        self,
        source: TemplateSource,
        loader: IncludeLoader,
        chain: tuple[tuple[str, int], ...],
        loaded: dict[IncludeKey, TemplateSource],
    ) -> _Node:
        """Compile a prompt and, recursively, every prompt it includes."""
        loc: Loc = ["body", "template"] if len(chain) == 1 else ["include", source.name, "template"]
        units = template_units(source.kind, source.template, loc, self.limits)
        check_size_and_encoding(units, self.limits, loc)
        compiled = await self._compile_all([u for u in units if u.content is not None])
        parts = [_Part(u.role, compiled.get(u.content or ""), u.placeholder) for u in units]
        node = _Node(source, parts, {})
        for part in parts:
            for key in part.compiled.includes if part.compiled else ():
                if key not in node.children:
                    node.children[key] = await self._include(key, loader, chain, loaded)
        return node

    async def _include(
        self,
        key: IncludeKey,
        loader: IncludeLoader,
        chain: tuple[tuple[str, int], ...],
        loaded: dict[IncludeKey, TemplateSource],
    ) -> _Node:
        if key not in loaded:
            loaded[key] = await loader(*key)
        child = loaded[key]
        names = " → ".join([*(name for name, _ in chain), child.name])
        if (child.name, child.version) in chain:
            raise field_error(["body", "template"], f"Include cycle: {names}.", "include_cycle")
        if len(chain) > MAX_INCLUDE_DEPTH:
            msg = f"Includes are nested deeper than {MAX_INCLUDE_DEPTH}: {names}."
            raise field_error(["body", "template"], msg, "include_depth")
        if child.kind != "text":
            msg = f"Only text prompts can be included; '{child.name}' is a {child.kind} prompt."
            raise field_error(["body", "template"], msg, "invalid_include")
        return await self._resolve(child, loader, (*chain, (child.name, child.version)), loaded)

    async def _compile_all(self, units: list[TemplateUnit]) -> dict[str, Compiled]:
        """Compiled units from the cache; only misses take a trip to the thread pool."""
        found: dict[str, Compiled] = {}
        todo: list[TemplateUnit] = []
        for unit in units:
            assert unit.content is not None
            hit = self._cache.get(unit.content)
            if hit is not None:
                found[unit.content] = hit
            else:
                todo.append(unit)
        if todo:
            loop = asyncio.get_running_loop()
            found.update(await loop.run_in_executor(self._pool, self._compile_sync, todo))
        return found

    def _compile_sync(self, units: list[TemplateUnit]) -> dict[str, Compiled]:
        compiled: dict[str, Compiled] = {}
        for unit in units:
            assert unit.content is not None
            entry = compile_unit(unit.content, unit.loc, self.limits.output_max_bytes)
            self._cache.put(unit.content, entry)
            compiled[unit.content] = entry
        return compiled

    def _render_sync(
        self, root: _Node, variables: dict[str, Any], inline_budget: float | None = None
    ) -> RenderResult:
        """Validate the variables and render, both under the deadline and the size guard."""
        limits = self.limits
        seconds = (
            limits.timeout_seconds if inline_budget is None else min(inline_budget, limits.timeout_seconds)
        )
        job = functools.partial(_Render(variables, limits.output_max_bytes).run, root)
        try:
            return with_guard(limits.output_max_bytes, functools.partial(call_with_deadline, job, seconds))
        except RenderTimeout:
            if inline_budget is not None and inline_budget < limits.timeout_seconds:
                raise NeedsMoreTime from None
            msg = f"Rendering took longer than {limits.timeout_seconds:g} s and was stopped."
            raise field_error(["body"], msg, "render_timeout") from None
        except Exception as exc:
            raise render_failure(exc) from None
