"""Object storage for uploads and exports: one small interface, a local folder or S3 behind it.

`PF_STORAGE_URL` chooses: empty or `file:///path` -> `LocalStorage` (the embedded default, a folder
under PF_DATA_DIR), `s3://bucket/prefix` -> `S3Storage` (aioboto3; PF_S3_ENDPOINT_URL for MinIO, R2,
Ceph). Objects stream both ways; nothing holds a whole object in memory. Keys are built with
`object_key`, which escapes every part, so no user text can climb out of the prefix or the folder.
"""

from __future__ import annotations

from pathlib import Path

from promptforge.core.config import ConfigurationError, Settings
from promptforge.core.storage.base import (
    ObjectNotFound,
    ObjectStorage,
    ObjectTooLarge,
    StorageUnavailable,
    attachment_header,
    object_key,
    start_stream,
)
from promptforge.core.storage.local import LocalStorage

__all__ = [
    "LocalStorage",
    "ObjectNotFound",
    "ObjectStorage",
    "ObjectTooLarge",
    "StorageUnavailable",
    "attachment_header",
    "create_storage",
    "object_key",
    "start_stream",
]


def create_storage(settings: Settings) -> ObjectStorage:
    """The store PF_STORAGE_URL names: a local folder (`file://`, the default) or S3 (`s3://`)."""
    url = settings.effective_storage_url
    if url.startswith("file://"):
        path = url.removeprefix("file://")
        if not path:
            raise ConfigurationError("PF_STORAGE_URL: file:// needs a folder, e.g. file:///var/lib/pf")
        return LocalStorage(Path(path))
    if url.startswith("s3://"):
        from promptforge.core.storage.s3 import S3Storage  # aioboto3 loads only when S3 is used

        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise ConfigurationError("PF_STORAGE_URL: s3:// needs a bucket, e.g. s3://my-bucket/prefix")
        return S3Storage(
            bucket,
            prefix.strip("/"),
            endpoint_url=settings.s3_endpoint_url or None,
            connect_timeout=settings.s3_connect_timeout_seconds,
            read_timeout=settings.s3_read_timeout_seconds,
            encryption=settings.s3_encryption,
        )
    raise ConfigurationError("PF_STORAGE_URL must be empty, file:///path or s3://bucket/prefix")
