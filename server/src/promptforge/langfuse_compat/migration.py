"""Langfuse's exported prompts (its API's JSON: one object per version) as a Prompt-Forge export file.

What `promptforge import-langfuse` uploads to /import. Names are made Prompt-Forge names (lowercase,
`/` and other characters as `-`), composition tags become includes, and versions are renumbered
1..n when the export has gaps or repeats a version's content (labels follow their version).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from promptforge.core.errors import Unprocessable
from promptforge.langfuse_compat.schemas import ChatItemIn, LangfuseSchema
from promptforge.langfuse_compat.templates import template_from_langfuse
from promptforge.prompts.service import LATEST

NOT_IN_NAME = re.compile(r"[^a-z0-9._-]+")


class ExportedVersion(LangfuseSchema):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    name: str = Field(min_length=1, max_length=255)
    version: int = Field(ge=1)
    type: Literal["text", "chat"] = "text"
    prompt: str | list[ChatItemIn]
    config: dict[str, Any] | None = None
    labels: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    commit_message: str | None = Field(default=None, alias="commitMessage")


@dataclass
class Conversion:
    export: dict[str, Any]
    renamed: dict[str, str] = field(default_factory=dict)
    """Langfuse name -> Prompt-Forge name, for names that had to change."""
    merged_versions: int = 0
    """Versions dropped because they repeated the content of the version before them."""


def prompt_forge_name(name: str) -> str:
    """A Langfuse name (any case, folders with `/`) as a Prompt-Forge name."""
    converted = NOT_IN_NAME.sub("-", name.lower()).lstrip("._-")[:128]
    if not converted:
        raise ValueError(f"prompt name {name!r} has no letters or digits to keep")
    return converted


def _versions(raw: Any) -> list[ExportedVersion]:
    items = raw.get("data", raw.get("prompts")) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise ValueError("expected a JSON list of Langfuse prompts (or an object with `data`)")
    versions = []
    for index, item in enumerate(items):
        try:
            versions.append(ExportedVersion.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            label = item.get("name", index) if isinstance(item, dict) else index
            raise ValueError(f"prompt {label!r} (item {index}): {where}: {err['msg']}") from None
    return versions


def convert_export(raw: Any) -> Conversion:
    """The Prompt-Forge export (ProjectExport as JSON) for a Langfuse export; ValueError saying why not."""
    by_name: dict[str, list[ExportedVersion]] = defaultdict(list)
    for version in _versions(raw):
        by_name[version.name].append(version)
    names = {name: prompt_forge_name(name) for name in by_name}
    taken: dict[str, str] = {}
    for original, new in names.items():
        if new in taken:
            raise ValueError(f"prompts {taken[new]!r} and {original!r} would both be named {new!r}")
        taken[new] = original

    def rename(name: str) -> str:
        return names.get(name) or prompt_forge_name(name)

    conversion = Conversion({"format_version": 1, "prompts": []})
    conversion.renamed = {k: v for k, v in names.items() if k != v}
    for original in sorted(by_name):
        versions = sorted(by_name[original], key=lambda v: v.version)
        if len({v.type for v in versions}) > 1:
            raise ValueError(f"prompt {original!r} mixes text and chat versions")
        out_versions: list[dict[str, Any]] = []
        labels: dict[str, int] = {}
        for version in versions:
            try:
                template = template_from_langfuse(version.prompt, ["prompt"], rename)
            except Unprocessable as exc:
                raise ValueError(f"prompt {original!r} version {version.version}: {exc.detail}") from None
            content = {"template": template, "model_config": version.config or {}}
            if out_versions and {k: out_versions[-1][k] for k in content} == content:
                conversion.merged_versions += 1
            else:
                out_versions.append(
                    {
                        "number": len(out_versions) + 1,
                        **content,
                        "commit_message": version.commit_message or "",
                    }
                )
            for label in version.labels:
                if label != LATEST:
                    labels[label] = len(out_versions)
        conversion.export["prompts"].append(
            {
                "name": names[original],
                "kind": versions[-1].type,
                "tags": sorted(set(versions[-1].tags)),
                "versions": out_versions,
                "labels": labels,
            }
        )
    return conversion
