"""Assertion specs: the checked, immutable form of what a request or a dataset item says to assert.

`parse_assertions` validates raw dicts with promptfoo's field names and reports the first problem
as a 422 naming the field. Dataset items carry their own assertions (`expected`, through
promptfoo's `__expected` shorthand, and `metadata.assert` / `metadata.threshold`): those are
parsed by `item_assertions`, which raises ItemAssertionError so that only that item is an error.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from promptforge.core.errors import Unprocessable
from promptforge.core.user_regex import InvalidRegex, compile_regex
from promptforge.evaluations.assertions.structured import schema_problem
from promptforge.prompts.rendering.templates import compile_unit

MAX_ASSERTIONS = 50
MAX_SET_DEPTH = 3
MAX_VALUE_BYTES = 16 * 1024
MAX_LIST_VALUES = 100
MAX_METRIC_LENGTH = 100
MAX_MODEL_LENGTH = 200
# templates are compiled at parse time only to find syntax errors; the render limit applies later
_CHECK_OUTPUT_BYTES = 1024 * 1024
TEMPLATE_MARKERS = ("{{", "{%", "{#")

TEXT_TYPES = frozenset(
    {
        "equals",
        "contains",
        "icontains",
        "contains-any",
        "contains-all",
        "icontains-any",
        "icontains-all",
        "starts-with",
        "regex",
    }
)
STRUCTURED_TYPES = frozenset({"is-json", "contains-json"})
DISTANCE_TYPES = frozenset({"levenshtein", "rouge-n"})
METRIC_TYPES = frozenset({"latency", "cost"})
MODEL_GRADED_TYPES = frozenset({"llm-rubric", "similar"})
ASSERT_SET = "assert-set"
BASE_TYPES = TEXT_TYPES | STRUCTURED_TYPES | DISTANCE_TYPES | METRIC_TYPES | MODEL_GRADED_TYPES
LIST_TYPES = frozenset({"contains-any", "contains-all", "icontains-any", "icontains-all"})
FIELDS = frozenset({"type", "value", "threshold", "weight", "metric", "provider"})
SET_FIELDS = frozenset({"type", "assert", "threshold", "weight", "metric"})
DEFAULT_SIMILAR_THRESHOLD = 0.75
DEFAULT_EXPECTED_SIMILAR_THRESHOLD = 0.8  # promptfoo's `similar: x` shorthand default
DEFAULT_LEVENSHTEIN_THRESHOLD = 5.0
DEFAULT_ROUGE_THRESHOLD = 0.75

Loc = list[str | int]


@dataclass(frozen=True)
class ProviderRef:
    """A provider connection of the project and a model on it (the judge or the embedder)."""

    provider_id: uuid.UUID
    model: str


@dataclass(frozen=True)
class AssertionSpec:
    """One assertion; `type` as written (e.g. "not-icontains"), `base` without the `not-` prefix."""

    type: str
    base: str
    negate: bool
    value: Any
    threshold: float | None
    weight: float
    metric: str | None
    provider: ProviderRef | None
    children: tuple[AssertionSpec, ...]

    def as_json(self) -> dict[str, Any]:
        """The raw form again (what parse_assertions accepts), e.g. to store with an evaluation."""
        raw: dict[str, Any] = {"type": self.type}
        if self.base == ASSERT_SET:
            raw["assert"] = [child.as_json() for child in self.children]
        elif self.value is not None:
            raw["value"] = self.value
        if self.threshold is not None:
            raw["threshold"] = self.threshold
        raw["weight"] = self.weight
        if self.metric is not None:
            raw["metric"] = self.metric
        if self.provider is not None:
            raw["provider"] = {"provider_id": str(self.provider.provider_id), "model": self.provider.model}
        return raw


class ItemAssertionError(Exception):
    """A dataset item's own assertions are invalid: that item is graded as an error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def has_template(text: str) -> bool:
    return any(marker in text for marker in TEMPLATE_MARKERS)


