"""Recording and listing audit events: every mutation leaves one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.models import User
from promptforge.auth.principal import Principal
from promptforge.core.context import client_ip_var
from promptforge.core.db import utcnow
from promptforge.workspaces.models import AuditEvent


async def actor_label(session: AsyncSession, principal: Principal | None) -> str:
    """How an actor is shown: the user's email, `api_key:<name>`, or `system`."""
    if principal is None:
        return "system"
    if principal.user_id is not None:
        user = await session.get(User, principal.user_id)
        return user.email if user else str(principal.user_id)
    return f"api_key:{principal.api_key_name}"


async def record_audit(
    session: AsyncSession,
    principal: Principal | None,
    *,
    workspace_id: uuid.UUID,
    action: str,
    target_type: str,
    target_id: str | uuid.UUID,
    project_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    actor: User | None = None,
) -> None:
    """Add an audit event to the current transaction (it commits or rolls back with the change)."""
    label = actor.email if actor is not None else await actor_label(session, principal)
    session.add(
        AuditEvent(
            workspace_id=workspace_id,
            project_id=project_id,
            actor_user_id=actor.id if actor else (principal.user_id if principal else None),
            actor_api_key_id=principal.api_key_id if principal else None,
            actor_label=label,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            data=data or {},
            ip=client_ip_var.get(),
            created_at=utcnow(),
        )
    )
