"""Between Langfuse's prompt content and Prompt-Forge's templates.

Chat messages: Langfuse marks placeholders with `type: "placeholder"`, Prompt-Forge with
`role: "placeholder"`. Composition: Langfuse's tag `@@@langfusePrompt:name=x|label=y@@@` is stored
as our include `{{ prompt("x", label="y") }}`; reading through the Langfuse API expands includes
into the included prompt's text again, as Langfuse serves composed prompts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from promptforge.core.errors import Unprocessable
from promptforge.langfuse_compat.schemas import LangfuseChatMessageIn

COMPOSITION_TAG = re.compile(r"@@@langfusePrompt:(.*?)@@@")
# Exactly the include calls written above (and their usual spellings); anything fancier is served
# as stored, for the render endpoint to resolve.
INCLUDE_CALL = re.compile(
    r"\{\{-?\s*prompt\(\s*\"([^\"]+)\"\s*(?:,\s*(label|version)\s*=\s*(?:\"([^\"]+)\"|([0-9]+))\s*)?\)\s*-?\}\}"
)
MAX_INCLUDE_DEPTH = 5
SourceLoader = Callable[[str, str | None, int | None], Awaitable[tuple[str, str]]]
"""(name, label, version) -> (kind, template) of the included prompt."""


def composition_to_include(tag_body: str, rename: Callable[[str], str] = lambda n: n) -> str:
    """One composition tag's `name=x|label=y` (or `|version=n`) as our include call."""
    fields = dict(part.partition("=")[::2] for part in tag_body.split("|"))
    name = fields.get("name", "").strip()
    if not name:
        raise ValueError(f"composition tag without a name: @@@langfusePrompt:{tag_body}@@@")
    target = json.dumps(rename(name))
    if fields.get("version", "").strip():
        version = fields["version"].strip()
        if not version.isascii() or not version.isdigit():
            raise ValueError(f"composition tag with a non-numeric version: {version!r}")
        return f"{{{{ prompt({target}, version={int(version)}) }}}}"
    label = fields.get("label", "").strip() or "latest"
    return f"{{{{ prompt({target}, label={json.dumps(label)}) }}}}"


def replace_composition_tags(text: str, rename: Callable[[str], str] = lambda n: n) -> str:
    """Every Langfuse composition tag of `text` turned into our include."""
    return COMPOSITION_TAG.sub(lambda m: composition_to_include(m.group(1), rename), text)


def template_from_langfuse(
    prompt: str | list[Any], loc: list[str | int], rename: Callable[[str], str] = lambda n: n
) -> str | list[dict[str, Any]]:
    """Our stored template for Langfuse content (already validated by LangfuseCreatePromptRequest)."""

    def convert(text: str, where: list[str | int]) -> str:
        try:
            return replace_composition_tags(text, rename)
        except ValueError as exc:
            raise Unprocessable.field(where, str(exc)) from None

    if isinstance(prompt, str):
        return convert(prompt, loc)
    items: list[dict[str, Any]] = []
    for index, item in enumerate(prompt):
        if isinstance(item, LangfuseChatMessageIn):
            items.append({"role": item.role, "content": convert(item.content, [*loc, index, "content"])})
        else:
            items.append({"role": "placeholder", "name": item.name})
    return items


def template_to_langfuse(kind: str, template: Any) -> Any:
    """Langfuse's `prompt` for our stored template (chat messages without a `type`)."""
    if kind == "text":
        return template
    return [
        {"type": "placeholder", "name": item["name"]}
        if item["role"] == "placeholder"
        else {"role": item["role"], "content": item["content"]}
        for item in template
    ]


def has_includes(prompt: Any) -> bool:
    if isinstance(prompt, str):
        return "prompt(" in prompt
    return any("prompt(" in item.get("content", "") for item in prompt)


async def expand_includes(prompt: Any, load: SourceLoader, depth: int = 0) -> Any:
    """The Langfuse `prompt` with every plain include replaced by the included text (recursively)."""
    if isinstance(prompt, list):
        return [
            {**item, "content": await expand_includes(item["content"], load, depth)}
            if "content" in item
            else item
            for item in prompt
        ]
    if depth >= MAX_INCLUDE_DEPTH or "prompt(" not in prompt:
        return prompt
    parts: list[str] = []
    position = 0
    for match in INCLUDE_CALL.finditer(prompt):
        name, selector, label, number = match.groups()
        version = int(number) if selector == "version" and number else None
        kind, child = await load(name, label if version is None else None, version)
        if kind != "text":  # only text prompts can be included: leave the call as stored
            continue
        parts.append(prompt[position : match.start()])
        parts.append(await expand_includes(child, load, depth + 1))
        position = match.end()
    parts.append(prompt[position:])
    return "".join(parts)
