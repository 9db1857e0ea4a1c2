"""Jinja's built-in filters behind size guards: every argument that sizes the output is bounded first.

Each built-in filter is in exactly one class below; a filter in none of them (for instance one a
future Jinja adds) is not available to templates, so nothing unguarded slips in with an upgrade.

* ESTIMATED: an argument decides how large the result is (`center(width)`, `indent(width)`,
  `tojson(indent)`, `round(precision)`, ...): its estimate must fit the output limit before the
  filter runs.
* LINEAR: the result is at most a small constant factor of the input, so checking that the
  input is printable and the result fits is enough.
* PASSIVE: never turns its input into text or repeats it (`length`, `first`, `sort`, ...).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any, cast

from promptforge.prompts.rendering.errors import TooLarge
from promptforge.prompts.rendering.size_guard import (
    CONTAINERS,
    Guard,
    current_guard,
    int_arg,
    replace_size,
)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _width(value: Any) -> int:
    """Characters one `indent`/`tojson` indentation unit takes (an int or a string)."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return max(value, 0)
    return len(_text(value))


def _indent_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    width = _width(int_arg(args, kwargs, 0, "width", 4))
    return len(text) + (text.count("\n") + 1) * width


def _wordwrap_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    width = int_arg(args, kwargs, 0, "width", 79)
    wrap = int_arg(args, kwargs, 2, "wrapstring", None) or "\n"
    lines = len(text) // max(width if isinstance(width, int) else 1, 1) + text.count("\n") + 1
    return len(text) + lines * len(_text(wrap))


def _urlize_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    text = _text(value)
    extra = sum(len(a) for a in (*args, *kwargs.values()) if isinstance(a, str)) + 64
    links = text.count(".") + text.count("@") + text.count(":") + 1
    return len(text) * 3 + links * extra


def _join_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    separator = _text(int_arg(args, kwargs, 0, "d", ""))
    return sum(g.weight(v) for v in value) + len(separator) * len(value)


def _fill_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    # batch/slice repeat fill_with by reference: a container there would double structures cheaply;
    # the count also bounds slice's Python loop, which makes no calls the deadline could see
    fill = int_arg(args, kwargs, 1, "fill_with", None)
    if fill is not None and not isinstance(fill, str | int | float):
        raise TooLarge("fill_with must be a string or a number")
    count = args[0] if args else kwargs.get("linecount", kwargs.get("slices", 0))
    return (count if isinstance(count, int) else 0) * max(g.weight(fill), 1)


def _center_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    width = int_arg(args, kwargs, 0, "width", 80)
    return max(len(_text(value)), width if isinstance(width, int) else 0)


def _replace_filter_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    old, new = int_arg(args, kwargs, 0, "old", None), int_arg(args, kwargs, 1, "new", None)
    return replace_size(_text(value), old, new, int_arg(args, kwargs, 2, "count", None))


def _format_filter_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return g.percent_size(_text(value), kwargs or args)


def _tojson_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Pretty-printed JSON repeats the indent once per nesting level on every line."""
    indent = _width(int_arg(args, kwargs, 0, "indent", None))
    size = g.weight(value)
    if not indent:
        return size  # linear in the input; the result is measured again once built
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending and size <= g.limit:
        item, level = pending.pop()
        entries: Iterable[Any] = ()
        if isinstance(item, dict):
            entries = item.values()
        elif isinstance(item, CONTAINERS):
            entries = cast("Iterable[Any]", item)
        for entry in entries:
            size += indent * level + 2  # a line: newline, indentation, separator
            if size > g.limit:
                break
            pending.append((entry, level + 1))
    return size


def _round_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    # round(x, p, 'ceil'|'floor') computes 10 ** p as an int in one C call
    precision = int_arg(args, kwargs, 0, "precision", 0)
    return g.digits_size(abs(precision) * 4) if isinstance(precision, int) else 0


def _sum_size(g: Guard, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    # sum(start=[]) concatenates sequences, copying the growing result once per item
    start = int_arg(args, kwargs, 1, "start", 0)
    if isinstance(start, str | list | tuple):
        items = value if isinstance(value, list | tuple) else ()
        return g.weight(start) + g.weight(value) * max(len(items), 1)
    return 0


FilterSize = Callable[[Guard, Any, tuple[Any, ...], dict[str, Any]], int]

ESTIMATED: dict[str, FilterSize] = {
    "batch": _fill_size,
    "center": _center_size,
    "format": _format_filter_size,
    "indent": _indent_size,
    "join": _join_size,
    "replace": _replace_filter_size,
    "round": _round_size,
    "slice": _fill_size,
    "sum": _sum_size,
    "tojson": _tojson_size,
    "urlize": _urlize_size,
    "wordwrap": _wordwrap_size,
}
LINEAR = frozenset(
    [
        "capitalize",
        "e",
        "escape",
        "forceescape",
        "lower",
        "safe",
        "string",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "wordcount",
        "xmlattr",
    ]
)
# Never turn their input into text; `round`, `batch` and `slice` are passive but also estimated.
PASSIVE = frozenset(
    [
        "abs",
        "attr",
        "batch",
        "count",
        "d",
        "default",
        "dictsort",
        "filesizeformat",
        "first",
        "float",
        "groupby",
        "int",
        "items",
        "last",
        "length",
        "list",
        "map",
        "max",
        "min",
        "random",
        "reject",
        "rejectattr",
        "reverse",
        "round",
        "select",
        "selectattr",
        "slice",
        "sort",
        "unique",
    ]
)


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any] | None:
    """The guarded filter, or None for a filter that is not available in templates."""
    if name not in ESTIMATED and name not in LINEAR and name not in PASSIVE:
        return None  # unknown (or pprint, whose output size is hard to bound)
    if name in PASSIVE and name not in ESTIMATED:
        return func  # neither stringifies nor repeats its input: nothing to guard
    offset = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    estimate = ESTIMATED.get(name)
    passive = name in PASSIVE

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja still passes context/environment
    def guarded(*args: Any, **kwargs: Any) -> Any:
        guard = current_guard()
        if len(args) > offset:
            value = args[offset]
            if name == "join" and not isinstance(value, list | tuple):
                value = list(value)  # measure once, then hand the same items to the filter
                args = (*args[:offset], value, *args[offset + 1 :])
            if not passive and not isinstance(value, str):
                guard.check_printable(value)
            if estimate is not None:
                guard.check(estimate(guard, value, args[offset + 1 :], kwargs), f"the {name} filter")
        result = func(*args, **kwargs)
        guard.check_value(result)
        return result

    return guarded


def guarded_json_dumps(obj: Any, **kwargs: Any) -> str:
    """json.dumps that counts while encoding: a second line of defence behind the tojson estimate."""
    if kwargs.get("indent") is None:  # output is linear in the input, whose size the filter checked
        return json.dumps(obj, **kwargs)
    guard, size, parts = current_guard(), 0, []
    for chunk in json.JSONEncoder(**kwargs).iterencode(obj):
        size += len(chunk)
        guard.check(size, "tojson output")
        parts.append(chunk)
    return "".join(parts)


def guarded_join(parts: Iterable[str]) -> str:
    """environment.concat: joins the buffers of macros, `{% set %}` and `{% filter %}` blocks."""
    items = list(parts)
    current_guard().check(sum(map(len, items)), "a block")
    return "".join(items)
