"""Accounts and browser sessions: register, log in, rotate refresh tokens, log out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from promptforge.auth.models import RefreshToken, User
from promptforge.auth.principal import Principal
from promptforge.auth.schemas import UserCreate
from promptforge.auth.users import get_user_by_email
from promptforge.core.config import Settings
from promptforge.core.db import utcnow, uuid7
from promptforge.core.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, Unprocessable
from promptforge.core.kv import KeyValueStore
from promptforge.core.security import (
    create_access_token,
    decode_access_token,
    hash_password,
    new_secret,
    sha256_hex,
    verify_password,
)
from promptforge.core.ws import publish_revocation
from promptforge.workspaces.service import create_personal_workspace

# How long a user's active/inactive state is cached. Changes through the API or the CLI (with Redis)
# overwrite it at once; only a change made behind the app's back (SQL) waits this long.
USER_STATE_TTL = 60.0
USER_ACTIVE, USER_INACTIVE = b"active", b"inactive"


@dataclass(frozen=True)
class SessionTokens:
    access_token: str
    access_expires: datetime
    refresh_token: str
    refresh_expires: datetime
    session_id: str


def password_problem(password: str, email: str) -> str | None:
    """The first password rule `password` breaks, or None."""
    if not 10 <= len(password) <= 128:
        return "Password must be 10 to 128 characters long."
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 2:
        return "Password must mix at least two kinds of characters (lower case, upper case, digits, symbols)."
    lowered = password.lower()
    if lowered in {email.lower(), email.lower().split("@")[0]}:
        return "Password must not be your email address."
    return None


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    """Create an account with its personal workspace and `default` project."""
    problem = password_problem(data.password, data.email)
    if problem:
        raise Unprocessable.field(["body", "password"], problem, code="weak_password")
    if await get_user_by_email(session, data.email):
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(
        email=data.email.lower(),
        password_hash=hash_password(data.password),
        display_name=data.display_name.strip(),
    )
    session.add(user)
    await session.flush()
    await create_personal_workspace(session, user)
    return user


async def _check_registration_rate(kv: KeyValueStore, settings: Settings, ip: str | None) -> None:
    """At most `register_max_per_ip` sign-up attempts per client IP and window (429 + Retry-After)."""
    key = f"register:ip:{ip}"
    if await kv.incr(key, ttl=settings.register_window_seconds) > settings.register_max_per_ip:
        retry = await kv.ttl(key) or settings.register_window_seconds
        raise TooManyRequests(
            "Too many sign-ups from this address; try again later.",
            headers={"Retry-After": str(max(1, int(retry + 0.999)))},
        )


async def register(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, data: UserCreate, ip: str | None
) -> User:
    """Open an account (when sign-up is open), counting the attempt against the caller's IP."""
    if not settings.allow_signup:
        raise Forbidden("Sign-up is closed on this server.", code="signup_closed")
    await _check_registration_rate(kv, settings, ip)
    return await create_user(session, data)


async def check_login_throttle(kv: KeyValueStore, settings: Settings, email: str, ip: str | None) -> None:
    """429 when this account or this IP has failed to sign in too often in the window."""
    keys = [f"login:fail:acct:{email.lower()}", f"login:fail:ip:{ip}"]
    limits = [settings.login_max_failures_per_account, settings.login_max_failures_per_ip]
    counts = await kv.mget(keys)
    for key, limit, count in zip(keys, limits, counts, strict=True):
        if count is not None and int(count) >= limit:
            retry = await kv.ttl(key) or settings.login_window_seconds
            raise TooManyRequests(
                "Too many failed sign-in attempts; try again later.",
                headers={"Retry-After": str(max(1, int(retry + 0.999)))},
            )


async def record_login_failure(kv: KeyValueStore, settings: Settings, email: str, ip: str | None) -> None:
    """Count a failed password check against the account and the IP."""
    window = settings.login_window_seconds
    await kv.incr(f"login:fail:acct:{email.lower()}", ttl=window)
    await kv.incr(f"login:fail:ip:{ip}", ttl=window)


async def _issue_tokens(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, family_id: uuid.UUID
) -> SessionTokens:
    raw = new_secret(nbytes=32)
    refresh_expires = utcnow() + timedelta(days=settings.refresh_token_days)
    session.add(
        RefreshToken(
            user_id=user_id, family_id=family_id, token_hash=sha256_hex(raw), expires_at=refresh_expires
        )
    )
    access, _, access_expires = create_access_token(
        settings.secret_key, user_id=user_id, session_id=family_id, minutes=settings.access_token_minutes
    )
    await session.flush()
    return SessionTokens(access, access_expires, raw, refresh_expires, str(family_id))


