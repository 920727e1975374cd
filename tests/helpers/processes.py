"""Starting and stopping the real processes the tests talk to: `retrainer api`,
`retrainer worker` and `retrainer scheduler`, with the environment of the suite's backend."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers.backends import Backend

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_env(backend: Backend, **extra: str) -> dict[str, str]:
    """This machine's environment without any RETRAINER_* variable, then the backend's, then `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(backend.env)
    env.update(extra)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def pid(self) -> int:
        return self.process.pid


def start_api(backend: Backend, log_path: Path, **extra_env: str) -> Server:
    """`retrainer api` on a free port, once /healthz answers."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(CLI + ["api", "--port", str(port)], env=process_env(backend, **extra_env),
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url=url, process=process, log_path=log_path)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"API did not start:\n{log_path.read_text()}")


def start_worker(backend: Backend, log_path: Path, concurrency: int = 1, **extra_env: str) -> Worker:
    """`retrainer worker`, once its process is up (it takes tasks as soon as it is ready)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(CLI + ["worker", "--concurrency", str(concurrency)],
                                   env=process_env(backend, **extra_env), cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)
    time.sleep(0.5)
    if process.poll() is not None:
        raise RuntimeError(f"worker exited early:\n{log_path.read_text()}")
    return Worker(process=process, log_path=log_path)


def start_scheduler(backend: Backend, log_path: Path, **extra_env: str) -> Worker:
    """`retrainer scheduler`, once it says it started."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(CLI + ["scheduler"], env=process_env(backend, **extra_env), cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "scheduler started" not in log_path.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"scheduler did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    return Worker(process=process, log_path=log_path)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children_of(pid: int, alive_only: bool = False) -> list[int]:
    """The child processes of `pid`; with `alive_only`, not those that ended and wait to be
    reaped (zombies)."""
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid=,stat="], capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines() if line.strip()]
    return [int(row[0]) for row in rows if not (alive_only and row[1:] and row[1].startswith("Z"))]
