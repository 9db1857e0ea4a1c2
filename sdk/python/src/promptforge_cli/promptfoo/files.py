"""The files a promptfoo config names (`file://...`), read relative to the config, problems collected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

CODE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".py", ".rb", ".sh")


class ConfigFiles:
    """Resolves `file://` references relative to the config and records problems with their place."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.problems: list[str] = []
        self.notes: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def paths(self, ref: str, where: str) -> list[Path]:
        """The files a `file://` reference names (globs and folders expand); problems for none or code."""
        raw = ref[len("file://") :]
        name = Path(raw).name
        # `file://x.py:fn` and `file://x.js` are code promptfoo would run: refused, existing or not
        if Path(name.split(":")[0]).suffix.lower() in CODE_SUFFIXES:
            self.problem(where, f"{ref} is code; Prompt-Forge never runs code")
            return []
        if any(ch in raw for ch in "*?["):
            found = sorted(p for p in self.base.glob(raw) if p.is_file())
        else:
            candidate = (self.base / raw).resolve()
            if candidate.is_dir():
                found = sorted(p for p in candidate.iterdir() if p.is_file())
            elif candidate.is_file():
                found = [candidate]
            else:
                self.problem(where, f"{ref}: no such file")
                return []
        if not found:
            self.problem(where, f"{ref} matches no file")
        code = [p for p in found if p.suffix.lower() in CODE_SUFFIXES]
        for path in code:
            self.problem(where, f"{ref}: {path.name} is code; Prompt-Forge never runs code")
        return [p for p in found if p not in code]

    def text(self, path: Path, where: str) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(where, f"cannot read {path}: {exc}")
            return None

    def structured(self, path: Path, where: str) -> Any:
        """A JSON or YAML file's content (None after a problem)."""
        text = self.text(path, where)
        if text is None:
            return None
        try:
            if path.suffix.lower() == ".json":
                return json.loads(text)
            if path.suffix.lower() == ".jsonl":
                return [json.loads(line) for line in text.splitlines() if line.strip()]
            return yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as exc:
            self.problem(where, f"{path.name} is not valid {path.suffix.lstrip('.').upper()}: {exc}")
            return None

    def value(self, raw: Any, where: str) -> Any:
        """A value that may be `file://...`: text files give their text, JSON/YAML their content."""
        if not (isinstance(raw, str) and raw.startswith("file://")):
            return raw
        paths = self.paths(raw, where)
        if len(paths) != 1:
            return None
        if paths[0].suffix.lower() in (".json", ".yaml", ".yml"):
            return self.structured(paths[0], where)
        return self.text(paths[0], where)
