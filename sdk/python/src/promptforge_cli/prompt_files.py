"""Prompt files: one `<name>.yaml` per prompt, written by `pf prompts pull` and read by `push`.

# support-answer: version 3 (label production), pulled from https://pf.example.com
kind: text                 # or chat, with `messages:` instead of `template:`
description: ...
tags: [support]
template: |
  Answer {{ customer }}: {{ question }}
variables: {...}           # JSON Schema of the variables (optional: the server infers names)
model_config: {model: gpt-4o-mini, temperature: 0.2}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from promptforge_cli.errors import PfError

PROMPT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")
SUFFIXES = (".yaml", ".yml")
KNOWN_KEYS = {"kind", "template", "messages", "variables", "model_config", "description", "tags"}


@dataclass
class PromptFile:
    """What one file says a prompt should be."""

    name: str
    path: Path
    kind: str
    template: Any  # a string (text) or a list of messages (chat)
    variables: dict[str, Any] | None = None
    model_config: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    tags: list[str] = field(default_factory=list)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, so templates read (and diff) like the text they are."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_prompt_file(prompt: dict[str, Any], version: dict[str, Any], origin: str) -> str:
    """The file text of one exported prompt at one of its versions; `origin` goes in the comment."""
    body: dict[str, Any] = {"kind": prompt["kind"]}
    if prompt.get("description"):
        body["description"] = prompt["description"]
    if prompt.get("tags"):
        body["tags"] = list(prompt["tags"])
    body["messages" if prompt["kind"] == "chat" else "template"] = version["template"]
    if version.get("variables"):
        body["variables"] = version["variables"]
    if version.get("model_config"):
        body["model_config"] = version["model_config"]
    header = f"# {prompt['name']}: version {version['number']}{origin}\n"
    header += "# Edit, then `pf prompts push` makes a new version when the content changed.\n"
    return header + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _fail(path: Path, why: str) -> PfError:
    return PfError(f"{path}: {why}")


def read_prompt_file(path: Path) -> PromptFile:
    """Parse and check one file; a PfError names the file and what is wrong."""
    name = path.stem
    if not PROMPT_NAME.fullmatch(name):
        raise _fail(path, "the file name is the prompt name: lowercase letters, digits, '.', '_' or '-'")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise _fail(path, "expected a mapping with kind, template or messages, variables, model_config")
    unknown = sorted(set(map(str, data)) - KNOWN_KEYS)
    if unknown:
        raise _fail(path, f"unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})")
    has_template, has_messages = "template" in data, "messages" in data
    kind = data.get("kind") or ("chat" if has_messages else "text")
    if kind not in ("text", "chat"):
        raise _fail(path, f"kind must be text or chat, not {kind!r}")
    if kind == "text" and (not has_template or has_messages or not isinstance(data["template"], str)):
        raise _fail(path, "a text prompt has `template:` (a string) and no `messages:`")
    if kind == "chat" and (not has_messages or has_template or not isinstance(data["messages"], list)):
        raise _fail(path, "a chat prompt has `messages:` (a list of {role, content}) and no `template:`")
    variables = data.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise _fail(path, "variables must be a JSON Schema object (a mapping)")
    model_config = data.get("model_config") or {}
    if not isinstance(model_config, dict):
        raise _fail(path, "model_config must be a mapping (model, temperature, ...)")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _fail(path, "tags must be a list of strings")
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise _fail(path, "description must be a string")
    return PromptFile(
        name=name,
        path=path,
        kind=kind,
        template=data["messages"] if kind == "chat" else data["template"],
        variables=variables,
        model_config=model_config,
        description=description,
        tags=tags,
    )


def read_prompt_dir(folder: Path) -> list[PromptFile]:
    """Every prompt file of a folder (not its sub-folders), sorted by name; all checked first."""
    if not folder.is_dir():
        raise PfError(f"{folder}: no such folder")
    paths = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    files = [read_prompt_file(p) for p in paths]
    seen: dict[str, Path] = {}
    for f in files:
        if f.name in seen:
            raise PfError(f"{f.path} and {seen[f.name]} both define prompt {f.name!r}")
        seen[f.name] = f.path
    return files
