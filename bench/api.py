"""The bench's REST client: everything but the user goes through the public API."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.data import EXAMPLE

TERMINAL = ("succeeded", "failed", "canceled")


class Api:
    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=120)
        response = self.http.post("/oauth/token", data={"grant_type": "password", "username": username,
                                                          "password": password})
        response.raise_for_status()
        self.token = response.json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def close(self) -> None:
        self.http.close()

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                               f"{response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    def wait_worker(self, timeout: float = 120) -> None:
        """Until a worker has done a worker check (it consumes the queue)."""
        check = self._ok(self.http.post("/worker-checks"))
        deadline = time.monotonic() + timeout
        while check["status"] != "succeeded":
            if time.monotonic() > deadline:
                raise RuntimeError("no worker picked up the worker check")
            time.sleep(0.05)
            check = self._ok(self.http.get(f"/worker-checks/{check['id']}"))

    def upload(self, store_path: str, local: Path) -> str:
        with open(local, "rb") as body:
            self._ok(self.http.put(f"/datastores/default/files/{store_path}", content=body))
        return f"datastore://default/{store_path}"

    def publish_income_endpoint(self, name: str) -> str:
        """examples/income-prediction/pipeline.json as endpoint `name`, version 1."""
        spec = json.loads((EXAMPLE / "pipeline.json").read_text())
        pipeline = self._ok(self.http.post("/pipelines", json=spec))
        endpoint = self._ok(self.http.post("/endpoints", json={"name": name}))
        self._ok(self.http.post(f"/endpoints/{name}/versions", json={"pipeline_id": pipeline["id"]}))
        return endpoint["id"]

    def submit(self, endpoint: str, data_path: str, *, regenerate: bool,
               experiment: str = "bench") -> tuple[dict, str | None]:
        """POST /endpoints/{endpoint}/runs: (the run, its ETag)."""
        body = {"parameters": {"data_path": data_path}, "experiment": experiment, "regenerate": regenerate}
        response = self.http.post(f"/endpoints/{endpoint}/runs", json=body)
        return self._ok(response), response.headers.get("ETag")

    def wait(self, run: dict, etag: str | None = None) -> dict:
        """As a client waits: long-poll GET /runs/{id}?wait=30 with If-None-Match (the ETag of
        what it has) until the run has ended."""
        while run["status"] not in TERMINAL:
            headers = {"If-None-Match": etag} if etag else {}
            response = self.http.get(f"/runs/{run['id']}", params={"wait": 30}, headers=headers)
            if response.status_code == 304:
                continue
            run = self._ok(response)
            etag = response.headers.get("ETag")
        return run

    def submit_many(self, endpoint: str, data_path: str, count: int, *, regenerate: bool,
                    parallel: int = 8) -> list[tuple[dict, str | None]]:
        """`count` submissions at once, from `parallel` connections (a client each)."""
        local = threading.local()
        clients: list[httpx.Client] = []

        def submit(_index: int) -> tuple[dict, str | None]:
            if not hasattr(local, "http"):
                local.http = httpx.Client(base_url=self.url, timeout=120, headers=dict(self.http.headers))
                clients.append(local.http)
            body = {"parameters": {"data_path": data_path}, "experiment": "burst", "regenerate": regenerate}
            response = local.http.post(f"/endpoints/{endpoint}/runs", json=body)
            return self._ok(response), response.headers.get("ETag")

        try:
            with ThreadPoolExecutor(parallel) as pool:
                return list(pool.map(submit, range(count)))
        finally:
            for client in clients:
                client.close()

    def run_to_end(self, endpoint: str, data_path: str, *, regenerate: bool) -> dict:
        run = self.wait(*self.submit(endpoint, data_path, regenerate=regenerate))
        if run["status"] != "succeeded":
            raise RuntimeError(f"run {run['id']} {run['status']}: {run.get('error')}")
        return run
