"""Request and response bodies of the auth routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from promptforge.core.schemas import Schema


class UserCreate(Schema):
    email: EmailStr
    password: str = Field(min_length=10, max_length=128)
    # Stripped before the length check, so a name of only spaces is refused.
    display_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class LoginRequest(Schema):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(Schema):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=10, max_length=128)


class DeactivateRequest(Schema):
    password: str = Field(min_length=1, max_length=1024, description="The account's password, to confirm.")


class User(Schema):
    id: uuid.UUID
    email: str
    display_name: str
    created_at: datetime


class MembershipWorkspace(Schema):
    id: uuid.UUID
    name: str
    slug: str


class MeMembership(Schema):
    workspace: MembershipWorkspace
    role: str


class Me(Schema):
    user: User
    memberships: list[MeMembership]
