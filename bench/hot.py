"""python -m bench.hot [--pg URL] [--seconds N] [--repeat N]: the API's hot paths alone.

M4 (GET /healthz, GET /runs/{id}, POST /endpoints/{id}/runs) and M7 (one-row
`POST /deployments/{name}/predict`), each under 32 connections, against
`/healthz` of the same server, on one stack (the embedded default, or PostgreSQL
+ Redis with --pg). The worker trains the one model M7 needs, then is stopped so
that the runs submitted under load stay queued. A quicker loop than `python -m bench`
for work on the request path; reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from bench import load
from bench.api import Api
from bench.data import write_sample
from bench.memory import children
from bench.predict import ROW
from bench.stack import USERNAME, start_stack


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (the API's: on a machine shared with
    other work, its CPU per request says more than its throughput)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", help="PostgreSQL server URL (with Redis at --redis); default: embedded")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-predict", action="store_true")
    args = parser.parse_args()
    stack = start_stack(database_url=args.pg, broker_url=args.redis if args.pg else None,
                        worker=not args.no_predict)
    try:
        api = Api(stack.url, USERNAME, stack.password)
        folder = Path(tempfile.mkdtemp(prefix="retrainer-bench-hot-"))
        data = api.upload("bench/sample.csv", write_sample(folder / "sample.csv", 1000))
        api.publish_income_endpoint("bench-income")
        auth = {"Authorization": f"Bearer {api.token}"}
        routes = {"healthz": {"url": f"{stack.url}/healthz"}}
        if not args.no_predict:
            api.wait_worker()
            model = api.run_to_end("bench-income", data, regenerate=True)["model"]
            api._ok(api.http.post("/deployments", json={"name": "bench", "model": model["name"],
                                                         "version": model["version"]}))
            stack.stop_process("worker")
            routes["predict"] = {"url": f"{stack.url}/deployments/bench/predict", "method": "POST",
                                 "body": json.dumps({"rows": [ROW]}),
                                 "headers": {**auth, "Content-Type": "application/json"}}
        run, _ = api.submit("bench-income", data, regenerate=True)
        routes["get_run"] = {"url": f"{stack.url}/runs/{run['id']}", "headers": auth}
        routes["submit"] = {"url": f"{stack.url}/endpoints/bench-income/runs", "method": "POST",
                            "body": json.dumps({"parameters": {"data_path": data}, "experiment": "load"}),
                            "headers": {**auth, "Content-Type": "application/json"}}
        for options in routes.values():
            load.run(connections=args.connections, seconds=1, **options)
        results: dict[str, list[dict]] = {name: [] for name in routes}
        api_pids = [stack.processes["api"].pid, *children(stack.processes["api"].pid)]
        for _ in range(args.repeat):
            for name, options in routes.items():
                before = cpu_seconds(api_pids)
                result = load.run(connections=args.connections, seconds=args.seconds, **options)
                result["cpu_ms"] = (cpu_seconds(api_pids) - before) * 1000 / max(result["requests"], 1)
                results[name].append(result)
        floor = statistics.median(r["throughput"] for r in results["healthz"])
        print(f"stack {stack.kind}, generator {load.generator()}, load average {os.getloadavg()}")
        for name, rs in results.items():
            tput = statistics.median(r["throughput"] for r in rs)
            print(f"{name:8s} {tput:8.0f} req/s ({tput / floor:5.3f} of /healthz)  "
                  f"p50 {statistics.median(r['p50_ms'] for r in rs):7.1f} ms  "
                  f"p99 {statistics.median(r['p99_ms'] for r in rs):7.1f} ms  "
                  f"API CPU {statistics.median(r['cpu_ms'] for r in rs):5.2f} ms/request  "
                  f"failed {sum(r['failed'] for r in rs)}  stalled {sum(r['stalled'] for r in rs)}")
        if any(r["failed"] for rs in results.values() for r in rs):
            print("API log (tail):\n" + stack.log("api"))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
