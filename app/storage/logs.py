"""A running step's log, written through the storage layer.

In a folder the log is a file appended to as the step logs, which the API reads
live. An object cannot be appended to: the log goes to a private temporary file
(unnamed, gone when closed) and the whole of it is written to the object every
RETRAINER_LOG_FLUSH_SECONDS while it changes, and once more when the step ends, so
that the API on another machine shows it while the step runs.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from typing import IO

from app.storage.base import ObjectStore, StorageError
from app.storage.local import LocalStore

log = logging.getLogger("retrainer.storage")
MEDIA_TYPE = "text/plain; charset=utf-8"


class StoredLogHandler(logging.Handler):
    """Writes records to a step's log in `store` under `key`."""

    def __init__(self, store: ObjectStore, key: str, flush_seconds: float) -> None:
        super().__init__()
        self.store, self.key = store, key
        self._file: IO[str]
        self._flusher: threading.Thread | None = None
        self._stop = threading.Event()
        self._dirty = False
        if isinstance(store, LocalStore):
            path = store.path_of(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "a", encoding="utf-8")
            self._local = True
        else:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
            self._local = False
            self._flusher = threading.Thread(target=self._flush_every, args=(flush_seconds,), daemon=True,
                                             name=f"log-{key.rpartition('/')[0][-40:]}")
            self._flusher.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record) + "\n"
            with self.lock:  # type: ignore[union-attr]
                self._file.write(text)
                self._file.flush()
                self._dirty = True
        except Exception:  # noqa: BLE001 - logging must never fail the step
            self.handleError(record)

    def _flush_every(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            self.upload()

    def upload(self) -> None:
        """The whole log to its object, if it changed since the last upload."""
        if self._local:
            return
        with self.lock:  # type: ignore[union-attr]
            if not self._dirty:
                return
            self._file.seek(0)
            data = self._file.read().encode("utf-8")
            self._file.seek(0, 2)
            self._dirty = False
        try:
            self.store.put_bytes(self.key, data, MEDIA_TYPE)
        except StorageError as exc:
            log.warning("a step log could not be written: %s", exc)
            with self.lock:  # type: ignore[union-attr]
                self._dirty = True

    def close(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join()
        self.upload()
        self._file.close()
        super().close()


def write_log(store: ObjectStore, key: str, text: str) -> None:
    """A whole log at once (a reused step's single line)."""
    store.put_bytes(key, text.encode("utf-8"), MEDIA_TYPE)
