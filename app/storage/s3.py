"""S3-compatible object storage through obstore (the Rust `object_store` crate).

- Reads stream: a sequential reader pulls the body chunk by chunk; a seekable one
  sends ranged GETs (Parquet reads its footer, then only the column chunks it needs).
- A read given an `ObjectInfo` is conditional on its ETag (If-Match), so the bytes
  read are those of the version that was looked at or hashed; a replaced object
  fails the read with ObjectChanged instead of mixing two versions.
- Writes are atomic: a small body is one PUT; a larger one is a multipart upload
  completed only once every part is written, and aborted on any error.
- Errors become StorageError subclasses whose messages name the bucket, never
  credentials or the client's debug output.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

import obstore
from obstore import exceptions as obx
from obstore.store import S3Store as _ObstoreS3

from app.storage import credentials as aws
from app.storage import keys
from app.storage.base import (
    CHUNK,
    AccessDenied,
    BucketMissing,
    HashingWriter,
    ObjectChanged,
    ObjectInfo,
    ObjectMissing,
    ObjectStore,
    Pinned,
    StorageError,
    TooLarge,
)
from app.storage.locations import S3Location

if TYPE_CHECKING:
    from obstore import GetOptions, ObjectMeta
    from obstore.store import ClientConfig, RetryConfig

log = logging.getLogger("retrainer.storage")

PART_SIZE = 8 * 1024 * 1024   # multipart part size; also what a small write buffers
UPLOAD_CONCURRENCY = 4        # parts in flight: bounds memory to about 4 x PART_SIZE
RANGE_BUFFER = 1024 * 1024    # a seekable reader's buffer: one ranged GET fills it


def _client(location: S3Location) -> _ObstoreS3:
    config: dict[str, Any] = {}
    creds = location.credentials or aws.from_environment()
    if creds is not None:
        config.update(access_key_id=creds.access_key_id, secret_access_key=creds.secret_access_key)
        if creds.session_token:
            config["session_token"] = creds.session_token
    config["region"] = location.region or aws.region() or "us-east-1"
    client_options: ClientConfig = {"connect_timeout": "5 seconds", "timeout": "300 seconds"}
    if location.endpoint_url:
        config["endpoint"] = location.endpoint_url
        # MinIO, SeaweedFS and Ceph address buckets by path, not by host name.
        config["virtual_hosted_style_request"] = False
        if location.endpoint_url.startswith("http://"):
            client_options["allow_http"] = True
    retry: RetryConfig = {"max_retries": 3, "retry_timeout": timedelta(seconds=60),
                          "backoff": {"init_backoff": timedelta(milliseconds=100), "max_backoff": timedelta(seconds=5),
                                      "base": 2}}
    return _ObstoreS3(location.bucket, prefix=location.prefix or None, client_options=client_options,
                      retry_config=retry, **config)


class S3Store(ObjectStore):
    kind = "s3"

    def __init__(self, location: S3Location, display: str | None = None, show_keys: bool = True) -> None:
        self.location = location
        self.display = display or location.url
        self.show_keys = show_keys
        self._store = _client(location)

    # Errors ---------------------------------------------------------------------------------

    def _raise(self, exc: BaseException, key: str | None) -> NoReturn:
        """The obstore error as a StorageError whose message is safe to show."""
        text = str(exc)
        what = self.what(key)
        if "NoSuchBucket" in text:
            raise BucketMissing(self._missing_bucket()) from None
        if isinstance(exc, obx.PreconditionError):
            raise ObjectChanged(f"{what} was replaced while it was being read; run again") from None
        if isinstance(exc, FileNotFoundError | obx.NotFoundError):
            if self._bucket_exists() is False:
                raise BucketMissing(self._missing_bucket()) from None
            raise ObjectMissing(f"there is no {what}") from None
        denied = ("AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "403 Forbidden")
        if isinstance(exc, obx.PermissionDeniedError | obx.UnauthenticatedError) or any(d in text for d in denied):
            raise AccessDenied(f"the object store refused the credentials of {self.display} (access "
                               "denied); check them") from None
        log.warning("object store error on %s: %s", what, type(exc).__name__)
        raise StorageError(f"the object store ({self.display}) could not be reached or failed "
                           f"({type(exc).__name__}); try again later") from None

    def _missing_bucket(self) -> str:
        return (f"the bucket {self.location.bucket!r} does not exist at "
                f"{self.location.endpoint_url or 'AWS S3'}; buckets are created by the operator")

    def _bucket_exists(self) -> bool | None:
        try:
            next(iter(obstore.list(self._store, chunk_size=1)), None)
        except Exception as exc:  # noqa: BLE001 - only asked to tell a missing bucket from a missing key
            return False if "NoSuchBucket" in str(exc) else None
        return True

    @contextmanager
    def _errors(self, key: str | None) -> Iterator[None]:
        try:
            yield
        except StorageError:
            raise
        except (obx.BaseError, OSError) as exc:
            self._raise(exc, key)

    # Reads ---------------------------------------------------------------------------------

    def stat(self, key: str) -> ObjectInfo | None:
        keys.checked(key)
        try:
            meta = obstore.head(self._store, key)
        except (FileNotFoundError, obx.NotFoundError):
            if self._bucket_exists() is False:
                raise BucketMissing(self._missing_bucket()) from None
            return None
        except (obx.BaseError, OSError) as exc:
            self._raise(exc, key)
        return _info(meta)

    def open_stream(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        keys.checked(key)
        options: GetOptions = {"if_match": info.etag} if info is not None and info.etag else {}
        with self._errors(key):
            result = obstore.get(self._store, key, options=options)
            chunks = iter(result.stream(min_chunk_size=CHUNK))
        return io.BufferedReader(_StreamReader(self, key, chunks), buffer_size=CHUNK)

    def open_random(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        keys.checked(key)
        if info is None:
            info = self.stat(key)
            if info is None:
                raise ObjectMissing(f"there is no {self.what(key)}")
        raw = _RangeReader(self, key, info)
        return io.BufferedReader(raw, buffer_size=RANGE_BUFFER)

    def list(self, prefix: str | None, after: str | None, limit: int) -> list[ObjectInfo]:
        folder, start = keys.listing_prefix(prefix)
        out: list[ObjectInfo] = []
        with self._errors(folder or None):
            stream = obstore.list(self._store, prefix=folder or None, offset=after or None, chunk_size=1000)
            for batch in stream:
                for meta in batch:
                    key = meta["path"]
                    if not key.startswith(start) or (after and key <= after) or keys.problem(key):
                        continue
                    out.append(_info(meta))
                if len(out) >= limit:
                    break
        out.sort(key=lambda o: o.key)
        return out[:limit]

    def pin(self, uri: str, key: str) -> Pinned:
        for _ in range(3):  # an object replaced while it is hashed is looked at again
            info = self.stat(key)
            if info is None:
                raise ObjectMissing(f"there is no {self.what(key)}")
            try:
                return S3Pinned(self, uri, key, info, self.sha256_of(key, info))
            except ObjectChanged:
                continue
        raise ObjectChanged(f"{uri} kept changing while it was read; run again once it is stable")

    def check(self) -> str:
        try:
            next(iter(obstore.list(self._store, chunk_size=1)), None)
        except Exception as exc:  # noqa: BLE001 - a readiness probe reports, it does not raise
            try:
                self._raise(exc, None)
            except StorageError as mapped:
                return str(mapped)
        return "ok"

    # Writes ---------------------------------------------------------------------------------

    @contextmanager
    def writer(self, key: str, media_type: str | None = None) -> Iterator[HashingWriter]:
        keys.checked(key)
        attributes: dict[str, str] = {"Content-Type": media_type} if media_type else {}
        with self._errors(key):
            # obstore's writer buffers PART_SIZE bytes, then uploads parts; leaving the
            # block with an exception aborts the upload, so no partial object appears.
            with obstore.open_writer(self._store, key, attributes=attributes or None, buffer_size=PART_SIZE,
                                     max_concurrency=UPLOAD_CONCURRENCY) as handle:
                yield HashingWriter(handle)  # type: ignore[arg-type]

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int | None = None) -> tuple[int, str]:
        keys.checked(key)
        digest = hashlib.sha256()
        size = 0
        head = bytearray()
        iterator = aiter(chunks)

        async def counted(source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
            nonlocal size
            async for chunk in source:
                if not chunk:
                    continue
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(f"the upload is larger than {max_bytes} bytes")
                digest.update(chunk)
                yield chunk

        body = counted(iterator)
        # A body that fits in one part is one PUT; a larger one streams as a multipart
        # upload that obstore completes only at the end (and aborts if `body` raises).
        async for chunk in body:
            head += chunk
            if len(head) >= PART_SIZE:
                break
        with self._errors(key):
            if len(head) < PART_SIZE:
                await obstore.put_async(self._store, key, bytes(head), use_multipart=False)
            else:
                async def rest() -> AsyncIterator[bytes]:
                    yield bytes(head)
                    async for chunk in body:
                        yield chunk

                await obstore.put_async(self._store, key, rest(), chunk_size=PART_SIZE,
                                        max_concurrency=UPLOAD_CONCURRENCY)
        return size, digest.hexdigest()

    def put_bytes(self, key: str, data: bytes, media_type: str | None = None) -> None:
        keys.checked(key)
        with self._errors(key):
            obstore.put(self._store, key, data, use_multipart=False,
                        attributes={"Content-Type": media_type} if media_type else None)

    def delete(self, key: str) -> None:
        keys.checked(key)
        with self._errors(key):
            try:
                obstore.delete(self._store, key)
            except (FileNotFoundError, obx.NotFoundError):
                pass


def _info(meta: ObjectMeta) -> ObjectInfo:
    return ObjectInfo(key=meta["path"], size=meta["size"], modified_at=meta["last_modified"], etag=meta["e_tag"])


class S3Pinned(Pinned):
    def __init__(self, store: S3Store, uri: str, key: str, info: ObjectInfo, sha256: str) -> None:
        self.store, self.uri, self.key, self.info = store, uri, key, info
        self.sha256, self.size = sha256, info.size

    def open_stream(self) -> BinaryIO:
        return self.store.open_stream(self.key, self.info)

    def open_random(self) -> BinaryIO:
        return self.store.open_random(self.key, self.info)


class _StreamReader(io.RawIOBase):
    """The body of one GET, as a raw reader."""

    def __init__(self, store: S3Store, key: str, chunks: Iterator[Any]) -> None:
        super().__init__()
        self.store, self.key, self.chunks = store, key, chunks
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                chunk = next(self.chunks)
            except StopIteration:
                return 0
            except (obx.BaseError, OSError) as exc:
                self.store._raise(exc, self.key)
            self.pending = memoryview(bytes(chunk))
        count = min(len(buffer), len(self.pending))
        buffer[:count] = self.pending[:count]
        self.pending = self.pending[count:]
        return count


class _RangeReader(io.RawIOBase):
    """Random access by ranged GETs, each conditional on the object's ETag."""

    def __init__(self, store: S3Store, key: str, info: ObjectInfo) -> None:
        super().__init__()
        self.store, self.key, self.info = store, key, info
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.info.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        end = min(self.position + len(buffer), self.info.size)
        if end <= self.position:
            return 0
        options: GetOptions = {"range": (self.position, end)}
        if self.info.etag:
            options["if_match"] = self.info.etag
        try:
            data = obstore.get(self.store._store, self.key, options=options).bytes()
        except (obx.BaseError, OSError) as exc:
            self.store._raise(exc, self.key)
        count = len(data)
        buffer[:count] = memoryview(data)
        self.position += count
        return count
