"""Dockerfile, .dockerignore and docker-compose.yml: what `docker compose up` relies on.

No Docker engine is needed: the files are parsed, and every command they run is
checked against the real `retrainer` CLI (`python -m app.cli <subcommand> --help`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

IMAGE_SERVICES = ("migrate", "api", "worker")
STORE_SERVICES = ("objectstore", "bucket")
ALL_SERVICES = {"postgres", "redis", *STORE_SERVICES, *IMAGE_SERVICES}
THREAD_VARS = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}
API_PORT = 8000


# --- loading -------------------------------------------------------------------------

@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def environment(name: str) -> dict:
    env = service(name).get("environment") or {}
    if isinstance(env, list):  # KEY=VALUE list form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


@cache
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def instruction_args(keyword: str) -> list[str]:
    return [args for kw, args in dockerfile() if kw == keyword]


def exec_form(args: str, where: str) -> list[str]:
    assert args.startswith("["), f"{where} must use the exec (JSON) form so signals reach the process: {args!r}"
    argv = json.loads(args)
    assert isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv), where
    return argv


def dockerfile_cmd() -> list[str]:
    cmds = instruction_args("CMD")
    assert cmds, "the Dockerfile has no CMD"
    return exec_form(cmds[-1], "CMD")


def as_argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def service_argv(name: str) -> list[str]:
    command = service(name).get("command")
    return as_argv(command) if command is not None else dockerfile_cmd()


def env_keys_in_dockerfile() -> set[str]:
    keys = set()
    for kw, args in dockerfile():
        if kw == "ENV":
            parts = shlex.split(args)
            if parts and "=" not in parts[0]:  # legacy `ENV KEY value`
                keys.add(parts[0])
            else:
                keys.update(part.split("=", 1)[0] for part in parts)
        elif kw == "ARG":
            keys.add(args.split("=", 1)[0])
    return keys


# --- Dockerfile ----------------------------------------------------------------------

def test_dockerfile_base_image_and_install():
    froms = instruction_args("FROM")
    assert froms and froms[-1].split()[0] == "python:3.11-slim"
    assert any(re.search(r"\bpip install\b", run) for run in instruction_args("RUN")), \
        "the package is installed with pip"
    assert any(str(API_PORT) in args.split() for args in instruction_args("EXPOSE"))


def test_dockerfile_runs_as_a_non_root_user():
    users = instruction_args("USER")
    assert users, "the Dockerfile has no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0", ""}
    # The final USER comes after every RUN, so the image's runtime user is that one.
    kinds = [kw for kw, _ in dockerfile()]
    last_user = max(i for i, kw in enumerate(kinds) if kw == "USER")
    assert all(i < last_user for i, kw in enumerate(kinds) if kw == "RUN")


def test_dockerfile_cmd_is_the_retrainer_api():
    argv = dockerfile_cmd()
    assert argv[0] == "retrainer"
    assert argv[1] == "api"
    # Listens on every interface of the container, on the exposed port.
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert argv[argv.index("--port") + 1] == str(API_PORT)


def test_dockerfile_healthcheck_probes_healthz_with_python():
    checks = instruction_args("HEALTHCHECK")
    assert checks, "the Dockerfile has no HEALTHCHECK"
    check = checks[-1]
    assert check.upper() != "NONE"
    _, sep, command = check.partition("CMD ")
    assert sep, f"HEALTHCHECK without CMD: {check!r}"
    argv = exec_form(command.strip(), "HEALTHCHECK CMD")
    assert argv[0] in {"python", "python3"}, "python-slim has no curl or wget"
    assert f"127.0.0.1:{API_PORT}/healthz" in " ".join(argv)


def test_thread_pool_sizes_are_not_hard_coded():
    """The worker sizes native thread pools per child; a fixed value would override that."""
    assert not THREAD_VARS & env_keys_in_dockerfile()
    for name in compose()["services"]:
        assert not THREAD_VARS & set(environment(name)), name


def test_entry_point_is_the_cli_module_the_tests_invoke():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["retrainer"] == "app.cli:main"


# --- .dockerignore -------------------------------------------------------------------

def _dockerignore_regexes() -> list[tuple[bool, re.Pattern]]:
    rules = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i:end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((negate, re.compile(regex + "$")))
    return rules


def ignored(path: str) -> bool:
    """Docker's rule: a path is excluded when it or a parent matches; the last rule wins."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in _dockerignore_regexes():
        if any(regex.match(prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_what_pip_install_needs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = ["pyproject.toml", "app/cli.py", "worker/celery_app.py", "migrations/env.py",
              "migrations/script.py.mako", "retrainer_cli/main.py",
              "openapi/retrainer-client/retrainer_client/client.py"]
    needed += [p.relative_to(ROOT).as_posix() for p in (ROOT / "migrations" / "versions").glob("*.py")]
    readme = project.get("readme")
    if isinstance(readme, str):
        needed.append(readme)
    for path in needed:
        assert not ignored(path), f".dockerignore drops {path}, which `pip install .` needs"


@pytest.mark.parametrize("path", [
    ".venv/bin/python", ".git/HEAD", ".env", "app/__pycache__/cli.cpython-311.pyc",
    "tests/test_compose.py", "retrainer-data/retrainer.db", "retrainer.egg-info/PKG-INFO",
])
def test_dockerignore_excludes_local_state_and_secrets(path):
    assert ignored(path), f"{path} would be sent to the build context"


# --- docker-compose.yml --------------------------------------------------------------

def test_compose_services_and_no_version_key():
    assert "version" not in compose(), "the `version:` key is obsolete"
    assert set(compose()["services"]) == ALL_SERVICES


def test_image_services_share_one_build_and_image():
    builds = {name: service(name).get("build") for name in IMAGE_SERVICES}
    images = {name: service(name).get("image") for name in IMAGE_SERVICES}
    assert builds["api"] and images["api"]
    assert all(b == builds["api"] for b in builds.values()), builds
    assert all(i == images["api"] for i in images.values()), images
    context = builds["api"] if isinstance(builds["api"], str) else builds["api"].get("context", ".")
    assert (COMPOSE_FILE.parent / context / "Dockerfile").resolve() == DOCKERFILE


def test_shared_settings_come_from_the_x_retrainer_extension():
    shared = compose()["x-retrainer"]["environment"]
    for name in IMAGE_SERVICES:
        env = environment(name)
        for key, value in shared.items():
            assert env.get(key) == value, f"{name}: {key}"


def test_secret_key_is_required():
    pattern = re.compile(r"^\$\{RETRAINER_SECRET_KEY:\?[^}]+\}$")
    for name in IMAGE_SERVICES:
        value = environment(name).get("RETRAINER_SECRET_KEY")
        assert isinstance(value, str) and pattern.match(value), \
            f"{name}: RETRAINER_SECRET_KEY must use ${{RETRAINER_SECRET_KEY:?message}}, got {value!r}"


def test_database_and_broker_urls_point_at_the_compose_services():
    postgres_env = service("postgres")["environment"]
    for name in IMAGE_SERVICES:
        env = environment(name)
        db = urlsplit(env["RETRAINER_DATABASE_URL"])
        assert db.scheme.startswith("postgresql")
        assert (db.hostname, db.port) == ("postgres", 5432)
        assert db.username == postgres_env["POSTGRES_USER"]
        assert db.path.lstrip("/") == postgres_env["POSTGRES_DB"]
        assert db.password == postgres_env["POSTGRES_PASSWORD"]  # same ${...} expression
        broker = urlsplit(env["RETRAINER_BROKER_URL"])
        assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)


def test_migrate_runs_once_after_postgres_is_healthy():
    migrate = service("migrate")
    assert migrate["restart"] == "no"  # the string: an unquoted `no` is a YAML boolean
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert service_argv("migrate")[:2] == ["retrainer", "migrate"]


@pytest.mark.parametrize("name", ["api", "worker"])
def test_api_and_worker_wait_for_migrations_and_redis(name):
    depends = service(name)["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["redis"]["condition"] == "service_healthy"


def test_worker_is_scalable():
    worker = service("worker")
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "hostname" not in worker
    assert service_argv("worker")[:2] == ["retrainer", "worker"]


def test_api_publishes_its_port_and_probes_readyz():
    api = service("api")
    argv = service_argv("api")
    assert argv[:2] == ["retrainer", "api"]
    port = argv[argv.index("--port") + 1] if "--port" in argv else "8000"
    targets = [str(p).rsplit(":", 1)[-1] if not isinstance(p, dict) else str(p["target"])
               for p in api["ports"]]
    assert port in targets
    test = as_argv(api["healthcheck"]["test"])
    assert test[0] in {"CMD", "CMD-SHELL"}
    assert f"127.0.0.1:{port}/readyz" in " ".join(test)


@pytest.mark.parametrize("name", ["migrate", "worker"])
def test_services_without_http_disable_the_image_healthcheck(name):
    """The image's HEALTHCHECK probes the API port; a worker would always look unhealthy."""
    check = service(name).get("healthcheck") or {}
    assert check.get("disable") is True or as_argv(check.get("test", [""]))[:1] == ["NONE"]


@pytest.mark.parametrize("name, probe", [("postgres", "pg_isready"), ("redis", "redis-cli ping")])
def test_postgres_and_redis_have_healthchecks(name, probe):
    check = service(name)["healthcheck"]
    assert not check.get("disable")
    test = as_argv(check["test"])
    assert test[0] in {"CMD", "CMD-SHELL"}
    assert probe in " ".join(test[1:])


def test_state_lives_in_named_volumes():
    declared = set(compose().get("volumes") or {})

    def named_mounts(name: str) -> dict[str, str]:
        mounts = {}
        for volume in service(name).get("volumes", []):
            source, target = (volume["source"], volume["target"]) if isinstance(volume, dict) \
                else volume.split(":")[:2]
            assert source in declared, f"{name}: {source} is not a declared named volume"
            mounts[target] = source
        return mounts

    assert "/var/lib/postgresql/data" in named_mounts("postgres")
    assert "/data" in named_mounts("redis")
    assert "/data" in named_mounts("objectstore")
    for name in ("api", "worker"):
        # Nothing to keep on the container: runs, models and data files are in the bucket.
        assert not named_mounts(name), f"{name} must not need a volume (it shares only the database, broker, bucket)"


def test_redis_persists_queued_tasks():
    argv = as_argv(service("redis")["command"])
    assert argv[0] == "redis-server"
    assert argv[argv.index("--appendonly") + 1] == "yes"


# --- every command names a real CLI subcommand -----------------------------------------

COMMAND_SOURCES = ["Dockerfile CMD", *(f"compose {name}" for name in IMAGE_SERVICES)]


def _argv_for(source: str) -> list[str]:
    return dockerfile_cmd() if source == "Dockerfile CMD" else service_argv(source.split()[1])


@pytest.mark.parametrize("source", COMMAND_SOURCES)
def test_command_is_a_real_cli_subcommand(source):
    argv = _argv_for(source)
    assert argv[0] == "retrainer", f"{source}: {argv}"
    subcommand = []
    for token in argv[1:]:
        if token.startswith("-"):
            break
        subcommand.append(token)
    assert subcommand, f"{source}: no subcommand in {argv}"
    options = sorted({token.split("=", 1)[0] for token in argv if token.startswith("--")})

    env = {**os.environ, "COLUMNS": "200", "TERMINAL_WIDTH": "200", "NO_COLOR": "1",
           "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    result = subprocess.run([sys.executable, "-m", "app.cli", *subcommand, "--help"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{source}: `retrainer {' '.join(subcommand)}` is not a command:\n" \
                                   f"{result.stdout}{result.stderr}"
    assert "Usage:" in result.stdout
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.stdout), \
            f"{source}: `retrainer {' '.join(subcommand)}` has no option {option}:\n{result.stdout}"


# --- the object store ------------------------------------------------------------------

def test_api_and_workers_keep_their_files_in_the_object_store():
    endpoint = urlsplit(environment("api")["RETRAINER_S3_ENDPOINT_URL"])
    assert endpoint.hostname == "objectstore"
    command = " ".join(as_argv(service("objectstore")["command"]))
    assert f"-s3.port={endpoint.port}" in command and "weed server" in command
    bucket = urlsplit(environment("api")["RETRAINER_ARTIFACT_URL"])
    assert bucket.scheme == "s3"
    assert f"-name {bucket.hostname}" in " ".join(as_argv(service("bucket")["command"]))
    for name in IMAGE_SERVICES:
        env = environment(name)
        assert env["RETRAINER_ARTIFACT_URL"] == environment("api")["RETRAINER_ARTIFACT_URL"], name
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            assert re.match(r"^\$\{RETRAINER_S3_[A-Z_]+_KEY:\?[^}]+\}$", env[key]), f"{name}: {key} must be required"


@pytest.mark.parametrize("name", ["api", "worker"])
def test_api_and_worker_wait_for_the_bucket(name):
    assert service(name)["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
    assert service("bucket")["restart"] == "no"
    assert service("bucket")["depends_on"]["objectstore"]["condition"] == "service_healthy"


def test_object_store_has_a_healthcheck_and_credentials_from_the_environment():
    check = service("objectstore")["healthcheck"]
    assert "/healthz" in " ".join(as_argv(check["test"]))
    env = environment("objectstore")
    assert env["S3_ACCESS_KEY"] == environment("api")["AWS_ACCESS_KEY_ID"]
    assert env["S3_SECRET_KEY"] == environment("api")["AWS_SECRET_ACCESS_KEY"]


def test_worker_takes_a_queue_option():
    result = subprocess.run([sys.executable, "-m", "app.cli", "worker", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1",
                                                         "_TYPER_FORCE_DISABLE_TERMINAL": "1"})
    assert "--queue" in result.stdout
