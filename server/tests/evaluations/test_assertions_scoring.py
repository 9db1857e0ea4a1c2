"""Scoring as promptfoo scores (weights, thresholds, metric, assert-set), the issue's differences
(weight 0, errors apart from failures), the __expected shorthand, item assertions and parse errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from promptforge.core.errors import Unprocessable
from promptforge.evaluations.assertions.grading import Case, Grade, grade_case
from promptforge.evaluations.assertions.spec import (
    ItemAssertionError,
    ProviderRef,
    expected_assertion,
    item_assertions,
    parse_assertions,
    provider_refs,
)
from promptforge.evaluations.model_calls import EmbeddingAnswer, ModelAnswer
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.rendering.templates import RenderLimits

JUDGE = ProviderRef(uuid.UUID("00000000-0000-0000-0000-000000000001"), "gpt-4o-mini")
JUDGE_RAW = {"provider_id": str(JUDGE.provider_id), "model": JUDGE.model}


class NoModelCalls:
    async def complete(self, ref: ProviderRef, messages: list[dict[str, str]]) -> ModelAnswer:
        raise AssertionError("no model call expected")

    async def embed(self, ref: ProviderRef, texts: list[str]) -> EmbeddingAnswer:
        raise AssertionError("no embeddings expected")


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    instance = Renderer(RenderLimits())
    yield instance
    instance.close()


async def grade(
    renderer: Renderer, assertions: list[dict[str, Any]], output: str, threshold: float | None = None
) -> Grade:
    specs = parse_assertions(assertions, ["body", "assertions"])
    return await grade_case(specs, Case(output, {}, None, 10, 0.0), threshold, NoModelCalls(), renderer)


PASS = {"type": "contains", "value": "yes"}
FAIL = {"type": "contains", "value": "no"}


async def test_the_score_is_the_weighted_mean_and_any_failure_fails(renderer: Renderer) -> None:
    result = await grade(renderer, [{**PASS, "weight": 3}, {**FAIL, "weight": 1}], "yes")
    assert result.score == pytest.approx(0.75)
    assert result.status == "failed" and result.reason == 'Expected output to contain "no"'
    assert [a.weight for a in result.assertions] == [3.0, 1.0]


async def test_an_item_threshold_decides_alone(renderer: Renderer) -> None:
    assertions = [{**PASS, "weight": 3}, {**FAIL, "weight": 1}]
    passed = await grade(renderer, assertions, "yes", threshold=0.7)
    assert passed.status == "passed" and passed.reason == ""
    failed = await grade(renderer, assertions, "yes", threshold=0.8)
    assert failed.status == "failed" and failed.reason == "Aggregate score 0.75 < 0.8 threshold"
    # a threshold also fails an item whose assertions all "passed" with low scores
    rouge = await grade(renderer, [{"type": "rouge-n", "value": "a b c d", "threshold": 0.25}], "a", 0.5)
    assert rouge.assertions[0].passed and rouge.status == "failed"


async def test_weight_zero_always_passes_and_adds_nothing(renderer: Renderer) -> None:
    result = await grade(renderer, [PASS, {**FAIL, "weight": 0}], "yes")
    assert result.status == "passed" and result.score == 1.0
    informational = result.assertions[1]
    assert informational.passed and informational.weight == 0
    assert informational.reason == 'Expected output to contain "no"'  # still says what it saw
    only_zero = await grade(renderer, [{**FAIL, "weight": 0}], "yes")
    assert only_zero.status == "passed" and only_zero.score == 1.0
    errored = await grade(renderer, [PASS, {"type": "cost", "threshold": 1, "weight": 0}], "yes")
    assert errored.status == "passed"


async def test_no_assertions_pass_with_score_one(renderer: Renderer) -> None:
    result = await grade(renderer, [], "anything")
    assert (result.status, result.score, result.reason, result.assertions) == ("passed", 1.0, "", [])
    assert result.grading_cost_usd == 0.0


async def test_metric_names_travel_with_each_result(renderer: Renderer) -> None:
    result = await grade(renderer, [{**PASS, "metric": "tone"}, FAIL], "yes")
    assert [a.metric for a in result.assertions] == ["tone", None]
    assert result.assertions[0].as_json() == {
        "type": "contains",
        "passed": True,
        "score": 1.0,
        "reason": "Assertion passed",
        "metric": "tone",
        "weight": 1.0,
        "error": False,
    }


async def test_assert_set_scores_its_children_with_its_own_threshold(renderer: Renderer) -> None:
    group = {"type": "assert-set", "assert": [PASS, FAIL], "threshold": 0.5, "weight": 2, "metric": "grp"}
    result = await grade(renderer, [group, FAIL], "yes")
    first = result.assertions[0]
    assert first.type == "assert-set" and first.passed and first.score == pytest.approx(0.5)
    assert [c.passed for c in first.children] == [True, False]
    assert first.as_json()["children"][1]["reason"] == 'Expected output to contain "no"'
    assert result.score == pytest.approx((0.5 * 2 + 0) / 3) and result.status == "failed"
    strict = await grade(renderer, [{"type": "assert-set", "assert": [PASS, FAIL]}], "yes")
    assert strict.status == "failed" and strict.reason == 'Expected output to contain "no"'
    nested = {"type": "assert-set", "assert": [{"type": "assert-set", "assert": [PASS]}, PASS]}
    assert (await grade(renderer, [nested], "yes")).status == "passed"


async def test_an_error_makes_the_grade_an_error_even_among_failures(renderer: Renderer) -> None:
    cost_set = {"type": "assert-set", "assert": [{"type": "cost", "threshold": 1}]}
    result = await grade(renderer, [FAIL, cost_set], "x")
    specs = parse_assertions([{"type": "cost", "threshold": 1}], ["a"])
    unknown_cost = await grade_case(specs, Case("x", {}, None, 1, None), None, NoModelCalls(), renderer)
    assert unknown_cost.status == "error" and unknown_cost.assertions[0].error
    assert result.status == "failed"  # cost 0.0 is known here
    with_threshold = await grade_case(specs, Case("x", {}, None, 1, None), 0.0, NoModelCalls(), renderer)
    assert with_threshold.status == "error"  # a threshold does not hide an error


# ------------------------------------------------------------------ __expected and item assertions


@pytest.mark.parametrize(
    ("expected", "assertion"),
    [
        ("contains: Paris", {"type": "contains", "value": "Paris"}),
        ("icontains:paris", {"type": "icontains", "value": "paris"}),
        ("not-contains: London", {"type": "not-contains", "value": "London"}),
        ("regex: ^\\d+$", {"type": "regex", "value": "^\\d+$"}),
        ("starts-with: Yes", {"type": "starts-with", "value": "Yes"}),
        ("contains-any: a, b ,c", {"type": "contains-any", "value": ["a", "b", "c"]}),
        ("icontains-all:x,y", {"type": "icontains-all", "value": ["x", "y"]}),
        ("is-json", {"type": "is-json"}),
        ("contains-json", {"type": "contains-json"}),
        ("levenshtein(2): kitten", {"type": "levenshtein", "value": "kitten", "threshold": 2.0}),
        ("rouge-n(0.5): the cat", {"type": "rouge-n", "value": "the cat", "threshold": 0.5}),
        ("latency(500)", {"type": "latency", "threshold": 500.0}),
        (
            "similar(0.9): hello",
            {"type": "similar", "value": "hello", "threshold": 0.9, "provider": JUDGE_RAW},
        ),
        ("similar: hello", {"type": "similar", "value": "hello", "threshold": 0.8, "provider": JUDGE_RAW}),
        ("llm-rubric: is polite", {"type": "llm-rubric", "value": " is polite", "provider": JUDGE_RAW}),
        ("grade: is polite", {"type": "llm-rubric", "value": " is polite", "provider": JUDGE_RAW}),
        ("Paris", {"type": "equals", "value": "Paris"}),
        ("contains", {"type": "equals", "value": "contains"}),  # a lone word is an answer
        ("javascript: output.length > 3", {"type": "equals", "value": "javascript: output.length > 3"}),
        (42, {"type": "equals", "value": "42"}),
        (True, {"type": "equals", "value": "true"}),
        ({"a": 1}, {"type": "equals", "value": {"a": 1}}),
    ],
)
def test_expected_shorthand(expected: Any, assertion: dict[str, Any]) -> None:
    raw = expected_assertion(expected, JUDGE)
    assert raw is not None
    assert {k: v for k, v in raw.items() if v is not None} == assertion
    parse_assertions([raw], ["expected"])  # every shorthand is a valid assertion


def test_no_expected_means_no_assertion() -> None:
    assert expected_assertion(None) is None and expected_assertion("") is None


def test_item_assertions_combine_expected_metadata_assert_and_threshold() -> None:
    specs, threshold = item_assertions(
        "icontains: paris", {"assert": [{"type": "starts-with", "value": "The"}], "threshold": "0.5"}, None
    )
    assert [s.type for s in specs] == ["icontains", "starts-with"] and threshold == 0.5
    assert item_assertions(None, {}, None) == ([], None)


def test_invalid_item_assertions_name_the_item_field() -> None:
    with pytest.raises(ItemAssertionError, match=r"^expected: llm-rubric needs provider"):
        item_assertions("llm-rubric: polite", {}, None)
    with pytest.raises(ItemAssertionError, match=r"^metadata.assert\[1\].value: "):
        item_assertions("x", {"assert": [PASS, {"type": "regex", "value": "(a"}]}, None)
    with pytest.raises(ItemAssertionError, match=r"metadata\.assert must be a list"):
        item_assertions(None, {"assert": {"type": "contains"}}, None)
    with pytest.raises(ItemAssertionError, match=r"metadata\.threshold"):
        item_assertions(None, {"threshold": "high"}, None)
    unknown = r"metadata\.assert\[0\]\.type: Unknown assertion type 'python'"
    with pytest.raises(ItemAssertionError, match=unknown):
        item_assertions(None, {"assert": [{"type": "python", "value": "True"}]}, None)


# ------------------------------------------------------------------ parse errors


def _problem(raw: Any) -> tuple[list[Any], str]:
    with pytest.raises(Unprocessable) as caught:
        parse_assertions(raw, ["body", "assertions"])
    error = (caught.value.errors or [{}])[0]
    assert caught.value.status == 422
    return error["loc"], error["msg"]


@pytest.mark.parametrize(
    ("raw", "loc", "message"),
    [
        ([{"type": "javascript", "value": "1"}], [0, "type"], "Unknown assertion type 'javascript'"),
        ([PASS, {"type": "not-assert-set", "assert": [PASS]}], [1, "type"], "Unknown assertion type"),
        ([{"type": "contains"}], [0, "value"], "contains needs a value"),
        ([PASS, {"type": "regex", "value": "(a"}], [1, "value"], "Invalid regular expression"),
        ([{"type": "regex", "value": "(?=a)"}], [0, "value"], "no backreferences or lookaround"),
        ([{"type": "contains", "value": "{{ x "}], [0, "value"], "Line 1"),
        ([{"type": "contains", "value": "{{ prompt('x') }}"}], [0, "value"], "includes are not available"),
        ([{"type": "contains-any", "value": []}], [0, "value"], "non-empty list"),
        ([{"type": "contains-any", "value": ["a", {"b": 1}]}], [0, "value", 1], "string or a number"),
        ([{"type": "contains-all", "value": ["a"] * 101}], [0, "value"], "at most 100"),
        ([{"type": "contains", "value": "x" * 17_000}], [0, "value"], "larger than 16384 bytes"),
        ([{"type": "latency"}], [0, "threshold"], "latency needs a threshold"),
        ([{"type": "cost", "threshold": -1}], [0, "threshold"], "threshold must be a number from 0"),
        ([{**PASS, "weight": -1}], [0, "weight"], "weight must be a number from 0"),
        ([{**PASS, "weight": "heavy"}], [0, "weight"], "weight must be a finite number"),
        ([{**PASS, "metric": ""}], [0, "metric"], "metric must be a non-empty string"),
        ([{**PASS, "transform": "output.trim()"}], [0, "transform"], "Unknown field 'transform'"),
        ([{**PASS, "provider": JUDGE_RAW}], [0, "provider"], "only for llm-rubric and similar"),
        ([{"type": "llm-rubric", "value": "polite"}], [0, "provider"], "llm-rubric needs provider"),
        (
            [{"type": "similar", "value": "x", "provider": {"provider_id": "nope", "model": "m"}}],
            [0, "provider", "provider_id"],
            "UUID",
        ),
        ([{"type": "rouge-n", "value": "x", "threshold": 2}], [0, "threshold"], "from 0 to 1"),
        ([{"type": "is-json", "value": {"type": "nonsense"}}], [0, "value"], "Invalid JSON Schema"),
        ([{"type": "is-json", "value": {"$ref": "https://example.com/s.json"}}], [0, "value"], "fetched"),
        ([{"type": "is-json", "value": {"pattern": "(a)\\1"}}], [0, "value"], "Invalid JSON Schema"),
        ([{"type": "contains-json", "value": "{not: [json"}], [0, "value"], "Invalid JSON Schema"),
        ([{"type": "assert-set", "assert": []}], [0, "assert"], "non-empty list"),
        ([{"type": "assert-set", "assert": [PASS], "value": "x"}], [0, "value"], "Unknown field 'value'"),
        ([PASS] * 51, [], "At most 50 assertions"),
        ({"type": "contains"}, [], "Expected a list"),
        (["contains"], [0], "An assertion is an object"),
    ],
)
def test_parse_errors_name_the_field(raw: Any, loc: list[Any], message: str) -> None:
    found_loc, msg = _problem(raw)
    assert found_loc == ["body", "assertions", *loc]
    assert message in msg


def test_assert_sets_nest_at_most_three_deep() -> None:
    def nest(levels: int) -> dict[str, Any]:
        inner: dict[str, Any] = PASS
        for _ in range(levels):
            inner = {"type": "assert-set", "assert": [inner]}
        return inner

    parse_assertions([nest(3)], ["a"])
    loc, msg = _problem([nest(4)])
    assert loc == ["body", "assertions", 0, "assert", 0, "assert", 0, "assert", 0, "type"]
    assert "nested at most 3 deep" in msg


def test_hostile_schemas_are_refused_quickly() -> None:
    deep: dict[str, Any] = {}
    for _ in range(200):
        deep = {"items": deep}
    _, msg = _problem([{"type": "is-json", "value": deep}])
    assert "nested deeper than" in msg
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    _, msg = _problem([{"type": "is-json", "value": laughs}])
    assert "more than" in msg and "values" in msg


def test_provider_refs_include_assert_sets_and_specs_round_trip() -> None:
    other = {"provider_id": str(uuid.uuid4()), "model": "text-embedding-3-small"}
    raw = [
        {"type": "llm-rubric", "value": "polite", "provider": JUDGE_RAW},
        {"type": "assert-set", "assert": [{"type": "not-similar", "value": "x", "provider": other}]},
    ]
    specs = parse_assertions(raw, ["a"])
    assert provider_refs(specs) == {JUDGE, ProviderRef(uuid.UUID(other["provider_id"]), other["model"])}
    assert parse_assertions([s.as_json() for s in specs], ["a"]) == specs
    assert specs[1].children[0].negate and specs[1].children[0].base == "similar"
