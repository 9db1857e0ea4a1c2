"""`pf eval run` / `pf eval compare` as a subprocess against a running server and the fake provider.

The fake provider answers "Hello from fake openai. You said: <the rendered prompt>", so a test
chooses pass or fail through its assertions: `icontains:you said` passes every item,
`icontains:Ann` only the item whose name is Ann.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from pathlib import Path

import pytest
from eval_server import EvalServer, eval_server_fixture  # noqa: F401  (the running server fixture)
from junitparser import JUnitXml

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def dataset(eval_server: EvalServer) -> str:
    name = f"people-{uuid.uuid4().hex[:8]}"
    eval_server.api("POST", "/datasets", json={"name": name})
    items = [{"input": {"name": n}} for n in ("Ann", "Bob", "Cy")]
    eval_server.api("POST", f"/datasets/{name}/items", json={"items": items})
    return name


def run_eval(
    server: EvalServer, tmp: Path, dataset: str, *asserts: str, extra: tuple[str, ...] = ()
) -> tuple[int, str, dict]:
    report = tmp / f"report-{uuid.uuid4().hex[:6]}.json"
    args = ["eval", "run", "--dataset", dataset, "--prompt", "greeting@production", "--json", str(report)]
    for a in asserts:
        args += ["--assert", a]
    result = server.pf(*args, *extra)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(report.read_text()) if report.exists() else {}
    return result.returncode, result.stdout + result.stderr, document


def test_passing_evaluation_exits_0_with_junit_and_json(
    eval_server: EvalServer, dataset: str, tmp_path: Path
) -> None:
    junit = tmp_path / "junit.xml"
    code, output, document = run_eval(
        eval_server,
        tmp_path,
        dataset,
        "icontains:you said",
        "not-contains:sorry",
        extra=("--junit", str(junit), "--threshold", "1", "--name", "cli pass"),
    )
    assert code == 0, output
    assert "PASSED" in output and "greeting@production" in output
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


def test_failing_evaluation_exits_1(eval_server: EvalServer, dataset: str, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, output, document = run_eval(
        eval_server, tmp_path, dataset, "icontains:Ann", extra=("--junit", str(junit))
    )
    assert code == 1, output
    assert "FAILED (1 passed, 2 failed, 0 errors" in output
    assert "Expected output to contain" in output  # the failing results are listed with their reason
    xml = next(iter(JUnitXml.fromfile(str(junit))))
    assert (xml.tests, xml.failures, xml.errors) == (3, 2, 0)
    assert document["evaluation"]["passed"] is False
    # a threshold the pass rate reaches makes the same evaluation pass
    code, output, _ = run_eval(eval_server, tmp_path, dataset, "icontains:Ann", extra=("--threshold", "0.3"))
    assert code == 0, output


def test_regression_against_a_baseline_exits_1_and_compare_reports_it(
    eval_server: EvalServer,
    dataset: str,
    tmp_path: Path,
) -> None:
    code, output, before = run_eval(eval_server, tmp_path, dataset, "icontains:you said")
    assert code == 0, output
    before_id = before["evaluation"]["id"]
    # the same evaluation again: nothing regressed against the explicit baseline nor the latest passing
    code, output, _ = run_eval(
        eval_server, tmp_path, dataset, "icontains:you said", extra=("--baseline", before_id)
    )
    assert code == 0, output
    assert "0 regressions" in output
    code, output, after = run_eval(
        eval_server,
        tmp_path,
        dataset,
        "icontains:Ann",
        extra=("--baseline", "latest-passing", "--threshold", "0.3"),
    )
    # passes its own threshold, but two items that passed before fail now
    assert code == 1, output
    assert "REGRESSED: 2" in output and "Regressions: 2" in output
    assert after["comparison"]["counts"]["regressions"] == 2
    assert after["comparison"]["against_id"] != after["evaluation"]["id"]

    compared = eval_server.pf("eval", "compare", before_id, after["evaluation"]["id"])
    assert compared.returncode == 1, compared.stdout + compared.stderr
    assert "Regressions: 2" in compared.stdout and "Bob" in compared.stdout and "Cy" in compared.stdout
    assert "2 regressions, 0 fixes, 1 unchanged" in compared.stdout
    back = eval_server.pf("eval", "compare", after["evaluation"]["id"], before_id)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "Fixes: 2" in back.stdout and "0 regressions, 2 fixes" in back.stdout


def test_config_file_is_the_evaluation_body(eval_server: EvalServer, dataset: str, tmp_path: Path) -> None:
    config = tmp_path / "eval.yaml"
    config.write_text(
        textwrap.dedent(f"""
        name: from yaml
        dataset: {{name: {dataset}}}
        variants:
          - name: v-prod
            prompt: {{name: greeting, label: production}}
            provider_id: fake          # a connection name works as well as its id
          - name: v1
            prompt: {{name: greeting, version: 1}}
            provider_id: {eval_server.provider_id}
        assertions:
          - {{type: starts-with, value: Hello}}
        pass_threshold: 1
    """)
    )
    result = eval_server.pf("eval", "run", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "v-prod" in result.stdout and "v1" in result.stdout and "PASSED (6 passed" in result.stdout


def test_promptfoo_config_with_csv_tests_and_default_assertions(
    eval_server: EvalServer, tmp_path: Path
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
    result = eval_server.pf("eval", "run", "--promptfoo", config, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output  # "wrong expectation" fails
    assert "Traceback" not in output
    assert (
        "refund question" in output and "wrong expectation" in output and "name=Cy, topic=billing" in output
    )
    assert "[PASS]" in output and "[FAIL]" in output
    assert "Successes: 2" in output and "Failures: 1" in output
    assert "prompt prompt: created version 1" in output
    assert f"dataset support-{suffix}-tests: 0 kept, 3 added, 0 removed" in output
    items = eval_server.api("GET", f"/datasets/support-{suffix}-tests/items")["items"]
    assert [i["input"]["name"] for i in items] == ["Ann", "Bob", "Cy"]
    assert items[0]["expected"] == "icontains: refunds"

    # fix the expectation: the prompt is unchanged, Ann and Cy keep their items, Bob's is replaced
    (tmp_path / "tests.csv").write_text(
        "name,topic,__expected,__description\n"
        "Ann,refunds,icontains: refunds,refund question\n"
        "Bob,shipping,icontains: shipping,shipping question\n"
    )
    again = eval_server.pf("eval", "run", "--promptfoo", config, "--threshold", "1", cwd=tmp_path)
    output = again.stdout + again.stderr
    assert again.returncode == 0, output
    assert "prompt prompt: unchanged at version 1" in output
    assert "2 kept, 1 added, 1 removed" in output
    assert "Successes: 3" in output and "Pass Rate: 100.0%" in output


def test_unsupported_promptfoo_assertions_are_listed_and_nothing_is_created(
    eval_server: EvalServer,
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
    result = eval_server.pf("eval", "run", "--promptfoo", str(tmp_path / "promptfooconfig.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "defaultTest.assert[0]: `javascript` runs user code" in result.stderr
    assert "tests[0].assert[0]: `python` runs user code" in result.stderr
    listing = eval_server.api("GET", "/datasets", params={"q": "never-created"})
    assert listing["items"] == []


def test_usage_auth_and_connection_errors_exit_2(eval_server: EvalServer, dataset: str) -> None:
    unreachable = eval_server.pf(
        "eval", "run", "--dataset", dataset, "--prompt", "greeting", PF_HOST="http://127.0.0.1:9"
    )
    assert unreachable.returncode == 2
    assert "cannot reach the server" in unreachable.stderr and "Traceback" not in unreachable.stderr
    bad_key = eval_server.pf("eval", "run", "--dataset", dataset, "--prompt", "greeting", PF_API_KEY="pf_bad")
    assert bad_key.returncode == 2 and "HTTP 401" in bad_key.stderr and "Traceback" not in bad_key.stderr
    bad_assert = eval_server.pf(
        "eval", "run", "--dataset", dataset, "--prompt", "greeting", "--assert", "javascript:1"
    )
    assert bad_assert.returncode == 2 and "runs user code" in bad_assert.stderr
    unknown = eval_server.pf("eval", "run", "--dataset", "no-such-dataset", "--prompt", "greeting")
    assert unknown.returncode == 2 and "dataset.name" in unknown.stderr
    both = eval_server.pf("eval", "run", "--dataset", dataset, "--prompt", "greeting", "--config", "x.yaml")
    assert both.returncode == 2 and "exactly one of" in both.stderr
    compare = eval_server.pf("eval", "compare", str(uuid.uuid4()), str(uuid.uuid4()))
    assert compare.returncode == 2 and "no such evaluation" in compare.stderr


def test_polling_fallback_without_the_websocket(
    eval_server: EvalServer, dataset: str, tmp_path: Path
) -> None:
    code, output, document = run_eval(
        eval_server, tmp_path, dataset, "icontains:you said", extra=("--no-live",)
    )
    assert code == 0, output
    assert document["evaluation"]["progress"]["done"] == 3
