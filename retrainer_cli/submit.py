"""`retrainer submit`: retrain through a pipeline endpoint from a CI job.

Sends `POST /endpoints/{id}/runs` with the credentials the command finds, and with --wait
follows the run (retrainer_cli.follow) until it is finished.
"""

from __future__ import annotations

import json
import os
from typing import Annotated, Any, NoReturn

import typer
from retrainer_client.api.endpoints import retrain
from retrainer_client.models import EndpointRunRequest, EndpointRunRequestParameters
from retrainer_client.types import UNSET

from retrainer_cli.client import Session, connect
from retrainer_cli.credentials import DEFAULT_URL
from retrainer_cli.errors import EXIT_UNAVAILABLE, Stop, json_body, refused
from retrainer_cli.follow import StepPrinter, final_report, follow
from retrainer_cli.options import ProfileOption
from retrainer_cli.output import err, out

# --- -p NAME=VALUE ---------------------------------------------------------------------


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN / Infinity are not JSON: keep such a value as a string


def parse_value(raw: str) -> Any:
    """The value as JSON when it parses as JSON, else the raw string."""
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        return raw


def parse_parameters(items: list[str] | None) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for item in items or []:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise typer.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="'-p' / '--param'")
        if name in parameters:
            raise typer.BadParameter(f"parameter {name!r} is given twice", param_hint="'-p' / '--param'")
        parameters[name] = parse_value(raw)
    return parameters


def _parameters_callback(value: list[str] | None) -> list[str] | None:
    parse_parameters(value)  # a usage error (exit 2) before anything is sent
    return value


def _write_github_output(values: dict[str, str]) -> None:
    """In GitHub Actions, the run's id and status become step outputs."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            for key, value in values.items():
                handle.write(f"{key}={value}\n")
    except OSError as exc:
        err(f"warning: could not write GITHUB_OUTPUT: {exc.strerror}")


def submit(
    endpoint: Annotated[str, typer.Argument(help="The endpoint's id or its unique name.",
                                            show_default=False)],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="NAME=VALUE", callback=_parameters_callback,
        help="A pipeline parameter (repeatable). VALUE is read as JSON when it parses as JSON "
             "(42, 0.05, true, null, \"text\", [1, 2]), else taken as a string "
             "(datastore://default/census/us.csv).")] = None,
    version: Annotated[int | None, typer.Option(
        "--version", min=1, help="Endpoint version to run (default: the endpoint's default version).",
        show_default=False)] = None,
    experiment: Annotated[str | None, typer.Option(
        "--experiment", help="Experiment name recorded with the run.", show_default=False)] = None,
    wait: Annotated[bool, typer.Option(
        "--wait", help="Wait for the run to finish, printing each step; exit 0 only when it succeeded.")] = False,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1, metavar="SECONDS", help="With --wait: give up waiting after this long (exit 3); "
                                                  "the run continues.")] = 3600,
    idempotency_key: Annotated[str | None, typer.Option(
        "--idempotency-key", metavar="KEY",
        help="Sent as Idempotency-Key: submitting again with the same key and body returns the same "
             "run instead of starting another (safe retries of a CI job).", show_default=False)] = None,
    regenerate: Annotated[bool, typer.Option(
        "--regenerate", help="Run every step again; reuse no outputs of earlier runs.")] = False,
    url: Annotated[str | None, typer.Option(
        "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
        show_default=False)] = None,
    profile: ProfileOption = None,
) -> None:
    """Start a run of a pipeline endpoint (retrain), for CI jobs.

    Credentials, first found wins: RETRAINER_CLIENT_ID and
    RETRAINER_CLIENT_SECRET (a service principal with the scopes runs:write,
    plus runs:read for --wait), RETRAINER_TOKEN (a bearer token), or the token
    that `retrainer login` kept; with --profile NAME, the login kept by
    `retrainer login --profile NAME`. The service is --url, else the profile's,
    else RETRAINER_URL, else the one you logged in to, else http://127.0.0.1:8000.

    Exit codes:
    0 = submitted (without --wait) or the run succeeded (with --wait);
    1 = the run failed or was canceled;
    2 = the request was refused (any 4xx: unknown endpoint or version, disabled
    endpoint, invalid parameters, bad credentials, missing scope) or a usage
    error such as a -p without '=';
    3 = the service could not be reached or answered 5xx, or --timeout passed
    while waiting.
    """
    parameters = parse_parameters(param)
    client: Session | None = None
    outputs: dict[str, str] = {}
    try:
        client = connect(url, profile)
        # Unset fields are not sent: the server's defaults apply (as documented in the spec).
        body = EndpointRunRequest(
            parameters=EndpointRunRequestParameters.from_dict(parameters),
            version=UNSET if version is None else version,
            experiment=UNSET if experiment is None else experiment,
            regenerate=True if regenerate else UNSET)
        response = client.call(retrain, endpoint, body=body,
                               idempotency_key=UNSET if idempotency_key is None else idempotency_key)
        if response.status_code not in (200, 201, 202):
            raise refused(response, f"endpoint {endpoint!r} refused the run")
        run = json_body(response)
        if not isinstance(run, dict) or "id" not in run:
            raise Stop(EXIT_UNAVAILABLE, "error: the service accepted the run but sent no run in its answer")
        outputs = {"run_id": str(run["id"]), "status": str(run.get("status"))}
        where = f"endpoint {endpoint}" + (f" v{run['endpoint_version']}" if run.get("endpoint_version") else "")
        out(f"run {run['id']} {run.get('status')} ({where})")
        if not wait:
            return
        steps = StepPrinter()
        steps.update(run)
        run = follow(client, run, response.headers.get("ETag"), timeout, steps, outputs)
        code = final_report(run)
        if code:
            raise typer.Exit(code)
    except Stop as stop:
        for line in stop.lines:
            err(line)
        raise typer.Exit(stop.code) from None
    except KeyboardInterrupt:
        if outputs:
            err(f"interrupted; run {outputs['run_id']} continues on the server "
                f"(POST /runs/{outputs['run_id']}/cancel stops it)")
        else:
            err("interrupted")
        raise typer.Exit(130) from None
    finally:
        if outputs:
            _write_github_output(outputs)
        if client is not None:
            client.close()
