"""Export and import of a project's prompts: round trip, merge report, dry run, all-or-nothing."""

from __future__ import annotations

import yaml

from conftest import Account, Factory


async def seed(owner: Account) -> None:
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    await owner.client.post(
        url, json={"name": "hello", "kind": "text", "template": "Hi {{ n }}", "tags": ["a"]}
    )
    await owner.client.post(
        f"{url}/hello/versions", json={"template": "Hello {{ n }}", "commit_message": "v2"}
    )
    await owner.client.put(f"{url}/hello/labels/production", json={"version": 2})
    await owner.client.post(
        url, json={"name": "chat", "kind": "chat", "template": [{"role": "user", "content": "{{ q }}"}]}
    )


async def test_export_yaml_and_json_contain_all_versions_and_labels(factory: Factory) -> None:
    owner = await factory.account()
    await seed(owner)
    response = await owner.client.get(
        f"/api/v1/projects/{owner.project_id}/export", params={"format": "yaml"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    data = yaml.safe_load(response.text)
    hello = next(p for p in data["prompts"] if p["name"] == "hello")
    assert [v["number"] for v in hello["versions"]] == [1, 2]
    assert hello["labels"] == {"production": 2} and hello["tags"] == ["a"]
    as_json = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/export")).json()
    assert as_json == data


async def test_import_into_another_project_then_reimport_is_unchanged(factory: Factory) -> None:
    source = await factory.account()
    await seed(source)
    exported = (
        await source.client.get(f"/api/v1/projects/{source.project_id}/export", params={"format": "yaml"})
    ).text
    target = await factory.account()
    url = f"/api/v1/projects/{target.project_id}/import"
    headers = {"Content-Type": "application/yaml"}
    first = await target.client.post(url, content=exported, headers=headers)
    assert first.status_code == 200, first.text
    report = {p["name"]: p for p in first.json()["prompts"]}
    assert report["hello"]["status"] == "created" and report["hello"]["versions_added"] == 2
    assert report["hello"]["labels_moved"] == ["production"]
    resolved = (await target.client.get(f"/api/v1/projects/{target.project_id}/prompts/hello/resolve")).json()
    assert (resolved["version"], resolved["template"]) == (2, "Hello {{ n }}")
    again = await target.client.post(url, content=exported, headers=headers)
    assert {p["status"] for p in again.json()["prompts"]} == {"unchanged"}


async def test_dry_run_reports_without_writing(factory: Factory) -> None:
    source = await factory.account()
    await seed(source)
    exported = (await source.client.get(f"/api/v1/projects/{source.project_id}/export")).json()
    target = await factory.account()
    response = await target.client.post(
        f"/api/v1/projects/{target.project_id}/import", params={"mode": "dry-run"}, json=exported
    )
    assert response.status_code == 200
    assert response.json()["applied"] is False
    assert {p["status"] for p in response.json()["prompts"]} == {"created"}
    assert (await target.client.get(f"/api/v1/projects/{target.project_id}/prompts")).json()["items"] == []


async def test_merge_appends_new_versions_and_reports_updated(factory: Factory) -> None:
    owner = await factory.account()
    await seed(owner)
    exported = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/export")).json()
    hello = next(p for p in exported["prompts"] if p["name"] == "hello")
    hello["versions"].append({"number": 3, "template": "Hey {{ n }}", "commit_message": "from file"})
    hello["labels"]["staging"] = 3
    response = await owner.client.post(f"/api/v1/projects/{owner.project_id}/import", json=exported)
    report = {p["name"]: p for p in response.json()["prompts"]}
    assert report["hello"]["status"] == "updated" and report["hello"]["versions_added"] == 1
    assert report["chat"]["status"] == "unchanged"
    labels = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts/hello")).json()["labels"]
    assert labels == {"production": 2, "staging": 3}


async def test_invalid_file_writes_nothing_and_names_prompt_and_field(factory: Factory) -> None:
    owner = await factory.account()
    document = {
        "prompts": [
            {"name": "good", "kind": "text", "versions": [{"number": 1, "template": "fine {{ x }}"}]},
            {"name": "bad", "kind": "text", "versions": [{"number": 1, "template": "{% if %}"}]},
        ]
    }
    response = await owner.client.post(f"/api/v1/projects/{owner.project_id}/import", json=document)
    assert response.status_code == 422
    assert "prompt 'bad'" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"][:4] == ["body", "prompts", 1, "versions"]
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts")).json()["items"] == []

    schema_error = {
        "prompts": [{"name": "Bad Name", "kind": "text", "versions": [{"number": 1, "template": "x"}]}]
    }
    response = await owner.client.post(f"/api/v1/projects/{owner.project_id}/import", json=schema_error)
    assert response.status_code == 422 and "name" in response.json()["detail"]
    garbage = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/import",
        content=b"prompts: [",
        headers={"Content-Type": "application/yaml"},
    )
    assert garbage.status_code == 422


async def test_editor_cannot_move_protected_labels_by_import(factory: Factory) -> None:
    owner = await factory.account()
    editor = await factory.member(owner, "editor")
    document = {
        "prompts": [
            {
                "name": "p",
                "kind": "text",
                "versions": [{"number": 1, "template": "x"}],
                "labels": {"production": 1},
            }
        ]
    }
    response = await editor.client.post(f"/api/v1/projects/{owner.project_id}/import", json=document)
    assert response.status_code == 403
    assert (await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts")).json()["items"] == []
