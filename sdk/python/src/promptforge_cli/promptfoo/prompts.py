"""promptfoo `prompts` and `providers`: inline and `file://` prompts (text, chat JSON/YAML), provider ids."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .files import ConfigFiles

CHAT_ROLES = frozenset({"system", "user", "assistant"})


@dataclass
class PromptSpec:
    """One prompt of the config: its promptfoo label and its text or chat messages."""

    label: str
    kind: str  # "text" | "chat"
    template: str | list[dict[str, str]]
    name_hint: str | None = None  # the label given, else the file's stem: becomes the prompt's name


@dataclass
class ProviderSpec:
    """One promptfoo provider: `openai:chat:<model>` and friends, with its label and params."""

    id: str
    label: str
    family: str | None  # "openai" | "anthropic" | "echo"; None when there is no such connection kind
    model: str | None
    params: dict[str, Any] = field(default_factory=dict)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:60] if text.strip() else ""


def _chat_messages(raw: Any) -> list[dict[str, str]] | None:
    """promptfoo's chat form: a list of {role, content} with OpenAI roles; None for anything else."""
    if not isinstance(raw, list) or not raw:
        return None
    if all(
        isinstance(m, dict) and m.get("role") in CHAT_ROLES and isinstance(m.get("content"), str) for m in raw
    ):
        return [{"role": m["role"], "content": m["content"]} for m in raw]
    return None


