"""A database outage answers 503 database_unavailable at once, never a 500 or a hang."""

from __future__ import annotations

import socket
import time

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker

from conftest import Factory
from promptforge.core.db import create_engine


def _closed_port() -> int:
    with socket.socket() as s:  # bound then released: nothing listens there
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_refused_connection_is_a_fast_503(factory: Factory, app: FastAPI) -> None:
    owner = await factory.account()  # its cookie session is checked without the database
    # Then the database goes away: a PostgreSQL that refuses connections (on both test backends).
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/none")
    real = app.state.sessionmaker
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    try:
        started = time.monotonic()
        response = await owner.client.get(f"/api/v1/projects/{owner.project_id}/prompts")
        elapsed = time.monotonic() - started
    finally:
        app.state.sessionmaker = real
        await engine.dispose()
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"
    assert response.headers["retry-after"] == "1"
    assert elapsed < 2
