"""The change stream's message payloads, documented as OpenAPI components for the generated clients."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class PromptChangeEvent(BaseModel):
    """The `data:` of a `prompt.version.created`, `label.moved` or `label.removed` message."""

    type: Literal["prompt.version.created", "label.moved", "label.removed"]
    prompt: str = Field(description="The prompt's name")
    label: str | None = Field(default=None, description="The label moved or removed (label events only)")
    version: int | None = Field(
        description="The new version (created), the version the label points at now (moved), null (removed)"
    )
    from_version: int | None = Field(default=None, description="Label events: where the label pointed before")
    to_version: int | None = Field(
        default=None, description="Label events: where it points now (null: removed)"
    )
    etag: str | None = Field(
        description="The ETag `resolve` answers now for this label (`latest` for a new version); null when "
        "resolve would answer 404 (label removed). Equal to yours: nothing to refetch."
    )
    created_at: datetime


class StreamPosition(BaseModel):
    """The `data:` of a `ready` or `reset` message: the position to resume from (also its `id:`)."""

    last_event_id: int
