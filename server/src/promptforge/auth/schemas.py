"""Request and response bodies of the auth routes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import EmailStr, Field

from promptforge.core.schemas import Schema


class UserCreate(Schema):
    email: EmailStr
    password: str = Field(min_length=10, max_length=128)
    display_name: str = Field(min_length=1, max_length=100)


class LoginRequest(Schema):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class User(Schema):
    id: uuid.UUID
    email: str
    display_name: str
    is_admin: bool
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
