"""Deploy policies (admins write, members and keys read) and deployments: list, approve, reject."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.principal import Principal
from promptforge.core.db import utcnow
from promptforge.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.core.pagination import PageParams, paginate
from promptforge.datasets.models import Dataset
from promptforge.deployments import schemas
from promptforge.deployments.gates import check_move, load_policy
from promptforge.deployments.models import Deployment, DeployPolicy
from promptforge.deployments.records import PENDING, deployment_out, emit_deployment_event
from promptforge.prompts.service import apply_label_move, load_prompt
from promptforge.workspaces.audit import actor_label, record_audit
from promptforge.workspaces.permissions import Action, authorize_project


async def get_policy(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID
) -> schemas.DeployPolicy:
    await authorize_project(session, principal, project_id, Action.READ)
    policy = await session.get(DeployPolicy, project_id)
    if policy is None:
        return schemas.DeployPolicy(labels={}, updated_at=None, updated_by=None)
    return schemas.DeployPolicy(
        labels=await load_policy(session, project_id),
        updated_at=policy.updated_at,
        updated_by=policy.updated_by,
    )


async def _check_datasets(
    session: AsyncSession, project_id: uuid.UUID, data: schemas.DeployPolicyUpdate
) -> None:
    """Every evaluation rule names a dataset of the project (and a version it has): 422 otherwise."""
    errors: list[dict[str, Any]] = []
    for label, gate in sorted(data.labels.items()):
        rule = gate.require_evaluation
        if rule is None:
            continue
        dataset = (
            await session.scalars(
                select(Dataset).where(Dataset.project_id == project_id, Dataset.name == rule.dataset)
            )
        ).first()
        where = f"labels.{label}.require_evaluation"
        if dataset is None:
            loc = ["body", "labels", label, "require_evaluation", "dataset"]
            msg = f"{where}.dataset: no dataset named '{rule.dataset}' in this project"
            errors.append({"loc": loc, "msg": msg, "type": "unknown_dataset"})
        elif rule.dataset_version is not None and rule.dataset_version > dataset.version:
            loc = ["body", "labels", label, "require_evaluation", "dataset_version"]
            msg = (
                f"{where}.dataset_version: dataset '{rule.dataset}' has no version "
                f"{rule.dataset_version} (its current version is {dataset.version})"
            )
            errors.append({"loc": loc, "msg": msg, "type": "unknown_dataset_version"})
    if errors:
        raise Unprocessable(errors[0]["msg"], errors=errors)


async def put_policy(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, data: schemas.DeployPolicyUpdate
) -> schemas.DeployPolicy:
    """Replace the project's deploy policy (admins and owners)."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    await _check_datasets(session, project_id, data)
    labels = {label: gate.model_dump(mode="json") for label, gate in sorted(data.labels.items())}
    policy = await session.get(DeployPolicy, project_id)
    now, who = utcnow(), await actor_label(session, principal)
    if policy is None:
        policy = DeployPolicy(project_id=project_id, labels=labels, updated_at=now, updated_by=who)
        session.add(policy)
    policy.labels, policy.updated_at, policy.updated_by = labels, now, who
    policy.updated_by_user_id = principal.user_id
    await record_audit(
        session,
        principal,
        workspace_id=access.project.workspace_id,
        project_id=project_id,
        action="deploy_policy.updated",
        target_type="project",
        target_id=project_id,
        data={"labels": labels},
    )
    await session.flush()
    return schemas.DeployPolicy(
        labels={k: schemas.LabelGate.model_validate(v) for k, v in labels.items()},
        updated_at=now,
        updated_by=who,
    )


