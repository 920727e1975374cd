"""Every error the suite's requests produce, checked for what must never reach a client:
a server file-system path, a workspace id, a traceback.

The suite's conftest records each response an httpx client receives (a plain wrapper of
httpx.Client.send: the request still goes to the real server) and checks, when the
session ends, every error body and every run error it saw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

WORKSPACE_ID = re.compile(r"\bws_[0-9a-z]{26}\b")
LEAKS = (re.compile(r"Traceback \(most recent call last\)"), re.compile(r'File "[^"]+", line \d+'), WORKSPACE_ID)


@dataclass
class ErrorAudit:
    server_paths: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    checked: int = 0

    def _messages(self, response: httpx.Response) -> Iterator[str]:
        if response.status_code >= 400:
            yield response.text
            return
        if response.request.method != "GET" or "/runs" not in response.request.url.path:
            return
        try:
            body: Any = response.json()
        except (ValueError, UnicodeDecodeError):
            return
        runs = body.get("items", []) if isinstance(body, dict) and "items" in body else [body]
        for run in runs:
            if isinstance(run, dict) and isinstance(run.get("error"), dict):
                yield json.dumps(run["error"])
            for step in run.get("steps", []) if isinstance(run, dict) else []:
                if isinstance(step, dict) and step.get("error"):
                    yield str(step["error"])

    def record(self, response: httpx.Response) -> None:
        try:
            response.read()
        except httpx.HTTPError:
            return
        for message in self._messages(response):
            self.checked += 1
            leaks = [p.pattern for p in LEAKS if p.search(message)]
            leaks += [path for path in self.server_paths if path and path in message]
            if leaks:
                where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
                self.found.append(f"{where}: {leaks}: {message[:300]}")
