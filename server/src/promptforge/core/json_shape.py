"""Bounds on the shape of JSON-like documents from users: nesting depth, node count, JSON types only."""

from __future__ import annotations

import math
from typing import Any


def json_shape_problem(value: Any, *, max_depth: int, max_nodes: int) -> str | None:
    """Why `value` is not a plain JSON document within the bounds, or None if it is.

    Iterative, so a document nested far beyond the recursion limit is measured without a
    RecursionError; plain JSON means dicts with string keys, lists, strings, finite numbers,
    booleans and null (YAML timestamps, binary or sets are not JSON).
    """
    pending: list[tuple[Any, int]] = [(value, 1)]
    nodes = 0
    while pending:
        item, depth = pending.pop()
        nodes += 1
        if nodes > max_nodes:
            return f"it has more than {max_nodes} values"
        if depth > max_depth:
            return f"it is nested deeper than {max_depth} levels"
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    return f"a key is a {type(key).__name__}, not a string"
                pending.append((child, depth + 1))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "it contains NaN or Infinity, which JSON does not have"
        elif not isinstance(item, str | int | bool) and item is not None:
            return f"it contains a {type(item).__name__}, which is not a JSON value"
    return None