async def login(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, email: str, password: str, ip: str | None
) -> tuple[User, SessionTokens]:
    """Check the password (in the same time whether or not the account exists) and open a session."""
    await check_login_throttle(kv, settings, email, ip)
    user = await get_user_by_email(session, email)
    valid = verify_password(password, user.password_hash if user else None)
    if user is None or not valid or not user.is_active:
        await record_login_failure(kv, settings, email, ip)
        raise Unauthorized("Email or password is incorrect.", code="invalid_credentials")
    return user, await _issue_tokens(session, settings, user.id, uuid7())


async def _revoke_family(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, family_id: uuid.UUID
) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    # Access tokens of the family stay valid at most this long; remember the revocation that long.
    await kv.set(f"revoked:sid:{family_id}", b"1", ttl=settings.access_token_minutes * 60 + 60)
    await publish_revocation(kv, "session", family_id)  # its open WebSockets close now


async def refresh(
    session: AsyncSession, kv: KeyValueStore, settings: Settings, raw_token: str | None
) -> tuple[User, SessionTokens]:
    """Rotate a refresh token; presenting an already rotated one revokes its whole family."""
    invalid = Unauthorized("Session expired; sign in again.", code="invalid_refresh_token")
    if not raw_token:
        raise invalid
    token = (
        await session.scalars(select(RefreshToken).where(RefreshToken.token_hash == sha256_hex(raw_token)))
    ).first()
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        raise invalid
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await _revoke_family(session, kv, settings, token.family_id)
        await session.commit()  # the revocation must survive the error response
        raise Unauthorized("Refresh token reuse detected; the session was revoked.", code="token_reuse")
    user = await session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise invalid
    return user, await _issue_tokens(session, settings, user.id, token.family_id)


async def logout(session: AsyncSession, kv: KeyValueStore, settings: Settings, principal: Principal) -> None:
    """Revoke the access token and the whole refresh family of this session."""
    if principal.access_jti and principal.access_expires:
        remaining = principal.access_expires - datetime.now(UTC).timestamp()
        await kv.set(f"revoked:jti:{principal.access_jti}", b"1", ttl=max(1.0, remaining + 5))
    if principal.session_id:
        await _revoke_family(session, kv, settings, uuid.UUID(principal.session_id))


def user_state_key(user_id: uuid.UUID | str) -> str:
    """Whether a user may hold sessions (`active` / `inactive`), cached next to the revocation marks."""
    return f"user:state:{user_id}"


async def _load_user_state(sessionmaker: async_sessionmaker[AsyncSession], user_id: uuid.UUID) -> bytes:
    async with sessionmaker() as session:
        active = await session.scalar(select(User.is_active).where(User.id == user_id))
    return USER_ACTIVE if active else USER_INACTIVE  # a deleted user is as inactive as can be


async def authenticate_access_token(
    kv: KeyValueStore, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, token: str
) -> Principal | None:
    """The user principal of a valid, unrevoked access token whose user still exists and is active."""
    claims = decode_access_token(
        settings.secret_key, token, max_lifetime_seconds=settings.access_token_minutes * 60
    )
    if claims is None:
        return None
    user_id = uuid.UUID(claims["sub"])
    # One round trip: the token's revocation marks and the cached state of its user.
    jti, sid, state = await kv.mget(
        [f"revoked:jti:{claims['jti']}", f"revoked:sid:{claims['sid']}", user_state_key(user_id)]
    )
    if jti or sid:
        return None
    if state is None:
        state = await _load_user_state(sessionmaker, user_id)
        # Only "active" is cached from the database: a reactivation made where this store cannot be
        # reached (the CLI of the embedded default) must not wait for an "inactive" entry to expire.
        if state == USER_ACTIVE:
            await kv.set(user_state_key(user_id), state, ttl=USER_STATE_TTL)
    if state != USER_ACTIVE:
        return None
    return Principal(
        user_id=user_id,
        session_id=claims["sid"],
        access_jti=claims["jti"],
        access_expires=int(claims["exp"]),
    )


async def end_user_sessions(
    session: AsyncSession,
    kv: KeyValueStore,
    settings: Settings,
    user_id: uuid.UUID,
    *,
    keep: str | None = None,
) -> None:
    """End every session of a user but `keep` (the caller's): in the database and, at once, in the store."""
    families = set(
        await session.scalars(
            select(RefreshToken.family_id).where(
                RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
            )
        )
    )
    for family_id in families:
        if str(family_id) != keep:
            await _revoke_family(session, kv, settings, family_id)


async def set_user_state(kv: KeyValueStore, user_id: uuid.UUID, *, active: bool) -> None:
    """Make every replica see a (de)activation on the next request rather than when the cache expires."""
    if active:
        await kv.delete(user_state_key(user_id))
    else:
        await kv.set(user_state_key(user_id), USER_INACTIVE, ttl=USER_STATE_TTL)
        await publish_revocation(kv, "user", user_id)
