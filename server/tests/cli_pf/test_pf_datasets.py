"""`pf datasets push` and `pull` against a served API: the import job followed to the end (rejected
rows listed, --strict all or nothing), the export job downloaded into a file."""

from __future__ import annotations

import json

from cli_pf.pf_harness import PfProject

CSV = (
    "question,__expected,__metadata:topic\n"
    "Where is my order?,It ships today,shipping\n"
    "Can I get a refund?,Yes within 30 days,refunds\n"
)


def items(project: PfProject, dataset: str) -> list[dict[str, object]]:
    response = project.owner.get(project.url(f"/datasets/{dataset}/items"), params={"limit": 100})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_push_creates_the_dataset_and_imports_a_csv(pf_project: PfProject) -> None:
    (pf_project.workdir / "cases.csv").write_text(CSV)
    run = pf_project.pf("datasets", "push", "cases.csv", "--dataset", "support")
    assert run.code == 0, run.output
    assert "created dataset support" in run.stderr
    assert "imported 2 item(s) from cases.csv into support (version 1)" in run.stdout
    stored = items(pf_project, "support")
    questions = [{"question": "Where is my order?"}, {"question": "Can I get a refund?"}]
    assert [i["input"] for i in stored] == questions
    assert stored[1]["expected"] == "Yes within 30 days"
    assert stored[0]["metadata"] == {"topic": "shipping"}

    # into the existing dataset: a new version
    (pf_project.workdir / "more.jsonl").write_text(json.dumps({"input": {"question": "Hi?"}}) + "\n")
    again = pf_project.pf("datasets", "push", "more.jsonl", "--dataset", "support")
    assert again.code == 0, again.output
    assert "created dataset" not in again.stderr
    assert "(version 2)" in again.stdout
    assert len(items(pf_project, "support")) == 3


def test_rejected_rows_are_listed_and_strict_fails_with_nothing_written(pf_project: PfProject) -> None:
    bad = CSV + "Broken row,x,y,too,many\n"
    (pf_project.workdir / "bad.csv").write_text(bad)
    lenient = pf_project.pf("datasets", "push", "bad.csv", "--dataset", "lenient")
    assert lenient.code == 0, lenient.output
    assert "imported 2 item(s)" in lenient.stdout and "1 row(s) rejected" in lenient.stdout
    assert "line 4:" in lenient.stderr

    strict = pf_project.pf("datasets", "push", "bad.csv", "--dataset", "strict", "--strict")
    assert strict.code == 1, strict.output
    assert "Import of bad.csv into strict failed" in strict.stderr
    assert "line 4:" in strict.stderr
    assert items(pf_project, "strict") == []


def test_pull_downloads_an_export_that_imports_back_the_same(pf_project: PfProject) -> None:
    (pf_project.workdir / "cases.csv").write_text(CSV)
    assert pf_project.pf("datasets", "push", "cases.csv", "--dataset", "support").code == 0

    run = pf_project.pf("datasets", "pull", "support", "out/support.jsonl", key=pf_project.viewer_key)
    assert run.code == 0, run.output
    assert "pulled 2 item(s) of support (version 1) into out/support.jsonl" in run.stdout
    text = (pf_project.workdir / "out" / "support.jsonl").read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["input"] for line in lines] == [
        {"question": "Where is my order?"},
        {"question": "Can I get a refund?"},
    ]

    as_csv = pf_project.pf("datasets", "pull", "support", "support.csv")
    assert as_csv.code == 0, as_csv.output
    assert (pf_project.workdir / "support.csv").read_text().splitlines()[0].startswith("question")

    back = pf_project.pf("datasets", "push", "out/support.jsonl", "--dataset", "copy")
    assert back.code == 0, back.output
    copied, original = items(pf_project, "copy"), items(pf_project, "support")
    assert [i["input"] for i in copied] == [i["input"] for i in original]


def test_pull_of_a_missing_dataset_and_push_by_a_viewer_fail_with_exit_1(pf_project: PfProject) -> None:
    missing = pf_project.pf("datasets", "pull", "nope", "nope.jsonl")
    assert missing.code == 1, missing.output
    assert "404" in missing.stderr and not (pf_project.workdir / "nope.jsonl").exists()

    (pf_project.workdir / "cases.csv").write_text(CSV)
    viewer = pf_project.pf("datasets", "push", "cases.csv", "--dataset", "x", key=pf_project.viewer_key)
    assert viewer.code == 1, viewer.output
    assert "403" in viewer.stderr and "Traceback" not in viewer.output
