"""Auth routes: register, login, refresh, logout, me, password, deactivate. Tokens travel only in cookies."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from promptforge.auth import accounts, schemas, service
from promptforge.auth.dependencies import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    KVDep,
    PrincipalDep,
    SettingsDep,
)
from promptforge.core.config import Settings
from promptforge.core.context import client_ip_var
from promptforge.core.db import SessionDep
from promptforge.core.errors import Unauthorized, error_responses, problem_response
from promptforge.core.security import csrf_token_for
from promptforge.workspaces.permissions import require_user
from promptforge.workspaces.service import list_my_memberships

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
REFRESH_PATH = "/api/v1/auth"


def _set_session_cookies(
    request: Request, response: Response, settings: Settings, tokens: service.SessionTokens
) -> None:
    # Secure outside development and test, and whenever the request came over HTTPS (served with
    # TLS, or through a trusted proxy's X-Forwarded-Proto: core/client_address.py).
    secure = settings.env not in ("development", "test") or request.url.scheme == "https"
    access_age = settings.access_token_minutes * 60
    refresh_age = settings.refresh_token_days * 86400
    response.set_cookie(
        ACCESS_COOKIE,
        tokens.access_token,
        max_age=access_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=refresh_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path=REFRESH_PATH,
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token_for(settings.secret_key, tokens.session_id),
        max_age=refresh_age,
        httponly=False,
        samesite="lax",
        secure=secure,
        path="/",
    )


def _clear_session_cookies(response: Response) -> None:
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.post(
    "/register",
    operation_id="auth-register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(403, 409, 422, 429),
)
async def register(
    data: schemas.UserCreate, session: SessionDep, kv: KVDep, settings: SettingsDep
) -> schemas.User:
    """Create an account with a personal workspace and a `default` project (rate limited per IP)."""
    user = await service.register(session, kv, settings, data, client_ip_var.get())
    return schemas.User.model_validate(user)


@router.post("/login", operation_id="auth-login", responses=error_responses(401, 422, 429))
async def login(
    data: schemas.LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
) -> schemas.User:
    """Sign in: sets the `pf_access`, `pf_refresh` and `pf_csrf` cookies (no token in the body)."""
    user, tokens = await service.login(session, kv, settings, data.email, data.password, client_ip_var.get())
    _set_session_cookies(request, response, settings, tokens)
    return schemas.User.model_validate(user)


@router.post(
    "/refresh", operation_id="auth-refresh", response_model=schemas.User, responses=error_responses(401)
)
async def refresh(
    request: Request, response: Response, session: SessionDep, kv: KVDep, settings: SettingsDep
) -> Response | schemas.User:
    """Rotate the refresh token and issue a new access token; a refused refresh clears the cookies."""
    try:
        user, tokens = await service.refresh(session, kv, settings, request.cookies.get(REFRESH_COOKIE))
    except Unauthorized as exc:
        refused = problem_response(exc.status, exc.detail, exc.code, headers=exc.headers)
        _clear_session_cookies(refused)  # they are dead: do not leave them to be sent again
        return refused
    _set_session_cookies(request, response, settings, tokens)
    return schemas.User.model_validate(user)


@router.post(
    "/logout",
    operation_id="auth-logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403),
)
async def logout(
    principal: PrincipalDep, response: Response, session: SessionDep, kv: KVDep, settings: SettingsDep
) -> None:
    """Sign out: revokes this session's access and refresh tokens server-side."""
    require_user(principal)  # an API key has no session to end
    await service.logout(session, kv, settings, principal)
    _clear_session_cookies(response)


@router.get("/me", operation_id="auth-me", responses=error_responses(401, 403))
async def me(principal: PrincipalDep, session: SessionDep) -> schemas.Me:
    """The signed-in user and their workspace memberships."""
    user, memberships = await list_my_memberships(session, principal)
    return schemas.Me(user=schemas.User.model_validate(user), memberships=memberships)


@router.post(
    "/me/password",
    operation_id="auth-change-password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 422, 429),
)
async def change_password(
    data: schemas.PasswordChange,
    principal: PrincipalDep,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
) -> None:
    """Change the password; every other session of the account ends at once, this one stays signed in."""
    await accounts.change_password(session, kv, settings, principal, data.current_password, data.new_password)


@router.post(
    "/me/deactivate",
    operation_id="auth-deactivate",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 409, 422, 429),
)
async def deactivate(
    data: schemas.DeactivateRequest,
    principal: PrincipalDep,
    response: Response,
    session: SessionDep,
    kv: KVDep,
    settings: SettingsDep,
) -> None:
    """Deactivate your own account: every session ends; sign-in is refused until reactivated."""
    await accounts.deactivate_self(session, kv, settings, principal, data.password)
    _clear_session_cookies(response)
