"""Who is calling: a signed-in user (cookie session) or a project API key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID | None = None
    session_id: str | None = None
    access_jti: str | None = None
    access_expires: int | None = None
    api_key_id: uuid.UUID | None = None
    api_key_name: str | None = None
    api_key_project_id: uuid.UUID | None = None
    api_key_role: str | None = None
    api_key_public_key: str | None = None
    api_key_expires: float | None = None  # unix time

    def expired(self, now: float) -> bool:
        return self.api_key_expires is not None and self.api_key_expires <= now
