"""The authentication dependency every non-public route uses, with the CSRF and Origin checks."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import State

from promptforge.api_keys.service import authenticate_api_key
from promptforge.auth.principal import Principal
from promptforge.auth.service import authenticate_access_token
from promptforge.core.config import Settings
from promptforge.core.errors import Forbidden, Unauthorized
from promptforge.core.kv import KeyValueStore
from promptforge.core.security import constant_time_equals, csrf_token_for

ACCESS_COOKIE = "pf_access"
REFRESH_COOKIE = "pf_refresh"
CSRF_COOKIE = "pf_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def app_settings(request: Request) -> Settings:
    """The settings the application was created with (a request dependency)."""
    settings: Settings = request.app.state.settings
    return settings


def get_kv(request: Request) -> KeyValueStore:
    kv: KeyValueStore = request.app.state.kv
    return kv


SettingsDep = Annotated[Settings, Depends(app_settings)]
KVDep = Annotated[KeyValueStore, Depends(get_kv)]


def origin_allowed(origin: str, own_origin: str, settings: Settings) -> bool:
    """Whether a browser's `Origin` is the app's own (scheme://host[:port]) or one of PF_CORS_ORIGINS."""
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in {own_origin, *settings.cors_origins}


def check_csrf(request: Request, settings: Settings, session_id: str) -> None:
    """Signed double submit: header == cookie == HMAC(session), and a same-origin Origin if sent."""
    origin = request.headers.get("origin")
    if origin and not origin_allowed(origin, f"{request.url.scheme}://{request.url.netloc}", settings):
        raise Forbidden("Cross-origin request refused.", code="bad_origin")
    header = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    expected = csrf_token_for(settings.secret_key, session_id)
    if not header or not constant_time_equals(header, cookie) or not constant_time_equals(header, expected):
        raise Forbidden("Missing or invalid X-CSRF-Token header.", code="csrf_failed")


async def authenticate_credentials(
    state: State, authorization: str | None, access_token: str | None
) -> Principal:
    """The principal of `Authorization: Bearer pf_...` or else of an access token; 401 otherwise.

    Shared by every route and the WebSocket, which also re-runs it to notice revoked credentials.
    """
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        principal = None
        if scheme.lower() == "bearer":
            principal = await authenticate_api_key(state.kv, state.sessionmaker, secret.strip())
        if principal is None:
            raise Unauthorized("Invalid, expired or revoked API key.", code="invalid_api_key")
        return principal
    if not access_token:
        raise Unauthorized("Sign in or send an API key.", code="not_authenticated")
    principal = await authenticate_access_token(state.kv, state.sessionmaker, state.settings, access_token)
    if principal is None:
        raise Unauthorized("Session expired; sign in again.", code="invalid_session")
    return principal


async def get_principal(request: Request) -> Principal:
    """Authenticate by `Authorization: Bearer pf_...` or by the `pf_access` cookie (+ CSRF)."""
    state = request.app.state
    authorization = request.headers.get("authorization")
    principal = await authenticate_credentials(state, authorization, request.cookies.get(ACCESS_COOKIE))
    if not authorization and request.method not in SAFE_METHODS:
        assert principal.session_id is not None
        check_csrf(request, state.settings, principal.session_id)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
