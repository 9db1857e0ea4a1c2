"""Request and response bodies of playground runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from promptforge.core.schemas import INT32_MAX, Schema
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.prompts.schemas import PromptKind, Template
from promptforge.providers.schemas import ErrorInfo

RunStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
RunSource = Literal["playground", "gateway"]


class PromptRef(Schema):
    """A saved prompt: a label (default `latest`) or a version number."""

    name: str = Field(pattern=PROMPT_NAME)
    label: str | None = Field(default=None, pattern=LABEL_NAME)
    version: int | None = Field(default=None, ge=1, le=INT32_MAX)


class RunParams(Schema):
    """Per-run model parameters; they override the version's model_config."""

    model_config = ConfigDict(extra="forbid")

    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    top_p: float | None = Field(default=None, ge=0, le=1)
    stop: str | list[str] | None = Field(default=None, description="Up to 4 stop sequences")
    seed: int | None = Field(default=None, description="OpenAI and compatible servers only")
    response_format: dict[str, Any] | None = Field(
        default=None,
        description='{"type": "json_object"} or {"type": "json_schema", "json_schema": {"name", "schema"}}',
    )


class RunCreate(Schema):
    prompt: PromptRef | None = Field(default=None, description="A saved prompt (or give `template`)")
    template: Template | None = Field(default=None, description="An unsaved draft template")
    kind: PromptKind | None = Field(default=None, description="The draft's kind (inferred from the template)")
    variables: dict[str, Any] = Field(default_factory=dict)
    provider_id: uuid.UUID
    model: str | None = Field(
        default=None, max_length=200, description="Default: the version's model_config, then the provider's"
    )
    params: RunParams = Field(default_factory=RunParams)
    stream: bool = Field(default=False, description="Answer text/event-stream: `delta` events, then `run`")

    @model_validator(mode="after")
    def _prompt_or_template(self) -> RunCreate:
        if (self.prompt is None) == (self.template is None):
            raise ValueError("give either prompt or template")
        if self.prompt is not None and self.prompt.label is not None and self.prompt.version is not None:
            raise ValueError("give either prompt.label or prompt.version, not both")
        return self


class RunPrompt(Schema):
    name: str
    version: int


class RunUsage(Schema):
    input_tokens: int | None
    output_tokens: int | None


class RunInput(Schema):
    text: str | None = None
    messages: list[dict[str, Any]] | None = None


class Run(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    status: RunStatus
    source: RunSource = Field(description="`playground` (the runs API) or `gateway` (/api/gateway/v1)")
    prompt: RunPrompt | None = Field(description="None for a draft")
    kind: PromptKind
    template: Template | None = Field(description="The draft's template (None for saved prompts)")
    provider_id: uuid.UUID | None = Field(description="None once the provider was deleted")
    provider_name: str
    provider_kind: str
    model: str
    params: dict[str, Any] = Field(description="What was sent: model_config merged with the run's params")
    variables: dict[str, Any]
    input: RunInput
    output: str | None
    usage: RunUsage
    cost_usd: float | None = Field(description="None when the model's price or the usage is unknown")
    latency_ms: int | None
    time_to_first_token_ms: int | None = Field(description="Streaming runs only")
    error: ErrorInfo | None
    stream: bool
    created_by: str
    created_at: datetime
    finished_at: datetime | None
