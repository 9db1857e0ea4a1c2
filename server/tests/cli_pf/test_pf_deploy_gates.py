"""`pf prompts push --label` goes through the deploy gate: a move the policy refuses fails the push
with the server's reason and exit 1, and nothing is written."""

from __future__ import annotations

from cli_pf.pf_harness import PfProject
from cli_pf.test_pf_prompts import labels, make_prompt, versions


def test_a_gated_label_push_without_an_evaluation_fails_and_writes_nothing(pf_project: PfProject) -> None:
    make_prompt(pf_project, "greeting")
    dataset = pf_project.owner.post(pf_project.url("/datasets"), json={"name": "support-qa"})
    assert dataset.status_code == 201, dataset.text
    policy = {"staging": {"require_evaluation": {"dataset": "support-qa", "min_pass_rate": 0.9}}}
    saved = pf_project.owner.put(pf_project.url("/deploy-policy"), json={"labels": policy})
    assert saved.status_code == 200, saved.text
    assert pf_project.pf("prompts", "pull", "p").code == 0
    (pf_project.workdir / "p" / "greeting.yaml").write_text("template: 'Hi v2 {{ name }}'\n")

    run = pf_project.pf("prompts", "push", "p", "--label", "staging")
    assert run.code == 1, run.output
    assert "deploy_gate_failed" in run.stderr and "HTTP 409" in run.stderr
    assert "Moving label 'staging' of 'greeting' to version 2 needs" in run.stderr
    assert "support-qa" in run.stderr and "Nothing was pushed." in run.stderr
    assert "Traceback" not in run.output
    assert len(versions(pf_project, "greeting")) == 1 and labels(pf_project, "greeting") == {}

    # without --label the version is pushed as usual
    ok = pf_project.pf("prompts", "push", "p")
    assert ok.code == 0, ok.output
    assert len(versions(pf_project, "greeting")) == 2


def test_a_push_to_a_label_wanting_approval_says_it_is_pending(pf_project: PfProject) -> None:
    make_prompt(pf_project, "welcome")
    policy = {"staging": {"require_approval": True}}
    saved = pf_project.owner.put(pf_project.url("/deploy-policy"), json={"labels": policy})
    assert saved.status_code == 200, saved.text
    assert pf_project.pf("prompts", "pull", "p").code == 0
    (pf_project.workdir / "p" / "welcome.yaml").write_text("template: 'Welcome v2 {{ name }}'\n")

    run = pf_project.pf("prompts", "push", "p", "--label", "staging")
    assert run.code == 0, run.output
    assert "created      welcome v2" in run.stdout and "moved" not in run.stdout
    assert "pending      welcome: label staging awaits approval (deployment " in run.stdout
    assert len(versions(pf_project, "welcome")) == 2 and labels(pf_project, "welcome") == {}
    listed = pf_project.owner.get(pf_project.url("/deployments"), params={"status": "pending"}).json()
    assert [(d["prompt"], d["to_version"]) for d in listed["items"]] == [("welcome", 2)]
