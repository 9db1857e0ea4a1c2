"""promptfoo configs → prompts, dataset items and the evaluation body (no server: the pure part)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from promptforge_cli.promptfoo.assertions import SUPPORTED_BASE_TYPES, parse_expected_shorthand
from promptforge_cli.promptfoo.config import load_suite
from promptforge_cli.promptfoo.plan import Connection, PlanError, build_plan

OPENAI = Connection("c-openai", "openai-main", "openai", "gpt-4o-mini", ("gpt-4o-mini", "gpt-4o"))
FAKE = Connection("c-fake", "fake", "openai_compatible", "fake-model", ())
CLAUDE = Connection("c-claude", "claude", "anthropic", "claude-3-5-haiku-latest", ())


def write(tmp: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return tmp / "promptfooconfig.yaml"


def test_inline_config_maps_to_prompts_items_and_variants(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                description: Support answers
                prompts:
                  - "Answer about {{ product }}: {{ question }}"
                  - id: file://prompts/chat.json
                    label: Chat style
                providers:
                  - openai:gpt-4o-mini
                  - id: openai:chat:gpt-4o
                    label: big
                    config: {temperature: 0, max_tokens: 50, apiKey: sk-x}
                defaultTest:
                  vars: {product: Widget}
                  assert:
                    - type: icontains
                      value: "{{ product }}"
                  threshold: 0.5
                tests:
                  - description: refunds
                    vars: {question: "How do refunds work?"}
                    assert:
                      - type: not-contains
                        value: sorry
                        weight: 2
                        metric: tone
                  - vars: {question: "Shipping?", product: Gadget}
                """,
            "prompts/chat.json": json.dumps(
                [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{ question }}"}]
            ),
        },
    )
    suite = load_suite(config)
    assert suite.problems == []
    assert any("apiKey" in note for note in suite.notes)
    plan = build_plan(suite, [OPENAI, CLAUDE])
    assert [(p.name, p.kind) for p in plan.prompts] == [
        ("support-answers-prompt-1", "text"),
        ("chat-style", "chat"),
    ]
    assert plan.prompts[1].template[0] == {"role": "system", "content": "Be brief."}
    assert plan.dataset == "support-answers-tests"
    assert plan.items == [
        {
            "input": {"product": "Widget", "question": "How do refunds work?"},
            "metadata": {
                "description": "refunds",
                "threshold": 0.5,
                "assert": [{"type": "not-contains", "value": "sorry", "weight": 2, "metric": "tone"}],
            },
        },
        {"input": {"product": "Gadget", "question": "Shipping?"}, "metadata": {"threshold": 0.5}},
    ]
    assert plan.test_labels[0] == "refunds"
    assert [v.name for v in plan.variants] == [
        "support-answers-prompt-1 [openai:gpt-4o-mini]",
        "support-answers-prompt-1 [big]",
        "chat-style [openai:gpt-4o-mini]",
        "chat-style [big]",
    ]
    body = plan.evaluation_body({"support-answers-prompt-1": 3, "chat-style": 1}, pass_threshold=0.9)
    assert body["variants"][1] == {
        "name": "support-answers-prompt-1 [big]",
        "prompt": {"name": "support-answers-prompt-1", "version": 3},
        "provider_id": "c-openai",
        "model": "gpt-4o",
        "params": {"temperature": 0, "max_tokens": 50},
    }
    assert body["assertions"] == [{"type": "icontains", "value": "{{ product }}"}]
    assert body["pass_threshold"] == 0.9
    assert body["dataset"] == {"name": "support-answers-tests"}


