"""Where `pf` finds its server, API key and project.

Each setting comes from the first place that has it: command-line flags, then the environment
(PF_HOST, PF_API_KEY, PF_PROJECT), then `pf.toml` in the current directory or a parent (up to the
git root), then the user's config file written by `pf login` (an API key there is only used for the
host it was stored with, so a key never travels to a server it was not meant for).
An API key belongs to one project: without a project setting, pf asks the server which one.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promptforge_cli.errors import UsageProblem

REPO_CONFIG_NAME = "pf.toml"


@dataclass(frozen=True)
class Flags:
    """What was given on the command line (None: not given)."""

    host: str | None = None
    api_key: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class Config:
    """The resolved settings, and where each came from (shown by `pf config` and in errors)."""

    host: str
    api_key: str
    project: str | None
    sources: dict[str, str] = field(default_factory=dict)
    repo_file: Path | None = None
    # The whole pf.toml, for commands with sections of their own (e.g. [eval]).
    repo_settings: dict[str, Any] = field(default_factory=dict)


def normalize_host(host: str) -> str:
    host = host.strip().rstrip("/")
    if not host.startswith(("http://", "https://")):
        host = "http://" + host if host.startswith(("127.", "localhost")) else "https://" + host
    return host


def user_config_path() -> Path:
    """`$XDG_CONFIG_HOME/promptforge/config.toml` (default ~/.config/promptforge/config.toml)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "promptforge" / "config.toml"


def find_repo_config(start: Path | None = None) -> Path | None:
    """The nearest pf.toml from `start` upwards, not looking above the git root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / REPO_CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise UsageProblem(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise UsageProblem(f"{path}: cannot be read ({exc.strerror})") from None


def read_user_config() -> dict[str, Any]:
    path = user_config_path()
    return _read_toml(path) if path.is_file() else {}


def save_login(host: str, api_key: str) -> Path:
    """Store host and key in the user's config file (mode 0600), the host becoming the default."""
    data = read_user_config()
    hosts: dict[str, Any] = dict(data.get("hosts") or {})
    hosts[host] = {**dict(hosts.get(host) or {}), "api_key": api_key}
    data["default_host"] = host
    data["hosts"] = hosts
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created 0600 before a byte is written: the key is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_dump_user_config(data))
    return path


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _dump_user_config(data: dict[str, Any]) -> str:
    lines = ["# Written by `pf login`. Keep it private (mode 0600).", ""]
    if data.get("default_host"):
        lines.append(f"default_host = {_toml_string(str(data['default_host']))}")
    for host, entry in sorted(dict(data.get("hosts") or {}).items()):
        lines += ["", f"[hosts.{_toml_string(host)}]"]
        lines += [f"{k} = {_toml_string(str(v))}" for k, v in sorted(dict(entry).items())]
    return "\n".join(lines) + "\n"


def resolve_config(flags: Flags, cwd: Path | None = None) -> Config:
    """Flags, then environment, then pf.toml, then the `pf login` file; a usage error when incomplete."""
    repo_file = find_repo_config(cwd)
    repo = _read_toml(repo_file) if repo_file else {}
    user = read_user_config()
    sources: dict[str, str] = {}

    def pick(name: str, flag: str | None, env: str) -> str | None:
        for value, source in (
            (flag, f"--{name.replace('_', '-')}"),
            (os.environ.get(env), env),
            (repo.get(name), str(repo_file)),
        ):
            if value not in (None, ""):
                sources[name] = source
                return str(value)
        return None

    host = pick("host", flags.host, "PF_HOST")
    if host is None and user.get("default_host"):
        host, sources["host"] = str(user["default_host"]), str(user_config_path())
    if host is None:
        raise UsageProblem(
            "No Prompt-Forge server: pass --host, set PF_HOST, put `host = ...` in pf.toml,"
            " or run `pf login`."
        )
    host = normalize_host(host)
    api_key = pick("api_key", flags.api_key, "PF_API_KEY")
    if api_key is None:
        stored = dict(dict(user.get("hosts") or {}).get(host) or {})
        if stored.get("api_key"):
            api_key, sources["api_key"] = str(stored["api_key"]), str(user_config_path())
    if api_key is None:
        raise UsageProblem(
            f"No API key for {host}: pass --api-key, set PF_API_KEY, or run `pf login --host {host}`."
        )
    project = pick("project", flags.project, "PF_PROJECT")
    return Config(host, api_key, project, sources, repo_file, repo)
