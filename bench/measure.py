"""The measurements. Each pairs the service with its floor, alternating repetitions so
that both see the same machine (other work on a shared box drifts over minutes)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load
from bench.api import Api
from bench.bare import BareWorker
from bench.floors import ExpertProcess
from bench.memory import peak_rss_kb, reset_peak
from bench.stack import Stack


@dataclass
class Context:
    stack: Stack
    api: Api
    bare: BareWorker
    expert: ExpertProcess
    endpoint: str
    local: dict[str, Path]  # "tiny", "adult", "big": the files on this machine
    remote: dict[str, str]  # the same files in the service's datastore
    notes: list[str] = field(default_factory=list)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def warm_up(ctx: Context) -> None:
    """One of everything first, not counted: imports, caches and connections are warm."""
    ctx.expert.run(ctx.local["adult"])
    ctx.bare.round_trip("bench.tiny", str(ctx.local["tiny"]))
    ctx.bare.round_trip("bench.noop")
    for name in ("tiny", "adult"):
        ctx.api.run_to_end(ctx.endpoint, ctx.remote[name], regenerate=True)


def adult(ctx: Context, n: int) -> dict[str, list[float]]:
    """F1 (the plain script, all cores), F1_1thread (the same, one native thread, as a worker
    child has on this machine), M2 (the run, nothing reused), M5 (the same again)."""
    out: dict[str, list[float]] = {"F1": [], "F1_1thread": [], "M2": [], "M5": []}
    for i in range(n):
        expert = ctx.expert.run(ctx.local["adult"])
        out["F1"].append(expert["seconds"])
        out["F1_1thread"].append(ctx.expert.run(ctx.local["adult"], threads=1)["seconds"])
        seconds, run = timed(lambda: ctx.api.run_to_end(ctx.endpoint, ctx.remote["adult"], regenerate=True))
        out["M2"].append(seconds)
        seconds, again = timed(lambda: ctx.api.run_to_end(ctx.endpoint, ctx.remote["adult"], regenerate=False))
        out["M5"].append(seconds)
        computed = [s["name"] for s in again["steps"] if not s["reused_from"]]
        if computed:
            ctx.notes.append(f"M5 repetition {i + 1}: steps computed again: {', '.join(computed)}")
        if i == 0:
            ctx.notes.append(f"Adult ROC AUC: M2 {run['metrics']['roc_auc']:.4f}, "
                             f"F1 {expert['metrics']['roc_auc']:.4f}")
    return out


def tiny(ctx: Context, n: int) -> dict[str, list[float]]:
    """F2 (the tiny experiment as a bare Celery task), F2_noop (an empty task), M1 (the tiny run)."""
    out: dict[str, list[float]] = {"F2": [], "F2_noop": [], "M1": []}
    for _ in range(n):
        out["F2"].append(timed(lambda: ctx.bare.round_trip("bench.tiny", str(ctx.local["tiny"])))[0])
        out["F2_noop"].append(timed(lambda: ctx.bare.round_trip("bench.noop"))[0])
        out["M1"].append(timed(lambda: ctx.api.run_to_end(ctx.endpoint, ctx.remote["tiny"], regenerate=True))[0])
    return out


def burst(ctx: Context, n: int, runs: int) -> dict[str, list[float]]:
    """M3: `runs` tiny runs submitted at once until all succeeded; M3_bare: the same work
    as a bare Celery fan-out on the same worker concurrency."""
    out: dict[str, list[float]] = {"M3": [], "M3_bare": []}

    def service() -> None:
        submitted = ctx.api.submit_many(ctx.endpoint, ctx.remote["tiny"], runs, regenerate=True)
        failed = [run["id"] for run in (ctx.api.wait(*pair) for pair in submitted) if run["status"] != "succeeded"]
        if failed:
            raise RuntimeError(f"M3: {len(failed)} runs did not succeed, e.g. {failed[0]}")

    for _ in range(n):
        out["M3_bare"].append(timed(lambda: ctx.bare.fan_out("bench.tiny", [str(ctx.local["tiny"])], runs))[0])
        out["M3"].append(timed(service)[0])
    return out


def big(ctx: Context, n: int) -> dict[str, list[float]]:
    """M6: the run on the big resample, and the worker child's peak memory; M6_F1: the plain
    script on the same file, and its process's peak memory."""
    out: dict[str, list[float]] = {"M6": [], "M6_F1": [], "M6_peak_rss": [], "M6_F1_peak_rss": []}
    for i in range(n):
        expert = ctx.expert.run(ctx.local["big"])
        out["M6_F1"].append(expert["seconds"])
        out["M6_F1_peak_rss"].append(expert["peak_rss_kb"] / 1024)
        children = ctx.stack.worker_children()
        resets = [reset_peak(pid) for pid in children]  # every child, no short circuit
        seconds, run = timed(lambda: ctx.api.run_to_end(ctx.endpoint, ctx.remote["big"], regenerate=True))
        out["M6"].append(seconds)
        # The idle child's peak is its resting size: the busy one's is the maximum.
        out["M6_peak_rss"].append(max(peak_rss_kb(pid) for pid in children) / 1024)
        if i == 0:
            ctx.notes.append(f"M6 ROC AUC {run['metrics']['roc_auc']:.4f} (plain script "
                             f"{expert['metrics']['roc_auc']:.4f})")
        if not (all(resets) and expert["peak_reset"]):
            ctx.notes.append("peak memory could not be reset: it includes earlier work")
    return out


def http_load(api: Api, endpoint: str, data_path: str, run_id: str, n: int, seconds: float,
              connections: int = 32) -> dict[str, dict[str, list[float]]]:
    """M4: GET /healthz (the floor), GET /runs/{id} and POST /endpoints/{id}/runs under load."""
    auth = {"Authorization": api.http.headers["Authorization"]}
    body = json.dumps({"parameters": {"data_path": data_path}, "experiment": "load"})
    routes = {
        "healthz": {"url": f"{api.url}/healthz"},
        "get_run": {"url": f"{api.url}/runs/{run_id}", "headers": auth},
        "submit": {"url": f"{api.url}/endpoints/{endpoint}/runs", "method": "POST", "body": body,
                   "headers": {**auth, "Content-Type": "application/json"}},
    }
    for options in routes.values():  # warm: connections, caches, the first queries
        load.run(connections=connections, seconds=1, **options)
    fields = ("throughput", "p50", "p99", "failed", "socket_errors", "timeouts", "stalled", "unhealthy_after")
    out: dict[str, dict[str, list[float]]] = {route: {f: [] for f in fields} for route in routes}
    for _ in range(n):
        for route, options in routes.items():
            result = load.run(connections=connections, seconds=seconds, **options)
            out[route]["throughput"].append(result["throughput"])
            out[route]["p50"].append(result["p50_ms"])
            out[route]["p99"].append(result["p99_ms"])
            for key in ("failed", "socket_errors", "timeouts", "stalled"):
                out[route][key].append(result[key])
            # A load that got no answer is not a throughput of 0 req/s but a stuck server (it
            # was: GET /runs/{id} held two database connections and the pool ran dry): say so.
            out[route]["unhealthy_after"].append(load.healthy(routes["healthz"]["url"]) is None)
    return out
