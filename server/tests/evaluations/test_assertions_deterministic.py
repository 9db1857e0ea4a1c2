"""Every deterministic assertion type and its not- form, passing and failing, as a user sees the grade."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from promptforge.evaluations.assertions.grading import Case, Grade, grade_case
from promptforge.evaluations.assertions.spec import ProviderRef, parse_assertions
from promptforge.evaluations.model_calls import EmbeddingAnswer, ModelAnswer
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.rendering.templates import RenderLimits


class NoModelCalls:
    """Deterministic assertions never call a model: any call fails the test."""

    async def complete(self, ref: ProviderRef, messages: list[dict[str, str]]) -> ModelAnswer:
        raise AssertionError("a deterministic assertion called a model")

    async def embed(self, ref: ProviderRef, texts: list[str]) -> EmbeddingAnswer:
        raise AssertionError("a deterministic assertion asked for embeddings")


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    instance = Renderer(RenderLimits())
    yield instance
    instance.close()


async def grade(
    renderer: Renderer,
    assertions: list[dict[str, Any]],
    output: str,
    *,
    variables: dict[str, Any] | None = None,
    expected: Any = None,
    latency_ms: int | None = 120,
    cost_usd: float | None = 0.002,
    threshold: float | None = None,
) -> Grade:
    specs = parse_assertions(assertions, ["body", "assertions"])
    case = Case(output, variables or {}, expected, latency_ms, cost_usd)
    return await grade_case(specs, case, threshold, NoModelCalls(), renderer)


SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}

# (type, value, threshold, output, passes)
CASES: list[tuple[str, Any, float | None, str, bool]] = [
    ("equals", "Paris", None, "Paris", True),
    ("equals", "Paris", None, "Paris ", False),  # outputs are never trimmed
    ("equals", {"a": [1, 2]}, None, '{"a": [1, 2]}', True),  # an object compares with the parsed output
    ("equals", {"a": [1, 2]}, None, "a: 1, 2", False),
    ("equals", 42, None, "42", True),
    ("contains", "lazy dog", None, "The quick fox jumps over the lazy dog", True),
    ("contains", "Lazy", None, "the lazy dog", False),
    ("icontains", "LAZY", None, "the lazy dog", True),
    ("icontains", "cat", None, "the lazy dog", False),
    ("contains-any", ["cat", "dog"], None, "a dog", True),
    ("contains-any", "cat, mouse", None, "a dog", False),
    ("contains-all", "lazy, dog", None, "the lazy dog", True),
    ("contains-all", ["lazy", "cat"], None, "the lazy dog", False),
    ("icontains-any", ["CAT", "DOG"], None, "a dog", True),
    ("icontains-any", ["CAT"], None, "a dog", False),
    ("icontains-all", ["LAZY", "Dog"], None, "the lazy dog", True),
    ("icontains-all", ["LAZY", "Cat"], None, "the lazy dog", False),
    ("starts-with", "Yes", None, "Yes, of course", True),
    ("starts-with", "Yes", None, " Yes", False),
    ("regex", r"^\d{3}-\d{4}$", None, "555-1234", True),
    ("regex", r"^\d{3}-\d{4}$", None, "call 555-1234", False),
    ("is-json", None, None, '{"name": "Ada"}', True),
    ("is-json", None, None, "{name: Ada}", False),
    ("is-json", SCHEMA, None, '{"name": "Ada"}', True),
    ("is-json", SCHEMA, None, '{"age": 3}', False),
    ("contains-json", None, None, 'Here you go: {"name": "Ada"} enjoy', True),
    ("contains-json", None, None, "no json here {oops}", False),
    ("contains-json", json.dumps(SCHEMA), None, 'A {"x": 1} and {"name": "Ada"}', True),  # schema as text
    ("contains-json", SCHEMA, None, 'Only {"x": 1}', False),
    ("levenshtein", "kitten", None, "sitting", True),  # distance 3 ≤ default 5
    ("levenshtein", "kitten", 2, "sitting", False),
    ("rouge-n", "the cat sat on the mat", None, "the cat sat on the mat today", True),
    ("rouge-n", "the cat sat on the mat", None, "a dog ran", False),
    ("latency", None, 500, "x", True),  # latency 120 ms
    ("latency", None, 100, "x", False),
    ("cost", None, 0.01, "x", True),  # cost 0.002 USD
    ("cost", None, 0.001, "x", False),
]


def _assertion(kind: str, value: Any, threshold: float | None) -> dict[str, Any]:
    raw: dict[str, Any] = {"type": kind}
    if value is not None:
        raw["value"] = value
    if threshold is not None:
        raw["threshold"] = threshold
    return raw


@pytest.mark.parametrize(("kind", "value", "threshold", "output", "passes"), CASES)
async def test_each_type_passes_and_fails(
    renderer: Renderer, kind: str, value: Any, threshold: float | None, output: str, passes: bool
) -> None:
    result = await grade(renderer, [_assertion(kind, value, threshold)], output)
    assert result.status == ("passed" if passes else "failed"), result
    assertion = result.assertions[0]
    assert assertion.type == kind and assertion.passed is passes and not assertion.error
    assert result.reason == ("" if passes else assertion.reason)
    if kind != "rouge-n":
        assert assertion.score == (1.0 if passes else 0.0)


@pytest.mark.parametrize(("kind", "value", "threshold", "output", "passes"), CASES)
async def test_each_not_form_inverts(
    renderer: Renderer, kind: str, value: Any, threshold: float | None, output: str, passes: bool
) -> None:
    result = await grade(renderer, [_assertion(f"not-{kind}", value, threshold)], output)
    assert result.status == ("failed" if passes else "passed"), result
    assert result.assertions[0].type == f"not-{kind}"


async def test_failure_reasons_are_promptfoos(renderer: Renderer) -> None:
    cases = [
        ({"type": "contains", "value": "cat"}, "dog", 'Expected output to contain "cat"'),
        ({"type": "not-contains", "value": "dog"}, "dog", 'Expected output to not contain "dog"'),
        ({"type": "equals", "value": "a"}, "b", 'Expected output "b" to equal "a"'),
        ({"type": "regex", "value": "^x"}, "y", 'Expected output to match regex "^x"'),
        ({"type": "latency", "threshold": 100}, "y", "Latency 120ms is greater than threshold 100ms"),
        ({"type": "levenshtein", "value": "abcdefgh", "threshold": 1}, "zzzzzzzz", "Levenshtein distance 8"),
        ({"type": "rouge-n", "value": "a b c d"}, "a", "ROUGE-N score 0.25 is less than threshold 0.75"),
    ]
    for assertion, output, reason in cases:
        result = await grade(renderer, [assertion], output)
        assert result.assertions[0].reason.startswith(reason), (assertion, result.assertions[0].reason)


async def test_rouge_n_scores_unigram_recall_and_not_rouge_scores_its_complement(renderer: Renderer) -> None:
    # 3 of the reference's 4 words appear in the output: 0.75, exactly the default threshold
    result = await grade(renderer, [{"type": "rouge-n", "value": "The cat sat down"}], "The cat sat up")
    assert result.status == "passed" and result.score == pytest.approx(0.75)
    inverse = await grade(renderer, [{"type": "not-rouge-n", "value": "The cat sat down"}], "The cat sat up")
    assert inverse.status == "failed" and inverse.score == pytest.approx(0.25)


async def test_latency_and_cost_that_are_unknown_are_errors_not_failures(renderer: Renderer) -> None:
    result = await grade(
        renderer,
        [
            {"type": "latency", "threshold": 1000},
            {"type": "cost", "threshold": 1},
            {"type": "contains", "value": "x"},
        ],
        "x",
        latency_ms=None,
        cost_usd=None,
    )
    assert result.status == "error"
    latency, cost, contains = result.assertions
    assert latency.error and "latency" in latency.reason.lower()
    assert cost.error and "cost of this answer is unknown" in cost.reason
    assert contains.passed and not contains.error
    assert result.reason == latency.reason


async def test_values_are_templates_over_the_variables_and_expected(renderer: Renderer) -> None:
    assertions = [
        {"type": "icontains", "value": "{{ product }}"},
        {"type": "starts-with", "value": "{{ expected }}"},
        {"type": "contains-all", "value": ["{{ product | upper }}", "{{ expected }}"]},
    ]
    passing = await grade(
        renderer, assertions, "Hi! WIDGET Pro is here", variables={"product": "widget"}, expected="Hi!"
    )
    assert passing.status == "passed", passing
    failing = await grade(renderer, assertions[:1], "nothing", variables={"product": "widget"})
    assert failing.assertions[0].reason == 'Expected output to contain "widget"'


async def test_a_template_that_cannot_render_is_an_error(renderer: Renderer) -> None:
    result = await grade(renderer, [{"type": "contains", "value": "{{ missing }}"}], "x", variables={})
    assert result.status == "error"
    assert "Missing variable 'missing'" in result.assertions[0].reason
    no_expected = await grade(renderer, [{"type": "contains", "value": "{{ expected }}"}], "x")
    assert no_expected.status == "error"


async def test_a_templated_regex_that_does_not_compile_is_an_error(renderer: Renderer) -> None:
    templated = [{"type": "regex", "value": "{{ pattern }}"}]
    result = await grade(renderer, templated, "x", variables={"pattern": "(a"})
    assert result.status == "error" and "Invalid regular expression" in result.assertions[0].reason


async def test_regex_bombs_run_in_linear_time(renderer: Renderer) -> None:
    output = "a" * 100_000 + "!"
    started = time.monotonic()
    bombs = [{"type": "regex", "value": "^(a+)+$"}, {"type": "regex", "value": "(a|aa)*b"}]
    result = await grade(renderer, bombs, output)
    assert time.monotonic() - started < 2
    assert result.status == "failed"


async def test_big_outputs_are_graded_without_stalling(renderer: Renderer) -> None:
    output = ("word " * 200_000)[:1_000_000]
    started = time.monotonic()
    result = await grade(
        renderer,
        [
            {"type": "levenshtein", "value": "word word"},
            {"type": "rouge-n", "value": "word"},
            {"type": "is-json"},
            {"type": "contains-json"},
            {"type": "not-contains", "value": "cat"},
        ],
        output,
    )
    assert time.monotonic() - started < 5
    levenshtein, rouge, is_json, contains_json, not_contains = result.assertions
    assert not levenshtein.passed and "is greater than threshold 5" in levenshtein.reason
    assert rouge.passed and not is_json.passed and not contains_json.passed and not_contains.passed


async def test_contains_json_with_many_brackets_stays_fast(renderer: Renderer) -> None:
    output = '{"a":' * 50_000 + "[" * 50_000
    started = time.monotonic()
    result = await grade(renderer, [{"type": "contains-json"}], output)
    assert time.monotonic() - started < 5
    assert result.status == "failed"


async def test_a_hostile_json_schema_cannot_stall_grading(renderer: Renderer) -> None:
    # a pattern that would backtrack for hours in Python's re runs on RE2
    schema = {"type": "array", "items": {"type": "string", "pattern": "^(a+)+$"}}
    started = time.monotonic()
    result = await grade(renderer, [{"type": "is-json", "value": schema}], json.dumps(["a" * 40 + "!"]))
    assert time.monotonic() - started < 2
    assert result.status == "failed" and "does not match" in result.assertions[0].reason
    # a validation that would take minutes (uniqueItems over many objects) stops at the deadline
    many = json.dumps([{"a": i, "b": [i, i]} for i in range(30_000)])
    started = time.monotonic()
    slow = await grade(renderer, [{"type": "is-json", "value": {"uniqueItems": True}}], many)
    assert time.monotonic() - started < 5
    assert slow.status == "error" and "took longer than" in slow.assertions[0].reason
