"""Objects written to S3 carry server-side encryption (PF_S3_SSE, PF_S3_KMS_KEY_ID), small or multipart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from promptforge.core.config import Settings
from promptforge.core.storage import create_storage
from promptforge.core.storage.s3 import PART_BYTES, S3Storage
from s3_server import S3Server

SIZES = {"small": 1000, "multipart": PART_BYTES + 1000}


async def _chunks(size: int) -> AsyncIterator[bytes]:
    block = bytes(range(256)) * 4096  # 1 MiB
    while size > 0:
        yield block[: min(size, len(block))]
        size -= len(block)


async def _write(store: S3Storage, key: str, size: int) -> None:
    try:
        assert await store.put(key, _chunks(size)) == size
    finally:
        await store.close()


def _head(s3_server: S3Server, store: S3Storage, key: str) -> dict[str, object]:
    head: dict[str, object] = s3_server.admin().head_object(
        Bucket=s3_server.bucket, Key=f"{store.prefix}/{key}"
    )
    return head


@pytest.mark.parametrize("kind", SIZES)
async def test_objects_are_aes256_encrypted_by_default(
    kind: str, settings: Settings, s3_server: S3Server
) -> None:
    store = create_storage(s3_server.settings(settings))
    assert isinstance(store, S3Storage)
    await _write(store, f"{kind}.bin", SIZES[kind])
    head = _head(s3_server, store, f"{kind}.bin")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentLength"] == SIZES[kind]


@pytest.mark.parametrize("kind", SIZES)
async def test_a_kms_key_id_selects_aws_kms_with_that_key(
    kind: str, settings: Settings, s3_server: S3Server
) -> None:
    key_id = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    configured = s3_server.settings(settings).model_copy(update={"s3_kms_key_id": key_id})
    store = create_storage(configured)
    assert isinstance(store, S3Storage)
    await _write(store, f"{kind}.bin", SIZES[kind])
    head = _head(s3_server, store, f"{kind}.bin")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == key_id


async def test_sse_none_sends_no_encryption_header(settings: Settings, s3_server: S3Server) -> None:
    configured = s3_server.settings(settings).model_copy(update={"s3_sse": "none"})
    store = create_storage(configured)
    assert isinstance(store, S3Storage)
    await _write(store, "plain.bin", 10)
    assert "ServerSideEncryption" not in _head(s3_server, store, "plain.bin")


def test_the_sse_setting_is_checked() -> None:
    with pytest.raises(ValueError, match="s3_sse"):
        Settings(s3_sse="DES")  # type: ignore[arg-type]
