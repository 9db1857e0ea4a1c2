"""Read a promptfoo config (promptfooconfig.yaml) into prompts, providers and test cases.

Pure: it reads the config and the files it names, talks to no server, and collects every problem
(an assertion type the server cannot run, a code-backed prompt or test file, ...) instead of
stopping at the first, so `pf eval run --promptfoo` lists them all up front and creates nothing.
plan.py then maps the result onto the project (connections, names, request bodies).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .files import ConfigFiles
from .prompts import PromptSpec, ProviderSpec, parse_provider_id, read_prompts, read_providers
from .testcases import TestCase, read_test, read_tests

__all__ = ["PromptSpec", "ProviderSpec", "Suite", "TestCase", "load_suite", "parse_provider_id"]

# Top-level keys that change nothing about what the server runs: ignored, and said so.
IGNORED_TOP_KEYS = frozenset({"description", "tags", "outputPath", "sharing", "env", "writeLatestResults"})
HANDLED_TOP_KEYS = frozenset({"prompts", "providers", "targets", "tests", "defaultTest", "evaluateOptions"})


@dataclass
class Suite:
    path: Path
    description: str | None
    prompts: list[PromptSpec]
    providers: list[ProviderSpec]
    tests: list[TestCase]
    default_vars: dict[str, Any]
    default_asserts: list[dict[str, Any]]
    default_threshold: float | None
    default_metadata: dict[str, Any]
    grader: Any  # defaultTest.options.provider as written (a promptfoo provider reference)
    concurrency: int | None
    problems: list[str]
    notes: list[str]


def load_suite(config_path: Path) -> Suite:
    """Read a promptfoo config and every file it names; problems are collected, never raised."""
    reader = ConfigFiles(config_path.parent)
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reader.problem(str(config_path), f"cannot read the config: {exc}")
        config = None
    if not isinstance(config, dict):
        if config is not None:
            reader.problem(str(config_path), "a promptfoo config is a YAML mapping")
        return Suite(config_path, None, [], [], [], {}, [], None, {}, None, None, reader.problems, [])
    for key in sorted(set(config) - HANDLED_TOP_KEYS - IGNORED_TOP_KEYS):
        reader.problem(key, "not supported by `pf eval run --promptfoo`")
    for key in sorted(set(config) & (IGNORED_TOP_KEYS - {"description"})):
        reader.notes.append(f"{key}: ignored (results stay on the server)")
    prompts = read_prompts(reader, config.get("prompts"))
    providers = read_providers(reader, config.get("providers", config.get("targets")))
    default = config.get("defaultTest") or {}
    default = reader.value(default, "defaultTest") or {}
    if not isinstance(default, dict):
        reader.problem("defaultTest", "must be a mapping")
        default = {}
    default_case = read_test(reader, default, "defaultTest", allow_options=("provider",))
    tests = read_tests(reader, config.get("tests"))
    options = config.get("evaluateOptions") or {}
    concurrency = options.get("maxConcurrency") if isinstance(options, dict) else None
    for key in sorted(
        set(options) - {"maxConcurrency", "showProgressBar"} if isinstance(options, dict) else []
    ):
        reader.problem(f"evaluateOptions.{key}", "not supported by `pf eval run --promptfoo`")
    grader = (
        (default.get("options") or {}).get("provider") if isinstance(default.get("options"), dict) else None
    )
    description = config.get("description")
    return Suite(
        path=config_path,
        description=description if isinstance(description, str) else None,
        prompts=prompts,
        providers=providers,
        tests=tests,
        default_vars=default_case.vars if default_case else {},
        default_asserts=default_case.asserts if default_case else [],
        default_threshold=default_case.threshold if default_case else None,
        default_metadata=default_case.metadata if default_case else {},
        grader=grader,
        concurrency=concurrency
        if isinstance(concurrency, int) and not isinstance(concurrency, bool)
        else None,
        problems=reader.problems,
        notes=reader.notes,
    )
