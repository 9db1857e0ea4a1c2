"""Object storage, on both backends: the local folder and S3 (moto's server, over HTTP)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from promptforge.core.config import Settings
from promptforge.core.storage import (
    LocalStorage,
    ObjectNotFound,
    ObjectStorage,
    ObjectTooLarge,
    StorageUnavailable,
    attachment_header,
    create_storage,
    object_key,
    start_stream,
)
from promptforge.core.storage.s3 import PART_BYTES, S3Storage
from s3_server import S3Server, free_port

MIB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3Server
) -> AsyncIterator[ObjectStorage]:
    store: ObjectStorage = (
        LocalStorage(tmp_path / "storage") if request.param == "local" else s3_server.storage()
    )
    yield store
    await store.close()


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk


async def generated(total: int, chunk: int = MIB, seed: bytes = b"pf") -> AsyncIterator[bytes]:
    """`total` pseudo-random bytes (so parts differ), produced chunk by chunk."""
    block = hashlib.sha256(seed).digest() * (chunk // 32 + 1)
    sent = 0
    counter = 0
    while sent < total:
        size = min(chunk, total - sent)
        yield counter.to_bytes(4, "big") + block[: size - 4] if size >= 4 else block[:size]
        sent += size
        counter += 1


async def read_all(store: ObjectStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.get(key)])


async def digest(chunks: AsyncIterator[bytes]) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    async for chunk in chunks:
        h.update(chunk)
        n += len(chunk)
    return n, h.hexdigest()


def s3_uploads(server: S3Server, store: S3Storage) -> list[dict[str, object]]:
    """Multipart uploads still open under the store's prefix."""
    answer = server.admin().list_multipart_uploads(Bucket=server.bucket, Prefix=store.prefix + "/")
    return list(answer.get("Uploads", []))


async def test_a_multi_chunk_stream_comes_back_byte_identical(storage: ObjectStorage) -> None:
    key = object_key("datasets", "d1", "upload.csv")
    chunks = (b"name,expected\n", b"", b"a" * 100_000, "é,ü\n".encode(), b"\x00\xff" * 10)
    written = await storage.put(key, stream(*chunks), content_type="text/csv")
    assert written == sum(len(c) for c in chunks)
    assert await storage.size(key) == written
    assert await read_all(storage, key) == b"".join(chunks)
    # Replacing an object stores the new bytes.
    await storage.put(key, stream(b"second"))
    assert await read_all(storage, key) == b"second"


async def test_an_empty_stream_stores_an_empty_object(storage: ObjectStorage) -> None:
    key = object_key("empty")
    assert await storage.put(key, stream()) == 0
    assert await storage.size(key) == 0
    assert await read_all(storage, key) == b""


async def test_a_20_mib_stream_round_trips(storage: ObjectStorage, s3_server: S3Server) -> None:
    key = object_key("exports", "big.jsonl")
    total = 20 * MIB + 123
    assert await storage.put(key, generated(total, chunk=256 * 1024)) == total
    assert await storage.size(key) == total
    assert await digest(storage.get(key)) == await digest(generated(total, chunk=256 * 1024))
    if isinstance(storage, S3Storage):  # it went up in 8 MiB parts: 8 + 8 + 4 MiB
        head = s3_server.admin().head_object(Bucket=s3_server.bucket, Key=f"{storage.prefix}/{key}")
        assert head["ETag"].strip('"').endswith("-3"), head["ETag"]
        assert s3_uploads(s3_server, storage) == []


async def test_over_max_bytes_stores_nothing(storage: ObjectStorage, s3_server: S3Server) -> None:
    small, large = object_key("small"), object_key("large")
    with pytest.raises(ObjectTooLarge) as too_large:
        await storage.put(small, stream(b"a" * 60, b"b" * 60), max_bytes=100)
    assert too_large.value.status == 413 and too_large.value.code == "payload_too_large"
    # Past one part: a multipart upload had started and must be aborted.
    with pytest.raises(ObjectTooLarge):
        await storage.put(large, generated(PART_BYTES + 4 * MIB), max_bytes=PART_BYTES + 2 * MIB)
    for key in (small, large):
        with pytest.raises(ObjectNotFound):
            await storage.size(key)
    # Exactly max_bytes is allowed.
    assert await storage.put(small, stream(b"a" * 100), max_bytes=100) == 100
    # A too-large replacement leaves the stored object as it was.
    with pytest.raises(ObjectTooLarge):
        await storage.put(small, stream(b"c" * 101), max_bytes=100)
    assert await read_all(storage, small) == b"a" * 100
    await assert_nothing_half_written(storage, s3_server)


