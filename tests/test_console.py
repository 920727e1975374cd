"""The terminal commands (`retrainer login`, `runs`, `endpoints`, `models`) as a person
runs them: real subprocesses against the session's real API and worker."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers.api import bearer, password_token
from tests.helpers.processes import ROOT, free_port, start_api, stop_process
from tests.helpers.samples import small_csv, small_pipeline

CLI = [sys.executable, "-m", "app.cli"]


def run(args: list[str], env: dict[str, str], stdin: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, env=env, cwd=ROOT, capture_output=True, text=True, input=stdin,
                          timeout=timeout, check=False)


def person_env(url: str, token_file, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update({"RETRAINER_URL": url, "RETRAINER_TOKEN_FILE": str(token_file), "PYTHONUNBUFFERED": "1",
                "COLUMNS": "200"})
    env.update(extra)
    return env


def wait_done(client: httpx.Client, headers: dict, run_id: str) -> dict:
    deadline = time.monotonic() + 120
    while True:
        body = client.get(f"/runs/{run_id}", params={"wait": 30}, headers=headers).json()
        if body["status"] in ("succeeded", "failed", "canceled"):
            return body
        assert time.monotonic() < deadline, body


class Story:
    """A person's workspace: the small data, an endpoint that trains, one whose training
    fails, a succeeded run and a failed run; and the person logged in."""

    def __init__(self, api, client, account, tmp_path) -> None:
        self.url = api.url
        self.account = account
        self.headers = bearer(password_token(client, account))
        self.token_file = tmp_path / "session" / "token.json"
        self.env = person_env(api.url, self.token_file)
        assert client.put("/datastores/default/files/small/train.csv", content=small_csv(),
                          headers=self.headers).status_code == 201
        self.good = self._endpoint(client, "small-good", small_pipeline())
        self.bad = self._endpoint(client, "small-bad", small_pipeline(label="nope"))
        self.ok_run = wait_done(client, self.headers, client.post(
            "/endpoints/small-good/runs", json={"experiment": "cli"}, headers=self.headers).json()["id"])
        self.failed_run = wait_done(client, self.headers, client.post(
            "/endpoints/small-bad/runs", json={}, headers=self.headers).json()["id"])

    def _endpoint(self, client, name: str, spec: dict) -> dict:
        spec["name"] = name
        pipeline = client.post("/pipelines", json=spec, headers=self.headers).json()
        endpoint = client.post("/endpoints", json={"name": name, "description": f"{name} test"},
                               headers=self.headers).json()
        assert client.post(f"/endpoints/{name}/versions", json={"pipeline_id": pipeline["id"]},
                           headers=self.headers).status_code == 201
        return endpoint

    def login(self) -> subprocess.CompletedProcess:
        return run(["login", "--username", self.account.username, "--password-stdin"], self.env,
                   stdin=self.account.password + "\n")


@pytest.fixture(scope="module")
def story(api, worker, make_user, tmp_path_factory) -> Story:
    with httpx.Client(base_url=api.url, timeout=60) as client:
        s = Story(api, client, make_user(workspace="cli-" + secrets.token_hex(3)), tmp_path_factory.mktemp("cli"))
    result = s.login()
    assert result.returncode == 0, result.stderr
    return s


def test_login_keeps_the_token_in_a_file_only_the_user_can_read(story, make_user, tmp_path):
    assert f"logged in to {story.url} as {story.account.username}" in story.login().stdout
    assert stat.S_IMODE(story.token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(story.token_file.parent.stat().st_mode) == 0o700
    saved = json.loads(story.token_file.read_text())
    assert saved["url"] == story.url and httpx.get(story.url + "/me", headers=bearer(saved["access_token"])).json()["name"] == story.account.username

    # A wrong password is refused (exit 2) and writes nothing.
    other = tmp_path / "other.json"
    wrong = run(["login", "--username", story.account.username, "--password-stdin"],
                person_env(story.url, other), stdin="not the password\n")
    assert wrong.returncode == 2 and "invalid_grant" in wrong.stderr and not other.exists()
    # Without a login (nor credentials in the environment), commands say what to do.
    missing = run(["runs", "list"], person_env(story.url, tmp_path / "none.json"))
    assert missing.returncode == 2 and "run retrainer login" in missing.stderr
    # A file others can read is not trusted.
    loose = tmp_path / "loose.json"
    loose.write_text(story.token_file.read_text())
    loose.chmod(0o644)
    refused = run(["runs", "list"], person_env(story.url, loose))
    assert refused.returncode == 2 and "readable by other users" in refused.stderr


def test_endpoints_list_and_show(story):
    listed = run(["endpoints", "list"], story.env)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["NAME", "STATE", "DEFAULT", "LATEST", "DESCRIPTION"]
    assert sorted(r.split()[0] for r in rows) == ["small-bad", "small-good"]
    assert all(r.split()[1:4] == ["enabled", "1", "1"] for r in rows)
    as_json = json.loads(run(["endpoints", "list", "--json"], story.env).stdout)
    assert {e["name"] for e in as_json} == {"small-good", "small-bad"}

    shown = run(["endpoints", "show", "small-good"], story.env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"endpoint small-good  enabled  ({story.good['id']})")
    version_row = [line for line in shown.stdout.splitlines() if line.startswith("1 ")]
    assert version_row and "yes" in version_row[0]
    assert "data_path=datastore://default/small/train.csv" in version_row[0]
    unknown = run(["endpoints", "show", "no-such-endpoint"], story.env)
    assert unknown.returncode == 2 and "no-such-endpoint" in unknown.stderr and "HTTP 404" in unknown.stderr


def test_runs_list_show_and_logs(story):
    listed = run(["runs", "list"], story.env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["RUN", "STATUS", "SOURCE", "EXPERIMENT", "CREATED", "TOOK", "MODEL"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {story.ok_run["id"], story.failed_run["id"]}
    assert "succeeded  small-good v1" in rows[story.ok_run["id"]] and "small-good v1" in rows[story.ok_run["id"]]
    assert f"{story.ok_run['model']['name']} v{story.ok_run['model']['version']}" in rows[story.ok_run["id"]]
    assert "failed     small-bad v1" in rows[story.failed_run["id"]]
    only_failed = json.loads(run(["runs", "list", "--status", "failed", "--json"], story.env).stdout)
    assert [r["id"] for r in only_failed] == [story.failed_run["id"]]
    by_endpoint = json.loads(run(["runs", "list", "--endpoint", "small-good", "--json"], story.env).stdout)
    assert [r["id"] for r in by_endpoint] == [story.ok_run["id"]]

    shown = run(["runs", "show", story.failed_run["id"]], story.env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"run {story.failed_run['id']}  failed")
    assert "error       step train:" in shown.stdout
    step_rows = {line.split()[0]: line for line in shown.stdout.split("STEP", 1)[1].splitlines()[1:]}
    assert list(step_rows) == ["import", "split", "train", "score", "evaluate"]
    assert "succeeded" in step_rows["import"] and "failed" in step_rows["train"]
    assert json.loads(run(["runs", "show", story.ok_run["id"], "--json"], story.env).stdout) == \
        httpx.get(f"{story.url}/runs/{story.ok_run['id']}", headers=story.headers).json()

    logs = run(["runs", "logs", story.ok_run["id"], "--step", "train"], story.env)
    assert logs.returncode == 0 and "fitting logistic_regression" in logs.stdout and "== " not in logs.stdout
    every = run(["runs", "logs", story.ok_run["id"]], story.env)
    assert [line for line in every.stdout.splitlines() if line.startswith("== ")] == \
        ["== import ==", "== split ==", "== train ==", "== score ==", "== evaluate =="]
    bad_step = run(["runs", "logs", story.ok_run["id"], "--step", "nope"], story.env)
    assert bad_step.returncode == 2 and "its steps: import, split, train, score, evaluate" in bad_step.stderr


def test_runs_wait_exit_codes(story):
    succeeded = run(["runs", "wait", story.ok_run["id"]], story.env)
    assert succeeded.returncode == 0, succeeded.stderr
    assert f"run {story.ok_run['id']} succeeded" in succeeded.stdout.splitlines()
    failed = run(["runs", "wait", story.failed_run["id"]], story.env)
    assert failed.returncode == 1 and "failed at step train" in failed.stdout
    missing = run(["runs", "wait", "run_nope"], story.env)
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr
    unreachable = run(["runs", "list", "--url", f"http://127.0.0.1:{free_port()}"],
                      {**story.env, "RETRAINER_TOKEN": "x"})
    assert unreachable.returncode == 3 and "cannot reach" in unreachable.stderr


def test_queued_run_wait_times_out_then_cancel(story, backend, tmp_path):
    """A run held in a queue no worker reads: `wait --timeout` gives up with 3 (the run
    goes on), `cancel` stops it, canceling a finished run is refused with 2."""
    queue = "held-" + secrets.token_hex(4)
    server = start_api(backend, tmp_path / "api.log", RETRAINER_QUEUE=queue)
    try:
        env = {**story.env, "RETRAINER_URL": server.url, "RETRAINER_TOKEN": story.headers["Authorization"][7:]}
        held = httpx.post(f"{server.url}/endpoints/small-good/runs", json={}, headers=story.headers).json()
        waited = run(["runs", "wait", held["id"], "--timeout", "2"], env)
        assert waited.returncode == 3 and "still queued after --timeout 2 s" in waited.stderr
        follower = subprocess.Popen(CLI + ["runs", "logs", held["id"], "--follow"], env=env, cwd=ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        canceled = run(["runs", "cancel", held["id"]], env)
        # `logs --follow` ends by itself once the run is finished (here: canceled).
        assert follower.wait(timeout=60) == 0, follower.stderr.read()
        assert canceled.returncode == 0 and canceled.stdout.strip() == f"run {held['id']} canceled"
        assert run(["runs", "wait", held["id"]], env).returncode == 1
        finished = run(["runs", "cancel", story.ok_run["id"]], env)
        assert finished.returncode == 2 and "already succeeded" in finished.stderr
    finally:
        stop_process(server.process)


def test_models_list_and_download(story, tmp_path):
    name = story.ok_run["model"]["name"]
    listed = run(["models", "list"], story.env)
    assert listed.returncode == 0 and listed.stdout.splitlines()[1].split()[:3] == [name, "1", "1"]
    versions = run(["models", "list", name], story.env)
    assert story.ok_run["id"] in versions.stdout and "roc_auc=" in versions.stdout
    target = tmp_path / "model.joblib"
    downloaded = run(["models", "download", name, "-o", str(target)], story.env)
    assert downloaded.returncode == 0, downloaded.stderr
    registered = httpx.get(f"{story.url}/models/{name}/versions/1", headers=story.headers).json()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == registered["sha256"]
    assert f"sha256 {registered['sha256']}" in downloaded.stdout and story.ok_run["id"] in downloaded.stdout
    missing = run(["models", "download", name, "--version", "9", "-o", str(tmp_path / "x")], story.env)
    assert missing.returncode == 2 and not (tmp_path / "x").exists()


def test_logout_revokes_the_token(story, tmp_path):
    env = person_env(story.url, tmp_path / "t.json")
    assert run(["login", "-u", story.account.username, "--password-stdin"], env,
               stdin=story.account.password + "\n").returncode == 0
    token = json.loads((tmp_path / "t.json").read_text())["access_token"]
    out = run(["logout"], env)
    assert out.returncode == 0 and out.stdout.strip() == f"logged out of {story.url}"
    assert not (tmp_path / "t.json").exists()
    assert httpx.get(story.url + "/me", headers=bearer(token)).status_code == 401
    again = run(["runs", "list"], env)
    assert again.returncode == 2 and "not logged in" in again.stderr


def test_submit_uses_the_token_that_login_kept(story, tmp_path):
    """A person who ran `retrainer login` retrains with `retrainer submit`, no
    RETRAINER_CLIENT_ID in sight, as the README and `endpoints show` say."""
    env = person_env(story.url, tmp_path / "session" / "token.json")
    assert not any(k in env for k in ("RETRAINER_CLIENT_ID", "RETRAINER_CLIENT_SECRET", "RETRAINER_TOKEN"))
    login = run(["login", "-u", story.account.username, "--password-stdin"], env, stdin=story.account.password + "\n")
    assert login.returncode == 0, login.stderr

    waited = run(["submit", "small-good", "--experiment", "kept-login", "--wait"], env)
    assert waited.returncode == 0, waited
    lines = waited.stdout.splitlines()
    run_id = lines[0].split()[1]
    assert lines[0].startswith(f"run {run_id} ") and lines[0].endswith("(endpoint small-good v1)"), lines
    assert f"run {run_id} succeeded" in lines
    shown = httpx.get(f"{story.url}/runs/{run_id}", headers=story.headers).json()
    assert shown["status"] == "succeeded" and shown["experiment"] == "kept-login"

    failed = run(["submit", "small-bad", "--wait"], env)
    assert failed.returncode == 1 and "failed at step train" in failed.stdout, failed
    queued = run(["submit", "small-good"], env)
    assert queued.returncode == 0 and len(queued.stdout.splitlines()) == 1, queued

    # The kept token belongs to the service it was issued by: never sent to another one.
    elsewhere = run(["submit", "small-good", "--url", "http://127.0.0.1:9"], env)
    assert elsewhere.returncode == 2 and "not logged in to http://127.0.0.1:9" in elsewhere.stderr, elsewhere
    # Logged out: submit says what to do, as the other commands do.
    assert run(["logout"], env).returncode == 0
    after = run(["submit", "small-good"], env)
    assert after.returncode == 2 and "run retrainer login" in after.stderr, after
