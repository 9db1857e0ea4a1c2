"""Sandboxed Jinja2 rendering of prompt templates with hard time, size and composition limits.

DESIGN.md §6 and §11: a sandbox bounds no CPU or memory, so on top of Jinja's
`ImmutableSandboxedEnvironment` (with `StrictUndefined`, autoescape off):

* Nothing Jinja runs on the event loop: compiling and rendering happen in the
  `Renderer`'s small thread pool.
* Time: the render thread installs `sys.settrace` with a trace function that
  raises once the deadline has passed.  Jinja compiles templates to Python, so
  every loop iteration and call produces a trace event and a runaway template
  is stopped within the limit, while the event loop keeps serving.
* Size: tracing cannot interrupt a single C-level operation, so every operation
  that can build a large value in one step (`*`, `**`, `%`, `+`, `~`, container
  literals, `namespace` assignments, buffered blocks, str methods, filters,
  `{{ ... }}` output) first estimates its result and refuses anything beyond
  `output_max_bytes`.  The streamed output is counted chunk by chunk.
* Composition: `prompt("name", label=...)` / `prompt("name", version=N)` with
  constant arguments only.  Includes are resolved (the loader is awaited) before
  rendering starts; inside the sandbox `prompt(...)` renders the pre-loaded
  include with the same variables.  Without label or version, the label
  `"latest"` (the newest version) is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import string
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import jsonschema
from jinja2 import meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Template
from jinja2.exceptions import (
    SecurityError,
    TemplateError,
    TemplateRuntimeError,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.runtime import Context, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, missing

from promptforge.core.errors import AppError, Unprocessable

if TYPE_CHECKING:
    from _typeshed import TraceFunction

Kind = Literal["text", "chat"]
Loc = list[str | int]
T = TypeVar("T")

MAX_INCLUDE_DEPTH = 5
DEFAULT_INCLUDE_LABEL = "latest"
CHAT_ROLES = frozenset({"system", "user", "assistant"})
PLACEHOLDER_ROLE = "placeholder"
TEMPLATE_CACHE_SIZE = 512
INLINE_BUDGET_SECONDS = 0.005
# Python refuses to print ints longer than this (sys.int_info.default_max_str_digits); bigger
# numbers are useless in a prompt and multiplying them can take seconds in one C call.
MAX_INT_DIGITS = 4300
SECURITY_MESSAGE = "The template tried an operation that is not allowed in prompt templates."


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class RenderLimits:
    """Settings-driven limits applied to every render."""

    template_max_bytes: int = 65536
    output_max_bytes: int = 1_048_576
    timeout_seconds: float = 1.0


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


# --------------------------------------------------------------------------- private errors


class _NeedsMoreTime(Exception):
    """The inline attempt ran out of its small budget: render again in a worker thread."""


class _Timeout(BaseException):
    """Raised by the trace function; a BaseException so no `except Exception` in Jinja swallows it."""


class _TooLarge(Exception):
    """A value or the output would exceed the output limit."""


class _UnknownInclude(Exception):
    """`prompt(...)` was called with arguments that were not resolved before rendering."""


class _MissingVariable(UndefinedError):
    """StrictUndefined failure that remembers which name was missing."""

    def __init__(self, message: str | None = None, *, name: str | None = None, nested: bool = False) -> None:
        super().__init__(message)
        self.name = name
        self.nested = nested


def _error(loc: Loc, msg: str, code: str) -> Unprocessable:
    return Unprocessable.field(loc, msg, code=code)


# --------------------------------------------------------------------------- size guard


_local = threading.local()
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")
_FORMATTER = string.Formatter()
# concrete types only: isinstance against ABCs runs Python code, and this is on the hot path
_CONTAINERS: tuple[type, ...] = (
    list,
    tuple,
    dict,
    set,
    frozenset,
    type({}.keys()),
    type({}.values()),
    type({}.items()),
)


def _small_int(text: str, cap: int) -> int:
    """int(text) without tripping over absurdly long digit strings."""
    return int(text) if len(text) < 12 else cap + 1


def _int_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


class _Guard:
    """Per-render size accounting: estimates how long a value would be *before* anything builds it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # id -> (object, weight); the object is kept so its id cannot be reused during this render
        self._memo: dict[int, tuple[Any, int]] = {}

    def check(self, size: int, what: str = "a value") -> None:
        if size > self.limit:
            raise _TooLarge(f"{what} would exceed the output limit of {self.limit} bytes")

    def check_value(self, value: Any) -> None:
        """Refuse strings and containers whose printed form would exceed the limit."""
        if isinstance(value, str):
            self.check(len(value), "a string")
        elif isinstance(value, (*_CONTAINERS, Namespace)):
            self.check(self.weight(value), "a value")

    def weight(self, value: Any) -> int:
        """Roughly len(str(value)), counting shared sub-objects each time; stops once past the limit."""
        if isinstance(value, str):
            return len(value)
        if isinstance(value, bool) or value is None:
            return 5
        if isinstance(value, int):
            return value.bit_length() // 3 + 2
        if isinstance(value, float):
            return 24
        if isinstance(value, Namespace):  # mutable, so never memoized
            return self._sum(object.__getattribute__(value, "_Namespace__attrs").items(), 12)
        if isinstance(value, range):
            return len(value) * (max(abs(value.start), abs(value.stop)).bit_length() // 3 + 4)
        if not isinstance(value, _CONTAINERS):
            return 64
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        total = self._sum(value.items() if isinstance(value, dict) else cast("Iterable[Any]", value), 2)
        self._memo[id(value)] = (value, total)
        return total

    def _sum(self, entries: Iterable[Any], base: int) -> int:
        total = base
        for entry in entries:
            total += self.weight(entry) + 2
            if total > self.limit:
                break
        return total

    def binop_size(self, operator: str, left: Any, right: Any) -> int:
        """Estimated size of `left <operator> right` for the intercepted operators."""
        if operator == "+":
            sequences = (str, list, tuple)
            both = isinstance(left, sequences) and isinstance(right, sequences)
            return self.weight(left) + self.weight(right) if both else 0
        if operator == "*":
            return self._product_size(left, right)
        if operator == "**":
            return self._power_size(left, right)
        if operator == "%" and isinstance(left, str):
            return self.percent_size(left, right)
        return 0

    def _product_size(self, left: Any, right: Any) -> int:
        if isinstance(left, int) and not isinstance(right, int):
            left, right = right, left
        if not isinstance(right, int):
            return 0
        if isinstance(left, str | list | tuple):
            return self.weight(left) * max(right, 0)
        if isinstance(left, int):
            return self._digits_size(left.bit_length() + right.bit_length())
        return 0

    def _power_size(self, base: Any, exponent: Any) -> int:
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
            return self._digits_size(base.bit_length() * exponent)
        return 0

    def _digits_size(self, bits: int) -> int:
        """Size of an int with `bits` bits; anything over MAX_INT_DIGITS counts as too large."""
        digits = bits // 3 + 1
        return digits if digits <= MAX_INT_DIGITS else self.limit + 1

    def percent_size(self, fmt: str, values: Any) -> int:
        """Estimated size of `fmt % values` (also the `format` filter)."""
        specs = _PERCENT_SPEC.findall(fmt)
        items: tuple[Any, ...] = ()
        if isinstance(values, dict):
            body = len(specs) * max((self.weight(v) for v in values.values()), default=0)
        else:
            items = values if isinstance(values, tuple) else (values,)
            body = sum(self.weight(v) for v in items)
        widths = 0
        for spec in specs:
            for part in spec:
                if part == "*":
                    widths += max((abs(v) for v in items if isinstance(v, int)), default=0)
                elif part:
                    widths += _small_int(part, self.limit)
        return len(fmt) + body + widths

    def format_size(self, fmt: str, values: list[Any]) -> int:
        """Estimated size of `fmt.format(...)`: every field may repeat the biggest argument."""
        fields = widths = 0
        try:
            for _text, field, spec, _conversion in _FORMATTER.parse(fmt):
                fields += field is not None
                if spec:
                    widths += sum(_small_int(d, self.limit) for d in _DIGITS.findall(spec))
                if spec and "{" in spec:
                    widths += max((abs(v) for v in values if isinstance(v, int)), default=0)
        except ValueError:  # malformed format string: str.format raises it again, cheaply
            return len(fmt)
        biggest = max((self.weight(v) for v in values), default=0)
        return len(fmt) + fields * biggest + widths

    def str_method_args(
        self, text: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Check a str method call before it runs; returns args (join's iterable made a list)."""
        if method == "join":
            items = list(args[0]) if args else []
            args = (items, *args[1:])
            self.check(sum(self.weight(i) for i in items) + len(text) * len(items), "str.join")
        elif method in ("center", "ljust", "rjust", "zfill"):
            width = args[0] if args else 0
            self.check(width if isinstance(width, int) else 0, f"str.{method}")
        elif method == "replace" and len(args) >= 2:
            self.check(_replace_size(text, args[0], args[1], args[2] if len(args) > 2 else -1), "str.replace")
        elif method == "format":
            self.check(self.format_size(text, [*args, *kwargs.values()]), "str.format")
        elif method == "format_map" and args and isinstance(args[0], dict):
            self.check(self.format_size(text, list(args[0].values())), "str.format_map")
        return args


def _replace_size(text: str, old: Any, new: Any, count: Any) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _guard() -> _Guard:
    """The guard of the render running in this thread (a default one for compile-time folding)."""
    guard: _Guard | None = getattr(_local, "guard", None)
    return guard if guard is not None else _Guard(_DEFAULT_OUTPUT_LIMIT)


def _with_guard(limit: int, fn: Callable[[], T]) -> T:
    """Run fn with a fresh size guard installed for this thread."""
    previous = getattr(_local, "guard", None)
    _local.guard = _Guard(limit)
    try:
        return fn()
    finally:
        _local.guard = previous


# --------------------------------------------------------------------------- guarded filters


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _indent_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    width = _int_arg(args, kwargs, 0, "width", 4)
    per_line = width if isinstance(width, int) else len(_text(width))
    return len(text) + (text.count("\n") + 1) * max(per_line, 0)


def _wordwrap_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    width = _int_arg(args, kwargs, 0, "width", 79)
    wrap = _int_arg(args, kwargs, 2, "wrapstring", None) or "\n"
    lines = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count("\n") + 1
    return len(text) + lines * len(_text(wrap))


def _urlize_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    extra = sum(len(a) for a in (*args, *kwargs.values()) if isinstance(a, str)) + 64
    links = text.count(".") + text.count("@") + text.count(":") + 1
    return len(text) * 3 + links * extra


def _join_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    separator = _text(_int_arg(args, kwargs, 0, "d", ""))
    return sum(g.weight(v) for v in value) + len(separator) * len(value)


def _fill_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    # batch/slice repeat fill_with by reference: a container there would double structures cheaply;
    # the count also bounds slice's Python loop, which makes no calls the deadline could see
    fill = _int_arg(args, kwargs, 1, "fill_with", None)
    if fill is not None and not isinstance(fill, str | int | float):
        raise _TooLarge("fill_with must be a string or a number")
    count = args[0] if args else kwargs.get("linecount", kwargs.get("slices", 0))
    return (count if isinstance(count, int) else 0) * max(g.weight(fill), 1)


def _center_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = _int_arg(args, kwargs, 0, "width", 80)
    return max(len(_text(value)), width if isinstance(width, int) else 0)


def _replace_filter_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    old, new = _int_arg(args, kwargs, 0, "old", None), _int_arg(args, kwargs, 1, "new", None)
    return _replace_size(_text(value), old, new, _int_arg(args, kwargs, 2, "count", None))


def _format_filter_size(g: _Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return g.percent_size(_text(value), kwargs or args)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FilterSize = Callable[[_Guard, Any, tuple[Any, ...], dict[str, Any]], int]

_FILTER_SIZES: dict[str, FilterSize] = {
    "center": _center_size,
    "indent": _indent_size,
    "wordwrap": _wordwrap_size,
    "replace": _replace_filter_size,
    "format": _format_filter_size,
    "join": _join_size,
    "urlize": _urlize_size,
    "batch": _fill_size,
    "slice": _fill_size,
}
# Filters that never turn their input into a string, so a big container input is harmless.
_PASSIVE_FILTERS = _words(
    "length count first last random default d attr abs int float round list reverse sort unique "
    "map select reject selectattr rejectattr dictsort items min max groupby batch slice "
    "filesizeformat"
)
_DROPPED_FILTERS = frozenset({"pprint"})  # debugging aid whose output size is hard to bound


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter: check container input, estimate the result before running, check it after."""
    if name in _PASSIVE_FILTERS and name not in _FILTER_SIZES:
        return func  # neither stringifies nor repeats its input: nothing to guard
    offset = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    estimate = _FILTER_SIZES.get(name)
    passive = name in _PASSIVE_FILTERS

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja still passes context/environment
    def guarded(*args: Any, **kwargs: Any) -> Any:
        guard = _guard()
        if len(args) > offset:
            value = args[offset]
            if name == "join" and not isinstance(value, list | tuple):
                value = list(value)  # measure once, then hand the same items to the filter
                args = (*args[:offset], value, *args[offset + 1 :])
            if not passive and not isinstance(value, str):
                guard.check_value(value)
            if estimate is not None:
                guard.check(estimate(guard, value, args[offset + 1 :], kwargs), f"the {name} filter")
        result = func(*args, **kwargs)
        guard.check_value(result)
        return result

    return guarded


def _guarded_json_dumps(obj: Any, **kwargs: Any) -> str:
    """json.dumps that counts while encoding, so `tojson(indent=...)` cannot build a huge string."""
    if kwargs.get("indent") is None:  # output is linear in the input, whose size the filter checked
        return json.dumps(obj, **kwargs)
    guard, size, parts = _guard(), 0, []
    for chunk in json.JSONEncoder(**kwargs).iterencode(obj):
        size += len(chunk)
        guard.check(size, "tojson output")
        parts.append(chunk)
    return "".join(parts)


def _guarded_join(parts: Iterable[str]) -> str:
    """environment.concat: joins the buffers of macros, `{% set %}` and `{% filter %}` blocks."""
    items = list(parts)
    _guard().check(sum(map(len, items)), "a block")
    return "".join(items)


def _finalize(value: Any) -> Any:
    """Applied to every `{{ ... }}` before str(): refuses values whose text would exceed the limit."""
    _guard().check_value(value)
    return value


class _Namespace(Namespace):
    """`namespace()` whose attribute assignments go through the guard (they carry state across loops)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _guard().check_value(value)
        super().__setitem__(name, value)


class _Undefined(StrictUndefined):
    """StrictUndefined whose error names the missing variable, so the 422 can point at it."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[TemplateRuntimeError] = UndefinedError,
    ) -> None:
        if exc is UndefinedError:  # the sandbox passes SecurityError for unsafe attributes: keep that
            exc = cast(
                "type[TemplateRuntimeError]",
                functools.partial(_MissingVariable, name=name, nested=obj is not missing),
            )
        super().__init__(hint, obj, name, exc)


class _CodeGenerator(CodeGenerator):
    """Routes `~` and container literals through the guard: the sandbox has no hook for them."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.guarded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.guarded_value(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("environment.guarded_value(")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # assignment targets such as `{% for a, b in ... %}`
            super().visit_Tuple(node, frame)
            return
        self.write("environment.guarded_value(")
        super().visit_Tuple(node, frame)
        self.write(")")


# str methods templates may call; the rest (translate, expandtabs, encode, ...) can amplify or leak.
_STR_METHODS = _words(
    "capitalize casefold center count endswith find format format_map index isalnum isalpha "
    "isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle "
    "isupper join ljust lower lstrip partition removeprefix removesuffix replace rfind rindex "
    "rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title upper zfill"
)


class _SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size guards on every operation that can build a large value."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CodeGenerator

    def __init__(self) -> None:
        # Prompts are plain text for LLMs, not HTML: escaping would corrupt them.
        super().__init__(undefined=_Undefined, autoescape=False, finalize=_finalize)
        self.concat = _guarded_join  # type: ignore[method-assign]
        self.filters = {n: _guard_filter(n, f) for n, f in self.filters.items() if n not in _DROPPED_FILTERS}
        self.globals["namespace"] = _Namespace
        self.policies["json.dumps_function"] = _guarded_json_dumps

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) is str and attr not in _STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _guard().check(_guard().binop_size(operator, left, right), f"the {operator} operator")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format / format_map come wrapped from attribute access; guard the wrapper too."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        text, method = value.__self__, value.__name__

        def guarded(*args: Any, **kwargs: Any) -> str:
            _guard().str_method_args(text, method, args, kwargs)
            return wrapped(*args, **kwargs)

        return guarded

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        guard = _guard()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):  # str methods: bounded by estimates, results are linear
            args = guard.str_method_args(owner, getattr(__obj, "__name__", ""), args, kwargs)
            return super().call(__context, __obj, *args, **kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        guard.check_value(result)  # e.g. dict(a=x, b=x) nested in a loop
        return result

    def guarded_concat(self, parts: tuple[Any, ...]) -> str:
        """The `~` operator."""
        guard = _guard()
        guard.check(sum(guard.weight(p) for p in parts), "the ~ operator")
        return "".join(map(str, parts))

    def guarded_value(self, value: T) -> T:
        """List, tuple and dict literals."""
        _guard().check_value(value)
        return value


_DEFAULT_OUTPUT_LIMIT = RenderLimits().output_max_bytes
_TEMPLATE_FILENAME = "<template>"  # what Jinja names the code of templates built from strings
_ENV = _SandboxEnvironment()
_RESERVED_NAMES = frozenset({"prompt", *_ENV.globals})
_PLACEHOLDER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


# --------------------------------------------------------------------------- parsing and checks


IncludeKey = tuple[str, str | None, int | None]


@dataclass(frozen=True)
class _Message:
    """One template unit: a text template, a chat message or a chat placeholder."""

    role: str | None
    content: str | None
    placeholder: str | None
    loc: Loc


@dataclass(frozen=True)
class _Compiled:
    template: Template
    includes: tuple[IncludeKey, ...]


def _include_key(name: Any, label: Any, version: Any) -> IncludeKey:
    """Normalise include arguments; no label and no version means label "latest"."""
    if label is None and version is None:
        label = DEFAULT_INCLUDE_LABEL
    return (name, label, version)


def _messages(kind: str, template: Any, loc: Loc) -> list[_Message]:
    """Validate the shape of a template and split it into units."""
    if kind == "text":
        if not isinstance(template, str):
            raise _error(loc, "A text template must be a string.", "invalid_template")
        return [_Message(None, template, None, loc)]
    if kind != "chat":
        raise _error(["body", "kind"], "kind must be 'text' or 'chat'.", "invalid_template")
    if not isinstance(template, list) or not template:
        raise _error(loc, "A chat template must be a non-empty list of messages.", "invalid_template")
    return [_chat_message(item, [*loc, i]) for i, item in enumerate(template)]


def _chat_message(item: Any, loc: Loc) -> _Message:
    if not isinstance(item, dict):
        raise _error(loc, "A chat message must be an object.", "invalid_template")
    role = item.get("role")
    if role == PLACEHOLDER_ROLE:
        name = item.get("name")
        if (
            set(item) != {"role", "name"}
            or not isinstance(name, str)
            or not _PLACEHOLDER_NAME.fullmatch(name)
        ):
            msg = "A placeholder is {role: 'placeholder', name: <identifier>}."
            raise _error([*loc, "name"], msg, "invalid_template")
        if name in _RESERVED_NAMES:
            raise _error([*loc, "name"], f"'{name}' is reserved.", "invalid_template")
        return _Message(PLACEHOLDER_ROLE, None, name, loc)
    if role not in CHAT_ROLES:
        msg = "role must be one of system, user, assistant, placeholder."
        raise _error([*loc, "role"], msg, "invalid_template")
    if set(item) != {"role", "content"} or not isinstance(item.get("content"), str):
        raise _error([*loc, "content"], "A chat message is {role, content: string}.", "invalid_template")
    return _Message(role, item["content"], None, [*loc, "content"])


def _check_size(messages: list[_Message], limits: RenderLimits, loc: Loc) -> None:
    size = sum(len((m.content or m.placeholder or "").encode("utf-8", "surrogatepass")) for m in messages)
    if size > limits.template_max_bytes:
        msg = f"The template is {size} bytes; the limit is {limits.template_max_bytes}."
        raise _error(loc, msg, "template_too_large")


def _parse(source: str, loc: Loc) -> nodes.Template:
    """Parse with the sandbox environment; syntax problems become 422 naming the line."""
    try:
        return _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise _error(loc, f"Line {exc.lineno}: {exc.message or 'syntax error'}", "template_syntax") from None
    except (RecursionError, MemoryError):
        raise _error(loc, "The template is nested too deeply.", "template_syntax") from None


def _includes(ast: nodes.Template, loc: Loc) -> tuple[IncludeKey, ...]:
    """The constant `prompt(...)` calls of a template; anything else touching `prompt` is refused."""
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        msg = f'Line {node.lineno}: extends/include/import are not available; use prompt("name").'
        raise _error(loc, msg, "invalid_include")
    callees: set[int] = set()
    keys: list[IncludeKey] = []
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "prompt":
            callees.add(id(call.node))
            key = _include_from_call(call, loc)
            if key not in keys:
                keys.append(key)
    for name in ast.find_all(nodes.Name):
        if name.name == "prompt" and id(name) not in callees:
            msg = f"Line {name.lineno}: 'prompt' is reserved for includes: call it as prompt(\"name\", ...)."
            raise _error(loc, msg, "invalid_include")
    return tuple(keys)


def _include_from_call(call: nodes.Call, loc: Loc) -> IncludeKey:
    bad = _error(
        loc,
        f'Line {call.lineno}: includes must be prompt("name"), prompt("name", label="...") or '
        'prompt("name", version=N) with constant arguments.',
        "invalid_include",
    )
    if call.dyn_args is not None or call.dyn_kwargs is not None or len(call.args) != 1:
        raise bad
    options = {kw.key: kw.value for kw in call.kwargs}
    values = [call.args[0], *options.values()]
    if set(options) - {"label", "version"} or not all(isinstance(v, nodes.Const) for v in values):
        raise bad
    name, label, version = (
        v.value if isinstance(v, nodes.Const) else None
        for v in (call.args[0], options.get("label"), options.get("version"))
    )
    if not isinstance(name, str) or not name or (label is not None and version is not None):
        raise bad
    if label is not None and (not isinstance(label, str) or not label):
        raise bad
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise bad
    return _include_key(name, label, version)


def _compile(source: str, loc: Loc) -> _Compiled:
    """Parse, check and compile one template unit (CPU-bound: call it off the event loop)."""
    ast = _parse(source, loc)
    includes = _includes(ast, loc)
    try:
        template = _ENV.from_string(ast)
    except TemplateSyntaxError as exc:
        raise _error(loc, f"Line {exc.lineno}: {exc.message or 'syntax error'}", "template_syntax") from None
    except (RecursionError, MemoryError, SyntaxError):
        raise _error(loc, "The template is nested too deeply.", "template_syntax") from None
    return _Compiled(template, includes)


def check_template(kind: str, template: Any, limits: RenderLimits) -> None:
    """Shape, size and syntax check for create/new version; 422 at ["body", "template", ...].

    CPU-bound (parses and generates code): run large templates through asyncio.to_thread.
    """
    loc: Loc = ["body", "template"]
    messages = _messages(kind, template, loc)
    _check_size(messages, limits, loc)
    for message in messages:
        if message.content is not None:
            ast = _parse(message.content, message.loc)
            _includes(ast, message.loc)
            try:
                _ENV.compile(ast)  # code generation finds a few errors the parser does not
            except TemplateSyntaxError as exc:
                msg = f"Line {exc.lineno}: {exc.message or 'syntax error'}"
                raise _error(message.loc, msg, "template_syntax") from None


def infer_variables(kind: str, template: Any) -> list[str]:
    """Names the template reads but does not define (plus chat placeholders), sorted."""
    names: set[str] = set()
    for message in _messages(kind, template, ["body", "template"]):
        if message.placeholder is not None:
            names.add(message.placeholder)
        elif message.content is not None:
            names |= meta.find_undeclared_variables(_parse(message.content, message.loc))
    return sorted(names - _RESERVED_NAMES)


# --------------------------------------------------------------------------- variables schema


def merge_declared_variables(schema: dict[str, Any] | None, inferred: list[str]) -> dict[str, Any]:
    """Declared JSON Schema (object) with every inferred name added as an unconstrained property."""
    loc: Loc = ["body", "variables"]
    declared: Any = {} if schema is None else schema
    if not isinstance(declared, dict) or declared.get("type", "object") != "object":
        raise _error(loc, "variables must be a JSON Schema of type object.", "invalid_schema")
    try:
        jsonschema.Draft202012Validator.check_schema(declared)
    except jsonschema.SchemaError as exc:
        raise _error([*loc, *exc.path], f"Invalid JSON Schema: {exc.message}", "invalid_schema") from None
    properties = dict(declared.get("properties") or {})
    for name in inferred:
        properties.setdefault(name, {})
    return {**declared, "type": "object", "properties": properties}


_ANNOTATIONS = frozenset({"title", "description", "$schema", "$comment", "examples"})


def _accepts_any_object(schema: dict[str, Any]) -> bool:
    """True for a schema that only lists names (what inference produces): nothing to check then."""
    if schema.get("type") != "object" or set(schema) - _ANNOTATIONS - {"type", "properties"}:
        return False
    properties = schema.get("properties", {})
    return isinstance(properties, dict) and all(
        isinstance(p, dict) and not set(p) - _ANNOTATIONS for p in properties.values()
    )


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema_json))


def validate_variables(schema: dict[str, Any] | None, variables: dict[str, Any]) -> None:
    """Check variables against the declared schema (Draft 2020-12); 422 naming each variable path."""
    if schema is None or _accepts_any_object(schema):
        return
    try:
        found = list(_validator(json.dumps(schema, sort_keys=True)).iter_errors(variables))
    except (jsonschema.SchemaError, re.error, TypeError):
        raise _error(
            ["body", "variables"], "The prompt's variables schema is invalid.", "invalid_schema"
        ) from None
    problems: list[dict[str, Any]] = []
    for err in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        for problem in _variable_problems(err):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise Unprocessable(problems[0]["msg"], code=problems[0]["type"], errors=problems)


def _variable_problems(err: jsonschema.ValidationError) -> list[dict[str, Any]]:
    path: list[str | int] = list(err.absolute_path)
    if err.validator == "required" and isinstance(err.instance, dict):
        required = err.validator_value if isinstance(err.validator_value, list) else []
        missing_names = [p for p in required if p not in err.instance]
        return [_problem([*path, name], "is required", "missing_variable") for name in missing_names]
    return [_problem(path, err.message, "invalid_variable")]


def _problem(path: list[str | int], what: str, code: str) -> dict[str, Any]:
    dotted = ".".join(str(p) for p in path) or "variables"
    msg = f"Variable '{dotted}' {what}." if code == "missing_variable" else f"Variable '{dotted}': {what}"
    return {"loc": ["body", "variables", *path], "msg": msg, "type": code}


# --------------------------------------------------------------------------- rendering


@dataclass
class _Part:
    """A unit of a resolved prompt: compiled text, or a chat placeholder."""

    role: str | None
    compiled: _Compiled | None
    placeholder: str | None


@dataclass
class _Node:
    """A prompt with its compiled units and its resolved includes."""

    source: TemplateSource
    parts: list[_Part]
    children: dict[IncludeKey, _Node]


class _TemplateCache:
    """Bounded LRU of compiled templates keyed by the template text.

    The key is the text itself: dict hashing is the content hash and equality rules out
    collisions.  Unlike functools.lru_cache it can be read on the event loop without
    compiling, so a warm render needs a single trip to the thread pool.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, _Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, source: str) -> _Compiled | None:
        with self._lock:
            compiled = self._items.get(source)
            if compiled is not None:
                self._items.move_to_end(source)
            return compiled

    def put(self, source: str, compiled: _Compiled) -> None:
        with self._lock:
            self._items[source] = compiled
            self._items.move_to_end(source)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class _Budget:
    """Counts UTF-8 bytes of output and fails as soon as the limit is passed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, text: str) -> None:
        self.used += len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        if self.used > self.limit:
            raise _TooLarge(f"The rendered output exceeds {self.limit} bytes.")


class _Render:
    """One render of a resolved include tree, run inside a worker thread."""

    def __init__(self, variables: dict[str, Any], limit: int) -> None:
        self._variables = variables
        self._limit = limit
        self._included: dict[int, str] = {}  # id(node) -> its text: an include renders once per render

    def run(self, root: _Node) -> RenderResult:
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
            child = node.children.get(_include_key(name, label, version))
            if child is None:
                raise _UnknownInclude(name)
            if id(child) not in self._included:
                self._included[id(child)] = self._unit(child, child.parts[0], _Budget(self._limit))
            return self._included[id(child)]

        return prompt

    def _placeholder(self, name: str, budget: _Budget) -> list[dict[str, Any]]:
        loc: Loc = ["body", "variables", name]
        if name not in self._variables:
            raise _error(loc, f"Missing variable '{name}' (placeholder messages).", "missing_variable")
        value = self._variables[name]
        if not isinstance(value, list):
            raise _error(loc, f"Placeholder '{name}' must be a list of messages.", "invalid_placeholder")
        messages = []
        for i, item in enumerate(value):
            ok = (
                isinstance(item, dict)
                and item.get("role") in CHAT_ROLES
                and isinstance(item.get("content"), str)
            )
            if not ok:
                msg = f"Placeholder '{name}' item {i} must be {{role: system|user|assistant, content}}."
                raise _error([*loc, i], msg, "invalid_placeholder")
            budget.spend(item["content"])
            messages.append({"role": item["role"], "content": item["content"]})
        return messages


def _call_with_deadline(fn: Callable[[], T], seconds: float) -> T:
    """Run fn in this thread, raising _Timeout from inside it once `seconds` have passed.

    The global trace function sees every Python call; line events (one per loop iteration)
    are only requested for template code, which keeps the overhead of tracing small.  Loops
    elsewhere either call Python functions per iteration or are bounded by the size guards.
    """
    deadline = time.monotonic() + seconds

    def on_line(frame: FrameType, event: str, arg: Any) -> TraceFunction:
        if time.monotonic() > deadline:
            raise _Timeout
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        if time.monotonic() > deadline:
            raise _Timeout
        return on_line if frame.f_code.co_filename == _TEMPLATE_FILENAME else None

    previous = sys.gettrace()  # the event loop's thread may be traced (coverage, debugger)
    sys.settrace(on_call)
    try:
        return fn()
    finally:
        sys.settrace(previous)


def _render_failure(exc: Exception, limits: RenderLimits) -> AppError:
    """Turn anything a template can raise into a 422 that reveals no internals."""
    if isinstance(exc, AppError):
        return exc
    if isinstance(exc, SecurityError):
        return _error(["body", "template"], SECURITY_MESSAGE, "template_security")
    if isinstance(exc, _TooLarge):
        return _error(["body"], str(exc), "output_too_large")
    if isinstance(exc, _MissingVariable) and exc.name is not None and not exc.nested:
        return _error(["body", "variables", exc.name], f"Missing variable '{exc.name}'.", "missing_variable")
    if isinstance(exc, UndefinedError):
        return _error(["body", "variables"], f"Missing variable: {exc.message}.", "missing_variable")
    if isinstance(exc, _UnknownInclude):
        msg = "prompt(...) may only be called directly, with constant arguments."
        return _error(["body", "template"], msg, "invalid_include")
    if isinstance(exc, TemplateError | ArithmeticError | LookupError | TypeError | ValueError):
        detail = str(exc)[:300]
        return _error(["body"], f"The template failed: {type(exc).__name__}: {detail}", "render_error")
    if isinstance(exc, RecursionError):
        return _error(["body"], "The template recursed too deeply.", "render_error")
    return _error(["body"], "The template failed to render.", "render_error")


class Renderer:
    """Renders prompt versions off the event loop, with a compiled-template cache and hard limits."""

    def __init__(self, limits: RenderLimits, max_workers: int = 2) -> None:
        self.limits = limits
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="promptforge-render")
        self._cache = _TemplateCache(TEMPLATE_CACHE_SIZE)

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
        # Almost every render takes microseconds: try it right here under a few-millisecond
        # deadline, which saves the thread hop and the GIL hand-offs that dominate under load.
        # Only a render that needs longer moves to a worker thread with the full deadline, so
        # the event loop is never held for more than INLINE_BUDGET_SECONDS.
        with contextlib.suppress(_NeedsMoreTime):
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
        messages = _messages(source.kind, source.template, loc)
        _check_size(messages, self.limits, loc)
        compiled = await self._compile_all([m for m in messages if m.content is not None])
        parts = [_Part(m.role, compiled.get(m.content or ""), m.placeholder) for m in messages]
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
            raise _error(["body", "template"], f"Include cycle: {names}.", "include_cycle")
        if len(chain) > MAX_INCLUDE_DEPTH:
            msg = f"Includes are nested deeper than {MAX_INCLUDE_DEPTH}: {names}."
            raise _error(["body", "template"], msg, "include_depth")
        if child.kind != "text":
            msg = f"Only text prompts can be included; '{child.name}' is a {child.kind} prompt."
            raise _error(["body", "template"], msg, "invalid_include")
        return await self._resolve(child, loader, (*chain, (child.name, child.version)), loaded)

    async def _compile_all(self, messages: list[_Message]) -> dict[str, _Compiled]:
        """Compiled units from the cache; only misses take a trip to the thread pool."""
        found: dict[str, _Compiled] = {}
        todo: list[_Message] = []
        for message in messages:
            assert message.content is not None
            hit = self._cache.get(message.content)
            if hit is not None:
                found[message.content] = hit
            else:
                todo.append(message)
        if todo:
            loop = asyncio.get_running_loop()
            found.update(await loop.run_in_executor(self._pool, self._compile_sync, todo))
        return found

    def _compile_sync(self, messages: list[_Message]) -> dict[str, _Compiled]:
        compiled: dict[str, _Compiled] = {}
        for message in messages:
            assert message.content is not None
            # constant folding may run filters at compile time: give them this renderer's limit
            unit = _with_guard(
                self.limits.output_max_bytes, functools.partial(_compile, message.content, message.loc)
            )
            self._cache.put(message.content, unit)
            compiled[message.content] = unit
        return compiled

    def _render_sync(
        self, root: _Node, variables: dict[str, Any], inline_budget: float | None = None
    ) -> RenderResult:
        validate_variables(root.source.variables, variables)
        limits = self.limits
        seconds = (
            limits.timeout_seconds if inline_budget is None else min(inline_budget, limits.timeout_seconds)
        )
        job = functools.partial(_Render(variables, limits.output_max_bytes).run, root)
        try:
            return _with_guard(limits.output_max_bytes, functools.partial(_call_with_deadline, job, seconds))
        except _Timeout:
            if inline_budget is not None and inline_budget < limits.timeout_seconds:
                raise _NeedsMoreTime from None
            msg = f"Rendering took longer than {limits.timeout_seconds:g} s and was stopped."
            raise _error(["body"], msg, "render_timeout") from None
        except Exception as exc:
            raise _render_failure(exc, limits) from None
