"""`retrainer submit` as a CI job runs it: a real subprocess against a real API and worker,
authenticated as a service principal with the client_credentials grant."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from tests.helpers.api import bearer, password_token
from tests.helpers.processes import ROOT, start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline

CLI = [sys.executable, "-m", "app.cli", "submit"]
WORKFLOW = ROOT / "examples" / "ci" / "retrain.yml"
DATA_PATH = "datastore://default/small/train.csv"
STEPS = ["import", "split", "train", "score", "evaluate"]
FIRST_LINE = re.compile(r"^run (\S+) (queued|running) \(endpoint (\S+) v(\d+)\)$")


def cli_env(url: str, *, client_id: str | None = None, client_secret: str | None = None,
            token: str | None = None, **extra: str) -> dict[str, str]:
    """A CI job's environment: nothing of the server's own RETRAINER_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RETRAINER_", "GITHUB_"))}
    env.update({"RETRAINER_URL": url, "PYTHONUNBUFFERED": "1", "COLUMNS": "200",
                # No kept login either (a developer's own `retrainer login` would count).
                "RETRAINER_TOKEN_FILE": "/nonexistent/retrainer-token.json"})
    if client_id is not None:
        env["RETRAINER_CLIENT_ID"] = client_id
    if client_secret is not None:
        env["RETRAINER_CLIENT_SECRET"] = client_secret
    if token is not None:
        env["RETRAINER_TOKEN"] = token
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def first_line(result: subprocess.CompletedProcess) -> re.Match:
    lines = result.stdout.splitlines()
    assert lines, result
    match = FIRST_LINE.match(lines[0])
    assert match, result.stdout
    return match