def _prompt_from_text(text: str, label: str, name_hint: str | None) -> PromptSpec:
    """An inline prompt is chat when its text is a JSON list of messages (as promptfoo reads it)."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            messages = _chat_messages(json.loads(stripped))
        except ValueError:
            messages = None
        if messages is not None:
            return PromptSpec(label, "chat", messages, name_hint)
    return PromptSpec(label, "text", text, name_hint)


def _prompt_file(reader: ConfigFiles, ref: str, label: str | None, where: str) -> list[PromptSpec]:
    specs: list[PromptSpec] = []
    for path in reader.paths(ref, where):
        suffix = path.suffix.lower()
        if suffix in (".json", ".yaml", ".yml"):
            content = reader.structured(path, where)
            messages = _chat_messages(content)
            if messages is None:
                reader.problem(
                    where, f"{path.name}: a prompt file holds a list of {{role, content}} messages"
                )
                continue
            specs.append(PromptSpec(label or path.stem, "chat", messages, label or path.stem))
        elif suffix == ".jsonl":
            for n, line in enumerate(reader.structured(path, where) or [], start=1):
                messages = _chat_messages(line)
                if messages is None:
                    reader.problem(where, f"{path.name} line {n}: not a list of {{role, content}} messages")
                    continue
                specs.append(
                    PromptSpec(label or f"{path.stem}-{n}", "chat", messages, label or f"{path.stem}-{n}")
                )
        else:
            text = reader.text(path, where)
            if text is None:
                continue
            # promptfoo splits a text file into several prompts on lines holding only `---`
            parts = [p for p in re.split(r"(?m)^---$", text) if p.strip()]
            for n, part in enumerate(parts, start=1):
                stem = path.stem if len(parts) == 1 else f"{path.stem}-{n}"
                spec = _prompt_from_text(
                    part.strip("\n") if len(parts) > 1 else part, label or stem, label or stem
                )
                specs.append(spec)
    return specs


def read_prompts(reader: ConfigFiles, raw: Any) -> list[PromptSpec]:
    if raw is None:
        reader.problem("prompts", "a promptfoo config needs at least one prompt")
        return []
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, dict):  # the legacy map form {file://path: label}
        raw = [{"id": key, "label": value} for key, value in raw.items()]
    if not isinstance(raw, list):
        reader.problem("prompts", "must be a string, a list or a mapping")
        return []
    specs: list[PromptSpec] = []
    for i, entry in enumerate(raw):
        where = f"prompts[{i}]"
        if isinstance(entry, str):
            if entry.startswith("file://"):
                specs.extend(_prompt_file(reader, entry, None, where))
            else:
                specs.append(_prompt_from_text(entry, _first_line(entry), None))
        elif isinstance(entry, dict):
            label = entry.get("label")
            label = label if isinstance(label, str) else None
            extra = set(entry) - {"id", "label", "raw"}
            if extra:
                reader.problem(where, f"prompt field(s) {', '.join(sorted(extra))} not supported")
            if isinstance(entry.get("raw"), str):
                specs.append(_prompt_from_text(entry["raw"], label or _first_line(entry["raw"]), label))
            elif isinstance(entry.get("id"), str) and entry["id"].startswith("file://"):
                specs.extend(_prompt_file(reader, entry["id"], label, where))
            else:
                reader.problem(where, "a prompt object needs `raw` text or a `file://` id")
        else:
            reader.problem(where, "a prompt is a string or a mapping")
    return specs


_PROVIDER_FORMS = (
    (re.compile(r"^openai:chat:(.+)$"), "openai"),
    (
        re.compile(
            r"^openai:(?!chat:|completion:|embedding:|embeddings:|assistant:|realtime:|responses:)(.+)$"
        ),
        "openai",
    ),
    (re.compile(r"^anthropic:messages:(.+)$"), "anthropic"),
    (re.compile(r"^anthropic:(?!messages:|completion:)(.+)$"), "anthropic"),
)
PARAMS = frozenset({"temperature", "max_tokens", "top_p", "stop", "seed", "response_format"})


def parse_provider_id(provider_id: str) -> tuple[str | None, str | None]:
    """(family, model) of a promptfoo provider id; (None, None) when no connection kind serves it."""
    if provider_id == "echo":
        return "echo", None
    for pattern, family in _PROVIDER_FORMS:
        match = pattern.match(provider_id)
        if match:
            return family, match.group(1)
    return None, None


def _provider(reader: ConfigFiles, entry: Any, where: str) -> ProviderSpec | None:
    if isinstance(entry, str):
        entry = {"id": entry}
    elif isinstance(entry, dict) and len(entry) == 1 and "id" not in entry:  # {openai:gpt-4o: {config}}
        ((key, options),) = entry.items()
        entry = {"id": key, **(options if isinstance(options, dict) else {})}
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        reader.problem(where, "a provider is an id string or a mapping with `id`")
        return None
    provider_id: str = entry["id"]
    family, model = parse_provider_id(provider_id)
    if family is None:
        reader.problem(
            where,
            f"provider `{provider_id}` is not supported (use openai:<model>, "
            "openai:chat:<model>, anthropic:messages:<model> or echo)",
        )
        return None
    config = entry.get("config") or {}
    if not isinstance(config, dict):
        reader.problem(f"{where}.config", "must be a mapping")
        config = {}
    params = {k: v for k, v in config.items() if k in PARAMS}
    ignored = sorted(set(config) - PARAMS)
    if ignored:
        reader.notes.append(
            f"{where}.config: {', '.join(ignored)} ignored (the project's provider connection decides)"
        )
    extra = set(entry) - {"id", "label", "config"}
    if extra:
        reader.problem(where, f"provider field(s) {', '.join(sorted(extra))} not supported")
    label = entry.get("label")
    return ProviderSpec(provider_id, label if isinstance(label, str) else provider_id, family, model, params)


def read_providers(reader: ConfigFiles, raw: Any) -> list[ProviderSpec]:
    if raw is None:
        reader.problem("providers", "a promptfoo config needs at least one provider")
        return []
    if isinstance(raw, str) and raw.startswith("file://"):
        raw = reader.value(raw, "providers")
    if isinstance(raw, str | dict):
        raw = [raw] if isinstance(raw, str) or "id" in raw else [{k: v} for k, v in raw.items()]
    if not isinstance(raw, list):
        reader.problem("providers", "must be a string, a list or a mapping")
        return []
    specs = [_provider(reader, entry, f"providers[{i}]") for i, entry in enumerate(raw)]
    return [s for s in specs if s is not None]
