"""What every storage backend offers, and the errors it raises.

Guarantees on both backends:
- a write is atomic: readers see the old object or the whole new one, never part of
  it (a renamed temporary file; a multipart upload completed only when every byte
  was written, and aborted otherwise);
- writes and reads stream: no whole file is held in memory;
- a write reports the sha256 and size of what it wrote, computed as the bytes pass;
- a pinned read (`Pinned`) reads the very bytes that were hashed: a hard-link
  snapshot on a disk, reads conditional on the object's ETag in a bucket.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    key: str                     # relative to the store's root
    size: int
    modified_at: datetime | None = None
    etag: str | None = None      # S3: reads conditional on it fail once the object is replaced


class StorageError(Exception):
    """Storage failed; the message is safe to show (no server path, no credential)."""


class ObjectMissing(StorageError):
    """No object under that key."""


class BucketMissing(StorageError):
    """The bucket does not exist: buckets are created by the operator."""


class AccessDenied(StorageError):
    """The store refused the credentials."""


class ObjectChanged(StorageError):
    """The object was replaced while it was being read."""


class TooLarge(StorageError):
    """A stream went over the size it was allowed."""


class OnEventLoop(Exception):
    """A remote store's call was about to run on the event loop: do it in the thread pool."""


def refuse_on_event_loop(store: ObjectStore) -> None:
    """Raises OnEventLoop before a remote store's blocking call on an event loop's thread
    (sync code run there, e.g. through SQLAlchemy's `run_sync`)."""
    if not store.remote:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return  # a worker thread, or a process with no event loop: blocking is fine
    raise OnEventLoop(store.display)


class HashingWriter(io.RawIOBase):
    """A binary writer that counts and hashes what passes to `target`. It keeps its own
    position, so libraries that ask `tell()` (pyarrow) work on non-seekable targets."""

    def __init__(self, target: BinaryIO | io.RawIOBase) -> None:
        super().__init__()
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        self.digest.update(view)
        self.size += len(view)
        self.target.write(bytes(view) if not isinstance(data, bytes) else data)
        return len(view)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.target.flush()

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class Pinned(ABC):
    """A data file as it was when it was pinned: its sha256 and size are those of the
    bytes that `open_stream` and `open_random` give, whatever happens to the key later."""

    uri: str
    sha256: str
    size: int

    @abstractmethod
    def open_stream(self) -> BinaryIO:
        """A sequential reader (CSV)."""

    @abstractmethod
    def open_random(self) -> BinaryIO:
        """A seekable reader; in a bucket, ranged reads (Parquet's footer and columns)."""

    def close(self) -> None:  # noqa: B027 - most pins hold nothing to release
        """Releases what pinning held (a local snapshot)."""


class ObjectStore(ABC):
    """A root (a folder, or a bucket and prefix) holding objects under checked keys."""

    kind: str
    # How the store is named in messages: "s3://bucket/prefix", or a neutral phrase ("the
    # artifact store", "datastore 'default'"): a client never sees a server path.
    display: str
    # Whether messages name the key: not for stores whose keys hold internal ids.
    show_keys: bool = True
    # Whether its calls go over the network (a bucket): such a call never runs on the
    # API's event loop (`refuse_on_event_loop`), where a slow bucket would stall every
    # request of the process, whatever their workspace.
    remote: bool = True

    def what(self, key: str | None) -> str:
        """The object (or the store) as a message names it."""
        return f"{key!r} in {self.display}" if key and self.show_keys else self.display

    @abstractmethod
    def stat(self, key: str) -> ObjectInfo | None:
        """The object's size and version, or None when there is none."""

    @abstractmethod
    def open_stream(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        """A sequential reader; with `info`, pinned to that version (ObjectChanged if replaced)."""

    @abstractmethod
    def open_random(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        """A seekable reader; with `info`, pinned to that version."""

    def iter_bytes(self, key: str, info: ObjectInfo | None = None, chunk: int = CHUNK) -> Iterator[bytes]:
        """The object's bytes in chunks (downloads)."""
        with self.open_stream(key, info) as handle:
            while data := handle.read(chunk):
                yield data

    @abstractmethod
    def writer(self, key: str, media_type: str | None = None) -> AbstractContextManager[HashingWriter]:
        """An atomic writer: the object appears, whole, only if the block succeeds."""

    @abstractmethod
    async def write_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int | None = None) -> tuple[int, str]:
        """Writes an upload's body as it arrives, atomically: (size, sha256). TooLarge past `max_bytes`."""

    def put_bytes(self, key: str, data: bytes, media_type: str | None = None) -> None:
        """A small object written whole and atomically (a step log, written again as it grows)."""
        with self.writer(key, media_type) as handle:
            handle.write(data)

    @abstractmethod
    def list(self, prefix: str | None, after: str | None, limit: int) -> list[ObjectInfo]:
        """Up to `limit` objects whose key starts with `prefix` and sorts after `after`, in key order."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Removes the object if it exists."""

    @abstractmethod
    def pin(self, uri: str, key: str) -> Pinned:
        """Pins the object's current bytes and hashes them (ObjectMissing when there is none)."""

    @abstractmethod
    def check(self) -> str:
        """"ok", or what is wrong (a missing bucket, refused credentials), for /readyz."""

    def local_path(self, key: str) -> Path | None:
        """The object's file on this machine's disk, when the store is a folder (served with
        sendfile), else None."""
        return None

    def is_writable_key(self, key: str) -> str | None:
        """Why an object cannot be written under `key` (a folder there), or None."""
        return None

    def sha256_of(self, key: str, info: ObjectInfo | None = None) -> str:
        """The sha256 of the object's bytes, streamed (pinned to `info` when given)."""
        digest = hashlib.sha256()
        for data in self.iter_bytes(key, info):
            digest.update(data)
        return digest.hexdigest()
