"""The gateway's request and answer bodies: OpenAI's chat-completions and model-list shapes, bounded.

Only what the gateway reads is typed; every other field of OpenAI's request (tools, tool_choice,
response_format, penalties, ...) is kept as given and passed on to OpenAI-protocol providers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from promptforge.core.errors import NotFound
from promptforge.core.schemas import Schema
from promptforge.prompts.names import LABEL_NAME, PROMPT_NAME
from promptforge.prompts.resolve import Selector

MAX_MESSAGES = 256
MAX_VARIABLES = 100
MAX_TOOLS = 128
MODEL_PREFIX = "prompt:"
# The request fields the gateway itself consumes; everything else is the provider's business.
GATEWAY_FIELDS = frozenset({"model", "messages", "variables", "stream", "stream_options"})
# Parameters that model_config may set and the request overrides (providers/model_settings.py).
OVERRIDABLE = ("temperature", "max_tokens", "top_p", "stop", "seed", "response_format")

_NAME_RE = re.compile(PROMPT_NAME)
_LABEL_RE = re.compile(LABEL_NAME)
_VERSION_RE = re.compile(r"[0-9]{1,10}")


class ChatMessage(Schema):
    """A message of the conversation the caller sends; appended after the rendered prompt."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


class StreamOptions(Schema):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatCompletionRequest(Schema):
    """OpenAI's chat-completions body; `model` names a managed prompt, `variables` fill it."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(
        max_length=300, description="`prompt:<name>`, `prompt:<name>@<label>` or `prompt:<name>@<version>`"
    )
    messages: list[ChatMessage] = Field(default_factory=list, max_length=MAX_MESSAGES)
    variables: dict[str, Any] = Field(default_factory=dict, max_length=MAX_VARIABLES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    stop: str | list[str] | None = None
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = Field(default=None, max_length=MAX_TOOLS)
    functions: list[dict[str, Any]] | None = Field(default=None, max_length=MAX_TOOLS)

    def overrides(self) -> dict[str, Any]:
        """The request's values for the parameters model_config may set (None: not given)."""
        values = {name: getattr(self, name) for name in OVERRIDABLE}
        values["max_tokens"] = self.max_completion_tokens or self.max_tokens
        return values

    def passthrough(self) -> dict[str, Any]:
        """Every other field as the caller sent it (tools, tool_choice, penalties, user, ...)."""
        typed = GATEWAY_FIELDS | set(OVERRIDABLE) | {"max_completion_tokens"}
        fields = self.model_dump(exclude_unset=True, exclude=set(typed))
        return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True)
class PromptModel:
    """The prompt a `model` string names."""

    name: str
    selector: Selector

    @classmethod
    def parse(cls, model: str) -> PromptModel:
        """`prompt:<name>[@<label|version>]`; anything else is an unknown model (404 naming `model`)."""
        if not model.startswith(MODEL_PREFIX):
            raise unknown_model(model)
        name, _, pick = model[len(MODEL_PREFIX) :].partition("@")
        if not _NAME_RE.match(name):
            raise unknown_model(model)
        if not pick:
            return cls(name, Selector("production", None))
        if _VERSION_RE.fullmatch(pick) and 1 <= int(pick) <= 2**31 - 1:
            return cls(name, Selector(None, int(pick)))
        if _LABEL_RE.match(pick):
            return cls(name, Selector(pick, None))
        raise unknown_model(model)


def unknown_model(model: str) -> NotFound:
    """A 404 on `model` that says how gateway models are named."""
    detail = (
        f"The model '{model[:200]}' does not exist: name a managed prompt as prompt:<name>, "
        "prompt:<name>@<label> or prompt:<name>@<version> (GET /api/gateway/v1/models lists them)."
    )
    error = NotFound(detail, code="model_not_found")
    error.errors = [{"loc": ["body", "model"], "msg": detail, "type": "model_not_found"}]
    return error


class GatewayModel(BaseModel):
    """One entry of the model list: a prompt at a label."""

    id: str = Field(description="`prompt:<name>@<label>`")
    object: Literal["model"] = "model"
    created: int = Field(description="Unix time the label last moved")
    owned_by: str = Field(description="The project's slug")


class GatewayModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[GatewayModel]


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    param: str | None
    code: str


class OpenAIError(BaseModel):
    """What every gateway error answers (OpenAI's error shape)."""

    error: OpenAIErrorBody
