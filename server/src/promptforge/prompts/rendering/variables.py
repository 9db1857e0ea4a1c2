"""The declared variables JSON Schema (Draft 2020-12): checked when saved, validated on every render.

A schema from a user must never reach outside itself: it is validated with a `referencing`
registry that has no retrieval, so `$ref` to `file://`, `http://` or any URI the schema does not
define cannot be fetched, and saving such a schema is refused (422) up front.  Regexes in
`pattern` and `patternProperties` run on RE2 (core.user_regex), never on Python's backtracking
`re`.  Validation runs inside the render's deadline (see renderer), so no schema can hold a
request longer than the render timeout.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import referencing
import referencing.exceptions
from jsonschema import ValidationError
from jsonschema.validators import extend
from referencing.jsonschema import DRAFT202012

from promptforge.core.errors import Unprocessable
from promptforge.core.json_shape import json_shape_problem
from promptforge.core.user_regex import InvalidRegex, compile_regex
from promptforge.prompts.rendering.errors import Loc, field_error

MAX_SCHEMA_BYTES = 65536
MAX_SCHEMA_DEPTH = 32
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ANNOTATIONS = frozenset({"title", "description", "$schema", "$comment", "examples"})
# Draft 2020-12 keywords whose value is a subschema, an array of them, or an object of them
_IN_VALUE = frozenset(
    [
        "additionalProperties",
        "contains",
        "contentSchema",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    ]
)
_IN_ARRAY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_IN_OBJECT = frozenset({"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"})
_REF_KEYWORDS = ("$ref", "$dynamicRef")
# keywords whose subschemas apply to the same instance: a loop through only these (and references)
# never reaches a smaller value, so validating against it recurses forever
_IN_PLACE_VALUE = frozenset({"not", "if", "then", "else"})
_IN_PLACE_ARRAY = frozenset({"allOf", "anyOf", "oneOf"})
_IN_PLACE_OBJECT = frozenset({"dependentSchemas"})
_Edge = tuple[int, Loc, str | None]  # (id of the target schema, where the edge is, the $ref text)


def _subschemas(schema: dict[str, Any], path: Loc) -> Iterator[tuple[dict[str, Any], Loc]]:
    """The direct subschemas of `schema` (objects only: true/false need no checks) with their paths."""
    for keyword, value in schema.items():
        if keyword in _IN_VALUE and isinstance(value, dict):
            yield value, [*path, keyword]
        elif keyword in _IN_ARRAY and isinstance(value, list):
            yield from ((s, [*path, keyword, i]) for i, s in enumerate(value) if isinstance(s, dict))
        elif keyword in _IN_OBJECT and isinstance(value, dict):
            yield from ((s, [*path, keyword, k]) for k, s in value.items() if isinstance(s, dict))


def _in_place(schema: dict[str, Any], path: Loc) -> Iterator[tuple[dict[str, Any], Loc]]:
    """The direct subschemas of `schema` applied to the same instance as `schema` itself."""
    for keyword, value in schema.items():
        if keyword in _IN_PLACE_VALUE and isinstance(value, dict):
            yield value, [*path, keyword]
        elif keyword in _IN_PLACE_ARRAY and isinstance(value, list):
            yield from ((s, [*path, keyword, i]) for i, s in enumerate(value) if isinstance(s, dict))
        elif keyword in _IN_PLACE_OBJECT and isinstance(value, dict):
            yield from ((s, [*path, keyword, k]) for k, s in value.items() if isinstance(s, dict))


def _ref_cycle(edges: dict[int, list[_Edge]]) -> tuple[Loc, str] | None:
    """A reference that closes a loop of in-place edges (depth-first search), with its $ref text."""
    done: set[int] = set()
    for start in edges:
        if start in done:
            continue
        depth = {start: 0}  # schemas on the current path and their depth
        taken: list[_Edge] = []  # the edges of the current path
        stack = [iter(edges[start])]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                stack.pop()
                if taken:
                    done.add(taken.pop()[0])
                continue
            target = edge[0]
            if target in depth and target not in done:
                loop = [*taken[depth[target] :], edge]
                return next(((loc, ref) for _, loc, ref in loop if ref is not None), (edge[1], "#"))
            if target not in done and target not in depth:
                depth[target] = len(taken) + 1
                taken.append(edge)
                stack.append(iter(edges.get(target, [])))
        done.add(start)
        done.update(depth)
    return None


def _short(instance: Any) -> str:
    text = repr(instance)
    return text if len(text) <= 80 else text[:77] + "..."


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compile_regex(pattern).search(instance):
        yield ValidationError(f"{_short(instance)} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        regex = compile_regex(pattern)
        for key, value in instance.items():
            if regex.search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    regexes = [compile_regex(p) for p in schema.get("patternProperties", {})]
    extras = [k for k in instance if k not in properties and not any(r.search(k) for r in regexes)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False and extras:
        names = ", ".join(_short(e) for e in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({names} unexpected)")


# jsonschema's own versions of these keywords call Python's `re`
_Validator = extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)
_NO_RETRIEVAL = referencing.Registry()  # an unknown URI is Unresolvable: nothing is ever fetched


def _static_problems(schema: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    """What makes a schema unsafe or unusable here, found without validating anything."""
    registry: referencing.Registry[Any] = referencing.Registry()
    root = registry.resolver_with_root(DRAFT202012.create_resource(schema))
    has_pattern_properties = False
    uses_unevaluated: Loc | None = None
    pending: list[tuple[dict[str, Any], Loc, Any]] = [(schema, [], root)]
    targets: list[tuple[dict[str, Any], Loc, Any]] = []  # what references point at
    seen: set[int] = set()
    edges: dict[int, list[_Edge]] = {}
    while pending or targets:
        if not pending:  # a target outside the usual keywords is checked like any other subschema
            pending, targets = targets, []
        node, path, resolver = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node_edges = edges.setdefault(id(node), [])
        node_edges.extend((id(sub), sub_path, None) for sub, sub_path in _in_place(node, path))
        if "$schema" in node and (path or node["$schema"] != DIALECT):
            yield [*path, "$schema"], f"only JSON Schema Draft 2020-12 ({DIALECT}) at the top is supported"
        if isinstance(node.get("$id"), str) and path:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
        for keyword in _REF_KEYWORDS:
            ref = node.get(keyword)
            if isinstance(ref, str):
                try:
                    resolved = resolver.lookup(ref)
                    if isinstance(resolved.contents, dict):
                        node_edges.append((id(resolved.contents), [*path, keyword], ref))
                        targets.append((resolved.contents, [*path, keyword], resolved.resolver))
                except referencing.exceptions.Unresolvable:
                    yield (
                        [*path, keyword],
                        (
                            f"{keyword} {ref[:200]!r} does not point inside this schema; only references to "
                            "its own parts (e.g. '#/$defs/name') are allowed, nothing is ever fetched"
                        ),
                    )
        patterns = [([*path, "pattern"], node["pattern"])] if isinstance(node.get("pattern"), str) else []
        if isinstance(node.get("patternProperties"), dict):
            has_pattern_properties = True
            patterns += [([*path, "patternProperties", p], p) for p in node["patternProperties"]]
        for where, pattern in patterns:
            try:
                compile_regex(pattern)
            except InvalidRegex as exc:
                yield where, str(exc)
        if "unevaluatedProperties" in node and uses_unevaluated is None:
            uses_unevaluated = [*path, "unevaluatedProperties"]
        pending.extend((sub, sub_path, resolver) for sub, sub_path in _subschemas(node, path))
    if has_pattern_properties and uses_unevaluated is not None:
        yield uses_unevaluated, "unevaluatedProperties cannot be combined with patternProperties"
    cycle = _ref_cycle(edges)
    if cycle is not None:
        loc, ref = cycle
        yield (
            loc,
            (
                f"{loc[-1]} {ref[:200]!r} leads back to itself without going into a property or an item, "
                "so no value could ever be checked against it"
            ),
        )


def _invalid(loc: Loc, msg: str) -> Unprocessable:
    return field_error(["body", "variables", *loc], f"Invalid JSON Schema: {msg}", "invalid_schema")


def check_schema(schema: Any) -> None:
    """422 unless `schema` is a safe, valid Draft 2020-12 object schema (CPU-bound: off the loop)."""
    if not isinstance(schema, dict) or schema.get("type", "object") != "object":
        raise _invalid([], "variables must be a JSON Schema of type object.")
    problem = json_shape_problem(schema, max_depth=MAX_SCHEMA_DEPTH, max_nodes=MAX_SCHEMA_BYTES)
    if problem is not None:
        raise _invalid([], problem)
    try:
        size = len(json.dumps(schema, ensure_ascii=False).encode("utf-8"))
    except UnicodeEncodeError:
        raise _invalid([], "it contains invalid Unicode (a lone surrogate)") from None
    if size > MAX_SCHEMA_BYTES:
        raise _invalid([], f"it is {size} bytes of JSON; the limit is {MAX_SCHEMA_BYTES}")
    # format_checker=None: the metaschema's `format: regex` would compile patterns with Python's re;
    # they are compiled on RE2 below instead
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(
            jsonschema.Draft202012Validator.META_SCHEMA, format_checker=None
        ).iter_errors(schema)
    )
    if error is not None:
        raise _invalid(list(error.path), error.message)
    for loc, msg in _static_problems(schema):
        raise _invalid(loc, msg)


def merge_declared_variables(schema: dict[str, Any] | None, inferred: list[str]) -> dict[str, Any]:
    """Declared JSON Schema (object) with every inferred name added as an unconstrained property."""
    declared: dict[str, Any] = {} if schema is None else schema
    check_schema(declared)
    properties = dict(declared.get("properties") or {})
    for name in inferred:
        properties.setdefault(name, {})
    return {**declared, "type": "object", "properties": properties}


def _accepts_any_object(schema: dict[str, Any]) -> bool:
    """True for a schema that only lists names (what inference produces): nothing to check then."""
    if schema.get("type") != "object" or set(schema) - _ANNOTATIONS - {"type", "properties"}:
        return False
    properties = schema.get("properties", {})
    return isinstance(properties, dict) and all(
        isinstance(p, dict) and not set(p) - _ANNOTATIONS for p in properties.values()
    )


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    for _loc, _msg in _static_problems(schema):  # a schema stored before these checks existed
        raise ValueError("unsafe schema")
    # `$schema` would make jsonschema pick its stock validator (Python's re) for `$ref: "#"`
    schema.pop("$schema", None)
    return _Validator(schema, registry=_NO_RETRIEVAL)


def validate_variables(schema: dict[str, Any] | None, variables: dict[str, Any]) -> None:
    """Check variables against the declared schema; 422 naming each variable path.

    Call it inside the render deadline: a large schema or instance takes as long as it takes.
    """
    if schema is None or _accepts_any_object(schema):
        return
    try:
        found = list(_validator(json.dumps(schema, sort_keys=True)).iter_errors(variables))
    except Exception:  # unresolvable reference, $ref loop, bad regex in a stored schema, ...
        raise field_error(
            ["body", "variables"], "The prompt's variables schema is invalid.", "invalid_schema"
        ) from None
    problems: list[dict[str, Any]] = []
    for err in sorted(found, key=lambda e: [str(p) for p in e.absolute_path]):
        for problem in _variable_problems(err):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise Unprocessable(problems[0]["msg"], code=problems[0]["type"], errors=problems)


def _variable_problems(err: ValidationError) -> list[dict[str, Any]]:
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
