"""Request and response bodies of prompts, versions, labels, rendering and import/export."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from promptforge.core.json_shape import json_shape_problem
from promptforge.core.schemas import INT32_MAX, Schema
from promptforge.deployments.schemas import Deployment
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.prompts.rendering.templates import PLACEHOLDER_NAME

MODEL_CONFIG_MAX_BYTES = 64 * 1024
MODEL_CONFIG_MAX_DEPTH = 16
MODEL_CONFIG_MAX_NODES = 5000
TAG = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"
PromptKind = Literal["text", "chat"]
# Strict: JSON `true` or "1" is not a version number (lax mode would read them as 1).
VersionNumber = Annotated[
    int, Field(ge=1, le=INT32_MAX, strict=True, description="A version number (1, 2, ...)")
]


class ChatMessage(Schema):
    role: Literal["system", "user", "assistant"]
    content: str


class Placeholder(Schema):
    """A slot that expands to the list of messages passed in the variable `name`."""

    role: Literal["placeholder"]
    name: str = Field(pattern=PLACEHOLDER_NAME)


ChatItem = Annotated[ChatMessage | Placeholder, Field(discriminator="role")]
Template = str | list[ChatItem]


class VersionFields(Schema):
    """What a version holds besides its number and authorship."""

    model_config = ConfigDict(populate_by_name=True, protected_namespaces=())

    template: Template
    variables: dict[str, Any] | None = Field(
        default=None, description="JSON Schema of the variables; names used by the template are added."
    )
    model_settings: dict[str, Any] = Field(
        default_factory=dict,
        alias="model_config",
        description="Provider, model and parameters (temperature, max_tokens, ...).",
    )
    commit_message: str = Field(default="", max_length=2000)

    @field_validator("model_settings")
    @classmethod
    def _bounded_model_config(cls, value: dict[str, Any]) -> dict[str, Any]:
        # Settings for one model call are small; a bound keeps diff, export and every resolve cheap.
        problem = json_shape_problem(
            value, max_depth=MODEL_CONFIG_MAX_DEPTH, max_nodes=MODEL_CONFIG_MAX_NODES
        )
        if problem is None and len(json.dumps(value)) > MODEL_CONFIG_MAX_BYTES:
            problem = f"larger than {MODEL_CONFIG_MAX_BYTES // 1024} KiB of JSON"
        if problem is not None:
            raise PydanticCustomError("model_config_too_large", f"model_config: {problem}")
        return value


class VersionCreate(VersionFields):
    """A new version of an existing prompt (its kind is the prompt's)."""


class PromptCreate(VersionFields):
    name: str = Field(pattern=PROMPT_NAME)
    kind: PromptKind
    description: str = Field(default="", max_length=2000)
    tags: list[Annotated[str, Field(pattern=TAG)]] = Field(default_factory=list, max_length=20)


class PromptUpdate(Schema):
    description: str | None = Field(default=None, max_length=2000)
    tags: list[Annotated[str, Field(pattern=TAG)]] | None = Field(default=None, max_length=20)
    archived: bool | None = Field(default=None, description="false restores an archived prompt")


class Version(Schema):
    model_config = ConfigDict(populate_by_name=True, protected_namespaces=(), from_attributes=True)

    number: int
    template: Template
    variables: dict[str, Any]
    model_settings: dict[str, Any] = Field(alias="model_config")
    commit_message: str
    author_label: str
    created_at: datetime
    content_hash: str


class Prompt(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    kind: PromptKind
    description: str
    tags: list[str]
    labels: dict[str, int] = Field(description="label name → version number (`latest` is implicit)")
    latest_version: int
    archived: bool
    created_at: datetime
    updated_at: datetime


class PromptWithVersion(Prompt):
    version: Version


class VersionDiff(Schema):
    number: int
    against: int
    template_diff: list[str] = Field(description="Unified diff lines of the template")
    model_config_diff: list[str] = Field(description="Unified diff lines of the model config (JSON)")


class LabelMove(Schema):
    version: VersionNumber


class Label(Schema):
    name: str
    version: int
    protected: bool
    updated_at: datetime


class LabelEvent(Schema):
    id: uuid.UUID
    label: str
    from_version: int | None
    to_version: int | None
    actor_label: str
    created_at: datetime


class RenderRequest(Schema):
    label: str | None = Field(default=None, pattern=LABEL_NAME)
    version: VersionNumber | None = None
    variables: dict[str, Any] = Field(default_factory=dict)


class RenderedPrompt(Schema):
    name: str
    version: int
    kind: PromptKind
    text: str | None = None
    messages: list[dict[str, Any]] | None = None


class ResolvedPrompt(Schema):
    """The payload of the resolve hot path (documented here; served as cached bytes)."""

    model_config = ConfigDict(populate_by_name=True, protected_namespaces=())

    name: str
    version: int
    kind: PromptKind
    template: Template
    variables: dict[str, Any]
    model_settings: dict[str, Any] = Field(alias="model_config")
    labels: list[str]


class ExportedVersion(VersionFields):
    number: VersionNumber


class ExportedPrompt(Schema):
    name: str = Field(pattern=PROMPT_NAME)
    kind: PromptKind
    description: str = Field(default="", max_length=2000)
    tags: list[Annotated[str, Field(pattern=TAG)]] = Field(default_factory=list, max_length=20)
    versions: list[ExportedVersion] = Field(min_length=1)
    labels: dict[Annotated[str, Field(pattern=LABEL_NAME)], VersionNumber] = Field(default_factory=dict)


class ProjectExport(Schema):
    format_version: Literal[1] = 1
    prompts: list[ExportedPrompt]


class ImportOutcome(Schema):
    name: str
    status: Literal["created", "updated", "unchanged"]
    versions_added: int
    labels_moved: list[str]


class ImportReport(Schema):
    mode: Literal["merge", "dry-run"]
    applied: bool
    prompts: list[ImportOutcome]
    deployments: list[Deployment] = Field(
        default_factory=list,
        description="Label moves the deploy policy holds for approval (pending; the labels did not move)",
    )
