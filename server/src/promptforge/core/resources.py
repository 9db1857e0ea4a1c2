"""What the api and a worker process both need, opened and closed in one place.

`open_resources` is the lifespan of either role: main.py's app lifespan and `promptforge worker`
call it, and job functions reach the same objects through `ctx.resources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from promptforge.core.config import ConfigurationError, Settings
from promptforge.core.db import create_engine
from promptforge.core.encryption import SecretBox, check_encryption_key
from promptforge.core.kv import KeyValueStore, create_store
from promptforge.core.queue import JobQueue, JobSpec, LocalQueue, queue_name
from promptforge.core.queue_saq import SaqQueue
from promptforge.core.storage import ObjectStorage, create_storage
from promptforge.core.tracing import setup_tracing
from promptforge.prompts.rendering.renderer import Renderer
from promptforge.prompts.rendering.templates import RenderLimits
from promptforge.providers.adapters import ProviderClients


@dataclass
class Resources:
    """Connections and clients shared by request handlers and jobs in one process."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    kv: KeyValueStore
    secret_box: SecretBox
    provider_clients: ProviderClients
    queue: JobQueue
    storage: ObjectStorage
    renderer: Renderer  # templates rendered off the event loop (requests and evaluation jobs alike)

    async def close(self) -> None:
        """Close in the reverse order of opening; the queue first, so no job outlives its database."""
        try:
            await self.queue.close()
        finally:
            self.renderer.close()
            await self.storage.close()
            await self.provider_clients.close()
            await self.kv.close()
            await self.engine.dispose()


def create_queue(settings: Settings, kv_prefix: str, jobs: Sequence[JobSpec]) -> JobQueue:
    """SaqQueue on PF_REDIS_URL (queue named after the kv prefix), or the in-process LocalQueue."""
    grace = settings.worker_shutdown_grace_seconds
    if not settings.redis_url:
        return LocalQueue(jobs, shutdown_grace_seconds=grace)
    return SaqQueue(settings.redis_url, queue_name(kv_prefix), jobs, shutdown_grace_seconds=grace)


async def open_resources(settings: Settings, kv_prefix: str, jobs: Sequence[JobSpec]) -> Resources:
    """Open the database, the kv store, the provider clients, the job queue (no worker yet) and storage."""
    engine = create_engine(
        settings.effective_database_url,
        connect_timeout=settings.database_connect_timeout_seconds,
        pool_timeout=settings.database_pool_timeout_seconds,
    )
    setup_tracing(settings, engine=engine)  # SQL spans, when tracing is on
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    secret_box = SecretBox.from_settings(settings)
    try:  # a key that cannot read the stored secrets must stop the start, loudly
        await check_encryption_key(sessionmaker, secret_box)
    except ConfigurationError:
        await engine.dispose()
        raise
    return Resources(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        kv=create_store(settings.redis_url, kv_prefix),
        secret_box=secret_box,
        provider_clients=ProviderClients(),
        queue=create_queue(settings, kv_prefix, jobs),
        storage=create_storage(settings),
        renderer=Renderer(RenderLimits.from_settings(settings), max_workers=settings.render_workers),
    )
