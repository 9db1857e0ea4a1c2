"""Imports every domain's ORM models so `Base.metadata` is complete (Alembic, tests)."""

from promptforge.auth.models import ApiKey, RefreshToken, User
from promptforge.core.db import Base
from promptforge.prompts.models import Label, LabelEvent, Prompt, PromptTag, PromptVersion
from promptforge.workspaces.models import AuditEvent, Membership, Project, Workspace

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Label",
    "LabelEvent",
    "Membership",
    "Project",
    "Prompt",
    "PromptTag",
    "PromptVersion",
    "RefreshToken",
    "User",
    "Workspace",
]
