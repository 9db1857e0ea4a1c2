"""Imports every domain's ORM models so `Base.metadata` is complete (Alembic, tests)."""

from promptforge.api_keys.models import ApiKey
from promptforge.auth.models import RefreshToken, User
from promptforge.core.db import Base
from promptforge.core.outbox import ProjectEvent
from promptforge.core.system import SystemSetting
from promptforge.datasets.models import Dataset, DatasetItem
from promptforge.deployments.models import Deployment, DeployPolicy
from promptforge.evaluations.models import Evaluation, EvaluationResult, EvaluationVariant
from promptforge.prompts.models import Label, LabelEvent, Prompt, PromptTag, PromptVersion
from promptforge.providers.models import ProviderConnection
from promptforge.runs.models import Run
from promptforge.webhooks.models import Webhook, WebhookDelivery
from promptforge.workspaces.models import AuditEvent, Invitation, Membership, Project, Workspace

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Dataset",
    "DatasetItem",
    "DeployPolicy",
    "Deployment",
    "Evaluation",
    "EvaluationResult",
    "EvaluationVariant",
    "Invitation",
    "Label",
    "LabelEvent",
    "Membership",
    "Project",
    "ProjectEvent",
    "Prompt",
    "PromptTag",
    "PromptVersion",
    "ProviderConnection",
    "RefreshToken",
    "Run",
    "SystemSetting",
    "User",
    "Webhook",
    "WebhookDelivery",
    "Workspace",
]
