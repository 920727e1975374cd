"""python -m bench [--quick]: Retrainer against its floors, measured in one run.

Starts the real stack (API, worker, Redis; PostgreSQL when RETRAINER_DATABASE_URL points
there), a bare Celery worker on the same Redis and a warm plain-script process, then
measures F1, F2 and M1..M6 (see docs/benchmarks.md) and writes bench/results/latest.json
and the generated part of docs/benchmarks.md. M4 also runs on the other backend: PostgreSQL
+ Redis at RETRAINER_BENCH_DATABASE_URL / RETRAINER_BENCH_BROKER_URL (defaults: the test
suite's postgresql://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379/0), or the
embedded default when the main stack is on PostgreSQL. Speed is reported, never asserted:
each target is met or not met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import load, measure, report
from bench.api import Api
from bench.bare import BareWorker
from bench.data import ROOT, write_adult, write_sample
from bench.floors import ExpertProcess
from bench.stack import USERNAME, Stack, pg_and_redis_answer, stack_kind, start_stack

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
ENDPOINT = "bench-income"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="under 5 minutes: M3 with 20 runs x 3, M6 once, M4 loads of 2 s")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each measurement (default 5)")
    parser.add_argument("--m3-runs", type=int, help="tiny runs in M3's burst (default 200; --quick 20)")
    parser.add_argument("--m3-repeat", type=int, help="repetitions of M3 (default --repeat; --quick 3)")
    parser.add_argument("--m6-rows", type=int, default=1_000_000, help="rows of M6's resample")
    parser.add_argument("--m6-repeat", type=int, help="repetitions of M6 (default --repeat; --quick 1)")
    parser.add_argument("--m4-seconds", type=int, help="seconds of each M4 load (default 5; --quick 2)")
    parser.add_argument("--connections", type=int, default=32, help="M4's connections (default 32)")
    parser.add_argument("--concurrency", type=int, help="worker children (default: the worker's, cores)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    args.m3_runs = args.m3_runs or (20 if args.quick else 200)
    args.m3_repeat = args.m3_repeat or (3 if args.quick else args.repeat)
    args.m6_repeat = args.m6_repeat or (1 if args.quick else args.repeat)
    args.m4_seconds = args.m4_seconds or (2 if args.quick else 5)
    return args


def backends() -> tuple[dict[str, str | None], dict[str, str | None] | None, str | None]:
    """(the main stack's database and broker, the other backend for M4 or None, why not)."""
    main = {"database_url": os.environ.get("RETRAINER_DATABASE_URL"),
            "broker_url": os.environ.get("RETRAINER_BROKER_URL")}
    if main["database_url"]:
        main["broker_url"] = main["broker_url"] or DEFAULT_REDIS
        return main, {"database_url": None, "broker_url": None}, None
    other = {"database_url": os.environ.get("RETRAINER_BENCH_DATABASE_URL", DEFAULT_PG),
             "broker_url": os.environ.get("RETRAINER_BENCH_BROKER_URL", DEFAULT_REDIS)}
    problem = pg_and_redis_answer(other["database_url"], other["broker_url"])
    return main, (None if problem else other), problem


def backend_versions(main: dict, other: dict | None) -> dict[str, str | None]:
    out: dict[str, str | None] = {"redis-server (bundled)": report.redis_server_version(),
                                  "wrk": load.wrk_version()}
    for config in (main, other or {}):
        try:
            if config.get("database_url"):
                import psycopg

                with psycopg.connect(config["database_url"].replace("postgresql+psycopg://", "postgresql://"),
                                     connect_timeout=3) as conn:
                    out["PostgreSQL"] = conn.execute("SHOW server_version").fetchone()[0]
            if config.get("broker_url"):
                import redis

                out["redis-server"] = redis.Redis.from_url(config["broker_url"]).info()["redis_version"]
        except Exception as exc:  # noqa: BLE001 - a missing version is reported as missing
            log(f"could not read a server version: {exc}")
    return out


def main_stack(args: argparse.Namespace, config: dict, files: dict[str, Path],
               raw: dict[str, list[float]], notes: list[str]) -> tuple[dict[str, Any], Stack]:
    """Every measurement on the main stack; its M4 last, with the worker stopped."""
    log(f"starting the stack ({stack_kind(**config)}), a bare Celery worker and the plain-script process")
    expert: ExpertProcess | None = ExpertProcess(os.cpu_count() or 1, ROOT)  # starts while the stack does
    bare: BareWorker | None = None
    try:
        stack = start_stack(**config, concurrency=args.concurrency)
    except BaseException:
        expert.stop()
        raise
    try:
        api = Api(stack.url, USERNAME, stack.password)
        bare = BareWorker(stack.broker_url, stack.concurrency, stack.data_dir / "bare.log", ROOT)
        api.wait_worker()
        bare.wait_ready()
        remote = {name: api.upload(f"bench/{name}.data", path) for name, path in files.items()}
        api.publish_income_endpoint(ENDPOINT)
        ctx = measure.Context(stack=stack, api=api, bare=bare, expert=expert, endpoint=ENDPOINT,
                              local=files, remote=remote, notes=notes)
        log("warming up")
        measure.warm_up(ctx)
        log(f"F1, M2, M5 x {args.repeat}")
        raw.update(measure.adult(ctx, args.repeat))
        log(f"F2, M1 x {args.repeat}")
        raw.update(measure.tiny(ctx, args.repeat))
        log(f"M3: {args.m3_runs} tiny runs and the bare fan-out x {args.m3_repeat}")
        raw.update(measure.burst(ctx, args.m3_repeat, args.m3_runs))
        log(f"M6: {args.m6_rows:,} rows x {args.m6_repeat}")
        raw.update(measure.big(ctx, args.m6_repeat))
        finished = api.run_to_end(ENDPOINT, remote["tiny"], regenerate=False)
        # M4 measures the API: runs submitted under load stay queued instead of taking the CPU.
        bare.stop()
        expert.stop()
        bare = expert = None
        stack.stop_process("worker")
        log(f"M4 on {stack.kind}")
        m4 = measure.http_load(api, ENDPOINT, remote["tiny"], finished["id"], args.repeat, args.m4_seconds,
                               args.connections)
        api.close()
        return m4, stack
    finally:
        for process in (bare, expert):
            if process is not None:
                process.stop()
        stack.stop()


def other_stack(args: argparse.Namespace, config: dict, files: dict[str, Path]) -> dict[str, Any]:
    """M4 alone, on the other backend (API only: submitted runs stay queued)."""
    stack = start_stack(**config, worker=False)
    try:
        log(f"M4 on {stack.kind}")
        api = Api(stack.url, USERNAME, stack.password)
        tiny = api.upload("bench/tiny.data", files["tiny"])
        api.publish_income_endpoint(ENDPOINT)
        queued, _ = api.submit(ENDPOINT, tiny, regenerate=False)
        m4 = measure.http_load(api, ENDPOINT, tiny, queued["id"], args.repeat, args.m4_seconds, args.connections)
        api.close()
        return m4
    finally:
        stack.stop()


def main() -> None:
    args = arguments()
    started, load_before = time.monotonic(), list(os.getloadavg())
    main_config, other_config, other_problem = backends()
    workdir = Path(tempfile.mkdtemp(prefix="retrainer-bench-files-"))
    raw: dict[str, list[float]] = {}
    notes: list[str] = []
    try:
        log(f"writing the data sets ({args.m6_rows:,}-row resample included)")
        files = {"tiny": write_sample(workdir / "tiny.data", 1000), "adult": write_adult(workdir / "adult.data"),
                 "big": write_sample(workdir / "big.data", args.m6_rows)}
        m4: dict[str, Any] = {}
        main_m4, stack = main_stack(args, main_config, files, raw, notes)
        m4[stack.kind] = main_m4
        concurrency = stack.concurrency
        other_kind = "embedded" if main_config["database_url"] else "postgresql"
        if other_config is None:
            m4[other_kind] = f"PostgreSQL or Redis does not answer ({other_problem})"
            log(f"M4 on {other_kind} skipped: {other_problem}")
        else:
            m4[other_kind] = other_stack(args, other_config, files)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    cores = os.cpu_count() or 1
    results = report.summarise(raw, m4)
    results["run"] = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "quick": args.quick,
        "seconds": time.monotonic() - started, "main_stack": stack_kind(**main_config),
        "worker_concurrency": concurrency, "api_processes": cores,  # retrainer api's default (RETRAINER_* is not passed on)
        "f1_threads": cores, "repeat": args.repeat, "m3_runs": args.m3_runs, "m3_repeat": args.m3_repeat,
        "m6_rows": args.m6_rows, "m6_repeat": args.m6_repeat, "m4_seconds": args.m4_seconds,
        "m4_connections": args.connections, "load_generator": load.generator(),
        "load_before": load_before, "load_after": list(os.getloadavg()),
    }
    results["machine"] = report.machine()
    results["versions"] = report.versions(backend_versions(main_config, other_config))
    results["notes"] += notes
    report.write_json(results, args.json)
    report.write_markdown(results, args.markdown)
    print(report.markdown(results))
    log(f"done in {results['run']['seconds']:.0f} s: {args.json}, {args.markdown}")


if __name__ == "__main__":
    main()
