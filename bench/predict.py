"""python -m bench.predict [--seconds N]: predictions against a bare FastAPI floor.

Starts the real stack on the embedded default (API, worker, bundled Redis), trains the
income model (Adult), deploys it, downloads the very model file, and starts the floor: a
bare FastAPI app (same uvicorn, as many processes as the API) whose one route loads that
joblib file and answers predict_proba on JSON rows, with none of the service's checks
(one native thread per process, as the service).
Then, with wrk (or the Python generator) on loopback:
  P1: single-row requests, 1 connection: p50 and p99 latency (target p99 <= 15 ms);
  P2: 1,000-row requests, one connection per core: rows per second (target >= 50,000);
each against the floor (target: within 1.3 x);
  M7: single-row requests on 32 connections against /healthz on 32 connections of the same
      API (target: >= 40 % of its requests per second, p99 <= 25 ms);
  P3: P1 again with the deployment's predictions logged (monitor.log_predictions, every row):
      the log is written off the request path (target: p99 within 1.1 x P1's).
Writes bench/results/predict.json.
Reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import load
from bench.api import Api
from bench.data import ROOT, write_adult
from bench.stack import USERNAME, free_port, start_stack

ROW = {"age": 52, "workclass": "Self-emp-inc", "fnlwgt": 287927, "education": "HS-grad", "education-num": 9,
       "marital-status": "Married-civ-spouse", "occupation": "Exec-managerial", "relationship": "Wife",
       "race": "White", "sex": "Female", "capital-gain": 15024, "capital-loss": 0, "hours-per-week": 40,
       "native-country": "United-States"}

FLOOR_APP = textwrap.dedent('''
    import os

    import joblib
    import pandas as pd
    from fastapi import FastAPI, Request

    model = joblib.load(os.environ["BENCH_MODEL"])
    app = FastAPI()


    @app.post("/predict")
    async def predict(request: Request) -> dict:
        rows = (await request.json())["rows"]
        probabilities = model.predict_proba(pd.DataFrame.from_records(rows))
        classes = list(model.classes_)
        return {"predictions": [classes[i] for i in probabilities.argmax(axis=1)],
                "classes": classes, "probabilities": probabilities.tolist()}
''')


def log(message: str) -> None:
    print(f"[bench.predict {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def start_floor(model_path: Path, workers: int, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    (folder / "floor_app.py").write_text(FLOOR_APP)
    port = free_port()
    # One native thread per process, as the service's API processes: several processes
    # with a thread pool of all cores each would fight over the cores.
    env = {**os.environ, "BENCH_MODEL": str(model_path), "PYTHONPATH": str(folder), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "floor_app:app", "--port", str(port),
                                "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
                               env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.post(url + "/predict", json={"rows": [ROW]}, timeout=2).raise_for_status()
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the floor app did not start")


def measure(url: str, headers: dict[str, str], rows: list[dict[str, Any]], connections: int,
            seconds: float, repeat: int) -> list[dict[str, Any]]:
    body = json.dumps({"rows": rows})
    headers = {**headers, "Content-Type": "application/json"}
    for _ in range(2):  # warm: every API process has imported scikit-learn and loaded the model
        load.run(url, method="POST", body=body, headers=headers, connections=8, seconds=3)
    return [load.run(url, method="POST", body=body, headers=headers, connections=connections, seconds=seconds)
            for _ in range(repeat)]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.predict", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="seconds of each load (default 5)")
    parser.add_argument("--repeat", type=int, default=5, help="loads per figure (default 5)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "predict.json")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    started = time.monotonic()
    stack = start_stack(worker=True)
    floor = None
    try:
        api = Api(stack.url, USERNAME, stack.password)
        api.wait_worker()
        folder = Path(tempfile.mkdtemp(prefix="retrainer-bench-predict-"))
        data = api.upload("bench/adult.data", write_adult(folder / "adult.data"))
        api.publish_income_endpoint("bench-income")
        run = api.run_to_end("bench-income", data, regenerate=False)
        model = run["model"]
        log(f"trained {model['name']} version {model['version']}")
        api._ok(api.http.post("/deployments", json={"name": "bench", "model": model["name"],
                                                     "version": model["version"]}))
        model_path = folder / "model.joblib"
        model_path.write_bytes(api.http.get(f"/models/{model['name']}/versions/{model['version']}/download").content)
        workers = int(stack.env.get("RETRAINER_API_WORKERS") or cores)
        floor, floor_url = start_floor(model_path, workers, folder)
        service_url = f"{stack.url}/deployments/bench/predict"
        auth = {"Authorization": f"Bearer {api.token}"}
        batch = [ROW] * 1000
        figures: dict[str, Any] = {}
        for name, rows, connections in (("single_row", [ROW], 1), ("batch_1000", batch, cores)):
            for side, url, headers in (("service", service_url, auth), ("floor", floor_url + "/predict", {})):
                results = measure(url, headers, rows, connections, args.seconds, args.repeat)
                failed = sum(r["requests"] - r["ok"] for r in results)
                figures[f"{name}_{side}"] = {
                    "p50_ms": median([r["p50_ms"] for r in results]),
                    "p99_ms": median([r["p99_ms"] for r in results]),
                    "requests_per_s": median([r["throughput"] for r in results]),
                    "rows_per_s": median([r["throughput"] for r in results]) * len(rows),
                    "failed": failed, "n": len(results), "connections": connections}
                log(f"{name} {side}: {figures[f'{name}_{side}']}")
        # M7: many clients at once, against the cheapest route of the same API processes.
        for name, url, method, headers, body in (
                ("m7_predict_32", service_url, "POST", {**auth, "Content-Type": "application/json"},
                 json.dumps({"rows": [ROW]})),
                ("m7_healthz_32", f"{stack.url}/healthz", "GET", {}, None)):
            load.run(url, method=method, body=body, headers=headers, connections=8, seconds=2)  # warm
            results = [load.run(url, method=method, body=body, headers=headers, connections=32,
                                seconds=args.seconds) for _ in range(args.repeat)]
            figures[name] = {"p50_ms": median([r["p50_ms"] for r in results]),
                             "p99_ms": median([r["p99_ms"] for r in results]),
                             "requests_per_s": median([r["throughput"] for r in results]),
                             "failed": sum(r["requests"] - r["ok"] for r in results), "n": len(results),
                             "connections": 32}
            log(f"{name}: {figures[name]}")
        # P3: the same single rows, now logged (every row), as a monitored deployment logs them.
        api._ok(api.http.patch("/deployments/bench", json={"monitor": {"log_predictions": True, "sample": 1.0,
                                                                       "check_every_seconds": None}}))
        results = measure(service_url, auth, [ROW], 1, args.seconds, args.repeat)
        figures["single_row_logged"] = {"p50_ms": median([r["p50_ms"] for r in results]),
                                        "p99_ms": median([r["p99_ms"] for r in results]),
                                        "requests_per_s": median([r["throughput"] for r in results]),
                                        "failed": sum(r["requests"] - r["ok"] for r in results),
                                        "n": len(results), "connections": 1}
        log(f"single_row_logged: {figures['single_row_logged']}")
        single, single_floor = figures["single_row_service"], figures["single_row_floor"]
        m7, healthz = figures["m7_predict_32"], figures["m7_healthz_32"]
        logged = figures["single_row_logged"]
        batch_out, batch_floor = figures["batch_1000_service"], figures["batch_1000_floor"]
        targets = [
            {"target": "P1 single-row p99 (ms)", "value": single["p99_ms"], "goal": "<= 15 ms",
             "met": single["p99_ms"] <= 15},
            {"target": "P1 single-row p99 / floor p99", "value": single["p99_ms"] / single_floor["p99_ms"],
             "goal": "<= 1.3", "met": single["p99_ms"] / single_floor["p99_ms"] <= 1.3},
            {"target": "P2 1,000-row batches (rows/s)", "value": batch_out["rows_per_s"], "goal": ">= 50,000",
             "met": batch_out["rows_per_s"] >= 50_000},
            {"target": "P2 floor rows/s / service rows/s", "value": batch_floor["rows_per_s"] / batch_out["rows_per_s"],
             "goal": "<= 1.3", "met": batch_floor["rows_per_s"] / batch_out["rows_per_s"] <= 1.3},
            {"target": "M7 one-row predict req/s / /healthz req/s (32 connections)",
             "value": m7["requests_per_s"] / healthz["requests_per_s"], "goal": ">= 0.40",
             "met": m7["requests_per_s"] / healthz["requests_per_s"] >= 0.40},
            {"target": "M7 one-row predict p99 (ms, 32 connections)", "value": m7["p99_ms"], "goal": "<= 25 ms",
             "met": m7["p99_ms"] <= 25},
            {"target": "P3 logged single-row p99 / P1 p99", "value": logged["p99_ms"] / single["p99_ms"],
             "goal": "<= 1.1", "met": logged["p99_ms"] / single["p99_ms"] <= 1.1},
        ]
        result = {"figures": figures, "targets": targets, "run": {
            "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seconds": time.monotonic() - started,
            "api_workers": workers, "cores": cores, "load_generator": load.generator(),
            "load_average": list(os.getloadavg()), "model": model}}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        for target in targets:
            print(f"{target['target']}: {target['value']:.3f} (goal {target['goal']}): "
                  f"{'met' if target['met'] else 'NOT MET'}")
    finally:
        if floor is not None:
            floor.terminate()
            floor.wait(30)
        stack.stop()


if __name__ == "__main__":
    main()