def test_csv_tests_with_expected_columns_and_default_assertions(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                prompts: [file://prompt.txt]
                providers: [openai:chat:fake-model]
                defaultTest:
                  assert:
                    - type: not-icontains
                      value: as an ai
                tests: file://cases.csv
                """,
            "prompt.txt": "Capital of {{ country }}?\n",
            "cases.csv": (
                "country,__expected,__expected2,__description,__threshold,__metadata:tags[]\n"
                'France,contains: Paris,"icontains-any: paris, PARIS",french,0.5,"eu,west"\n'
                "Peru,Lima,,,,\n"
            ),
        },
    )
    suite = load_suite(config)
    assert suite.problems == []
    plan = build_plan(suite, [FAKE])
    assert plan.prompts[0].name == "prompt" and plan.prompts[0].template == "Capital of {{ country }}?\n"
    assert plan.items[0] == {
        "input": {"country": "France"},
        "expected": "contains: Paris",
        "metadata": {
            "tags": ["eu", "west"],
            "description": "french",
            "threshold": 0.5,
            "assert": [{"type": "icontains-any", "value": ["paris", "PARIS"]}],
        },
    }
    assert plan.items[1] == {"input": {"country": "Peru"}, "expected": "Lima", "metadata": {}}
    assert plan.assertions == [{"type": "not-icontains", "value": "as an ai"}]
    # one provider: the variant is named after the prompt alone; the only openai-like connection serves it
    assert [(v.name, v.provider_id, v.model) for v in plan.variants] == [("prompt", "c-fake", "fake-model")]


def test_unsupported_things_are_all_listed(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                prompts: [file://make_prompt.py, "Hi {{ name }}"]
                providers: [openai:gpt-4o-mini, bedrock:claude]
                scenarios: []
                defaultTest:
                  assert:
                    - type: javascript
                      value: output.length > 3
                    - type: icontains
                      value: hi
                      transform: output.trim()
                tests:
                  - vars: {name: Ann}
                    assert:
                      - type: python
                        value: file://check.py
                      - type: model-graded-closedqa
                        value: polite
                      - type: assert-set
                        assert: [{type: webhook, value: "http://x"}]
                  - file://more.csv
                """,
            "more.csv": (
                "name,__expected\nBob,javascript: output.includes('Bob')\nEve,factuality: Eve is here\n"
            ),
        },
    )
    problems = load_suite(config).problems
    text = "\n".join(problems)
    for needle in [
        "prompts[0]: file://make_prompt.py is code",
        "providers[1]: provider `bedrock:claude` is not supported",
        "scenarios: not supported",
        "defaultTest.assert[0]: `javascript` runs user code",
        "defaultTest.assert[1]: icontains: field(s) transform not supported",
        "tests[0].assert[0]: `python` runs user code",
        "tests[0].assert[1]: `model-graded-closedqa` is not an assertion type",
        "tests[0].assert[2].assert[0]: `webhook` runs user code",
        "more.csv row 1 __expected: `javascript:` expectations run code",
        "more.csv row 2 __expected: `factuality` is not an assertion type",
    ]:
        assert needle in text, f"{needle!r} missing from:\n{text}"
    assert len(problems) == 10


def test_var_arrays_expand_and_file_vars_load(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                prompts: ["{{ a }} {{ b }} {{ doc }}"]
                providers: [echo]
                tests:
                  - vars: {a: [1, 2], b: [x, y], doc: file://doc.txt}
                  - file://extra.yaml
                """,
            "doc.txt": "hello",
            "extra.yaml": "- vars: {a: 9, b: z, doc: d}\n  threshold: 1\n",
        },
    )
    suite = load_suite(config)
    assert suite.problems == []
    inputs = [t.vars for t in suite.tests]
    assert inputs == [
        {"a": 1, "b": "x", "doc": "hello"},
        {"a": 1, "b": "y", "doc": "hello"},
        {"a": 2, "b": "x", "doc": "hello"},
        {"a": 2, "b": "y", "doc": "hello"},
        {"a": 9, "b": "z", "doc": "d"},
    ]
    echo = Connection("c-echo", "echo", "echo", "echo-1", ())
    plan = build_plan(suite, [echo])
    assert plan.variants[0].provider_id == "c-echo" and plan.variants[0].model == "echo-1"
    assert plan.items[4]["metadata"] == {"threshold": 1.0}


def test_model_graded_assertions_get_a_provider(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                prompts: ["{{ q }}"]
                providers: [openai:gpt-4o]
                defaultTest:
                  options: {provider: openai:gpt-4o-mini}
                  assert:
                    - type: llm-rubric
                      value: polite
                    - type: similar
                      value: hello
                    - type: llm-rubric
                      value: short
                      provider: anthropic:messages:claude-3-5-haiku-latest
                tests: [{vars: {q: hi}}]
                """
        },
    )
    plan = build_plan(load_suite(config), [OPENAI, CLAUDE])
    assert plan.grader == {"provider_id": "c-openai", "model": "gpt-4o-mini"}
    assert [a["provider"] for a in plan.assertions] == [
        {"provider_id": "c-openai", "model": "gpt-4o-mini"},
        {"provider_id": "c-openai", "model": "text-embedding-3-large"},
        {"provider_id": "c-claude", "model": "claude-3-5-haiku-latest"},
    ]