async def test_a_failing_source_stream_stores_nothing(storage: ObjectStorage, s3_server: S3Server) -> None:
    async def breaks_after_a_part() -> AsyncIterator[bytes]:
        async for chunk in generated(PART_BYTES + MIB):
            yield chunk
        raise ConnectionResetError("the client went away")

    key = object_key("broken")
    with pytest.raises(ConnectionResetError):
        await storage.put(key, breaks_after_a_part())
    with pytest.raises(ObjectNotFound):
        await storage.size(key)
    await assert_nothing_half_written(storage, s3_server)


async def assert_nothing_half_written(storage: ObjectStorage, s3_server: S3Server) -> None:
    if isinstance(storage, S3Storage):
        assert s3_uploads(s3_server, storage) == []
    else:
        assert isinstance(storage, LocalStorage)
        leftovers = [p for p in storage.root.rglob("*") if p.is_file() and p.suffix == ".part"]
        assert leftovers == []


async def test_a_missing_object_is_not_found(storage: ObjectStorage) -> None:
    key = object_key("never", "written")
    with pytest.raises(ObjectNotFound):
        await storage.size(key)
    with pytest.raises(ObjectNotFound) as missing:
        await read_all(storage, key)
    assert missing.value.status == 404 and missing.value.code == "not_found"
    with pytest.raises(ObjectNotFound):  # before any byte of an answer would be sent
        await start_stream(storage.get(key))


async def test_start_stream_replays_the_first_chunk(storage: ObjectStorage) -> None:
    key = object_key("replay")
    await storage.put(key, generated(200_000, chunk=50_000))
    chunks = await start_stream(storage.get(key))
    assert b"".join([c async for c in chunks]) == b"".join([c async for c in generated(200_000, 50_000)])


async def test_delete_is_idempotent(storage: ObjectStorage) -> None:
    key = object_key("to-delete")
    await storage.delete(key)
    await storage.put(key, stream(b"x"))
    await storage.delete(key)
    await storage.delete(key)
    with pytest.raises(ObjectNotFound):
        await storage.size(key)


async def test_download_url(storage: ObjectStorage) -> None:
    key = object_key("exports", "e1")
    await storage.put(key, stream(b"id,name\n1,a\n"), content_type="text/csv")
    url = await storage.download_url(key, filename='résumé "final".csv', expires_seconds=60)
    if isinstance(storage, LocalStorage):
        assert url is None  # the API serves local files itself, after checking access
        return
    assert url is not None and "X-Amz-Expires=60" in url
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200
    assert response.content == b"id,name\n1,a\n"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.csv" in disposition


def test_attachment_header_cannot_inject_headers() -> None:
    header = attachment_header('a"\r\nSet-Cookie: x=1;\\.csv')
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment; filename=\"a___Set-Cookie: x=1;_.csv\"; filename*=UTF-8''")
    assert attachment_header("") == "attachment; filename=\"download\"; filename*=UTF-8''"


def test_object_key_escapes_every_part() -> None:
    assert object_key("../../etc/passwd") == "..%2F..%2Fetc%2Fpasswd"
    assert object_key("a/b") == "a%2Fb"
    assert object_key("..") == "%2E%2E"
    assert object_key(".") == "%2E"
    assert object_key("/abs", "x y", "100%") == "%2Fabs/x%20y/100%25"
    assert object_key("datasets", "..", "a") == "datasets/%2E%2E/a"
    assert object_key("#incoming") == "%23incoming"
    for parts in [(), ("",), ("a", ""), ("a" * 300,)]:
        with pytest.raises(ValueError):
            object_key(*parts)
    # Distinct parts never collide once escaped.
    assert object_key("a/b") != object_key("a", "b")
    assert object_key("%2E%2E") != object_key("..")


