"""Request and response bodies of project API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from promptforge.core.schemas import Schema


class ApiKeyCreate(Schema):
    name: str = Field(min_length=1, max_length=100)
    role: Literal["viewer", "editor"]
    expires_at: datetime | None = None


class ApiKey(Schema):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str
    role: Literal["viewer", "editor"]
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    secret: str = Field(description="The key itself. Shown only once; store it now.")


class CallingApiKey(Schema):
    """The API key a request was made with: what it may do and where (tools such as `pf` start here)."""

    id: uuid.UUID
    name: str
    role: Literal["viewer", "editor"]
    prefix: str
    project_id: uuid.UUID
    project_slug: str
    workspace_id: uuid.UUID
    expires_at: datetime | None
