"""Objects in an S3 bucket (or MinIO, R2, Ceph via PF_S3_ENDPOINT_URL) through aioboto3.

Credentials and region come from boto's own chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION, profiles, instance roles). Uploads stream: parts of PART_BYTES go up one by one
(multipart), so memory holds at most one part whatever the object's size. Every write asks for
server-side encryption (PF_S3_SSE / PF_S3_KMS_KEY_ID): PutObject and CreateMultipartUpload carry it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import aioboto3
import aiohttp
import structlog
from aiobotocore.config import AioConfig
from botocore.exceptions import BotoCoreError, ClientError
from botocore.handlers import add_expect_header

from promptforge.core.storage.base import (
    READ_CHUNK_BYTES,
    ObjectNotFound,
    ObjectTooLarge,
    StorageUnavailable,
    attachment_header,
    check_key,
)

if TYPE_CHECKING:
    from types_aiobotocore_s3.client import S3Client

log = structlog.get_logger("promptforge.storage")

PART_BYTES = 8 * 1024 * 1024  # S3 wants ≥ 5 MiB for every part but the last
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4's ceiling
# SSE-S3 unless the settings say otherwise (Settings.s3_encryption): no object is stored unencrypted.
DEFAULT_ENCRYPTION: Mapping[str, str] = {"ServerSideEncryption": "AES256"}
NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}
# Failures that are S3's or the network's, never the caller's: they become 503 storage_unavailable.
S3_FAILURES = (BotoCoreError, ClientError, aiohttp.ClientError, asyncio.TimeoutError)


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


class S3Storage:
    """Objects under `prefix/` in `bucket`; one client per instance, opened on first use."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        encryption: Mapping[str, str] = DEFAULT_ENCRYPTION,
    ) -> None:
        self.bucket = bucket
        # ServerSideEncryption (+ SSEKMSKeyId) sent with every write; S3 applies it to the stored object.
        self.encryption: dict[str, Any] = dict(encryption)
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self._config = AioConfig(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # One retry: an outage must answer 503 within seconds, not after boto's backoff ladder.
            retries={"max_attempts": 2, "mode": "standard"},
            signature_version="s3v4",
            # S3-compatible servers often lack virtual-host buckets and the newer default checksums.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self._client: S3Client | None = None
        self._stack = AsyncExitStack()
        self._lock = asyncio.Lock()

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def _s3(self) -> S3Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    session = aioboto3.Session()
                    try:
                        self._client = await self._stack.enter_async_context(
                            session.client("s3", endpoint_url=self.endpoint_url, config=self._config)
                        )
                    except S3_FAILURES as exc:  # e.g. no region configured
                        raise self._unavailable(exc, "connect") from exc
                    # botocore sends bodies with "Expect: 100-continue", and aiohttp waits for the
                    # "100 Continue" with no timeout: a hung endpoint would hang every upload.
                    # Our bodies are at most one part, already in memory: send them at once.
                    self._client.meta.events.unregister("before-call.s3", add_expect_header)
        return self._client

    def _unavailable(self, exc: BaseException, operation: str) -> StorageUnavailable:
        log.warning(
            "storage_unavailable",
            operation=operation,
            bucket=self.bucket,
            error_type=type(exc).__name__,
            error_code=_error_code(exc),
        )
        return StorageUnavailable()

    async def put(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        content_type: str = "application/octet-stream",
        max_bytes: int | None = None,
    ) -> int:
        full_key = self._key(key)
        s3 = await self._s3()
        buffer = bytearray()
        total = 0
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            async for chunk in chunks:
                total += len(chunk)
                if max_bytes is not None and total > max_bytes:
                    raise ObjectTooLarge(max_bytes)
                buffer += chunk
                while len(buffer) >= PART_BYTES:
                    if upload_id is None:
                        created = await s3.create_multipart_upload(
                            Bucket=self.bucket, Key=full_key, ContentType=content_type, **self.encryption
                        )
                        upload_id = created["UploadId"]
                    await self._upload_part(s3, full_key, upload_id, parts, bytes(buffer[:PART_BYTES]))
                    del buffer[:PART_BYTES]
            if upload_id is None:  # smaller than one part: a single request
                await s3.put_object(
                    Bucket=self.bucket,
                    Key=full_key,
                    Body=bytes(buffer),
                    ContentType=content_type,
                    **self.encryption,
                )
                return total
            if buffer:
                await self._upload_part(s3, full_key, upload_id, parts, bytes(buffer))
            await s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=full_key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},  # type: ignore[typeddict-item]
            )
            upload_id = None
            return total
        except S3_FAILURES as exc:
            raise self._unavailable(exc, "put") from exc
        finally:
            # Any failure (too large, the source stream failing, cancellation): leave no parts behind.
            if upload_id is not None:
                await self._abort(s3, full_key, upload_id)

    async def _upload_part(
        self, s3: S3Client, key: str, upload_id: str, parts: list[dict[str, Any]], body: bytes
    ) -> None:
        number = len(parts) + 1
        answer = await s3.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    async def _abort(self, s3: S3Client, key: str, upload_id: str) -> None:
        try:
            # Shielded: a cancelled upload must still remove its parts (S3 bills for them).
            await asyncio.shield(s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id))
        except (*S3_FAILURES, asyncio.CancelledError) as exc:
            # A lifecycle rule (AbortIncompleteMultipartUpload) is the safety net; see docs.
            log.warning("storage_abort_failed", bucket=self.bucket, error_type=type(exc).__name__)

    async def get(self, key: str) -> AsyncIterator[bytes]:
        full_key = self._key(key)
        try:
            s3 = await self._s3()
            answer = await s3.get_object(Bucket=self.bucket, Key=full_key)
        except ClientError as exc:
            if _error_code(exc) in NOT_FOUND_CODES:
                raise ObjectNotFound() from None
            raise self._unavailable(exc, "get") from exc
        except S3_FAILURES as exc:
            raise self._unavailable(exc, "get") from exc
        body = answer["Body"]
        try:
            while True:
                try:
                    chunk = await body.read(READ_CHUNK_BYTES)
                except S3_FAILURES as exc:
                    raise self._unavailable(exc, "get") from exc
                if not chunk:
                    return
                yield chunk
        finally:
            body.close()  # an abandoned download must not keep its connection

    async def size(self, key: str) -> int:
        full_key = self._key(key)
        try:
            s3 = await self._s3()
            head = await s3.head_object(Bucket=self.bucket, Key=full_key)
        except ClientError as exc:
            if _error_code(exc) in NOT_FOUND_CODES:
                raise ObjectNotFound() from None
            raise self._unavailable(exc, "size") from exc
        except S3_FAILURES as exc:
            raise self._unavailable(exc, "size") from exc
        return int(head["ContentLength"])

    async def delete(self, key: str) -> None:
        full_key = self._key(key)
        try:
            s3 = await self._s3()
            await s3.delete_object(Bucket=self.bucket, Key=full_key)
        except S3_FAILURES as exc:
            raise self._unavailable(exc, "delete") from exc

    async def download_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        full_key = self._key(key)
        try:
            s3 = await self._s3()
            # Signing is local: no request, so no failure from the network here.
            return await s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": full_key,
                    "ResponseContentDisposition": attachment_header(filename),
                },
                ExpiresIn=max(1, min(expires_seconds, MAX_PRESIGN_SECONDS)),
            )
        except S3_FAILURES as exc:
            raise self._unavailable(exc, "download_url") from exc

    async def ping(self) -> bool:
        try:
            s3 = await self._s3()
            await s3.head_bucket(Bucket=self.bucket)
        except S3_FAILURES:
            return False
        return True

    async def close(self) -> None:
        with contextlib.suppress(*S3_FAILURES):
            await self._stack.aclose()
        self._client = None
