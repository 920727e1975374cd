"""A store that may not be used: each operation raises AccessDenied with the reason.

Stands in for a datastore whose registration no longer holds (app.datastores.access),
so that the workspace's other datastores stay usable and every use of this one says why.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import BinaryIO, NoReturn

from app.storage.base import AccessDenied, HashingWriter, ObjectInfo, ObjectStore, Pinned


class RefusedStore(ObjectStore):
    kind = "refused"
    remote = False

    def __init__(self, display: str, reason: str) -> None:
        self.display = display
        self.reason = reason

    def _refuse(self) -> NoReturn:
        raise AccessDenied(self.reason)

    def stat(self, key: str) -> ObjectInfo | None:
        self._refuse()

    def open_stream(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        self._refuse()

    def open_random(self, key: str, info: ObjectInfo | None = None) -> BinaryIO:
        self._refuse()

    def writer(self, key: str, media_type: str | None = None) -> AbstractContextManager[HashingWriter]:
        self._refuse()

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int | None = None) -> tuple[int, str]:
        self._refuse()

    def list(self, prefix: str | None, after: str | None, limit: int) -> list[ObjectInfo]:
        self._refuse()

    def delete(self, key: str) -> None:
        self._refuse()

    def pin(self, uri: str, key: str) -> Pinned:
        self._refuse()

    def check(self) -> str:
        return self.reason

    def is_writable_key(self, key: str) -> str | None:
        return self.reason
