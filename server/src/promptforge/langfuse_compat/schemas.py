"""Langfuse's request and response bodies (camelCase, as its SDKs send and parse them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag

from promptforge.core.schemas import Schema
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.prompts.rendering.templates import PLACEHOLDER_NAME
from promptforge.prompts.schemas import TAG

LabelName = Annotated[str, Field(pattern=LABEL_NAME, max_length=64)]
TagName = Annotated[str, Field(pattern=TAG)]


class LangfuseSchema(Schema):
    # Langfuse's SDKs add fields over time (e.g. `resolve`): ignore what this server does not use.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class LangfuseChatMessageIn(LangfuseSchema):
    role: Literal["system", "user", "assistant"] = Field(
        description="Prompt-Forge stores these three roles (Langfuse allows any string)"
    )
    content: str
    type: Literal["chatmessage"] | None = None


class LangfusePlaceholderIn(LangfuseSchema):
    type: Literal["placeholder"]
    name: str = Field(pattern=PLACEHOLDER_NAME)


def _chat_item_kind(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return "placeholder" if kind == "placeholder" else "message"


ChatItemIn = Annotated[
    Annotated[LangfuseChatMessageIn, Tag("message")] | Annotated[LangfusePlaceholderIn, Tag("placeholder")],
    Discriminator(_chat_item_kind),
]


class LangfuseCreatePromptRequest(LangfuseSchema):
    """Langfuse's create body: a new prompt, or a new version of an existing one."""

    name: str = Field(pattern=PROMPT_NAME, description="Prompt-Forge names: lowercase, digits, `._-`")
    type: Literal["text", "chat"] | None = Field(default=None, description="Default `text`")
    prompt: str | list[ChatItemIn]
    config: dict[str, Any] | None = Field(default=None, description="Stored as the version's model_config")
    labels: list[LabelName] | None = Field(default=None, max_length=20)
    tags: list[TagName] | None = Field(default=None, max_length=20, description="null keeps the tags")
    commit_message: str | None = Field(default=None, alias="commitMessage", max_length=2000)


class LangfuseUpdatePromptVersionRequest(LangfuseSchema):
    new_labels: list[LabelName] = Field(alias="newLabels", max_length=20)


class LangfuseChatMessage(Schema):
    role: str
    content: str


class LangfusePlaceholder(Schema):
    type: Literal["placeholder"]
    name: str


class LangfusePrompt(Schema):
    """Langfuse's prompt (documentation of the body; it is served from the resolve caches as bytes)."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["text", "chat"]
    name: str
    version: int
    prompt: str | list[LangfuseChatMessage | LangfusePlaceholder]
    config: dict[str, Any] = Field(description="The version's model_config")
    labels: list[str] = Field(description="Labels on this version; `latest` on the newest")
    tags: list[str]
    commit_message: str | None = Field(alias="commitMessage")
    resolution_graph: dict[str, Any] | None = Field(default=None, alias="resolutionGraph")


class LangfusePromptMeta(Schema):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    type: Literal["text", "chat"]
    versions: list[int]
    labels: list[str]
    tags: list[str]
    last_updated_at: datetime = Field(alias="lastUpdatedAt")
    last_config: dict[str, Any] = Field(alias="lastConfig")


class LangfusePageMeta(Schema):
    model_config = ConfigDict(populate_by_name=True)

    page: int
    limit: int
    total_items: int = Field(alias="totalItems")
    total_pages: int = Field(alias="totalPages")


class LangfusePromptMetaList(Schema):
    data: list[LangfusePromptMeta]
    meta: LangfusePageMeta


class LangfuseOrganization(Schema):
    id: str
    name: str


class LangfuseProject(Schema):
    id: str
    name: str
    organization: LangfuseOrganization
    metadata: dict[str, Any]


class LangfuseProjects(Schema):
    data: list[LangfuseProject]


class LangfuseHealth(Schema):
    status: Literal["OK"]
    version: str


class LangfuseErrorBody(Schema):
    message: str
    error: str = Field(description="Langfuse's error name, e.g. `LangfuseNotFoundError`")
    code: str = Field(description="Prompt-Forge's error code")
    details: list[dict[str, Any]] | None = None
