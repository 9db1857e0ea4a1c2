"""Writing deployment records (deployed at once, or pending approval) and their JSON form."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.db import utcnow
from promptforge.core.kv import KeyValueStore
from promptforge.core.outbox import DEPLOYMENT_PENDING, record_event
from promptforge.deployments import schemas
from promptforge.deployments.gates import GateDecision
from promptforge.deployments.models import Deployment
from promptforge.workspaces.audit import actor_label, record_audit

PENDING = "pending"
DEPLOYED = "deployed"


def deployment_out(deployment: Deployment) -> schemas.Deployment:
    return schemas.Deployment(
        id=deployment.id,
        project_id=deployment.project_id,
        prompt=deployment.prompt_name,
        label=deployment.label,
        from_version=deployment.from_version,
        to_version=deployment.to_version,
        status=deployment.status,
        rollback=deployment.rollback,
        evaluation_id=deployment.evaluation_id,
        requested_by=deployment.requested_by,
        requested_by_user_id=deployment.requested_by_user_id,
        requested_at=deployment.created_at,
        decided_by=deployment.decided_by,
        decided_at=deployment.decided_at,
        comment=deployment.comment,
    )


async def record_deployment(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    *,
    workspace_id: uuid.UUID,
    project_id: uuid.UUID,
    prompt_id: uuid.UUID,
    prompt_name: str,
    label: str,
    from_version: int | None,
    to_version: int,
    decision: GateDecision,
) -> schemas.Deployment:
    """Record a gated move: `pending` when the gate wants approval (superseding older pending
    requests for the same prompt and label), else `deployed` (the caller moves the label)."""
    status = PENDING if decision.require_approval else DEPLOYED
    now = utcnow()
    if status == PENDING:
        await session.execute(
            update(Deployment)
            .where(Deployment.prompt_id == prompt_id, Deployment.label == label, Deployment.status == PENDING)
            .values(status="superseded", decided_at=now)
            .execution_options(synchronize_session=False)
        )
    who = await actor_label(session, principal)
    deployment = Deployment(
        project_id=project_id,
        prompt_id=prompt_id,
        prompt_name=prompt_name,
        label=label,
        from_version=from_version,
        to_version=to_version,
        status=status,
        rollback=decision.rollback,
        evaluation_id=decision.evaluation_id,
        requested_by=who,
        requested_by_user_id=principal.user_id,
        requested_by_api_key_id=principal.api_key_id,
        created_at=now,
    )
    if status == DEPLOYED:
        deployment.decided_by, deployment.decided_at = who, now
    session.add(deployment)
    await session.flush()
    out = deployment_out(deployment)
    if status == PENDING:
        await record_audit(
            session,
            principal,
            workspace_id=workspace_id,
            project_id=project_id,
            action="deployment.requested",
            target_type="deployment",
            target_id=deployment.id,
            data={"prompt": prompt_name, "label": label, "to_version": to_version},
        )
        await emit_deployment_event(session, kv, DEPLOYMENT_PENDING, out)
    return out


async def emit_deployment_event(
    session: AsyncSession, kv: KeyValueStore, event_type: str, deployment: schemas.Deployment
) -> None:
    """Outbox event `deployment.pending|approved|rejected` (webhooks), in the caller's transaction."""
    await record_event(
        session, kv, deployment.project_id, event_type, {"deployment": deployment.model_dump(mode="json")}
    )