def _number(raw: Any, loc: Loc, name: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise Unprocessable.field(loc, f"{name} must be a finite number.")
    if (low is not None and raw < low) or (high is not None and raw > high):
        bounds = f"from {low:g}" if high is None else f"from {low:g} to {high:g}"
        raise Unprocessable.field(loc, f"{name} must be a number {bounds}.")
    return float(raw)


def _provider(raw: Any, loc: Loc) -> ProviderRef:
    if not isinstance(raw, dict) or set(raw) - {"provider_id", "model"}:
        raise Unprocessable.field(loc, "provider must be {provider_id, model}.")
    try:
        provider_id = uuid.UUID(str(raw.get("provider_id")))
    except ValueError:
        raise Unprocessable.field([*loc, "provider_id"], "provider_id must be a UUID.") from None
    model = raw.get("model")
    if not isinstance(model, str) or not model.strip() or len(model) > MAX_MODEL_LENGTH:
        msg = f"model must be a non-empty string of at most {MAX_MODEL_LENGTH} characters."
        raise Unprocessable.field([*loc, "model"], msg)
    return ProviderRef(provider_id, model)


def _check_template(text: str, loc: Loc) -> None:
    """Template syntax (the prompt renderer's sandbox); includes make no sense in an assertion."""
    if not has_template(text):
        return
    compiled = compile_unit(text, loc, _CHECK_OUTPUT_BYTES)
    if compiled.includes:
        raise Unprocessable.field(loc, "prompt(...) includes are not available in assertion values.")


def _string(raw: Any, loc: Loc, kind: str, *, allow_number: bool = False) -> None:
    if allow_number and isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        return
    if not isinstance(raw, str) or raw == "":
        what = "a non-empty string or a number" if allow_number else "a non-empty string"
        raise Unprocessable.field(loc, f"{kind} needs a value: {what}.")
    _check_template(raw, loc)


def _string_list(raw: Any, loc: Loc, kind: str, *, allow_number: bool) -> None:
    if isinstance(raw, str):
        _string(raw, loc, kind)
        return
    if not isinstance(raw, list) or not raw:
        msg = f"{kind} needs a value: a non-empty list (or a comma-separated string)."
        raise Unprocessable.field(loc, msg)
    if len(raw) > MAX_LIST_VALUES:
        raise Unprocessable.field(loc, f"{kind} takes at most {MAX_LIST_VALUES} values.")
    for j, item in enumerate(raw):
        _string(item, [*loc, j], kind, allow_number=allow_number)


def _check_value(base: str, raw: Any, loc: Loc) -> None:
    """The value each type needs (promptfoo's own checks, made up front where they can be)."""
    if base == "equals":
        if raw is None or raw == "":
            raise Unprocessable.field(loc, "equals needs a value.")
        if isinstance(raw, str):
            _check_template(raw, loc)
    elif base in ("contains", "icontains"):
        _string(raw, loc, base, allow_number=True)
    elif base in LIST_TYPES:
        _string_list(raw, loc, base, allow_number=True)
    elif base in ("starts-with", "levenshtein", "rouge-n", "llm-rubric"):
        _string(raw, loc, base)
    elif base == "regex":
        _string(raw, loc, base)
        if not has_template(raw):
            try:
                compile_regex(raw)
            except InvalidRegex as exc:
                raise Unprocessable.field(loc, str(exc)) from None
    elif base in STRUCTURED_TYPES:
        if raw is None or raw == "":
            return  # no schema: any JSON
        if isinstance(raw, str) and has_template(raw):
            _check_template(raw, loc)
            return
        problem = schema_problem(raw)
        if problem is not None:
            raise Unprocessable.field(loc, f"Invalid JSON Schema: {problem}")
    elif base == "similar":
        if isinstance(raw, list):
            _string_list(raw, loc, base, allow_number=False)
        else:
            _string(raw, loc, base)
    elif base in METRIC_TYPES and raw is not None:
        raise Unprocessable.field(loc, f"{base} takes no value: its limit is `threshold`.")


def _check_threshold(base: str, raw: Any, loc: Loc) -> float | None:
    if raw is None:
        if base in METRIC_TYPES:
            unit = "milliseconds" if base == "latency" else "USD"
            raise Unprocessable.field(loc, f"{base} needs a threshold (the most {unit} that passes).")
        return None
    if base in ("rouge-n", "llm-rubric", ASSERT_SET):
        return _number(raw, loc, "threshold", low=0, high=1)
    if base == "similar":
        return _number(raw, loc, "threshold", low=-1, high=1)
    if base in METRIC_TYPES or base == "levenshtein":
        return _number(raw, loc, "threshold", low=0)
    return _number(raw, loc, "threshold")


def _serialized_size(raw: Any) -> int:
    try:
        return len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
        return MAX_VALUE_BYTES + 1


def _parse_one(raw: Any, loc: Loc, depth: int) -> AssertionSpec:
    if not isinstance(raw, dict):
        raise Unprocessable.field(loc, "An assertion is an object with a `type`.")
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise Unprocessable.field([*loc, "type"], "type must be a string, e.g. 'contains'.")
    negate = kind.startswith("not-")
    base = kind[4:] if negate else kind
    if base == ASSERT_SET and not negate:
        return _parse_set(raw, loc, depth)
    if base not in BASE_TYPES:
        known = ", ".join(sorted(BASE_TYPES | {ASSERT_SET}))
        raise Unprocessable.field([*loc, "type"], f"Unknown assertion type '{kind[:100]}'. Known: {known}.")
    for name in raw:
        if name not in FIELDS:
            raise Unprocessable.field([*loc, str(name)[:100]], f"Unknown field '{str(name)[:100]}'.")
    value = raw.get("value")
    if _serialized_size(value) > MAX_VALUE_BYTES:
        raise Unprocessable.field([*loc, "value"], f"value is larger than {MAX_VALUE_BYTES} bytes of JSON.")
    _check_value(base, value, [*loc, "value"])
    threshold = _check_threshold(base, raw.get("threshold"), [*loc, "threshold"])
    weight, metric = _weight_and_metric(raw, loc)
    provider = None
    if base in MODEL_GRADED_TYPES:
        if raw.get("provider") is None:
            role = "judge" if base == "llm-rubric" else "embedding model"
            msg = f"{base} needs provider: {{provider_id, model}} (the {role})."
            raise Unprocessable.field([*loc, "provider"], msg)
        provider = _provider(raw["provider"], [*loc, "provider"])
    elif raw.get("provider") is not None:
        raise Unprocessable.field([*loc, "provider"], "provider is only for llm-rubric and similar.")
    return AssertionSpec(kind, base, negate, value, threshold, weight, metric, provider, ())


def _weight_and_metric(raw: dict[str, Any], loc: Loc) -> tuple[float, str | None]:
    weight = 1.0 if raw.get("weight") is None else _number(raw["weight"], [*loc, "weight"], "weight", low=0)
    metric = raw.get("metric")
    if metric is not None and (not isinstance(metric, str) or not metric or len(metric) > MAX_METRIC_LENGTH):
        msg = f"metric must be a non-empty string of at most {MAX_METRIC_LENGTH} characters."
        raise Unprocessable.field([*loc, "metric"], msg)
    return weight, metric


def _parse_set(raw: dict[str, Any], loc: Loc, depth: int) -> AssertionSpec:
    if depth >= MAX_SET_DEPTH:
        msg = f"assert-set may be nested at most {MAX_SET_DEPTH} deep."
        raise Unprocessable.field([*loc, "type"], msg)
    for name in raw:
        if name not in SET_FIELDS:
            fields = "type, assert, threshold, weight, metric"
            msg = f"Unknown field '{str(name)[:100]}' (an assert-set has {fields})."
            raise Unprocessable.field([*loc, str(name)[:100]], msg)
    children = _parse_list(raw.get("assert"), [*loc, "assert"], depth + 1, allow_empty=False)
    threshold = _check_threshold(ASSERT_SET, raw.get("threshold"), [*loc, "threshold"])
    weight, metric = _weight_and_metric(raw, loc)
    children_ = tuple(children)
    return AssertionSpec(ASSERT_SET, ASSERT_SET, False, None, threshold, weight, metric, None, children_)


def _parse_list(raw: Any, loc: Loc, depth: int, *, allow_empty: bool = True) -> list[AssertionSpec]:
    if not isinstance(raw, list) or (not raw and not allow_empty):
        what = "a list of assertions" if allow_empty else "a non-empty list of assertions"
        raise Unprocessable.field(loc, f"Expected {what}.")
    if len(raw) > MAX_ASSERTIONS:
        raise Unprocessable.field(loc, f"At most {MAX_ASSERTIONS} assertions.")
    return [_parse_one(item, [*loc, i], depth) for i, item in enumerate(raw)]


def parse_assertions(raw: Any, loc: list[str | int]) -> list[AssertionSpec]:
    """Validate a list of raw assertions; the first problem is a 422 naming its field.

    CPU-bound for templated values (each is compiled once to find syntax errors): a full list
    takes milliseconds, so a caller parsing many (every dataset item) should do it off the loop.
    """
    return _parse_list(raw, loc, 0)


def provider_refs(specs: list[AssertionSpec]) -> set[ProviderRef]:
    """Every provider the specs call, assert-sets included (to check them before running)."""
    found: set[ProviderRef] = set()
    pending = list(specs)
    while pending:
        spec = pending.pop()
        if spec.provider is not None:
            found.add(spec.provider)
        pending.extend(spec.children)
    return found


# promptfoo's __expected: `[not-]type[(threshold)][:value]`, tried after `grade:` / `llm-rubric:`
_SHORTHAND = re.compile(
    r"^(not-)?("
    + "|".join(re.escape(t) for t in sorted(BASE_TYPES, key=len, reverse=True))
    + r")(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$"
)
_RAW_VALUE_TYPES = frozenset({"is-json", "contains-json"})
_VALUELESS_TYPES = frozenset({"is-json", "contains-json", "latency", "cost"})


def _split_commas(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


def expected_assertion(expected: Any, default_provider: ProviderRef | None = None) -> dict[str, Any] | None:
    """The raw assertion promptfoo's `__expected` shorthand makes of an item's `expected`.

    None or "" → None; a non-string → `equals` on its JSON; `grade: x` / `llm-rubric: x` → llm-rubric;
    `[not-]type[(threshold)]: value` for a known type → that assertion (list types split on commas,
    `similar` defaults to threshold 0.8); a bare type name only for types that take no value
    (`is-json`); anything else → `equals` with the text as it is. Model-graded shorthands get
    `default_provider` (without one, parsing the result reports that a provider is needed).
    """
    if expected is None or expected == "":
        return None
    if not isinstance(expected, str):
        value = expected if isinstance(expected, dict | list) else json.dumps(expected)
        return {"type": "equals", "value": value}
    text = expected.strip()  # promptfoo trims the __expected cell before reading the shorthand
    provider = (
        {"provider_id": str(default_provider.provider_id), "model": default_provider.model}
        if default_provider is not None
        else None
    )
    for prefix in ("llm-rubric:", "grade:"):
        if text.startswith(prefix):
            return {"type": "llm-rubric", "value": text[len(prefix) :], "provider": provider}
    match = _SHORTHAND.match(text)
    if match is None:
        return {"type": "equals", "value": expected}
    negate, base, threshold, value = match.groups()
    if value is None and base not in _VALUELESS_TYPES:
        return {"type": "equals", "value": expected}  # a lone word like "contains" is an answer
    raw: dict[str, Any] = {"type": f"{negate or ''}{base}"}
    if base in LIST_TYPES:
        raw["value"] = _split_commas(value or "")
    elif base in _RAW_VALUE_TYPES:
        raw["value"] = value or None
    elif value is not None:
        raw["value"] = value.strip()
    if threshold is not None:
        raw["threshold"] = float(threshold)
    elif base == "similar":
        raw["threshold"] = DEFAULT_EXPECTED_SIMILAR_THRESHOLD
    if base in MODEL_GRADED_TYPES:
        raw["provider"] = provider
    return raw


def item_assertions(
    expected: Any, metadata: dict[str, Any] | None, default_provider: ProviderRef | None
) -> tuple[list[AssertionSpec], float | None]:
    """An item's own assertions (`expected` shorthand first, then metadata.assert) and its threshold.

    Raises ItemAssertionError naming what is wrong; the evaluation records that item as an error.
    """
    metadata = metadata or {}
    raw: list[Any] = []
    shorthand = expected_assertion(expected, default_provider)
    if shorthand is not None:
        raw.append(shorthand)
    extra = metadata.get("assert")
    if extra is not None:
        if not isinstance(extra, list):
            raise ItemAssertionError("metadata.assert must be a list of assertions.")
        raw.extend(extra)
    try:
        specs = _parse_list(raw, ["item"], 0)
    except Unprocessable as exc:
        raise ItemAssertionError(_item_message(exc, shorthand is not None)) from None
    threshold = metadata.get("threshold")
    if threshold is not None:
        if isinstance(threshold, str):  # a CSV import keeps __threshold as text
            try:
                threshold = float(threshold)
            except ValueError:
                raise ItemAssertionError("metadata.threshold must be a number.") from None
        try:
            threshold = _number(threshold, ["item", "threshold"], "threshold")
        except Unprocessable:
            raise ItemAssertionError("metadata.threshold must be a finite number.") from None
    return specs, threshold


def _item_message(exc: Unprocessable, has_expected: bool) -> str:
    """Where the problem is, in the item's own terms: `expected` or `metadata.assert[i]`."""
    loc = list((exc.errors or [{}])[0].get("loc") or [])[1:]
    if loc and isinstance(loc[0], int):
        index = loc[0]
        if has_expected and index == 0:
            where = "expected"
        else:
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
            where = f"metadata.assert[{index - (1 if has_expected else 0)}]{path}"
        return f"{where}: {exc.detail}"
    return exc.detail
