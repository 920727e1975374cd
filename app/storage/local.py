"""Folders on this machine's disk: the embedded default.

Every key is resolved with symlinks followed and must stay inside the root. Writes
go to a temporary file beside the target (mode 0600) that is renamed over it only
when whole. A pinned file is a hard link (a copy across file systems): an upload
that replaces the file later leaves the pinned bytes as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.core.files import atomic_target, sha256_file
from app.storage import keys
from app.storage.base import HashingWriter, ObjectInfo, ObjectMissing, ObjectStore, Pinned, StorageError, TooLarge


class OutsideRoot(StorageError):
    """A key that resolves (through a symlink) outside the store's root."""


class LocalPinned(Pinned):
    def __init__(self, uri: str, snapshot: Path) -> None:
        self.uri, self.snapshot = uri, snapshot
        self.sha256 = sha256_file(snapshot)
        self.size = snapshot.stat().st_size

    def open_stream(self) -> BinaryIO:
        return open(self.snapshot, "rb")

    def open_random(self) -> BinaryIO:
        return open(self.snapshot, "rb")

    def close(self) -> None:
        self.snapshot.unlink(missing_ok=True)


class LocalStore(ObjectStore):
    kind = "local"
    remote = False

    def __init__(self, root: Path, pins: Path | None = None, display: str = "local storage",
                 show_keys: bool = True) -> None:
        self.root = root
        self.pins = pins or root.parent / ".pins"
        self.display, self.show_keys = display, show_keys

    # Keys -> paths ---------------------------------------------------------------------

    def _real_root(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(os.path.realpath(self.root))

    def path_of(self, key: str) -> Path:
        """root/key with symlinks resolved; OutsideRoot if that leaves the root."""
        real_root = self._real_root()
        target = Path(os.path.realpath(real_root / keys.checked(key)))
        if target != real_root and real_root not in target.parents:
            raise OutsideRoot(f"{self.what(key)} resolves outside its root")
        return target

    def _existing(self, key: str) -> Path:
        path = self.path_of(key)
        if not path.is_file():
            raise ObjectMissing(f"there is no {self.what(key)}")
        return path

    # Reads ---------------------------------------------------------------------------------

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            path = self.path_of(key)
            st = path.stat()
        except OSError:
            return None
        if not path.is_file():
            return None
        return ObjectInfo(key=key, size=st.st_size, modified_at=datetime.fromtimestamp(st.st_mtime, UTC),
                          etag=f"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}")

    def open_stream(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        return open(self._existing(key), "rb")

    def open_random(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        return open(self._existing(key), "rb")

    def local_path(self, key: str) -> Path | None:
        path = self.path_of(key)
        return path if path.is_file() else None

    def list(self, prefix: str | None, after: str | None, limit: int) -> list[ObjectInfo]:
        folder, start = keys.listing_prefix(prefix)
        real_root = self._real_root()
        base = self.path_of(folder) if folder else real_root
        if not base.is_dir():
            return []
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for filename in filenames:
                if filename.startswith("."):
                    continue  # partial writes (".name.part")
                full = Path(dirpath) / filename
                relative = full.relative_to(real_root).as_posix()
                if not relative.startswith(start) or (after and relative <= after):
                    continue
                if full.is_symlink():
                    try:
                        self.path_of(relative)
                    except (OutsideRoot, keys.InvalidKey):
                        continue  # a symlink pointing outside is not listed
                found.append(relative)
        found.sort()
        out = []
        for relative in found:
            info = self.stat(relative)
            if info is not None:  # removed meanwhile, or a dangling link
                out.append(info)
            if len(out) >= limit:
                break
        return out

    def pin(self, uri: str, key: str) -> Pinned:
        source = self._existing(key)
        self.pins.mkdir(parents=True, exist_ok=True, mode=0o700)
        snapshot = self.pins / f"{uuid.uuid4().hex}-{source.name[-100:]}"
        try:
            os.link(source, snapshot)
        except OSError:  # another file system: copy
            shutil.copyfile(source, snapshot)
        return LocalPinned(uri, snapshot)

    def check(self) -> str:
        try:
            self._real_root()
        except OSError as exc:
            return f"cannot create the storage folder: {exc.strerror or type(exc).__name__}"
        return "ok"

    # Writes ---------------------------------------------------------------------------------

    def is_writable_key(self, key: str) -> str | None:
        target = self.path_of(key)
        if target.is_dir():
            return "it is a folder"
        real_root = self._real_root()
        for parent in target.relative_to(real_root).parents:
            if (real_root / parent).is_file():
                return f"{parent.as_posix()!r} is a file"
        return None

    @contextmanager
    def writer(self, key: str, media_type: str | None = None) -> Iterator[HashingWriter]:
        with atomic_target(self.path_of(key)) as tmp, open(tmp, "wb") as handle:
            writer = HashingWriter(handle)
            yield writer

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int | None = None) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        with atomic_target(self.path_of(key)) as tmp, open(tmp, "wb") as handle:
            async for chunk in chunks:
                if chunk:
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(f"the upload is larger than {max_bytes} bytes")
                    digest.update(chunk)
                    handle.write(chunk)
        return size, digest.hexdigest()

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)