def test_provider_mapping_problems_and_override(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": """
                prompts: ["{{ q }}"]
                providers: [openai:gpt-4o, anthropic:claude-3-opus]
                tests: [{vars: {q: hi}}]
                """
        },
    )
    suite = load_suite(config)
    other = Connection("c-2", "second", "openai", "gpt-4o", ())
    twin = Connection("c-3", "third", "openai", "gpt-4o", ())
    with pytest.raises(PlanError) as caught:
        build_plan(suite, [OPENAI, other, twin])
    assert any("several connections serve gpt-4o" in p for p in caught.value.problems)
    assert any("no anthropic connection" in p and "--provider" in p for p in caught.value.problems)
    plan = build_plan(suite, [OPENAI, other], provider_override="second", model_override="m-1")
    assert {(v.provider_id, v.model) for v in plan.variants} == {("c-2", "m-1")}
    with pytest.raises(PlanError, match="--provider nope"):
        build_plan(suite, [OPENAI], provider_override="nope")


def test_too_many_variants_and_no_tests(tmp_path: Path) -> None:
    prompts = "\n".join(f"  - 'p{i} {{{{ q }}}}'" for i in range(5))
    config = write(
        tmp_path, {"promptfooconfig.yaml": f"prompts:\n{prompts}\nproviders: [openai:a, openai:b]\n"}
    )
    with pytest.raises(PlanError) as caught:
        build_plan(load_suite(config), [OPENAI])
    assert caught.value.problems[0].startswith("5 prompts x 2 providers = 10 variants")
    assert "no tests" in caught.value.problems[1]


def test_text_file_with_separators_is_several_prompts(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": (
                "prompts: file://p.txt\nproviders: openai:gpt-4o\ntests: [{vars: {x: 1}}]\n"
            ),
            "p.txt": "First {{ x }}\n---\nSecond {{ x }}\n",
        },
    )
    plan = build_plan(load_suite(config), [OPENAI])
    assert [(p.name, p.template) for p in plan.prompts] == [
        ("p-1", "First {{ x }}"),
        ("p-2", "Second {{ x }}"),
    ]


def test_missing_files_and_bad_yaml_are_problems(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        {
            "promptfooconfig.yaml": "prompts: [file://nope.txt]\nproviders: [openai:x]\ntests: file://none/*.csv\n"
        },
    )
    problems = load_suite(config).problems
    assert any("nope.txt" in p for p in problems) and any("matches no file" in p for p in problems)
    (tmp_path / "promptfooconfig.yaml").write_text("prompts: [unclosed\n")
    assert "cannot read the config" in load_suite(config).problems[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("contains: Paris", {"type": "contains", "value": "Paris"}),
        ("not-icontains: sorry", {"type": "not-icontains", "value": "sorry"}),
        ("levenshtein(3): hello", {"type": "levenshtein", "value": "hello", "threshold": 3.0}),
        ("similar: hi", {"type": "similar", "value": "hi", "threshold": 0.8}),
        ("grade: polite", {"type": "llm-rubric", "value": "polite"}),
        ("is-json", {"type": "is-json"}),
        ("Paris", {"type": "equals", "value": "Paris"}),
        ("contains", {"type": "equals", "value": "contains"}),
        ("", None),
    ],
)
def test_expected_shorthand(cell: str, expected: dict[str, object] | None) -> None:
    assert parse_expected_shorthand(cell) == expected


def test_supported_types_match_the_server() -> None:
    spec = pytest.importorskip("promptforge.evaluations.assertions.spec")
    assert spec.BASE_TYPES == SUPPORTED_BASE_TYPES