class Setup:
    """One workspace with: the small training data, an endpoint that succeeds, one whose
    train step fails, one with typed parameters, and a CI service principal."""

    def __init__(self, client: httpx.Client, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        suffix = secrets.token_hex(3)
        put = client.put("/datastores/default/files/small/train.csv", content=small_csv(), headers=headers)
        assert put.status_code == 201, put.text
        self.good = self.endpoint(f"small-{suffix}", small_pipeline())
        self.failing = self.endpoint(f"failing-{suffix}", small_pipeline(label="nope"))
        typed = small_pipeline()
        typed["parameters"].update({
            "fraction": {"type": "number", "default": 0.5},
            "seed": {"type": "integer", "default": 1},
        })
        typed["steps"]["split"]["settings"] = {"fraction": "${{parameters.fraction}}",
                                               "seed": "${{parameters.seed}}"}
        self.typed = self.endpoint(f"typed-{suffix}", typed)
        self.client_id, self.client_secret = self.service_principal(
            f"ci-{suffix}", ["runs:read", "runs:write", "endpoints:read", "data:read"])

    def endpoint(self, name: str, pipeline: dict) -> dict:
        created = self.client.post("/pipelines", json=pipeline, headers=self.headers)
        assert created.status_code == 201, created.text
        endpoint = self.client.post("/endpoints", json={"name": name, "description": "submit tests"},
                                    headers=self.headers)
        assert endpoint.status_code == 201, endpoint.text
        assert endpoint.json()["name"] == name
        version = self.client.post(f"/endpoints/{endpoint.json()['id']}/versions", headers=self.headers,
                                   json={"pipeline_id": created.json()["id"], "description": "v1",
                                         "make_default": True})
        assert version.status_code == 201, version.text
        assert version.json()["version"] == 1
        return endpoint.json()

    def service_principal(self, name: str, scopes: list[str]) -> tuple[str, str]:
        sp = self.client.post("/service-principals", json={"name": name, "scopes": scopes}, headers=self.headers)
        assert sp.status_code == 201, sp.text
        return sp.json()["client_id"], sp.json()["client_secret"]

    def env(self, url: str, **extra: str) -> dict[str, str]:
        return cli_env(url, client_id=self.client_id, client_secret=self.client_secret, **extra)

    def run(self, run_id: str) -> dict:
        response = self.client.get(f"/runs/{run_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def ci(api, worker, make_user):
    with httpx.Client(base_url=api.url, timeout=60) as client:
        admin = make_user(workspace="submit-" + secrets.token_hex(3), admin=True)
        yield Setup(client, bearer(password_token(client, admin)))


def assert_no_secrets(result: subprocess.CompletedProcess, *secrets_: str) -> None:
    text = result.stdout + result.stderr
    for secret in secrets_:
        assert secret not in text
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.", text), "an access token was printed"


# --- waiting for the run ------------------------------------------------------------------

def test_wait_succeeds_prints_steps_metrics_and_model(api, ci):
    result = run_cli([ci.good["name"], "-p", f"data_path={DATA_PATH}", "--experiment", "ci-nightly",
                      "--wait", "--regenerate", "--timeout", "200"], ci.env(api.url))
    assert result.returncode == 0, result
    match = first_line(result)
    run_id = match[1]
    assert match[3] == ci.good["name"] and match[4] == "1"
    out = result.stdout
    for step in STEPS:  # every step finished, with its duration (regenerate: nothing reused)
        assert re.search(rf"^  {step}\s+succeeded\s+\(\d+\.\d s\)$", out, re.M), out
    assert f"run {run_id} succeeded" in out
    assert re.search(r"^metrics .*accuracy=\d\.\d{4}", out, re.M), out
    model = re.search(r"^model small v(\d+)$", out, re.M)
    assert model, out
    assert result.stderr == ""
    assert_no_secrets(result, ci.client_secret)

    run = ci.run(run_id)
    assert run["status"] == "succeeded" and run["experiment"] == "ci-nightly"
    assert run["endpoint_id"] == ci.good["id"] and run["parameters"]["data_path"] == DATA_PATH
    assert run["model"] == {"name": "small", "version": int(model[1])}

    # The same data again: every step reuses the outputs of an earlier run.
    again = run_cli([ci.good["id"], "--wait"], ci.env(api.url))
    assert again.returncode == 0, again
    for step in STEPS:
        assert re.search(rf"^  {step}\s+reused from run_\S+$", again.stdout, re.M), again.stdout


def test_wait_on_a_failing_run_exits_1_and_names_the_step(api, ci):
    result = run_cli([ci.failing["name"], "--wait"], ci.env(api.url))
    assert result.returncode == 1, result
    run_id = first_line(result)[1]
    out = result.stdout
    assert re.search(r"^  train\s+failed: .*nope", out, re.M), out
    assert re.search(r"^failed at step train: .*nope", out, re.M), out
    assert f"run {run_id} failed" in out
    assert ci.run(run_id)["error"]["step"] == "train"


def test_without_wait_exits_0_and_prints_the_id(api, ci, tmp_path):
    github_output = tmp_path / "github-output"
    result = run_cli([ci.good["name"]], ci.env(api.url, GITHUB_OUTPUT=str(github_output)))
    assert result.returncode == 0, result
    assert len(result.stdout.splitlines()) == 1, result.stdout
    match = first_line(result)
    assert match[2] == "queued"
    assert ci.run(match[1])["endpoint_id"] == ci.good["id"]
    # In GitHub Actions the run's id and status become step outputs.
    assert github_output.read_text().splitlines() == [f"run_id={match[1]}", "status=queued"]


def test_with_a_bearer_token_instead_of_client_credentials(api, ci):
    token = ci.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(ci.client_id, ci.client_secret)).json()["access_token"]
    result = run_cli([ci.good["name"]], cli_env(api.url, token=token))
    assert result.returncode == 0, result
    first_line(result)
    assert_no_secrets(result, token)

    forged = run_cli([ci.good["name"]], cli_env(api.url, token=token[:-4] + "AAAA"))
    assert forged.returncode == 2, forged
    assert "401" in forged.stderr


# --- parameters -----------------------------------------------------------------------------

def test_parameter_values_are_json_when_they_parse_as_json(api, ci):
    result = run_cli([ci.typed["name"], "-p", "fraction=0.6", "-p", "seed=3", "-p", f"data_path={DATA_PATH}"],
                     ci.env(api.url))
    assert result.returncode == 0, result
    parameters = ci.run(first_line(result)[1])["parameters"]
    assert parameters == {"data_path": DATA_PATH, "fraction": 0.6, "seed": 3}
    assert isinstance(parameters["seed"], int) and isinstance(parameters["fraction"], float)

    # A quoted JSON string stays a string: the server refuses it for a number parameter.
    quoted = run_cli([ci.typed["name"], "-p", 'fraction="0.6"'], ci.env(api.url))
    assert quoted.returncode == 2, quoted
    assert re.search(r"^  parameters\.fraction: ", quoted.stderr, re.M), quoted.stderr


def test_unknown_parameter_exits_2_and_names_it(api, ci):
    result = run_cli([ci.good["name"], "-p", "nope=1", "-p", "learning_rate=0.05"], ci.env(api.url))
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "(HTTP 422)" in result.stderr
    assert re.search(r"^  parameters\.nope: \S", result.stderr, re.M), result.stderr
    assert re.search(r"^  parameters\.learning_rate: \S", result.stderr, re.M), result.stderr


def test_parameter_without_equals_is_a_usage_error_before_any_request(ci):
    # The URL cannot be reached: exit 2 (not 3) shows nothing was sent.
    result = run_cli([ci.good["name"], "-p", "data_path"], ci.env("http://127.0.0.1:1"))
    assert result.returncode == 2, result
    assert "NAME=VALUE" in result.stderr


# --- refusals and failures to reach the service --------------------------------------------------

def test_unknown_endpoint_exits_2(api, ci):
    result = run_cli(["no-such-endpoint-" + secrets.token_hex(3)], ci.env(api.url))
    assert result.returncode == 2, result
    assert "(HTTP 404)" in result.stderr and result.stdout == ""


def test_unknown_version_exits_2(api, ci):
    result = run_cli([ci.good["name"], "--version", "99"], ci.env(api.url))
    assert result.returncode == 2, result
    assert "(HTTP 404)" in result.stderr


def test_disabled_endpoint_exits_2_with_the_detail(api, ci):
    endpoint = ci.endpoint("disabled-" + secrets.token_hex(3), small_pipeline())
    patched = ci.client.patch(f"/endpoints/{endpoint['id']}", json={"enabled": False}, headers=ci.headers)
    assert patched.status_code == 200, patched.text
    refused = ci.client.post(f"/endpoints/{endpoint['id']}/runs", json={}, headers=ci.headers)
    assert refused.status_code == 409, refused.text

    result = run_cli([endpoint["name"], "--wait"], ci.env(api.url))
    assert result.returncode == 2, result
    assert refused.json()["detail"] in result.stderr
    assert "(HTTP 409)" in result.stderr


def test_bad_client_secret_exits_2_without_printing_it(api, ci):
    wrong = "wrong-" + secrets.token_urlsafe(16)
    result = run_cli([ci.good["name"]], cli_env(api.url, client_id=ci.client_id, client_secret=wrong))
    assert result.returncode == 2, result
    assert "invalid_client" in result.stderr
    assert_no_secrets(result, wrong)


def test_missing_scope_exits_2(api, ci):
    client_id, client_secret = ci.service_principal("read-only-" + secrets.token_hex(3), ["runs:read"])
    result = run_cli([ci.good["name"]], cli_env(api.url, client_id=client_id, client_secret=client_secret))
    assert result.returncode == 2, result
    assert "(HTTP 403)" in result.stderr


def test_no_credentials_exits_2(api, ci):
    result = run_cli([ci.good["name"]], cli_env(api.url))
    assert result.returncode == 2, result
    assert "RETRAINER_CLIENT_ID" in result.stderr


def test_unreachable_service_exits_3(ci):
    result = run_cli([ci.good["name"], "--wait"], ci.env("http://127.0.0.1:1"))
    assert result.returncode == 3, result
    assert "cannot reach http://127.0.0.1:1" in result.stderr

    # --url overrides RETRAINER_URL.
    result = run_cli([ci.good["name"], "--url", "http://127.0.0.1:1"], ci.env("http://127.0.0.1:9"))
    assert result.returncode == 3, result
    assert "http://127.0.0.1:1" in result.stderr


# --- idempotency ------------------------------------------------------------------------------

def test_idempotency_key_returns_the_same_run(api, ci):
    key = "ci-" + secrets.token_hex(8)
    args = [ci.good["name"], "-p", f"data_path={DATA_PATH}", "--idempotency-key", key]
    first = run_cli(args, ci.env(api.url))
    second = run_cli(args, ci.env(api.url))
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    assert first_line(first)[1] == first_line(second)[1]

    # The same key with another body is refused.
    other = run_cli(args + ["--experiment", "other"], ci.env(api.url))
    assert other.returncode == 2, other
    assert "(HTTP 422)" in other.stderr


# --- the long-poll, on a queue that no worker consumes -------------------------------------------------

@pytest.fixture(scope="module")
def held(backend, make_user, tmp_path_factory):
    """A second API whose runs wait in a queue that no worker consumes."""
    log = tmp_path_factory.mktemp("held") / "api.log"
    server = start_api(backend, log, RETRAINER_QUEUE="held-" + secrets.token_hex(4))
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            admin = make_user(workspace="submit-held-" + secrets.token_hex(3), admin=True)
            yield server, Setup(client, bearer(password_token(client, admin)))
    finally:
        stop_process(server.process)


def _requests_for(server, run_id: str) -> list[str]:
    return [line for line in server.log().splitlines() if f"GET /runs/{run_id} " in line]


def test_timeout_while_waiting_exits_3_without_busy_polling(held):
    server, setup = held
    started = time.monotonic()
    result = run_cli([setup.good["name"], "--wait", "--timeout", "6"], setup.env(server.url), timeout=60)
    took = time.monotonic() - started
    assert result.returncode == 3, result
    run_id = first_line(result)[1]
    assert f"run {run_id} is still queued after --timeout 6 s" in result.stderr
    assert 6 <= took < 30, took
    # A plain GET for the current ETag (unless the 202 carried one), then one long-poll
    # of the remaining seconds that ends in 304: no polling while nothing changes.
    time.sleep(0.5)
    assert 1 <= len(_requests_for(server, run_id)) <= 2, _requests_for(server, run_id)


def test_wait_answers_as_soon_as_the_run_changes(held):
    server, setup = held
    process = subprocess.Popen(CLI + [setup.good["name"], "--wait", "--timeout", "120"],
                               env=setup.env(server.url), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().rstrip("\n")
        match = FIRST_LINE.match(line)
        assert match, line
        run_id = match[1]
        time.sleep(3)  # the CLI is in a long-poll now
        assert process.poll() is None
        canceled = setup.client.post(f"/runs/{run_id}/cancel", headers=setup.headers)
        assert canceled.status_code == 200, canceled.text
        canceled_at = time.monotonic()
        rest, errors = process.communicate(timeout=25)
        assert time.monotonic() - canceled_at < 10, "the long-poll did not answer when the run changed"
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, (rest, errors)
    assert f"run {run_id} canceled" in rest
    assert re.search(r"^  train\s+canceled$", rest, re.M), rest
    assert re.search(r"^canceled: canceled by ", rest, re.M), rest
    assert 1 <= len(_requests_for(server, run_id)) <= 2, _requests_for(server, run_id)


# --- the CI example ---------------------------------------------------------------------------

def _help_options() -> set[str]:
    result = subprocess.run(CLI + ["--help"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.returncode == 0, result
    listing = result.stdout[result.stdout.index("Options"):]  # not the usage line nor the prose
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", listing))
    assert {"--wait", "--timeout", "--idempotency-key", "-p", "--experiment", "--version"} <= options, result.stdout
    for code in ("0 =", "1 =", "2 =", "3 ="):  # the exit codes are documented in the help
        assert code in result.stdout, result.stdout
    return options


def test_workflow_example_uses_only_options_the_cli_has():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert any("cron" in entry for entry in triggers["schedule"])
    assert "data_path" in triggers["workflow_dispatch"]["inputs"]

    commands = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
            for name in ("RETRAINER_URL", "RETRAINER_CLIENT_ID", "RETRAINER_CLIENT_SECRET"):
                if "retrainer submit" in step.get("run", ""):
                    assert "secrets." in env.get(name, ""), f"{name} is not set from a secret"
            for command in step.get("run", "").replace("\\\n", " ").splitlines():
                if "retrainer submit" in command:
                    commands.append(command)
    assert len(commands) == 1, commands
    words = shlex.split(commands[0])
    assert words[:3] == ["retrainer", "submit", "census-income"], words
    used = {w.split("=", 1)[0] for w in words if w.startswith("-")}
    assert used, words
    assert used <= _help_options(), used - _help_options()
    assert {"--wait", "--experiment", "--idempotency-key", "-p"} <= used
    assert words[words.index("--experiment") + 1] == "nightly"
    assert words[words.index("--idempotency-key") + 1] == "${{ github.run_id }}-${{ github.run_attempt }}"
    assert any(w.startswith("data_path=") for w in words), words
    assert json.dumps(workflow)  # plain data, nothing YAML-specific left
