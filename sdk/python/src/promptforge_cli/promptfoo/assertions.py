"""promptfoo assertions as Prompt-Forge runs them: which types are supported, and the `__expected` shorthand.

The server grades with promptfoo's names and semantics (docs/evaluations.md), minus anything that
runs user code. A promptfoo config that uses a type the server cannot run must be refused before
anything is created, with every such use listed, so this module knows the server's types. The
list mirrors `promptforge.evaluations.assertions.spec` (a test checks that they agree).
"""

from __future__ import annotations

import re
from typing import Any

SUPPORTED_BASE_TYPES = frozenset(
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
        "is-json",
        "contains-json",
        "levenshtein",
        "rouge-n",
        "latency",
        "cost",
        "llm-rubric",
        "similar",
    }
)
ASSERT_SET = "assert-set"
MODEL_GRADED = frozenset({"llm-rubric", "similar"})
LIST_TYPES = frozenset({"contains-any", "contains-all", "icontains-any", "icontains-all"})
ASSERTION_FIELDS = frozenset({"type", "value", "threshold", "weight", "metric", "provider"})
SET_FIELDS = frozenset({"type", "assert", "threshold", "weight", "metric"})

# Types promptfoo knows that the server does not run: named so that `__expected` cells using them
# are refused instead of silently becoming `equals` (the server reads an unknown shorthand as text).
PROMPTFOO_ONLY_TYPES = frozenset(
    {
        "javascript",
        "python",
        "webhook",
        "ruby",
        "model-graded-closedqa",
        "model-graded-factuality",
        "factuality",
        "answer-relevance",
        "context-faithfulness",
        "context-recall",
        "context-relevance",
        "conversation-relevance",
        "g-eval",
        "select-best",
        "max-score",
        "human",
        "moderation",
        "classifier",
        "perplexity",
        "perplexity-score",
        "bleu",
        "gleu",
        "meteor",
        "is-xml",
        "contains-xml",
        "is-sql",
        "contains-sql",
        "is-html",
        "contains-html",
        "is-valid-openai-function-call",
        "is-valid-openai-tools-call",
        "is-valid-function-call",
        "is-refusal",
        "guardrails",
        "pi",
        "trace-span-count",
        "trace-span-duration",
        "trace-error-spans",
        "finish-reason",
        "word-count",
        "similar:cosine",
        "similar:dot",
        "similar:euclidean",
        "icontains-regex",
    }
)
# `__expected` prefixes that run code in promptfoo.
CODE_PREFIXES = ("javascript:", "fn:", "eval:", "python:", "ruby:", "file://")

_SHORTHAND = re.compile(
    r"^(not-)?([a-z][a-z0-9-]*?)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$",
)
_VALUELESS = frozenset({"is-json", "contains-json", "latency", "cost"})
DEFAULT_SHORTHAND_SIMILAR_THRESHOLD = 0.8


def base_type(type_name: str) -> str:
    return type_name[4:] if type_name.startswith("not-") else type_name


def unsupported_type_reason(type_name: str) -> str | None:
    """Why the server cannot run an assertion type, or None when it can."""
    base = base_type(type_name)
    if type_name == ASSERT_SET or base in SUPPORTED_BASE_TYPES:
        return None
    if base in ("javascript", "python", "ruby", "webhook"):
        return f"`{type_name}` runs user code; Prompt-Forge never runs code on the server"
    return f"`{type_name}` is not an assertion type Prompt-Forge runs"


class ShorthandProblem(ValueError):
    """An `__expected` cell promptfoo would run as code or as a type the server does not have."""


def parse_expected_shorthand(text: str) -> dict[str, Any] | None:
    """An `__expected` cell as promptfoo reads it, in the assertion form (provider left to the caller).

    None for an empty cell; ShorthandProblem when promptfoo would run code or an unsupported type
    (the server would otherwise read such a cell as plain text to compare with).
    """
    stripped = text.strip()
    if not stripped:
        return None
    for prefix in CODE_PREFIXES:
        if stripped.startswith(prefix):
            raise ShorthandProblem(f"`{prefix}` expectations run code; Prompt-Forge never runs code")
    for prefix in ("llm-rubric:", "grade:"):
        if stripped.startswith(prefix):
            return {"type": "llm-rubric", "value": stripped[len(prefix) :].strip()}
    match = _SHORTHAND.match(stripped)
    if match is None:
        return {"type": "equals", "value": text}
    negate, base, threshold, value = match.groups()
    if base in PROMPTFOO_ONLY_TYPES and (value is not None or threshold is not None):
        raise ShorthandProblem(unsupported_type_reason(base) or base)
    if base not in SUPPORTED_BASE_TYPES or (value is None and base not in _VALUELESS):
        return {"type": "equals", "value": text}
    raw: dict[str, Any] = {"type": f"{negate or ''}{base}"}
    if base in LIST_TYPES:
        raw["value"] = [part.strip() for part in (value or "").split(",")]
    elif value is not None and value.strip():
        raw["value"] = value.strip()
    if threshold is not None:
        raw["threshold"] = float(threshold)
    elif base == "similar":
        raw["threshold"] = DEFAULT_SHORTHAND_SIMILAR_THRESHOLD
    return raw


_FLAG = re.compile(r"^(not-)?([a-z][a-z0-9-]*)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$")


def parse_assert_flag(text: str) -> dict[str, Any]:
    """`pf eval run --assert`: `type:value`, `not-type:value`, `type(threshold):value` or a bare `is-json`.

    ValueError names what is wrong: an unknown or unsupported type, or a missing value.
    """
    match = _FLAG.match(text.strip())
    if match is None:
        raise ValueError(f"--assert {text!r}: expected TYPE:VALUE (e.g. icontains:refund)")
    negate, base, threshold, value = match.groups()
    reason = unsupported_type_reason(base)
    if reason is not None or base == ASSERT_SET:
        raise ValueError(f"--assert {text!r}: {reason or 'assert-set needs --config'}")
    raw: dict[str, Any] = {"type": f"{negate or ''}{base}"}
    if value is not None and value != "":
        raw["value"] = [part.strip() for part in value.split(",")] if base in LIST_TYPES else value
    elif base not in _VALUELESS:
        raise ValueError(f"--assert {text!r}: {base} needs a value ({base}:VALUE)")
    if threshold is not None:
        raw["threshold"] = float(threshold)
    return raw
