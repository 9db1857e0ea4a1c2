"""Provider connections of a project; the API key is stored encrypted (core/encryption.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from promptforge.core.db import Base, IdMixin, TimestampMixin, utcnow


class ProviderConnection(IdMixin, TimestampMixin, Base):
    __tablename__ = "provider_connection"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    base_url: Mapped[str | None] = mapped_column(String(500))
    # `kid:nonce:ciphertext`, bound to this row's id; never leaves the service layer.
    api_key_encrypted: Mapped[str | None] = mapped_column(Text)
    api_key_last4: Mapped[str | None] = mapped_column(String(4))
    default_model: Mapped[str | None] = mapped_column(String(200))
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    # model -> {"input": usd per 1M tokens, "output": ...}; wins over the shipped pricing table
    pricing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def api_key_context(connection_id: uuid.UUID) -> str:
    """The authenticated context of a connection's encrypted key: it cannot be moved to another row."""
    return f"provider_connection:{connection_id}"