async def test_hostile_keys_stay_inside(storage: ObjectStorage, s3_server: S3Server, tmp_path: Path) -> None:
    hostile = ["../../etc/passwd", "a/b", "..", ".", "/root", "..\\..\\x", "\x00"]
    for i, name in enumerate(hostile):
        key = object_key("uploads", name)
        await storage.put(key, stream(f"payload {i}".encode()))
        assert await read_all(storage, key) == f"payload {i}".encode()
    if isinstance(storage, LocalStorage):
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert len(files) == len(hostile)
        assert all(p.parent == storage.root / "uploads" for p in files)
    else:
        assert isinstance(storage, S3Storage)
        listed = s3_server.admin().list_objects_v2(Bucket=s3_server.bucket, Prefix=storage.prefix + "/")
        keys = [o["Key"] for o in listed["Contents"]]
        assert len(keys) == len(hostile)
        assert all(k.startswith(f"{storage.prefix}/uploads/") and k.count("/") == 2 for k in keys)
    # Keys that object_key cannot make are refused by the store itself (defence in depth).
    for raw in ["../x", "/etc/passwd", "a//b", "a/../../b", "", ".", "a/./b", "#incoming/x", "a\\b"]:
        with pytest.raises(ValueError):
            await storage.put(raw, stream(b"x"))
        with pytest.raises(ValueError):
            await storage.size(raw)


async def test_a_symlink_inside_the_folder_cannot_lead_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store = LocalStorage(tmp_path / "storage")
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        await store.put(object_key("link", "file"), stream(b"x"))
    assert list(outside.iterdir()) == []


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung S3)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize("kind", ["refused", "silent"])
async def test_an_unreachable_s3_is_unavailable_quickly(
    kind: str, silent_port: int, s3_server: S3Server
) -> None:
    port = free_port() if kind == "refused" else silent_port
    store = S3Storage(
        "bucket", "p", endpoint_url=f"http://127.0.0.1:{port}", connect_timeout=0.5, read_timeout=0.5
    )
    key = object_key("k")
    calls = {
        "put": lambda: store.put(key, stream(b"x")),
        "size": lambda: store.size(key),
        "get": lambda: read_all(store, key),
        "delete": lambda: store.delete(key),
    }
    try:
        for name, call in calls.items():
            # Bounded by the timeouts and one retry: a hang would end in TimeoutError, not here.
            with pytest.raises(StorageUnavailable) as unavailable:
                await asyncio.wait_for(call(), timeout=10)
            assert unavailable.value.status == 503, name
            assert unavailable.value.code == "storage_unavailable", name
        assert not await asyncio.wait_for(store.ping(), timeout=10)
    finally:
        await store.close()


async def test_a_missing_bucket_is_unavailable_not_a_crash(s3_server: S3Server) -> None:
    store = S3Storage("no-such-bucket-pf", "p", endpoint_url=s3_server.endpoint_url)
    try:
        with pytest.raises(StorageUnavailable):
            await store.put(object_key("k"), stream(b"x"))
        assert not await store.ping()
    finally:
        await store.close()


async def test_missing_credentials_are_unavailable_not_a_crash(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = s3_server.storage()
    try:
        with pytest.raises(StorageUnavailable):
            await store.put(object_key("k"), stream(b"x"))
        with pytest.raises(StorageUnavailable):
            await store.download_url(object_key("k"), filename="k.csv", expires_seconds=60)
        assert not await store.ping()
    finally:
        await store.close()


async def test_create_storage_follows_pf_storage_url(
    settings: Settings, s3_server: S3Server, tmp_path: Path
) -> None:
    local = create_storage(settings.model_copy(update={"storage_url": "", "data_dir": tmp_path}))
    assert isinstance(local, LocalStorage) and local.root == (tmp_path / "storage").resolve()
    folder = create_storage(settings.model_copy(update={"storage_url": f"file://{tmp_path}/files"}))
    assert isinstance(folder, LocalStorage) and folder.root == tmp_path / "files"

    s3 = create_storage(s3_server.settings(settings, prefix="nested/prefix/"))
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == (s3_server.bucket, "nested/prefix")
    try:
        assert await s3.ping()
        await s3.put(object_key("k"), stream(b"via settings"))
        head = s3_server.admin().head_object(Bucket=s3_server.bucket, Key="nested/prefix/k")
        assert head["ContentLength"] == len(b"via settings")
    finally:
        await s3.close()

    with pytest.raises(ValueError, match="storage_url"):
        Settings(storage_url="ftp://example.com/x")


async def test_the_app_opens_its_storage(app: FastAPI) -> None:
    store = app.state.storage
    assert isinstance(store, LocalStorage)
    assert store.root == (app.state.settings.data_dir / "storage").resolve()
    assert await store.ping()
    assert os.access(store.root, os.W_OK)
