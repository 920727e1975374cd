"""The `retrainer` command: the server's launcher (up, api, worker, scheduler, migrate, users,
openapi), with the client's commands (login, submit, data, pipelines, endpoints, runs, models,
deployments, principals, webhooks, triggers, completion) added from retrainer_cli.

The launcher imports the server lazily, in each command: `retrainer submit` in a CI job loads
the client and typer, not the server's settings.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from retrainer_cli.main import HELP_EPILOG, PROG
from retrainer_cli.main import register as register_client

if TYPE_CHECKING:
    from app.core.settings import Settings

cli = typer.Typer(no_args_is_help=True, epilog=HELP_EPILOG,
                  help="Retrainer: training pipelines as versioned REST endpoints.")
users_cli = typer.Typer(no_args_is_help=True, help="Manage users.")
cli.add_typer(users_cli, name="users")
register_client(cli)  # the client's commands: login, submit, data, pipelines, ...


def _settings(**overrides: object) -> Settings:
    """The settings of this command: the environment (and .env), with `overrides`."""
    from app.core.settings import ConfigurationError, Settings
    from app.storage.registry import check_configuration

    try:
        settings = Settings().model_copy(update=overrides) if overrides else Settings()
        settings.validate_for_start()
        check_configuration(settings)
    except ConfigurationError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    return settings


def _migrate(settings: Settings) -> None:
    from migrations import upgrade_to_head

    upgrade_to_head(settings)


def _bootstrap_admin(settings: Settings) -> tuple[str, str] | None:
    """Creates the configured admin; on the embedded default with no user at all,
    creates `admin` with a generated password kept in the data directory."""
    from sqlmodel import select

    from app.auth.service import create_user, ensure_bootstrap_admin
    from app.db.engine import build_engine
    from app.db.tables import User
    from app.db.unit_of_work import UnitOfWork

    engine = build_engine(settings)
    try:
        with UnitOfWork(engine) as uow:
            if ensure_bootstrap_admin(uow.session, settings):
                return settings.admin_username or "", "(the value of RETRAINER_ADMIN_PASSWORD)"
            if not settings.embedded_database or uow.session.exec(select(User)).first() is not None:
                return None
            password = secrets.token_urlsafe(12)
            create_user(uow.session, username="admin", password=password, workspace="default", admin=True)
    finally:
        engine.dispose()
    path = settings.data_dir / "admin-password"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return "admin", password


@cli.command()
def migrate() -> None:
    """Apply the database migrations (and create RETRAINER_ADMIN_USERNAME if set)."""
    settings = _settings()
    _migrate(settings)
    created = _bootstrap_admin(settings) if settings.admin_username else None
    typer.echo("database is up to date" + (f"; created admin {created[0]!r}" if created else ""))


@cli.command()
def api(
    host: Annotated[str | None, typer.Option(help="Address to listen on [RETRAINER_HOST, 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [RETRAINER_PORT, 8000]")] = None,
    workers: Annotated[int | None, typer.Option(
        help="API processes (default: RETRAINER_API_WORKERS, or the number of cores)")] = None,
) -> None:
    """Run the HTTP API alone (uvicorn)."""
    import uvicorn

    settings = _settings()
    processes = workers or settings.api_workers or os.cpu_count() or 1
    uvicorn.run("app.asgi:app", host=host or settings.host, port=port or settings.port, workers=processes,
                # X-Forwarded-* only from the proxies the operator names (none by default):
                # uvicorn alone would trust loopback's, and then any local client's.
                proxy_headers=bool(settings.forwarded_allow_ips),
                forwarded_allow_ips=settings.forwarded_allow_ips or None, log_config=None,
                server_header=False)


@cli.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Worker child processes (default: cores)")] = None,
    queue: Annotated[str | None, typer.Option(
        help="The queue to serve [RETRAINER_QUEUE, retrainer]: alone, the service's queue; with --workspace, "
             "that workspace's queue NAME, which its endpoints choose with "
             "PATCH /endpoints/{id} {\"queue\": NAME}")] = None,
    workspace: Annotated[str | None, typer.Option(
        help="The workspace (name or id) whose queue --queue names [RETRAINER_QUEUE_WORKSPACE]: each workspace's "
             "queues are its own (on the broker: retrainer.ws.<workspace id>.NAME)")] = None,
) -> None:
    """Run a Celery worker alone; start more on more machines to scale out."""
    overrides: dict[str, object] = {}
    if concurrency is not None:
        overrides["worker_concurrency"] = concurrency
    if queue is not None:
        if not re.fullmatch(r"[A-Za-z0-9._\-]{1,100}", queue):
            typer.secho("error: --queue takes letters, digits, '.', '_' and '-' (at most 100)", fg="red", err=True)
            raise typer.Exit(2)
        overrides["queue"] = queue
    if workspace is not None:
        overrides["queue_workspace"] = workspace
    given = _settings(**overrides)
    if given.queue_workspace is not None:
        overrides["queue_workspace"] = _workspace_id(given, given.queue_workspace)
    settings = _settings(**overrides)
    from worker.celery_app import build_celery, worker_argv

    build_celery(settings).worker_main(worker_argv(settings))


def _workspace_id(settings: Settings, ref: str) -> str:
    """The id of the workspace named (or identified by) `ref`; exits naming it if none is."""
    from sqlmodel import Session, or_, select

    from app.db.engine import build_engine
    from app.db.tables import Workspace

    engine = build_engine(settings, pooled=False)
    try:
        with Session(engine) as session:
            found = session.exec(select(Workspace.id).where(or_(Workspace.name == ref, Workspace.id == ref))).first()
    finally:
        engine.dispose()
    if found is None:
        typer.secho(f"error: no workspace named {ref!r} (--workspace takes a workspace's name or id)",
                    fg="red", err=True)
        raise typer.Exit(2)
    return found
@cli.command()
def scheduler() -> None:
    """Run the trigger scheduler alone: it fires schedules and watches data triggers.
    Several may run at once (on several machines): none fires anything twice."""
    import threading

    from app.core.logging import configure_logging
    from app.triggers.scheduler import run

    settings = _settings()
    configure_logging(settings.log_level, settings.log_json)
    stop = threading.Event()

    def _request_stop(signum, _frame):
        stop.set()

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    run(settings, stop)


def openapi_document() -> str:
    """The spec the service serves, as committed in openapi/openapi.json."""
    import json

    from app.core.settings import Settings
    from app.main import create_app

    spec = create_app(Settings(data_dir=Path("/nonexistent/retrainer"))).openapi()
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"


@cli.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the spec ('-' for stdout)")] = Path("openapi/openapi.json"),
) -> None:
    """Write the OpenAPI document that the service serves."""
    document = openapi_document()
    if str(output) == "-":
        sys.stdout.write(document)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document)
    typer.echo(f"wrote {output}")


@users_cli.command("create")
def users_create(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="At least 8 characters")],
    workspace: Annotated[str, typer.Option(help="Created when missing")] = "default",
    admin: Annotated[bool, typer.Option("--admin", help="Also grant the admin scope")] = False,
) -> None:
    """Create a user (and its workspace when missing)."""
    from app.auth.service import create_user
    from app.core.errors import RetrainerError
    from app.db.engine import build_engine
    from app.db.unit_of_work import UnitOfWork

    settings = _settings()
    _migrate(settings)
    engine = build_engine(settings)
    try:
        with UnitOfWork(engine) as uow:
            user = create_user(uow.session, username=username, password=password,
                               workspace=workspace, admin=admin)
            user_id = user.id
    except RetrainerError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors or [])
        typer.secho(f"error: {exc.detail}" + (f" ({problems})" if problems else ""), fg="red", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"created user {username!r} ({user_id}) in workspace {workspace!r}"
               + (" with admin" if admin else ""))


def _wait_healthy(url: str, processes: list[subprocess.Popen], timeout: float = 60.0) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            if httpx.get(url + "/healthz", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen, timeout: float) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@cli.command()
def up(
    host: Annotated[str | None, typer.Option(help="Address to listen on [RETRAINER_HOST, 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [RETRAINER_PORT, 8000]")] = None,
    concurrency: Annotated[int | None, typer.Option(
        help="Worker child processes (default: RETRAINER_WORKER_CONCURRENCY, or the number of cores)")] = None,
) -> None:
    """Run everything in one command: database migrations, the bundled Redis
    (unless RETRAINER_BROKER_URL is set), the API, a worker and the trigger scheduler.
    Ctrl-C stops all."""
    from app.core.settings import ensure_private_dir
    from app.embedded import EmbeddedRedis

    settings = _settings()
    host = host or settings.host
    port = port or settings.port
    ensure_private_dir(settings.data_dir)
    broker = EmbeddedRedis(settings) if settings.embedded_broker else None
    if broker is not None:
        broker.start()
    children: list[subprocess.Popen] = []
    stopping = {"flag": False}

    def _request_stop(signum, _frame):
        stopping["flag"] = True

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    try:
        _migrate(settings)
        login = _bootstrap_admin(settings)
        settings.signing_key()
        exe = [sys.executable, "-m", "app.cli"]
        # Own sessions: Ctrl-C reaches only this process, which stops the API first
        # (no new runs accepted), then the worker (it finishes its current step), then Redis.
        children.append(subprocess.Popen(exe + ["api", "--host", host, "--port", str(port)],
                                         start_new_session=True))
        worker_args = ["--concurrency", str(concurrency)] if concurrency is not None else []
        children.append(subprocess.Popen(exe + ["worker", *worker_args],
                                         start_new_session=True))
        children.append(subprocess.Popen(exe + ["scheduler"], start_new_session=True))
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        if not _wait_healthy(url, children):
            typer.secho("error: the API did not start; see the log above", fg="red", err=True)
            raise typer.Exit(1)
        _banner(settings, url, login)
        while not stopping["flag"] and all(c.poll() is None for c in children):
            time.sleep(0.2)
        if not stopping["flag"]:
            typer.secho("error: a child process exited; stopping", fg="red", err=True)
            raise typer.Exit(1)
    finally:
        typer.echo("stopping retrainer...")
        for child, timeout in zip(children, (15.0, 60.0, 15.0), strict=False):
            _stop(child, timeout)
        if broker is not None:
            broker.stop()
        typer.echo("stopped")


def _banner(settings: Settings, url: str, login: tuple[str, str] | None) -> None:
    lines = [
        f"Retrainer is running at {url}  (API docs: {url}/docs)",
        f"  studio:   {url}/studio/  (sign in with a user's name and password)",
        f"  data directory: {settings.data_dir}",
        f"  database: {'SQLite (embedded)' if settings.embedded_database else 'RETRAINER_DATABASE_URL'}",
        f"  broker:   {'bundled Redis on ' + str(settings.redis_socket_path) if settings.embedded_broker else 'RETRAINER_BROKER_URL'}",
    ]
    if login is not None:
        lines.append(f"  created admin user {login[0]!r} with password: {login[1]}")
        if login[0] == "admin":
            lines.append(f"  (kept in {Path(settings.data_dir) / 'admin-password'})")
    lines += [
        "Log in:",
        f"  curl -s -X POST {url}/oauth/token -d grant_type=password -d username=USER -d password=PASSWORD",
        "Press Ctrl-C to stop.",
    ]
    typer.echo("\n".join(lines), err=False)
    sys.stdout.flush()


def main() -> None:
    # Everything the service writes (database, logs, data, models) is this user's only.
    os.umask(0o077)
    cli(prog_name=PROG)


if __name__ == "__main__":
    main()
