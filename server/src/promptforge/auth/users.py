"""Looking up accounts, shared by sign-in and by workspace membership (imports no service)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.models import User


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    """The account using `email` (compared case-insensitively), or None."""
    result = await session.scalars(select(User).where(User.email == email.lower()))
    return result.first()
