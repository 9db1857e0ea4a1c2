"""Password hashing, access tokens (JWT), CSRF tokens and opaque secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from jose import JWTError, jwt
from passlib.context import CryptContext

JWT_ALGORITHM = "HS256"  # pinned: decode() accepts nothing else

# argon2id with at least the OWASP floor (19 MiB, t=2, p=1).
password_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19 * 1024,
    argon2__time_cost=2,
    argon2__parallelism=1,
)
# Verified when an account does not exist, so a login takes the same time either way.
_DUMMY_HASH = password_context.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return str(password_context.hash(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        password_context.verify(password, _DUMMY_HASH)
        return False
    return bool(password_context.verify(password, password_hash))


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


CLOCK_SKEW_SECONDS = 60


def create_access_token(
    secret_key: str, *, user_id: uuid.UUID, session_id: uuid.UUID, minutes: int
) -> tuple[str, str, datetime]:
    """A short-lived JWT; returns (token, jti, expiry)."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=minutes)
    jti = uuid.uuid4().hex
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "jti": jti,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret_key, algorithm=JWT_ALGORITHM), jti, expires


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def decode_access_token(secret_key: str, token: str, *, max_lifetime_seconds: int) -> dict[str, Any] | None:
    """The claims of a valid, unexpired, well-formed access token, or None.

    Signed is not enough: a token missing `exp` would never expire, and a malformed `sub` or `sid`
    would fail later, deep in a request, as a 500. Every claim the app reads is checked here. A
    token may not live longer than the app issues them for (nor be issued in the future): the
    revocation marks of a session are kept only that long.
    """
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            options={"require_exp": True, "require_iat": True, "require_sub": True, "require_jti": True},
        )
    except (JWTError, ValueError, TypeError):
        return None
    well_formed = (
        claims.get("typ") == "access"
        and _is_uuid(claims.get("sub"))
        and _is_uuid(claims.get("sid"))
        and isinstance(claims.get("jti"), str)
        and 0 < len(claims["jti"]) <= 64
        and isinstance(claims.get("exp"), int)
        and isinstance(claims.get("iat"), int)
        and claims["exp"] - claims["iat"] <= max_lifetime_seconds
        and claims["iat"] <= time.time() + CLOCK_SKEW_SECONDS
    )
    return claims if well_formed else None


def csrf_token_for(secret_key: str, session_id: str) -> str:
    """The CSRF token of a session: an HMAC of the session id, so it cannot be planted or reused."""
    mac = hmac.new(secret_key.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