async def list_deployments(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    page: PageParams,
    *,
    status: str | None = None,
    prompt: str | None = None,
    label: str | None = None,
) -> tuple[list[schemas.Deployment], str | None]:
    await authorize_project(session, principal, project_id, Action.READ)
    stmt = select(Deployment).where(Deployment.project_id == project_id)
    if status:
        stmt = stmt.where(Deployment.status == status)
    if prompt:
        stmt = stmt.where(Deployment.prompt_name == prompt)
    if label:
        stmt = stmt.where(Deployment.label == label)
    rows, cursor = await paginate(session, stmt, Deployment.id, page)
    return [deployment_out(d) for d in rows], cursor


async def _load(
    session: AsyncSession, project_id: uuid.UUID, deployment_id: uuid.UUID, *, lock: bool = False
) -> Deployment:
    stmt = select(Deployment).where(Deployment.project_id == project_id, Deployment.id == deployment_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    deployment = (await session.scalars(stmt)).first()
    if deployment is None:
        raise NotFound("Deployment not found.")
    return deployment


async def get_deployment(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, deployment_id: uuid.UUID
) -> schemas.Deployment:
    await authorize_project(session, principal, project_id, Action.READ)
    return deployment_out(await _load(session, project_id, deployment_id))


def _check_decidable(deployment: Deployment, principal: Principal) -> None:
    if deployment.status != PENDING:
        raise Conflict(
            f"This deployment is {deployment.status}, not pending: there is nothing to decide.",
            code="deployment_not_pending",
        )
    if deployment.requested_by_user_id is not None and deployment.requested_by_user_id == principal.user_id:
        raise Forbidden(
            "You requested this deployment: another admin or owner must approve or reject it.",
            code="approval_by_requester",
        )


async def approve_deployment(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    deployment_id: uuid.UUID,
    data: schemas.DeploymentDecision,
) -> schemas.Deployment:
    """Approve a pending deployment: re-check the evaluation rule, then move the label."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    # The prompt's lock first (the order every label move takes), then the deployment's.
    pending = await _load(session, project_id, deployment_id)
    _check_decidable(pending, principal)
    prompt = await load_prompt(session, project_id, pending.prompt_name, lock=True)
    deployment = await _load(session, project_id, deployment_id, lock=True)
    _check_decidable(deployment, principal)
    decision = await check_move(
        session, project_id, prompt.id, prompt.name, deployment.label, deployment.to_version
    )
    if decision is not None:
        deployment.rollback, deployment.evaluation_id = decision.rollback, decision.evaluation_id
    await apply_label_move(session, kv, principal, access, prompt, deployment.label, deployment.to_version)
    return await _decide(session, kv, principal, access.project.workspace_id, deployment, "approved", data)


async def reject_deployment(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    project_id: uuid.UUID,
    deployment_id: uuid.UUID,
    data: schemas.DeploymentDecision,
) -> schemas.Deployment:
    """Reject a pending deployment: the label stays where it is."""
    access = await authorize_project(session, principal, project_id, Action.MANAGE)
    deployment = await _load(session, project_id, deployment_id, lock=True)
    _check_decidable(deployment, principal)
    return await _decide(session, kv, principal, access.project.workspace_id, deployment, "rejected", data)


async def _decide(
    session: AsyncSession,
    kv: KeyValueStore,
    principal: Principal,
    workspace_id: uuid.UUID,
    deployment: Deployment,
    status: str,
    data: schemas.DeploymentDecision,
) -> schemas.Deployment:
    deployment.status = status
    deployment.decided_by = await actor_label(session, principal)
    deployment.decided_by_user_id = principal.user_id
    deployment.decided_at = utcnow()
    deployment.comment = data.comment
    await record_audit(
        session,
        principal,
        workspace_id=workspace_id,
        project_id=deployment.project_id,
        action=f"deployment.{status}",
        target_type="deployment",
        target_id=deployment.id,
        data={
            "prompt": deployment.prompt_name,
            "label": deployment.label,
            "to_version": deployment.to_version,
        },
    )
    await session.flush()
    out = deployment_out(deployment)
    await emit_deployment_event(session, kv, f"deployment.{status}", out)
    return out
