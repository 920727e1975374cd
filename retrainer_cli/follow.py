"""Following a run until it is finished (`submit --wait`, `runs wait`): the long-poll
`GET /runs/{id}?wait=30` with `If-None-Match: <last ETag>`, which answers as soon as the
run changes, or 304 after 30 s; each step printed when its state changes."""

from __future__ import annotations

import math
import time
from typing import Any

from retrainer_client.api.runs import get_run
from retrainer_client.models.run_status import RunStatus
from retrainer_client.types import UNSET

from retrainer_cli.client import Session
from retrainer_cli.errors import EXIT_OK, EXIT_RUN_FAILED, EXIT_UNAVAILABLE, Stop, json_body, refused
from retrainer_cli.output import compact_metrics, duration, err, out

LONG_POLL_SECONDS = 30
TERMINAL = frozenset({RunStatus.SUCCEEDED.value, RunStatus.FAILED.value, RunStatus.CANCELED.value})


class StepPrinter:
    """Prints a line for each step whenever its state changes (pending steps stay quiet)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[Any, ...]] = {}
        self.width = 0

    def update(self, run: dict[str, Any]) -> None:
        steps = run.get("steps") or []
        self.width = max([self.width] + [len(str(s.get("name", ""))) for s in steps])
        for step in steps:
            name = str(step.get("name", "?"))
            status = step.get("status") or "?"
            key = (status, step.get("reused_from"), step.get("error"))
            if status in ("pending", "queued") or self.seen.get(name) == key:
                continue
            self.seen[name] = key
            out(f"  {name.ljust(self.width)}  {self.describe(step)}")

    @staticmethod
    def describe(step: dict[str, Any]) -> str:
        status = step.get("status") or "?"
        if status == "succeeded" and step.get("reused_from"):
            return f"reused from {step['reused_from']}"
        if status == "failed":
            return f"failed: {step.get('error') or 'no message'}"
        took = duration(step.get("started_at"), step.get("finished_at"))
        if status == "succeeded" and took:
            return f"{status:<10} ({took})"
        return str(status)


def final_report(run: dict[str, Any]) -> int:
    status = run.get("status")
    out(f"run {run.get('id')} {status}")
    if status == "succeeded":
        metrics = compact_metrics(run.get("metrics"))
        if metrics:
            out(f"metrics {metrics}")
        model = run.get("model")
        if model:
            out(f"model {model.get('name')} v{model.get('version')}")
        return EXIT_OK
    error = run.get("error") or {}
    message = error.get("message") or "no message"
    if error.get("step"):
        out(f"{status} at step {error['step']}: {message}")
    else:
        out(f"{status}: {message}")
    return EXIT_RUN_FAILED


def follow(client: Session, run: dict[str, Any], etag: str | None, timeout: float, steps: StepPrinter,
           outputs: dict[str, str]) -> dict[str, Any]:
    """Follows the run until it is finished; `outputs["status"]` follows its status."""
    run_id = run["id"]
    deadline = time.monotonic() + timeout
    status = run.get("status")
    failures = 0
    asked_plain = False
    problem: Stop | None = None
    while run.get("status") not in TERMINAL:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Stop(EXIT_UNAVAILABLE, f"error: run {run_id} is still {run.get('status')} after "
                                         f"--timeout {timeout:g} s; it continues on the server")
        options: dict[str, Any]
        if etag is None and not asked_plain:
            # No ETag yet: a plain GET answers at once with the current run and its ETag
            # (a long-poll without If-None-Match would wait for the end, hiding the steps).
            asked_plain = True
            wait, options = 0, {"wait": UNSET}  # UNSET: no ?wait at all
        else:
            wait = max(1, min(LONG_POLL_SECONDS, math.ceil(remaining)))
            options = {"wait": wait, **({"if_none_match": etag} if etag else {})}
        started = time.monotonic()
        try:
            with client.timeout(wait + 30.0):
                response = client.call(get_run, run_id, **options)
        except Stop as stop:
            if stop.code != EXIT_UNAVAILABLE:
                raise
            response, problem = None, stop
        if response is not None and response.status_code == 304:
            failures = 0
            continue
        body = json_body(response) if response is not None and response.status_code == 200 else None
        if response is not None and isinstance(body, dict) and body.get("id") == run_id:
            failures = 0
            previous, run = run, body
            etag = response.headers.get("ETag")
            if run.get("status") != status:
                status = run.get("status")
                outputs["status"] = str(status)
                if status not in TERMINAL:
                    out(f"run {run_id} {status}")
            steps.update(run)
            if wait and run == previous and time.monotonic() - started < 1:
                # A server that does not long-poll answered at once with nothing new: do not hammer it.
                time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
            continue
        if response is not None and (response.status_code < 500 and response.status_code != 429):
            raise refused(response, f"could not follow run {run_id}")
        # Unreachable or 5xx (a restart, a proxy): try again a few times, then give up.
        failures += 1
        if response is not None:
            problem = refused(response, f"could not follow run {run_id}")
        if failures > 5 or problem is None:
            raise problem or Stop(EXIT_UNAVAILABLE, f"error: could not follow run {run_id}")
        delay = min(2 ** failures, 30, max(0.0, deadline - time.monotonic()))
        err(f"  ({problem.lines[0].removeprefix('error: ')}; retrying in {delay:.0f} s)")
        time.sleep(delay)
    return run
