"""Reading one prompt in Langfuse's shape, from the same caches as resolve.

The Langfuse body of a version is another entry of the resolve caches (variant `lf:`), built from
the resolve payload itself, so the same generation counter invalidates both and a warm read touches
neither the database nor the ORM. Included prompts are expanded per request, each through the
same caches, so moving a label of an included prompt shows at once too.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.langfuse_compat.templates import expand_includes, has_includes, template_to_langfuse
from promptforge.prompts.models import Prompt, PromptVersion
from promptforge.prompts.resolve import Payload, PromptResolver, Selector, build_payload

CACHE_VARIANT = "lf:"


async def langfuse_prompt_data(
    session: AsyncSession, project_id: uuid.UUID, name: str, selector: Selector
) -> dict[str, Any]:
    """Langfuse's prompt for the selected version (the same selection rules as resolve)."""
    resolved = (await build_payload(session, project_id, name, selector)).data
    row = (
        await session.execute(
            select(Prompt.tags, PromptVersion.commit_message)
            .join(PromptVersion, PromptVersion.prompt_id == Prompt.id)
            .where(
                Prompt.project_id == project_id,
                Prompt.name == name,
                PromptVersion.number == resolved["version"],
            )
        )
    ).one()
    return {
        "type": resolved["kind"],
        "name": resolved["name"],
        "version": resolved["version"],
        "prompt": template_to_langfuse(resolved["kind"], resolved["template"]),
        "config": resolved["model_config"],
        "labels": resolved["labels"],
        "tags": list(row.tags),
        "commitMessage": row.commit_message or None,
        "resolutionGraph": None,
    }


async def build_langfuse_payload(
    session: AsyncSession, project_id: uuid.UUID, name: str, selector: Selector
) -> Payload:
    return Payload.from_data(await langfuse_prompt_data(session, project_id, name, selector))


async def read_prompt(
    resolver: PromptResolver, project_id: uuid.UUID, name: str, selector: Selector, *, resolve: bool
) -> bytes:
    """The JSON body of GET /api/public/v2/prompts/{name}."""
    generations = await resolver.generations(project_id, name)
    payload = await resolver.payload(
        project_id, name, selector, generations.prompt, build=build_langfuse_payload, variant=CACHE_VARIANT
    )
    if not resolve or not has_includes(payload.data["prompt"]):
        return payload.body

    async def load(child: str, label: str | None, version: int | None) -> tuple[str, Any]:
        source = await resolver.load_source(project_id, child, Selector.parse(label, version, "latest"))
        return source.kind, source.template

    expanded = await expand_includes(payload.data["prompt"], load)
    return Payload.from_data({**payload.data, "prompt": expanded}).body
