"""M4's load generator: N connections on loopback for a few seconds, one route.

wrk (C, event loop) when it is installed: on a 2-core machine a Python generator
takes a core from the server it measures. Otherwise `python -m bench.load`, an
asyncio + httpx generator in its own process, and the report says which one ran.
Both give the same summary: requests (answers received), failed (answers outside 2xx and
3xx), socket_errors (connect, read, write: a count of connection events, not of requests),
timeouts, seconds, p50 and p99 in ms. Throughput counts the answers that did not fail; a
load that received no answer at all is `stalled` (the server answered nothing for the
whole load; `healthy` then tells a stuck server from a slow one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MARK = "BENCH-LOAD "

_WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  -- errors.status counts the answers outside 2xx and 3xx; connect, read and write count socket
  -- events (a server that closes 32 connections adds 32 whatever it answered), not requests:
  -- they and the timeouts are reported apart instead of being subtracted from the requests.
  local e = summary.errors
  io.write(string.format('{mark}{{"requests": %d, "failed": %d, "socket_errors": %d, "timeouts": %d, '
    .. '"seconds": %f, "p50_ms": %f, "p99_ms": %f}}\\n',
    summary.requests, e.status, e.connect + e.read + e.write, e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _lua(text: str | None) -> str:
    return "nil" if text is None else json.dumps(text)


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def wrk_version() -> str | None:
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).splitlines()[0].strip()


def run(url: str, *, method: str = "GET", body: str | None = None, headers: dict[str, str] | None = None,
        connections: int = 32, seconds: float = 5.0) -> dict[str, Any]:
    """One load of `seconds` on `url`: {"requests", "ok", "seconds", "throughput", "p50_ms", "p99_ms"}."""
    headers = headers or {}
    if generator() == "wrk":
        script = _WRK_SCRIPT.format(
            method=_lua(method), body=_lua(body), mark=MARK,
            headers="\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        try:
            command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                       "-s", handle.name, url]
            output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                                    check=False).stdout
        finally:
            Path(handle.name).unlink()
    else:
        command = [sys.executable, "-m", "bench.load", url, "--method", method, "--connections",
                   str(connections), "--seconds", str(seconds), "--headers", json.dumps(headers)]
        # The body goes through a file: a 1,000-row batch is larger than an argument may be.
        with tempfile.NamedTemporaryFile("w", suffix=".body", delete=False) as handle:
            handle.write(body or "")
        if body is not None:
            command += ["--body-file", handle.name]
        try:
            output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                                    check=False).stdout
        finally:
            Path(handle.name).unlink()
    lines = [line for line in output.splitlines() if line.startswith(MARK)]
    if not lines:
        raise RuntimeError(f"the load generator printed no summary:\n{output[-2000:]}")
    result = json.loads(lines[-1][len(MARK):])
    result.setdefault("socket_errors", 0)
    result.setdefault("timeouts", 0)
    result["ok"] = max(0, result["requests"] - result["failed"])
    result["throughput"] = result["ok"] / result["seconds"]
    result["stalled"] = result["requests"] == 0
    return result


def healthy(url: str, timeout: float = 5.0) -> float | None:
    """Seconds that GET `url` took to answer 200 on a new connection, or None if it did not
    within `timeout`: after a load, whether the server still serves (a server whose thread pool
    is stuck waits on its database pool and answers nothing, not even a hello world)."""
    import httpx

    started = time.perf_counter()
    try:
        if httpx.get(url, timeout=timeout).status_code == 200:
            return time.perf_counter() - started
    except httpx.HTTPError:
        pass
    return None


# ------------------------------------------------ the Python generator (no wrk)


async def _load(url: str, method: str, body: str | None, headers: dict[str, str], connections: int,
                seconds: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    failed = errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(limits=limits, timeout=10, headers=headers) as client:
        async def connection() -> None:
            nonlocal failed
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.request(method, url, content=body)
                except Exception:  # noqa: BLE001 - a failed request is counted, not fatal
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                failed += not 200 <= response.status_code < 400

        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {"requests": len(latencies), "failed": failed, "socket_errors": errors, "timeouts": 0,
            "seconds": elapsed, "p50_ms": percentile(50), "p99_ms": percentile(99)}


def main() -> None:
    parser = argparse.ArgumentParser(description="A small HTTP load generator (used when wrk is missing)")
    parser.add_argument("url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body")
    parser.add_argument("--body-file", type=Path, help="read the body from this file (for large bodies)")
    parser.add_argument("--headers", default="{}")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    body = args.body_file.read_text() if args.body_file else args.body
    result = asyncio.run(_load(args.url, args.method, body, json.loads(args.headers), args.connections,
                               args.seconds))
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
