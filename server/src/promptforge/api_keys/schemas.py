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
    public_key: str = Field(
        description="Public id of the key (`pk-pf-...`), not secret: the user name of HTTP Basic auth "
        "on the Langfuse-compatible API (`LANGFUSE_PUBLIC_KEY`)."
    )
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    secret: str = Field(description="The key itself. Shown only once; store it now.")
    langfuse_env: str = Field(
        description="Ready-to-paste environment lines for the official Langfuse SDKs "
        "(`LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`, `LANGFUSE_HOST`); holds the secret too."
    )


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
