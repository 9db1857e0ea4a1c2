"""`pf eval run` / `pf eval compare` as a subprocess against a running server and the fake provider.

The fake provider answers "Hello from fake openai. You said: <the rendered prompt>", so a test
chooses pass or fail through its assertions: `icontains:you said` passes every item,
`icontains:Ann` only the item whose name is Ann.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from cli_pf.pf_harness import PfProject, PfRun
from fake_llm import FakeLLM

pytestmark = pytest.mark.filterwarnings("ignore")


@dataclass
class EvalProject:
    """A fresh project with a provider connection to the fake LLM, the prompt `greeting` (label
    production on v1) and a dataset of three names."""

    project: PfProject
    provider_id: str
    dataset: str

    def pf(self, *args: str, cwd: Path | None = None, **env: str) -> PfRun:
        return self.project.pf(*args, env=env or None, cwd=cwd)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.project.owner.request(method, self.project.url(path), **kwargs)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None


@pytest.fixture
def eval_project(pf_project: PfProject, fake_llm: FakeLLM) -> EvalProject:
    owner, url = pf_project.owner, pf_project.url
    provider = {
        "name": "fake",
        "kind": "openai_compatible",
        "base_url": fake_llm.openai_url,
        "api_key": "sk-test-openai-key-1234",
        "default_model": "fake-model",
    }
    response = owner.post(url("/providers"), json=provider)
    assert response.status_code == 201, response.text
    prompt = {"name": "greeting", "kind": "text", "template": "Hello {{ name }}!"}
    assert owner.post(url("/prompts"), json=prompt).status_code == 201
    assert owner.put(url("/prompts/greeting/labels/production"), json={"version": 1}).status_code == 200
    assert owner.post(url("/datasets"), json={"name": "people"}).status_code == 201
    items = [{"input": {"name": n}} for n in ("Ann", "Bob", "Cy")]
    assert owner.post(url("/datasets/people/items"), json={"items": items}).status_code == 201
    return EvalProject(pf_project, response.json()["id"], "people")


def run_eval(
    server: EvalProject, tmp: Path, dataset: str, *asserts: str, extra: tuple[str, ...] = ()
) -> tuple[int, str, dict]:
    report = tmp / f"report-{uuid.uuid4().hex[:6]}.json"
    args = [
        "eval",
        "run",
        "--dataset",
        dataset,
        "--prompt",
        "greeting@production",
        "--json",
        str(report),
    ]
    for a in asserts:
        args += ["--assert", a]
    result = server.pf(*args, *extra)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(report.read_text()) if report.exists() else {}
    return result.code, result.output, document


def test_passing_evaluation_exits_0_with_junit_and_json(eval_project: EvalProject, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, output, document = run_eval(
        eval_project,
        tmp_path,
        eval_project.dataset,
        "icontains:you said",
        "not-contains:sorry",
        extra=("--junit", str(junit), "--threshold", "1", "--name", "cli pass"),
    )
    assert code == 0, output
    assert "PASSED" in output and "greeting@production" in output
    assert "Live events unavailable" not in output  # followed over the WebSocket, not by polling
    assert "3/3" in output  # the progress bar reached the end
    evaluation = document["evaluation"]
    assert evaluation["status"] == "completed" and evaluation["passed"] is True
    assert evaluation["name"] == "cli pass"
    assert evaluation["assertions"][1]["type"] == "not-contains"
    assert document["summary"]["variants"][0]["pass_rate"] == 1.0
    assert sorted(r["input"]["name"] for r in document["results"]) == ["Ann", "Bob", "Cy"]
    assert all("You said: Hello" in r["output"] for r in document["results"]), document["results"][0]
    xml = JUnitXml.fromfile(str(junit))
    suites = list(xml)
    assert len(suites) == 1 and suites[0].name == "greeting@production"
    assert (suites[0].tests, suites[0].failures, suites[0].errors) == (3, 0, 0)


def test_failing_evaluation_exits_1(eval_project: EvalProject, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, output, document = run_eval(
        eval_project, tmp_path, eval_project.dataset, "icontains:Ann", extra=("--junit", str(junit))
    )
    assert code == 1, output
    assert "FAILED (1 passed, 2 failed, 0 errors" in output
    assert "Expected output to contain" in output  # the failing results are listed with their reason
    xml = next(iter(JUnitXml.fromfile(str(junit))))
    assert (xml.tests, xml.failures, xml.errors) == (3, 2, 0)
    assert document["evaluation"]["passed"] is False
    # a threshold the pass rate reaches makes the same evaluation pass
    code, output, _ = run_eval(
        eval_project, tmp_path, eval_project.dataset, "icontains:Ann", extra=("--threshold", "0.3")
    )
    assert code == 0, output


def test_regression_against_a_baseline_exits_1_and_compare_reports_it(
    eval_project: EvalProject, tmp_path: Path
) -> None:
    code, output, before = run_eval(eval_project, tmp_path, eval_project.dataset, "icontains:you said")
    assert code == 0, output
    before_id = before["evaluation"]["id"]
    # the same evaluation again: nothing regressed against the explicit baseline nor the latest passing
    code, output, _ = run_eval(
        eval_project, tmp_path, eval_project.dataset, "icontains:you said", extra=("--baseline", before_id)
    )
    assert code == 0, output
    assert "0 regressions" in output
    code, output, after = run_eval(
        eval_project,
        tmp_path,
        eval_project.dataset,
        "icontains:Ann",
        extra=("--baseline", "latest-passing", "--threshold", "0.3"),
    )
    # passes its own threshold, but two items that passed before fail now
    assert code == 1, output
    assert "REGRESSED: 2" in output and "Regressions: 2" in output
    assert after["comparison"]["counts"]["regressions"] == 2
    assert after["comparison"]["against_id"] != after["evaluation"]["id"]

    compared = eval_project.pf("eval", "compare", before_id, after["evaluation"]["id"])
    assert compared.code == 1, compared.stdout + compared.stderr
    assert "Regressions: 2" in compared.stdout and "Bob" in compared.stdout and "Cy" in compared.stdout
    assert "2 regressions, 0 fixes, 1 unchanged" in compared.stdout
    back = eval_project.pf("eval", "compare", after["evaluation"]["id"], before_id)
    assert back.code == 0, back.stdout + back.stderr
    assert "Fixes: 2" in back.stdout and "0 regressions, 2 fixes" in back.stdout


def test_config_file_is_the_evaluation_body(eval_project: EvalProject, tmp_path: Path) -> None:
    config = tmp_path / "eval.yaml"
    config.write_text(
        textwrap.dedent(f"""
        name: from yaml
        dataset: {{name: {eval_project.dataset}}}
        variants:
          - name: v-prod
            prompt: {{name: greeting, label: production}}
            provider_id: fake          # a connection name works as well as its id
          - name: v1
            prompt: {{name: greeting, version: 1}}
            provider_id: {eval_project.provider_id}
        assertions:
          - {{type: starts-with, value: Hello}}
        pass_threshold: 1
    """)
    )
    result = eval_project.pf("eval", "run", "--config", str(config))
    assert result.code == 0, result.stdout + result.stderr
    assert "v-prod" in result.stdout and "v1" in result.stdout and "PASSED (6 passed" in result.stdout

    # a pull request's version under its own label: the same file, the prompt re-pointed by a flag
    version = {"template": "Hi {{ name }}, welcome!"}
    assert eval_project.api("POST", "/prompts/greeting/versions", json=version)["number"] == 2
    eval_project.api("PUT", "/prompts/greeting/labels/pr-7", json={"version": 2})
    report = tmp_path / "pr.json"
    pr = eval_project.pf(
        "eval",
        "run",
        "--config",
        str(config),
        "--prompt",
        "greeting@pr-7",
        "--assert",
        "icontains:welcome",
        "--baseline",
        "latest-passing",
        "--json",
        str(report),
    )
    assert pr.code == 0, pr.output
    evaluation = json.loads(report.read_text())["evaluation"]
    assert [(v["name"], v["prompt"]["version"], v["prompt"]["label"]) for v in evaluation["variants"]] == [
        ("v-prod", 2, "pr-7"),
        ("v1", 2, "pr-7"),
    ]
    assert [a["type"] for a in evaluation["assertions"]] == ["starts-with", "icontains"]
    assert "0 regressions, 0 fixes, 6 unchanged" in pr.stdout
    wrong = eval_project.pf("eval", "run", "--config", str(config), "--prompt", "other@pr-7")
    assert wrong.code == 2 and "no variant" in wrong.stderr and "runs the prompt other" in wrong.stderr


def test_promptfoo_config_with_csv_tests_and_default_assertions(
    eval_project: EvalProject, tmp_path: Path
) -> None:
    suffix = uuid.uuid4().hex[:6]
    (tmp_path / "prompt.txt").write_text("Tell {{ name }} about {{ topic }}.")
    (tmp_path / "tests.csv").write_text(
        "name,topic,__expected,__description\n"
        "Ann,refunds,icontains: refunds,refund question\n"
        "Bob,shipping,icontains: returns,wrong expectation\n"
    )
    (tmp_path / "promptfooconfig.yaml").write_text(
        textwrap.dedent(f"""
        description: support {suffix}
        prompts: [file://prompt.txt]
        providers:
          - id: openai:chat:fake-model
            config: {{temperature: 0}}
        defaultTest:
          assert:
            - type: icontains
              value: "{{{{ name }}}}"
            - type: not-icontains
              value: as an ai
        tests:
          - file://tests.csv
          - vars: {{name: Cy, topic: billing}}
            assert:
              - type: contains-any
                value: [billing, invoices]
    """)
    )
    config = str(tmp_path / "promptfooconfig.yaml")
    result = eval_project.pf("eval", "run", "--promptfoo", config, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.code == 1, output  # "wrong expectation" fails
    assert "Traceback" not in output
    assert (
        "refund question" in output and "wrong expectation" in output and "name=Cy, topic=billing" in output
    )
    assert "[PASS]" in output and "[FAIL]" in output
    assert "Successes: 2" in output and "Failures: 1" in output
    assert "prompt prompt: created version 1" in output
    assert f"dataset support-{suffix}-tests: 0 kept, 3 added, 0 removed" in output
    items = eval_project.api("GET", f"/datasets/support-{suffix}-tests/items")["items"]
    assert [i["input"]["name"] for i in items] == ["Ann", "Bob", "Cy"]
    assert items[0]["expected"] == "icontains: refunds"

    # fix the expectation: the prompt is unchanged, Ann and Cy keep their items, Bob's is replaced
    (tmp_path / "tests.csv").write_text(
        "name,topic,__expected,__description\n"
        "Ann,refunds,icontains: refunds,refund question\n"
        "Bob,shipping,icontains: shipping,shipping question\n"
    )
    again = eval_project.pf("eval", "run", "--promptfoo", config, "--threshold", "1", cwd=tmp_path)
    output = again.stdout + again.stderr
    assert again.code == 0, output
    assert "prompt prompt: unchanged at version 1" in output
    assert "2 kept, 1 added, 1 removed" in output
    assert "Successes: 3" in output and "Pass Rate: 100.0%" in output


def test_unsupported_promptfoo_assertions_are_listed_and_nothing_is_created(
    eval_project: EvalProject,
    tmp_path: Path,
) -> None:
    (tmp_path / "promptfooconfig.yaml").write_text(
        textwrap.dedent("""
        description: never created
        prompts: ["Hi {{ name }}"]
        providers: [openai:fake-model]
        defaultTest:
          assert:
            - type: javascript
              value: output.length > 3
        tests:
          - vars: {name: Ann}
            assert:
              - type: python
                value: file://grade.py
              - type: icontains
                value: ann
    """)
    )
    result = eval_project.pf("eval", "run", "--promptfoo", str(tmp_path / "promptfooconfig.yaml"))
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert "defaultTest.assert[0]: `javascript` runs user code" in result.stderr
    assert "tests[0].assert[0]: `python` runs user code" in result.stderr
    listing = eval_project.api("GET", "/datasets", params={"q": "never-created"})
    assert listing["items"] == []


def test_usage_auth_and_connection_errors_exit_2(eval_project: EvalProject) -> None:
    unreachable = eval_project.pf(
        "eval", "run", "--dataset", eval_project.dataset, "--prompt", "greeting", PF_HOST="http://127.0.0.1:9"
    )
    assert unreachable.code == 2
    assert "Cannot reach Prompt-Forge" in unreachable.stderr and "Traceback" not in unreachable.stderr
    bad_key = eval_project.pf(
        "eval", "run", "--dataset", eval_project.dataset, "--prompt", "greeting", PF_API_KEY="pf_bad"
    )
    assert bad_key.code == 2 and "HTTP 401" in bad_key.stderr and "Traceback" not in bad_key.stderr
    bad_assert = eval_project.pf(
        "eval", "run", "--dataset", eval_project.dataset, "--prompt", "greeting", "--assert", "javascript:1"
    )
    assert bad_assert.code == 2 and "runs user code" in bad_assert.stderr
    unknown = eval_project.pf("eval", "run", "--dataset", "no-such-dataset", "--prompt", "greeting")
    assert unknown.code == 2 and "No dataset named 'no-such-dataset'" in unknown.stderr
    both = eval_project.pf("eval", "run", "--config", "x.yaml", "--promptfoo", "y.yaml")
    assert both.code == 2 and "not both" in both.stderr
    missing = eval_project.pf("eval", "run", "--config", "missing.yaml")
    assert missing.code == 2 and "missing.yaml" in missing.stderr and "Traceback" not in missing.stderr
    neither = eval_project.pf("eval", "run", "--dataset", eval_project.dataset)
    assert neither.code == 2 and "at least one --prompt" in neither.stderr
    compare = eval_project.pf("eval", "compare", str(uuid.uuid4()), str(uuid.uuid4()))
    assert compare.code == 2 and "no such evaluation" in compare.stderr


def test_polling_fallback_without_the_websocket(eval_project: EvalProject, tmp_path: Path) -> None:
    code, output, document = run_eval(
        eval_project, tmp_path, eval_project.dataset, "icontains:you said", extra=("--no-live",)
    )
    assert code == 0, output
    assert document["evaluation"]["progress"]["done"] == 3
