"""is-json and contains-json, each with an optional JSON Schema (Draft 2020-12) as `value`.

A schema comes from a user, so it gets the same treatment as a prompt's variables schema
(prompts/rendering/variables.py): checked against the meta-schema and bounded in size and depth,
`$ref` only inside itself (nothing is ever fetched), `pattern` on RE2. Validating a model's output
(up to the render limit, 1 MB) runs under a hard deadline, in a worker thread for large outputs.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema
import yaml

from promptforge.core.json_shape import json_shape_problem
from promptforge.evaluations.assertions.outcome import Outcome, negation
from promptforge.prompts.rendering.deadline import call_with_deadline
from promptforge.prompts.rendering.errors import RenderTimeout

# The variables schema's safe validator and its static checks (refs inside, RE2 patterns, no loops)
from promptforge.prompts.rendering.variables import _NO_RETRIEVAL, _static_problems, _Validator

MAX_SCHEMA_DEPTH = 32
MAX_SCHEMA_NODES = 5_000
VALIDATION_SECONDS = 2.0
TOO_SLOW = f"JSON Schema validation took longer than {VALIDATION_SECONDS:g} s."
MAX_JSON_STARTS = 10_000  # contains-json tries at most this many `{` / `[` as the start of a value
MAX_FOUND_VALUES = 1_000
_DECODER = json.JSONDecoder()


class SchemaUnusable(ValueError):
    """The schema (after templating) is not one this server validates with."""


def _loaded(raw: Any) -> Any:
    """A schema given as YAML or JSON text becomes its value (promptfoo reads it with js-yaml)."""
    if not isinstance(raw, str):
        return raw
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SchemaUnusable(f"it is not JSON or YAML ({str(exc).splitlines()[0][:200]})") from None
    except RecursionError:
        raise SchemaUnusable("it is nested too deeply") from None


def schema_problem(raw: Any) -> str | None:
    """Why `raw` cannot be used as a JSON Schema, or None. CPU-bound but bounded (≤ 16 KiB input)."""
    try:
        schema = _loaded(raw)
    except SchemaUnusable as exc:
        return str(exc)
    if not isinstance(schema, dict | bool):
        return "a schema is an object or a boolean (or its JSON/YAML text)"
    problem = json_shape_problem(schema, max_depth=MAX_SCHEMA_DEPTH, max_nodes=MAX_SCHEMA_NODES)
    if problem is not None:
        return problem
    if isinstance(schema, bool):
        return None
    # format_checker=None: the meta-schema's `format: regex` would compile patterns with Python's re
    meta = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA, format_checker=None)
    error = jsonschema.exceptions.best_match(meta.iter_errors(schema))
    if error is not None:
        where = "/".join(str(p) for p in error.path)
        return f"{error.message[:300]}" + (f" (at {where})" if where else "")
    for loc, msg in _static_problems(schema):
        where = "/".join(str(p) for p in loc)
        return f"{msg}" + (f" (at {where})" if where else "")
    return None


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    if isinstance(schema, dict):
        schema.pop("$schema", None)  # `$schema` would pick jsonschema's stock validator (Python's re)
    return _Validator(schema, registry=_NO_RETRIEVAL)


def schema_of(raw: Any) -> Any | None:
    """The usable schema of a (rendered) value, None for no schema; raises SchemaUnusable."""
    if raw is None or raw == "":
        return None
    problem = schema_problem(raw)
    if problem is not None:
        raise SchemaUnusable(problem)
    return _loaded(raw)


def _first_violation(schema: Any, instance: Any) -> str | None:
    """The first way `instance` breaks `schema` (None when it conforms), under a hard deadline."""
    validator = _validator(json.dumps(schema, sort_keys=True))

    def run() -> str | None:
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is None:
            return None
        where = "/".join(str(p) for p in error.absolute_path)
        message: str = error.message[:300]
        return (f"{where}: " if where else "") + message

    return call_with_deadline(run, VALIDATION_SECONDS)


def _schema_or_error(value: Any) -> tuple[Any, Outcome | None]:
    try:
        return schema_of(value), None
    except SchemaUnusable as exc:
        return None, Outcome.failed_to_evaluate(f"Invalid JSON schema: {exc}")


def check_is_json(output: str, value: Any, negate: bool) -> Outcome:
    """The whole output is JSON (and conforms to the schema, when one is given)."""
    schema, unusable = _schema_or_error(value)
    if unusable is not None:
        return unusable
    try:
        parsed = json.loads(output)
    except RecursionError:
        return Outcome.failed_to_evaluate("The output is JSON nested too deeply to check.")
    except ValueError:
        return Outcome.of(negate, "Expected output to be valid JSON")
    if schema is None:
        return Outcome.of(not negate, "Output is valid JSON")
    try:
        violation = _first_violation(schema, parsed)
    except RenderTimeout:
        return Outcome.failed_to_evaluate(TOO_SLOW)
    except (RecursionError, jsonschema.exceptions.SchemaError, ValueError) as exc:
        return Outcome.failed_to_evaluate(f"JSON Schema validation failed: {type(exc).__name__}.")
    if negate:
        return Outcome.of(violation is not None, "Output is JSON that conforms to the provided schema")
    failure = f"JSON does not conform to the provided schema. Errors: {violation}"
    return Outcome.of(violation is None, failure)


def embedded_json(output: str) -> list[Any]:
    """The JSON objects and arrays found in free text, left to right, not overlapping.

    Each `{` or `[` is tried as the start of a value (json's own decoder, linear in what it
    reads); after a value the search continues behind it. At most MAX_JSON_STARTS starts are
    tried, so text full of brackets cannot make this quadratic.
    """
    found: list[Any] = []
    position, starts = 0, 0
    while starts < MAX_JSON_STARTS and len(found) < MAX_FOUND_VALUES:
        brace, bracket = output.find("{", position), output.find("[", position)
        candidates = [i for i in (brace, bracket) if i >= 0]
        if not candidates:
            break
        start = min(candidates)
        starts += 1
        try:
            value, end = _DECODER.raw_decode(output, start)
        except (ValueError, RecursionError):
            position = start + 1
            continue
        found.append(value)
        position = end
    return found


def check_contains_json(output: str, value: Any, negate: bool) -> Outcome:
    """Some JSON object or array appears in the output (one conforming to the schema, if given)."""
    schema, unusable = _schema_or_error(value)
    if unusable is not None:
        return unusable
    values = embedded_json(output)
    if schema is None or not values:
        contains = bool(values)
        return Outcome.of(contains != negate, f"Expected output to {negation(negate)}contain valid JSON")
    violation: str | None = None
    try:
        for candidate in values:
            violation = _first_violation(schema, candidate)
            if violation is None:
                return Outcome.of(not negate, "Output contains JSON conforming to the provided schema")
    except RenderTimeout:
        return Outcome.failed_to_evaluate(TOO_SLOW)
    except (RecursionError, jsonschema.exceptions.SchemaError, ValueError) as exc:
        return Outcome.failed_to_evaluate(f"JSON Schema validation failed: {type(exc).__name__}.")
    return Outcome.of(negate, f"JSON does not conform to the provided schema. Errors: {violation}")
