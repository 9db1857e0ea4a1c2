"""Account lifecycle after sign-up: change the password, deactivate and reactivate an account.

Each of these ends existing sessions at once: the refresh families are revoked in the database
and their access tokens are marked revoked in the store that every request checks.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from promptforge.auth.models import User
from promptforge.auth.principal import Principal
from promptforge.auth.service import (
    check_login_throttle,
    end_user_sessions,
    password_problem,
    record_login_failure,
    set_user_state,
)
from promptforge.auth.users import get_user_by_email
from promptforge.core.config import Settings
from promptforge.core.context import client_ip_var
from promptforge.core.db import after_commit
from promptforge.core.errors import Conflict, NotFound, Unauthorized, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.core.security import hash_password, verify_password
from promptforge.workspaces.permissions import require_user
from promptforge.workspaces.service import sole_owned_workspaces


async def _signed_in_user(session: AsyncSession, principal: Principal) -> User:
    user = await session.get(User, require_user(principal))
    if user is None or not user.is_active:
        raise Unauthorized("Session expired; sign in again.", code="invalid_session")
    return user


async def _check_password(
    kv: KeyValueStore, settings: Settings, user: User, password: str, field: str
) -> None:
    """Re-authentication for a sensitive change, throttled like sign-in so a stolen session cannot guess."""
    ip = client_ip_var.get()
    await check_login_throttle(kv, settings, user.email, ip)
    if not verify_password(password, user.password_hash):
        await record_login_failure(kv, settings, user.email, ip)
        raise Unprocessable.field(["body", field], "The password is incorrect.", code="wrong_password")


async def change_password(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """Set a new password and end every other session of the user; the caller's stays signed in."""
    user = await _signed_in_user(session, principal)
    await _check_password(kv, settings, user, current_password, "current_password")
    problem = password_problem(new_password, user.email)
    if problem is None and current_password == new_password:
        problem = "The new password must differ from the current one."
    if problem:
        raise Unprocessable.field(["body", "new_password"], problem, code="weak_password")
    user.password_hash = hash_password(new_password)
    await end_user_sessions(session, kv, settings, user.id, keep=principal.session_id)
    await session.flush()


async def _deactivate(session: AsyncSession, kv: KeyValueStore, settings: Settings, user: User) -> None:
    user.is_active = False
    await end_user_sessions(session, kv, settings, user.id)
    await set_user_state(kv, user.id, active=False)
    await session.flush()
    user_id = user.id
    # Again once committed: a request that read the old state meanwhile may have cached it.
    after_commit(session, lambda: set_user_state(kv, user_id, active=False))


async def deactivate_self(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, principal: Principal, password: str
) -> None:
    """Deactivate the caller's own account (password required); every session ends, sign-in is refused."""
    user = await _signed_in_user(session, principal)
    await _check_password(kv, settings, user, password, "password")
    orphaned = await sole_owned_workspaces(session, user.id)
    if orphaned:
        raise Conflict(
            "You are the only owner of: " + ", ".join(orphaned) + ". Make another member owner first.",
            code="last_owner",
        )
    await _deactivate(session, kv, settings, user)


async def set_active_by_email(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, email: str, *, active: bool
) -> User:
    """The operator's switch (CLI): deactivate (ending every session) or reactivate an account.

    Once committed, the caller runs `set_user_state` so that replicas see the change at once.
    """
    user = await get_user_by_email(session, email)
    if user is None:
        raise NotFound(f"No account uses {email.lower()}.")
    if not active:
        await _deactivate(session, kv, settings, user)
    elif not user.is_active:
        user.is_active = True  # the caller clears the cached state once this is committed
        await session.flush()
    return user
