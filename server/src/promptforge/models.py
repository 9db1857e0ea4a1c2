"""Imports every domain's ORM models so `Base.metadata` is complete (Alembic, tests)."""

from promptforge.auth.models import ApiKey, RefreshToken, User
from promptforge.core.db import Base
from promptforge.workspaces.models import AuditEvent, Membership, Project, Workspace

__all__ = ["ApiKey", "AuditEvent", "Base", "Membership", "Project", "RefreshToken", "User", "Workspace"]
