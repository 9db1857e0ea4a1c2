"""Secrets at rest: AES-256-GCM with key ids, rotation, and a start-up that refuses a wrong key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from typer.testing import CliRunner

from conftest import Factory, running
from fake_llm import FakeLLM, connect
from promptforge import cli
from promptforge.core.config import ConfigurationError, Settings
from promptforge.core.encryption import DecryptionError, SecretBox, check_encryption_key
from promptforge.main import create_app


def test_round_trip_key_ids_and_context() -> None:
    box = SecretBox("current-key-" + "x" * 40)
    token = box.encrypt("sk-secret", "row:1")
    kid, nonce, ciphertext = token.split(":")
    assert kid == box.kid and len(kid) == 8
    assert "sk-secret" not in token
    assert box.decrypt(token, "row:1") == "sk-secret"
    assert box.encrypt("sk-secret", "row:1") != token  # a fresh nonce every time
    with pytest.raises(DecryptionError):
        box.decrypt(token, "row:2")
    tampered = f"{kid}:{nonce}:{ciphertext[:-2]}AA"
    with pytest.raises(DecryptionError):
        box.decrypt(tampered, "row:1")
    with pytest.raises(DecryptionError):
        SecretBox("another-key-" + "y" * 40).decrypt(token, "row:1")


def test_old_keys_decrypt_and_rotate_re_encrypts() -> None:
    old = SecretBox("old-key-" + "a" * 40)
    token = old.encrypt("sk-secret", "row:1")
    new = SecretBox("new-key-" + "b" * 40, ["old-key-" + "a" * 40])
    assert new.kid != old.kid
    assert new.decrypt(token, "row:1") == "sk-secret"
    assert not new.is_current(token)
    rotated = new.rotate(token, "row:1")
    assert rotated.startswith(new.kid + ":")
    assert SecretBox("new-key-" + "b" * 40).decrypt(rotated, "row:1") == "sk-secret"
    assert new.rotate(rotated, "row:1") == rotated


async def test_wrong_encryption_key_refuses_to_start(app: FastAPI, settings: Settings) -> None:
    await check_encryption_key(app.state.sessionmaker, app.state.secret_box)  # writes the canary
    wrong = create_app(settings.model_copy(update={"encryption_key": "w" * 48}), kv_prefix="pftest:enc:")
    with pytest.raises(ConfigurationError, match="PF_ENCRYPTION_KEY cannot decrypt"):
        async with running(wrong):
            pass
    # the right key listed as an old one is enough to start (rotation in progress)
    rotating = create_app(
        settings.model_copy(
            update={"encryption_key": "w" * 48, "encryption_keys_old": f"zzz,{settings.encryption_key}"}
        ),
        kv_prefix="pftest:enc:",
    )
    async with running(rotating):
        pass


async def test_rotate_encryption_key_command(
    app: FastAPI,
    settings: Settings,
    factory: Factory,
    fake_llm: FakeLLM,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = await factory.account()
    created = await connect(owner, "openai", fake_llm)
    await check_encryption_key(app.state.sessionmaker, app.state.secret_box)
    new_key = "n" * 48
    monkeypatch.chdir(tmp_path)
    env = {
        "PF_DATABASE_URL": settings.database_url,
        "PF_DATA_DIR": str(tmp_path / "data"),
        "PF_ENV": "development",
        "PF_SECRET_KEY": "s" * 48,
        "PF_ENCRYPTION_KEY": new_key,
        "PF_ENCRYPTION_KEYS_OLD": settings.encryption_key,
    }
    result = await asyncio.to_thread(CliRunner().invoke, cli.app, ["rotate-encryption-key"], env=env)
    assert result.exit_code == 0, result.output
    new_box = SecretBox(new_key)
    assert f"Re-encrypted 1 secret(s) with key id {new_box.kid}" in result.output
    async with app.state.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT api_key_encrypted FROM provider_connection"))).scalar_one()
    assert stored.startswith(new_box.kid + ":")
    assert new_box.decrypt(stored, f"provider_connection:{created['id']}") == "sk-test-openai-key-1234"
    # the canary moved too: the new key alone now starts, the old one alone does not
    await check_encryption_key(app.state.sessionmaker, new_box)
    with pytest.raises(ConfigurationError):
        await check_encryption_key(app.state.sessionmaker, app.state.secret_box)
    # without the old key, rotation fails and changes nothing
    env["PF_ENCRYPTION_KEY"], env["PF_ENCRYPTION_KEYS_OLD"] = "q" * 48, ""
    failed = await asyncio.to_thread(CliRunner().invoke, cli.app, ["rotate-encryption-key"], env=env)
    assert failed.exit_code == 1
    assert "cannot be decrypted" in failed.output
