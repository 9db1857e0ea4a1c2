"""Settings: production refuses to start without real secrets and services; development makes its own."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promptforge import cli
from promptforge.core.config import ConfigurationError, load_settings

PRODUCTION = {
    "PF_ENV": "production",
    "PF_SECRET_KEY": "s" * 48,
    "PF_ENCRYPTION_KEY": "e" * 48,
    "PF_DATABASE_URL": "postgresql+asyncpg://pf:pw@db:5432/pf",
    "PF_REDIS_URL": "redis://cache:6379/0",
}
NAMES = ["PF_SECRET_KEY", "PF_ENCRYPTION_KEY", "PF_DATABASE_URL", "PF_REDIS_URL"]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No PF_ variable and no .env file from the developer's machine leaks in."""
    for name in list(os.environ):
        if name.startswith("PF_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PF_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path / "data"


def set_env(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_production_without_anything_names_every_missing_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PF_ENV", "production")
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    for name in NAMES:
        assert name in str(error.value)


@pytest.mark.parametrize("missing", NAMES)
def test_production_names_exactly_the_missing_piece(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    set_env(monkeypatch, {k: v for k, v in PRODUCTION.items() if k != missing})
    with pytest.raises(ConfigurationError) as error:
        load_settings()
    message = str(error.value)
    assert missing in message
    assert [name for name in NAMES if name in message] == [missing]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PF_SECRET_KEY", "too-short"),
        ("PF_ENCRYPTION_KEY", "x" * 31),
        ("PF_DATABASE_URL", "sqlite+aiosqlite:///./data/promptforge.db"),
        ("PF_REDIS_URL", "memory://"),
    ],
)
def test_production_refuses_weak_or_embedded_settings(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    set_env(monkeypatch, {**PRODUCTION, name: value})
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_complete_production_settings_start_and_write_no_secrets(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    set_env(monkeypatch, PRODUCTION)
    settings = load_settings()
    assert settings.is_production
    assert settings.secret_key == PRODUCTION["PF_SECRET_KEY"]
    assert not (clean_env / "secrets.env").exists()


def test_serve_refuses_to_start_in_production_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(True))
    result = CliRunner().invoke(cli.app, ["serve"], env={"PF_ENV": "production"})
    assert result.exit_code == 1
    # one line naming what is missing, not a traceback
    assert "PF_SECRET_KEY" in result.output and "PF_REDIS_URL" in result.output
    assert "Traceback" not in result.output
    assert started == []


def test_development_generates_secrets_once_with_mode_0600(clean_env: Path) -> None:
    previous = os.umask(0)  # even a permissive umask must not make the file readable by others
    try:
        first = load_settings()
    finally:
        os.umask(previous)
    path = clean_env / "secrets.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32 and len(first.encryption_key) >= 32
    assert first.secret_key != first.encryption_key
    content = path.read_text()
    assert f"PF_SECRET_KEY={first.secret_key}" in content
    assert f"PF_ENCRYPTION_KEY={first.encryption_key}" in content

    second = load_settings()
    assert (second.secret_key, second.encryption_key) == (first.secret_key, first.encryption_key)
    assert path.read_text() == content


def test_development_keeps_explicit_secrets_and_completes_the_rest(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    monkeypatch.setenv("PF_SECRET_KEY", "mine-" + "k" * 40)
    settings = load_settings()
    assert settings.secret_key == "mine-" + "k" * 40
    assert len(settings.encryption_key) >= 32
    assert load_settings().encryption_key == settings.encryption_key


def test_development_with_both_secrets_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    set_env(monkeypatch, {"PF_SECRET_KEY": "a" * 40, "PF_ENCRYPTION_KEY": "b" * 40})
    settings = load_settings()
    assert (settings.secret_key, settings.encryption_key) == ("a" * 40, "b" * 40)
    assert not (clean_env / "secrets.env").exists()


def test_settings_are_read_from_a_dotenv_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PF_PORT=9123\nPF_ALLOW_SIGNUP=false\n")
    settings = load_settings()
    assert settings.port == 9123
    assert settings.allow_signup is False
