"""A webhook receiver for the tests: a real threaded HTTP server on 127.0.0.1 that
records every request and answers as each path is told to (status, headers, a block
until released, endless headers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    block: threading.Event | None = None  # hold the answer until set
    endless_headers: bool = False  # trickle header bytes forever


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[Answer]] = {}  # path -> answers in turn (the last repeats)
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.cond:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body))
                    answers = receiver.answers.get(self.path) or [Answer()]
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                    receiver.cond.notify_all()
                if answer.block is not None:
                    answer.block.wait(60)
                if answer.endless_headers:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Padding: ")
                    try:
                        for _ in range(100_000):
                            self.wfile.write(b"a" * 1024)
                            time.sleep(0.001)
                    except OSError:
                        return
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, predicate: Any, timeout: float = 120) -> list[Received]:
        """The requests received, once `predicate(requests)` holds."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.received):
                left = deadline - time.monotonic()
                assert left > 0, f"the receiver got {[(r.path, r.body[:80]) for r in self.received]}"
                self.cond.wait(left)
            return list(self.received)

    def on(self, path: str) -> list[Received]:
        with self.cond:
            return [r for r in self.received if r.path == path]


def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
