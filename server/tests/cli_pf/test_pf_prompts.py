"""`pf prompts pull` and `push` against a served API: files round-trip, only changed prompts get a
version, --dry-run writes nothing, and a protected label refused to an editor key leaves the whole
push undone (exit 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cli_pf.pf_harness import PfProject


def make_prompt(project: PfProject, name: str, **body: Any) -> None:
    body = {"name": name, "kind": "text", "template": "Hello {{ name }}!", **body}
    response = project.owner.post(project.url("/prompts"), json=body)
    assert response.status_code == 201, response.text


def versions(project: PfProject, name: str) -> list[dict[str, Any]]:
    response = project.owner.get(project.url(f"/prompts/{name}/versions"), params={"limit": 100})
    assert response.status_code == 200, response.text
    return sorted(response.json()["items"], key=lambda v: v["number"])


def labels(project: PfProject, name: str) -> dict[str, int]:
    response = project.owner.get(project.url(f"/prompts/{name}/labels"))
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return {label["name"]: label["version"] for label in items}


def move_label(project: PfProject, name: str, label: str, version: int) -> None:
    response = project.owner.put(project.url(f"/prompts/{name}/labels/{label}"), json={"version": version})
    assert response.status_code == 200, response.text


def test_pull_writes_one_yaml_per_prompt_and_push_of_the_same_files_changes_nothing(
    pf_project: PfProject,
) -> None:
    make_prompt(
        pf_project,
        "answer",
        template="Answer {{ customer }}:\n{{ question }}\n",
        description="Support answers",
        tags=["support"],
        model_config={"model": "gpt-4o-mini", "temperature": 0.2},
    )
    make_prompt(
        pf_project,
        "chatty",
        kind="chat",
        template=[
            {"role": "system", "content": "You help {{ customer }}."},
            {"role": "placeholder", "name": "history"},
            {"role": "user", "content": "{{ question }}"},
        ],
    )
    pulled = pf_project.pf("prompts", "pull", "prompts")
    assert pulled.code == 0, pulled.output
    folder = pf_project.workdir / "prompts"
    assert sorted(p.name for p in folder.iterdir()) == ["answer.yaml", "chatty.yaml"]

    text = (folder / "answer.yaml").read_text()
    assert text.startswith("# answer: version 1 (latest), pulled from")
    assert "template: |\n  Answer {{ customer }}:\n  {{ question }}\n" in text  # a readable block
    answer = yaml.safe_load(text)
    assert answer["kind"] == "text"
    assert answer["description"] == "Support answers"
    assert answer["tags"] == ["support"]
    assert answer["model_config"] == {"model": "gpt-4o-mini", "temperature": 0.2}
    assert set(answer["variables"]["properties"]) == {"customer", "question"}
    chat = yaml.safe_load((folder / "chatty.yaml").read_text())
    assert chat["kind"] == "chat" and "template" not in chat
    assert chat["messages"][1] == {"role": "placeholder", "name": "history"}

    pushed = pf_project.pf("prompts", "push", "prompts")
    assert pushed.code == 0, pushed.output
    assert "unchanged    answer v1" in pushed.stdout
    assert "unchanged    chatty v1" in pushed.stdout
    assert len(versions(pf_project, "answer")) == 1 and len(versions(pf_project, "chatty")) == 1


def test_push_creates_a_version_only_for_changed_files_and_new_prompts(pf_project: PfProject) -> None:
    make_prompt(pf_project, "kept")
    make_prompt(pf_project, "edited")
    assert pf_project.pf("prompts", "pull", "p").code == 0
    folder = pf_project.workdir / "p"
    edited = yaml.safe_load((folder / "edited.yaml").read_text())
    edited["template"] = "Hi {{ name }}, welcome back."
    (folder / "edited.yaml").write_text(yaml.safe_dump(edited))
    # a hand-written new file: no variables (inferred), a chat prompt
    (folder / "fresh.yaml").write_text(
        "kind: chat\nmessages:\n  - role: user\n    content: 'Summarise {{ text }}'\ntags: [new]\n"
    )

    pushed = pf_project.pf("prompts", "push", "p", "--message", "Friendlier greeting")
    assert pushed.code == 0, pushed.output
    assert "unchanged    kept v1" in pushed.stdout
    assert "created      edited v2" in pushed.stdout
    assert "created      fresh v1 (new prompt)" in pushed.stdout
    assert [v["number"] for v in versions(pf_project, "kept")] == [1]
    [_, v2] = versions(pf_project, "edited")
    assert v2["template"] == "Hi {{ name }}, welcome back."
    assert v2["commit_message"] == "Friendlier greeting"
    fresh = pf_project.owner.get(pf_project.url("/prompts/fresh")).json()
    assert fresh["kind"] == "chat" and fresh["tags"] == ["new"]

    # pushed again, nothing is new: the inferred variables do not count as a change
    again = pf_project.pf("prompts", "push", "p")
    assert again.code == 0, again.output
    assert "3 prompt(s): 0 changed, 3 unchanged" in again.stdout, again.stdout


def test_dry_run_lists_what_would_change_and_writes_nothing(pf_project: PfProject) -> None:
    make_prompt(pf_project, "greeting")
    assert pf_project.pf("prompts", "pull", "p").code == 0
    folder = pf_project.workdir / "p"
    (folder / "greeting.yaml").write_text("kind: text\ntemplate: 'Good day {{ name }}'\n")
    (folder / "other.yaml").write_text("template: 'Other {{ x }}'\n")

    run = pf_project.pf("prompts", "push", "p", "--dry-run", "--label", "staging")
    assert run.code == 0, run.output
    assert "would-create greeting v2; label staging would move to v2" in run.stdout
    assert "would-create other v1 (new prompt)" in run.stdout
    assert "dry run: nothing written" in run.stderr
    assert len(versions(pf_project, "greeting")) == 1
    assert labels(pf_project, "greeting") == {}
    assert pf_project.owner.get(pf_project.url("/prompts/other")).status_code == 404


def test_label_moves_to_the_pushed_versions(pf_project: PfProject) -> None:
    make_prompt(pf_project, "a")
    make_prompt(pf_project, "b")
    assert pf_project.pf("prompts", "pull", "p").code == 0
    (pf_project.workdir / "p" / "a.yaml").write_text("template: 'A2 {{ name }}'\n")

    run = pf_project.pf("prompts", "push", "p", "--label", "staging")
    assert run.code == 0, run.output
    assert "created      a v2; label staging moved to v2" in run.stdout
    assert "unchanged    b v1; label staging moved to v1" in run.stdout
    assert labels(pf_project, "a") == {"staging": 2}
    assert labels(pf_project, "b") == {"staging": 1}

    # pull --label writes the labelled version, and says which
    move_label(pf_project, "a", "staging", 1)
    pulled = pf_project.pf("prompts", "pull", "at-staging", "--label", "staging")
    assert pulled.code == 0, pulled.output
    text = (pf_project.workdir / "at-staging" / "a.yaml").read_text()
    assert text.startswith("# a: version 1 (label staging)")
    assert yaml.safe_load(text)["template"] == "Hello {{ name }}!"


def test_protected_label_refused_to_an_editor_key_pushes_nothing(pf_project: PfProject) -> None:
    make_prompt(pf_project, "safe")
    make_prompt(pf_project, "live")
    move_label(pf_project, "live", "production", 1)  # the owner deployed v1
    assert pf_project.pf("prompts", "pull", "p").code == 0
    folder = pf_project.workdir / "p"
    (folder / "safe.yaml").write_text("template: 'Safe v2 {{ name }}'\n")
    (folder / "live.yaml").write_text("template: 'Live v2 {{ name }}'\n")
    (folder / "brand-new.yaml").write_text("template: 'New {{ name }}'\n")

    run = pf_project.pf("prompts", "push", "p", "--label", "production")
    assert run.code == 1, run.output
    assert "Refused:" in run.stderr and "production" in run.stderr
    assert "Nothing was pushed." in run.stderr
    assert "Traceback" not in run.output
    # nothing half-done: no version, no label, no new prompt
    assert len(versions(pf_project, "safe")) == 1 and len(versions(pf_project, "live")) == 1
    assert labels(pf_project, "live") == {"production": 1}
    assert pf_project.owner.get(pf_project.url("/prompts/brand-new")).status_code == 404

    # without the protected label the same push goes through
    ok = pf_project.pf("prompts", "push", "p")
    assert ok.code == 0, ok.output
    assert labels(pf_project, "live") == {"production": 1}
    assert len(versions(pf_project, "live")) == 2


def test_a_viewer_key_can_pull_but_not_push(pf_project: PfProject) -> None:
    make_prompt(pf_project, "greeting")
    assert pf_project.pf("prompts", "pull", "p", key=pf_project.viewer_key).code == 0
    (pf_project.workdir / "p" / "greeting.yaml").write_text("template: 'Changed {{ name }}'\n")
    run = pf_project.pf("prompts", "push", "p", key=pf_project.viewer_key)
    assert run.code == 1, run.output
    assert "403" in run.stderr and "Nothing was pushed." in run.stderr
    assert len(versions(pf_project, "greeting")) == 1


def test_bad_files_are_reported_before_anything_is_sent(pf_project: PfProject, tmp_path: Path) -> None:
    folder = pf_project.workdir / "p"
    folder.mkdir()
    (folder / "good.yaml").write_text("template: 'Fine {{ x }}'\n")
    (folder / "bad.yaml").write_text("kind: text\nmessages: []\n")
    run = pf_project.pf("prompts", "push", "p")
    assert run.code == 1, run.output
    assert "bad.yaml: a text prompt has `template:`" in run.stderr
    assert pf_project.owner.get(pf_project.url("/prompts/good")).status_code == 404

    (folder / "bad.yaml").write_text("template: 'Broken {{ x '\n")  # the server's template check
    run = pf_project.pf("prompts", "push", "p")
    assert run.code == 1, run.output
    assert "bad" in run.stderr and "Nothing was pushed." in run.stderr
    assert pf_project.owner.get(pf_project.url("/prompts/good")).status_code == 404
