"""`promptforge import-langfuse FILE`: a Langfuse export (its API's JSON) into a running server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from conftest import Factory
from langfuse_server import Keys, new_key
from promptforge import cli


def langfuse_export(*, production: bool) -> list[dict[str, Any]]:
    """What Langfuse's API returns for each version: folders, gaps, a repeat, composition, chat."""

    def version(name: str, number: int, prompt: Any, labels: list[str], **more: Any) -> dict[str, Any]:
        return {
            "name": name,
            "version": number,
            "type": "text",
            "prompt": prompt,
            "config": {},
            "labels": labels,
            "tags": ["imported"],
            "commitMessage": None,
            **more,
        }

    return [
        version("Shared/Tone", 1, "Be kind.", ["staging", *(["production"] if production else [])]),
        version("support", 1, "Help {{ customer }}.", [], config={"model": "gpt-4o-mini"}),
        version(
            "support",
            3,
            "Help {{ customer }} now. @@@langfusePrompt:name=Shared/Tone|label=staging@@@",
            ["staging", "latest"],
            commitMessage="tone",
        ),
        version(
            "support",
            4,
            "Help {{ customer }} now. @@@langfusePrompt:name=Shared/Tone|label=staging@@@",
            ["canary"],
            commitMessage="same again",
        ),
        version(
            "chat",
            1,
            [
                {"role": "system", "content": "Hi {{ x }}", "type": "chatmessage"},
                {"type": "placeholder", "name": "history"},
            ],
            ["staging"],
            type="chat",
        ),
    ]


def env_of(keys: Keys, url: str) -> dict[str, str]:
    return {"LANGFUSE_HOST": url, "LANGFUSE_PUBLIC_KEY": keys.public_key, "LANGFUSE_SECRET_KEY": keys.secret}


async def run(args: list[str], env: dict[str, str] | None = None) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, cli.app, args, env=env)


async def test_import_with_an_editor_key(factory: Factory, live_url: str, tmp_path: Path) -> None:
    owner = await factory.account()
    keys = await new_key(owner, "editor")
    source = tmp_path / "langfuse.json"
    source.write_text(json.dumps({"data": langfuse_export(production=False)}))

    dry = await run(["import-langfuse", str(source), "--dry-run"], env_of(keys, live_url))
    assert dry.exit_code == 0, dry.output
    assert "renamed 'Shared/Tone' -> 'shared-tone'" in dry.output and "Dry run" in dry.output
    url = f"/api/v1/projects/{owner.project_id}/prompts"
    assert (await owner.client.get(url)).json()["items"] == []

    done = await run(["import-langfuse", str(source)], env_of(keys, live_url))
    assert done.exit_code == 0, done.output
    assert "1 version(s) repeated the one before them and were merged" in done.output
    support = (await owner.client.get(f"{url}/support")).json()
    # Versions 1, 3 (4 repeats 3): renumbered 1..2; labels follow their version.
    assert support["latest_version"] == 2 and support["labels"] == {"canary": 2, "staging": 2}
    assert support["tags"] == ["imported"]
    rendered = await owner.client.post(
        f"{url}/support/render", json={"label": "staging", "variables": {"customer": "Ada"}}
    )
    assert rendered.json()["text"] == "Help Ada now. Be kind."
    chat = (await owner.client.get(f"{url}/chat/versions/1")).json()
    assert chat["template"] == [
        {"role": "system", "content": "Hi {{ x }}"},
        {"role": "placeholder", "name": "history"},
    ]

    again = await run(["import-langfuse", str(source)], env_of(keys, live_url))
    assert again.exit_code == 0 and "support: unchanged" in again.output


async def test_protected_labels_need_an_admin(factory: Factory, live_url: str, tmp_path: Path) -> None:
    owner = await factory.account()
    keys = await new_key(owner, "editor")
    source = tmp_path / "langfuse.json"
    source.write_text(json.dumps(langfuse_export(production=True)))

    refused = await run(["import-langfuse", str(source)], env_of(keys, live_url))
    assert refused.exit_code == 1 and "403" in refused.output and "--output" in refused.output

    converted = tmp_path / "prompt-forge.json"
    written = await run(["import-langfuse", str(source), "--output", str(converted)])
    assert written.exit_code == 0, written.output
    imported = await owner.client.post(
        f"/api/v1/projects/{owner.project_id}/import",
        content=converted.read_bytes(),
        headers={"content-type": "application/json"},
    )
    assert imported.status_code == 200, imported.text
    tone = (await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts/shared-tone")).json()
    assert tone["labels"] == {"production": 1, "staging": 1}


async def test_unreadable_exports_say_why(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(
        json.dumps(
            [{"name": "x", "version": 1, "type": "chat", "prompt": [{"role": "tool", "content": "c"}]}]
        )
    )
    result = await run(["import-langfuse", str(source), "--output", str(tmp_path / "out.json")])
    assert result.exit_code == 1 and "prompt 'x'" in result.output
    source.write_text("{not json")
    assert (await run(["import-langfuse", str(source), "--output", str(tmp_path / "o.json")])).exit_code == 1
