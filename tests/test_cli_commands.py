"""Every command group of the terminal client (retrainer_cli), as a person runs it: real
subprocesses against the session's real API, worker and database, logged in with
`retrainer login`. One test per group: data, pipelines, endpoints, runs compare, models,
deployments, principals, triggers, webhooks; then profiles, exit codes and completion.
(login, runs list/show/logs/wait/cancel and models download: tests/test_console.py;
submit from CI: tests/test_submit.py.)"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess

import httpx
import pytest

from tests.helpers.api import bearer, password_token
from tests.helpers.processes import free_port
from tests.helpers.samples import small_csv, small_pipeline
from tests.test_console import CLI, ROOT, person_env, run


class Workspace:
    """An admin of a workspace of its own, logged in with `retrainer login`, with the small
    training data uploaded by `retrainer data upload`, in a folder of its own."""

    def __init__(self, api, account, tmp_path) -> None:
        self.url, self.account, self.dir = api.url, account, tmp_path
        self.env = person_env(api.url, tmp_path / "session" / "token.json")
        with httpx.Client(base_url=api.url, timeout=60) as client:
            self.headers = bearer(password_token(client, account))
        login = run(["login", "-u", account.username, "--password-stdin"], self.env, stdin=account.password + "\n")
        assert login.returncode == 0, login.stderr
        (tmp_path / "train.csv").write_bytes(small_csv())
        self.ok("data", "upload", str(tmp_path / "train.csv"), "datastore://default/small/train.csv")

    def cli(self, *args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
        return run(list(args), env or self.env, stdin=stdin)

    def ok(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        result = self.cli(*args, **kwargs)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json").stdout)

    def api(self, path: str) -> dict:
        response = httpx.get(self.url + path, headers=self.headers, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def pipeline_file(self, name: str, **changes) -> str:
        spec = {**small_pipeline(), **changes}
        path = self.dir / f"{name}.json"
        path.write_text(json.dumps(spec))
        return str(path)

    def published(self, endpoint: str) -> tuple[str, dict]:
        """A pipeline created and published to a new endpoint with the CLI, and a succeeded run of it."""
        pipeline = self.json("pipelines", "create", self.pipeline_file(endpoint), "--name", endpoint)
        self.ok("pipelines", "publish", pipeline["id"], endpoint)
        submitted = self.ok("submit", endpoint, "--wait")
        return pipeline["id"], self.api(f"/runs/{submitted.stdout.split()[1]}")


@pytest.fixture(scope="module")
def ws(api, worker, make_user, tmp_path_factory) -> Workspace:
    return Workspace(api, make_user(workspace="cli-" + secrets.token_hex(3), admin=True),
                     tmp_path_factory.mktemp("cli-commands"))


def rows_of(stdout: str) -> dict[str, str]:
    """Table lines keyed by their first cell (the header line too)."""
    return {line.split()[0]: line for line in stdout.splitlines() if line.strip()}


def test_data_ls_upload_download(ws, tmp_path):
    stores = ws.ok("data", "ls")
    assert re.search(r"^default\s+local\s+datastore://default/$", stores.stdout, flags=re.MULTILINE), stores.stdout
    listed = ws.ok("data", "ls", "datastore://default/small/")
    assert rows_of(listed.stdout)["datastore://default/small/train.csv"].split()[1:3] == [str(len(small_csv())), "B"]
    assert [f["uri"] for f in ws.json("data", "ls", "default/small")] == ["datastore://default/small/train.csv"]

    piped = ws.ok("data", "upload", "-", "datastore://default/small/stdin.csv", "--json", stdin="a,b\n1,2\n")
    assert json.loads(piped.stdout)["size"] == 8
    target = tmp_path / "copy.csv"
    got = ws.ok("data", "download", "datastore://default/small/train.csv", "-o", str(target))
    digest = hashlib.sha256(small_csv()).hexdigest()
    assert target.read_bytes() == small_csv() and f"sha256 {digest}" in got.stdout
    to_stdout = ws.ok("data", "download", "default/small/train.csv", "-o", "-")
    assert to_stdout.stdout.encode() == small_csv()

    missing = ws.cli("data", "download", "datastore://default/small/nope.csv", "-o", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr and not (tmp_path / "nope").exists()
    bad = ws.cli("data", "upload", str(target), "datastore://default")
    assert bad.returncode == 2 and "write it as datastore://default/" in bad.stderr
    unknown = ws.cli("data", "ls", "datastore://no-such-store/")
    assert unknown.returncode == 2 and "no-such-store" in unknown.stderr


def test_pipelines_create_show_edit_run_publish(ws):
    created = ws.ok("pipelines", "create", ws.pipeline_file("p1"), "--name", "cli-draft")
    pipeline_id = re.search(r"^created pipeline cli-draft \((pl_\w+)\): 5 steps$", created.stdout, flags=re.M).group(1)
    assert pipeline_id in rows_of(ws.ok("pipelines", "list").stdout)
    shown = ws.ok("pipelines", "show", pipeline_id)
    assert "parameter data_path (data_path) = datastore://default/small/train.csv" in shown.stdout
    assert rows_of(shown.stdout)["train"].split()[1:3] == ["train_model", "data<-split.train"]
    assert ws.json("pipelines", "show", pipeline_id) == ws.api(f"/pipelines/{pipeline_id}")

    edited = ws.ok("pipelines", "edit", pipeline_id, ws.pipeline_file("p2", description="edited"), "--name", "cli-draft")
    assert edited.stdout.startswith(f"saved pipeline cli-draft ({pipeline_id})")
    assert ws.api(f"/pipelines/{pipeline_id}")["description"] == "edited"
    # Every problem of a refused file is listed, each under its location.
    broken = ws.cli("pipelines", "create", ws.pipeline_file("bad", steps={"x": {"component": "no_such"}}))
    assert broken.returncode == 2 and "HTTP 422" in broken.stderr and "steps.x" in broken.stderr, broken.stderr

    ran = ws.ok("pipelines", "run", pipeline_id, "--experiment", "try", "--wait")
    run_id = ran.stdout.split()[1]
    assert f"run {run_id} succeeded" in ran.stdout.splitlines() and "train " in ran.stdout
    assert ws.api(f"/runs/{run_id}")["experiment"] == "try"
    failing = ws.ok("pipelines", "create", ws.pipeline_file("p3", steps=small_pipeline(label="nope")["steps"]))
    failed = ws.cli("pipelines", "run", failing.stdout.split("(")[1].split(")")[0], "--wait")
    assert failed.returncode == 1 and "failed at step train" in failed.stdout

    published = ws.ok("pipelines", "publish", pipeline_id, "cli-published", "--description", "first")
    assert published.stdout.strip() == "published cli-published version 1 (default): retrainer submit cli-published --wait"
    assert ws.api("/endpoints/cli-published/versions/1")["pipeline_id"] == pipeline_id


def test_endpoints_versions_default_and_state(ws):
    pipeline_id, _ = ws.published("cli-endpoint")
    second = ws.json("pipelines", "publish", pipeline_id, "cli-endpoint", "--no-default", "--description", "second")
    assert second["version"] == 2 and second["is_default"] is False
    versions = rows_of(ws.ok("endpoints", "versions", "cli-endpoint").stdout)
    assert "yes" in versions["1"] and "yes" not in versions["2"] and pipeline_id in versions["2"]
    assert ws.ok("endpoints", "set-default", "cli-endpoint", "2").stdout.strip() == \
        "endpoint cli-endpoint enabled, default version 2"
    assert ws.api("/endpoints/cli-endpoint")["default_version"] == 2
    missing = ws.cli("endpoints", "set-default", "cli-endpoint", "9")
    assert missing.returncode == 2 and "HTTP 4" in missing.stderr

    assert "disabled" in ws.ok("endpoints", "disable", "cli-endpoint").stdout
    refused = ws.cli("submit", "cli-endpoint")
    assert refused.returncode == 2 and "HTTP 409" in refused.stderr
    assert "enabled" in ws.ok("endpoints", "enable", "cli-endpoint").stdout
    created = ws.json("endpoints", "create", "cli-empty", "--description", "nothing yet")
    assert created["name"] == "cli-empty" and created["default_version"] is None
    assert ws.cli("endpoints", "create", "cli-empty").returncode == 2


def test_runs_compare_marks_differences(ws):
    _, first = ws.published("cli-compare")
    ws.ok("data", "upload", str(ws.dir / "train.csv"), "datastore://default/small/other.csv")
    second_id = ws.ok("submit", "cli-compare", "-p", "data_path=datastore://default/small/other.csv",
                      "--experiment", "b", "--wait").stdout.split()[1]
    compared = ws.ok("runs", "compare", first["id"], second_id)
    lines = compared.stdout.splitlines()
    assert lines[0].split() == ["KIND", "FIELD", first["id"], second_id]
    # (marked, kind) by field: '*' in the first column marks values that differ.
    by_field = {line[1:].split()[1]: (line[0] == "*", line[1:].split()[0]) for line in lines[1:]}
    assert by_field["data_path"] == (True, "parameter"), compared.stdout
    assert by_field["experiment"] == (True, "run") and by_field["status"] == (False, "run")
    assert by_field["roc_auc"][1] == "metric" and by_field["model"][1] == "model"
    only = ws.ok("runs", "compare", first["id"], second_id, "--diff").stdout.splitlines()[1:]
    assert only and all(line.startswith("*") for line in only)
    assert [r["id"] for r in ws.json("runs", "compare", first["id"], second_id)] == [first["id"], second_id]
    alone = ws.cli("runs", "compare", first["id"])
    assert alone.returncode == 2 and "two runs or more" in alone.stderr
    missing = ws.cli("runs", "compare", first["id"], "run_nope")
    assert missing.returncode == 2 and "run_nope" in missing.stderr


def test_models_show(ws):
    _, done = ws.published("cli-model")
    name, version = done["model"]["name"], str(done["model"]["version"])
    shown = ws.ok("models", "show", name, version)
    assert shown.stdout.startswith(f"model {name} v{version}") and done["id"] in shown.stdout
    assert "roc_auc=" in shown.stdout
    assert ws.json("models", "show", name, version) == ws.api(f"/models/{name}/versions/{version}")
    assert name in rows_of(ws.ok("models", "list").stdout)


def test_deployments_create_predict_history_rollback_drift(ws):
    _, first = ws.published("cli-deploy")
    model = first["model"]["name"]
    created = ws.ok("deployments", "create", "cli-serve", "--model", model, "--version", "1", "--log-predictions")
    assert created.stdout.startswith(f"deployment cli-serve  enabled  serves {model} v1 (pinned)")
    assert "input       x1, x2, color" in created.stdout
    both = ws.cli("deployments", "create", "x", "--model", model, "--version", "1", "--follow")
    assert both.returncode == 2 and "one of them" in both.stderr
    assert rows_of(ws.ok("deployments", "list").stdout)["cli-serve"].split()[1:4] == ["enabled", model, "v1"]

    (ws.dir / "rows.csv").write_text("x1,x2,color\n1,2,red\n6,3,blue\n")
    predicted = ws.ok("deployments", "predict", "cli-serve", str(ws.dir / "rows.csv"))
    assert predicted.stdout.splitlines()[0].split() == ["row", "prediction", "p(no)", "p(yes)"]
    assert predicted.stdout.rstrip().endswith(f"(2 rows, model {model} v1)")
    (ws.dir / "rows.json").write_text(json.dumps([{"x1": 1, "x2": 2, "color": "red"}]))
    as_json = ws.json("deployments", "predict", "cli-serve", str(ws.dir / "rows.json"))
    assert as_json["model"] == {"name": model, "version": 1} and len(as_json["predictions"]) == 1
    (ws.dir / "bad.json").write_text(json.dumps({"rows": [{"x1": "many", "x2": 2, "color": "red"}]}))
    bad = ws.cli("deployments", "predict", "cli-serve", str(ws.dir / "bad.json"))
    assert bad.returncode == 2 and "HTTP 422" in bad.stderr and "rows.0.x1" in bad.stderr, bad.stderr

    # Too few logged rows to measure (RETRAINER_DRIFT_MIN_ROWS): the report says so, and what to do.
    drift = ws.ok("deployments", "drift", "cli-serve", "--window", "PT1H")
    assert drift.stdout.startswith("deployment cli-serve v1: no drift over PT1H (") and "widen the window" in drift.stdout
    report = ws.json("deployments", "drift", "cli-serve")
    assert report["enough_rows"] is False and report["reference_rows"] > 0

    ws.ok("submit", "cli-deploy", "--wait", "--regenerate")  # version 2 of the model
    ws.ok("deployments", "create", "cli-follow", "--model", model, "--follow")
    assert ws.api("/deployments/cli-follow")["version"] == 2
    rolled = ws.ok("deployments", "rollback", "cli-follow", "--to", "1")
    assert f"serves {model} v1 (pinned)" in rolled.stdout
    history = ws.ok("deployments", "history", "cli-follow").stdout.splitlines()
    assert history[1].split()[2:5] == ["rollback", "2", "1"] and history[2].split()[2] == "created"
    assert [e["reason"] for e in ws.json("deployments", "history", "cli-follow")] == ["rollback", "created"]
    again = ws.cli("deployments", "rollback", "cli-follow")  # the version before 1 was 2: not a rollback
    assert again.returncode == 2 and "an earlier version than 1" in again.stderr

    assert "disabled" in ws.ok("deployments", "disable", "cli-serve").stdout
    disabled = ws.cli("deployments", "predict", "cli-serve", str(ws.dir / "rows.csv"))
    assert disabled.returncode == 2 and "HTTP 409" in disabled.stderr
    assert ws.ok("deployments", "delete", "cli-serve").stdout.strip() == "deleted deployment cli-serve"
    gone = ws.cli("deployments", "show", "cli-serve")
    assert gone.returncode == 2 and "HTTP 404" in gone.stderr


def test_principals_create_list_revoke(ws):
    created = ws.ok("principals", "create", "cli-ci", "--scope", "runs:read", "--scope", "endpoints:read")
    values = dict(line.split("=", 1) for line in created.stdout.splitlines() if line.startswith("RETRAINER_CLIENT_"))
    listed = ws.json("principals", "list")
    [mine] = [p for p in listed if p["client_id"] == values["RETRAINER_CLIENT_ID"]]
    assert mine["scopes"] == ["endpoints:read", "runs:read"] and "client_secret" not in mine
    ci_env = {**ws.env, **values}
    assert ws.cli("runs", "list", env=ci_env).returncode == 0
    # A missing scope says which one is needed.
    scoped = ws.cli("deployments", "list", env=ci_env)
    assert scoped.returncode == 2 and "needs the scope deployments:read" in scoped.stderr, scoped.stderr

    assert ws.ok("principals", "revoke", mine["id"]).stdout.strip() == f"revoked service principal {mine['id']}"
    revoked = ws.cli("runs", "list", env=ci_env)
    assert revoked.returncode == 2 and "invalid_client" in revoked.stderr, revoked.stderr
    assert "revoked" in rows_of(ws.ok("principals", "list").stdout)[mine["id"]]
    # A user without the admin scope is refused, with the scope named.
    user = ws.cli("principals", "list", env={**ws.env, "RETRAINER_TOKEN": _token(ws, "runs:read")})
    assert user.returncode == 2 and "needs the scope admin" in user.stderr


def _token(ws, scope: str) -> str:
    with httpx.Client(base_url=ws.url, timeout=60) as client:
        return password_token(client, ws.account, scope=scope)


def test_triggers_show_pause_delete(ws):
    ws.published("cli-trigger")
    created = ws.json("triggers", "create", "cli-trigger", "hourly", "--every", "3600", "-p",
                      "data_path=datastore://default/small/train.csv")
    shown = ws.ok("triggers", "show", created["id"])
    assert shown.stdout.startswith(f"trigger hourly ({created['id']})  enabled  every 3600 s")
    assert "parameter   data_path = datastore://default/small/train.csv" in shown.stdout
    assert "paused" in ws.ok("triggers", "disable", created["id"]).stdout
    assert ws.json("triggers", "show", created["id"])["enabled"] is False
    assert rows_of(ws.ok("triggers", "list", "cli-trigger").stdout)[created["id"]].split()[2] == "paused"
    assert ws.ok("triggers", "delete", created["id"]).stdout.strip() == f"deleted trigger {created['id']}"
    gone = ws.cli("triggers", "show", created["id"])
    assert gone.returncode == 2 and "HTTP 404" in gone.stderr


def test_webhooks_show_toggle_delete(ws):
    receiver = f"http://127.0.0.1:{free_port()}/hook"  # allowed by the session's RETRAINER_WEBHOOK_ALLOWED_HOSTS
    created = ws.json("webhooks", "create", receiver, "--event", "run.failed", "--description", "cli")
    assert created["secret"].startswith("whsec_")
    shown = ws.ok("webhooks", "show", created["id"])
    assert shown.stdout.splitlines() == [
        f"webhook {created['id']} enabled -> {receiver} (run.failed)", "  cli"]
    assert "disabled" in ws.ok("webhooks", "disable", created["id"]).stdout
    assert ws.json("webhooks", "show", created["id"])["enabled"] is False
    assert "enabled" in ws.ok("webhooks", "enable", created["id"]).stdout
    assert ws.ok("webhooks", "deliveries", created["id"]).stdout.strip() == "no deliveries yet"
    nothing = ws.cli("webhooks", "redeliver", created["id"], "dlv_nope")
    assert nothing.returncode == 2 and "HTTP 404" in nothing.stderr
    assert ws.ok("webhooks", "delete", created["id"]).stdout.strip() == f"deleted webhook {created['id']}"
    assert ws.cli("webhooks", "show", created["id"]).returncode == 2


def test_profiles_keep_one_login_per_server(ws, tmp_path):
    """`login --profile NAME` keeps that server's token under NAME: commands with --profile (or
    RETRAINER_PROFILE) use that server and token, whatever RETRAINER_URL says."""
    elsewhere = f"http://127.0.0.1:{free_port()}"
    env = person_env(elsewhere, tmp_path / "session" / "token.json")
    login = run(["login", "--profile", "staging", "--url", ws.url, "-u", ws.account.username, "--password-stdin"],
                env, stdin=ws.account.password + "\n")
    assert login.returncode == 0 and f"logged in to {ws.url} as {ws.account.username} (profile staging)" in login.stdout
    kept = tmp_path / "session" / "profiles" / "staging.json"
    assert kept.stat().st_mode & 0o777 == 0o600 and not (tmp_path / "session" / "token.json").exists()
    # Logging in again to a profile goes to its own server, whatever RETRAINER_URL says.
    again = run(["login", "--profile", "staging", "-u", ws.account.username, "--password-stdin"], env,
                stdin=ws.account.password + "\n")
    assert again.returncode == 0 and f"logged in to {ws.url} as" in again.stdout, again.stderr

    assert run(["endpoints", "list", "--profile", "staging"], env).returncode == 0
    assert run(["runs", "list"], {**env, "RETRAINER_PROFILE": "staging"}).returncode == 0
    # submit too: its token is accepted (the endpoint is not there: 404, not "not logged in").
    submitted = run(["submit", "no-such-endpoint", "--profile", "staging"], env)
    assert submitted.returncode == 2 and "HTTP 404" in submitted.stderr, submitted.stderr
    # Without the profile: RETRAINER_URL, where nobody logged in.
    plain = run(["endpoints", "list"], env)
    assert plain.returncode == 2 and f"not logged in to {elsewhere}" in plain.stderr
    unknown = run(["runs", "list", "--profile", "prod"], env)
    assert unknown.returncode == 2 and "run retrainer login --profile prod --url URL" in unknown.stderr
    assert "profiles: staging" in unknown.stderr
    listed = run(["profiles"], env)
    assert rows_of(listed.stdout)["staging"].split()[1:] == [ws.url, ws.account.username, "valid"]
    assert run(["logout", "--profile", "staging"], env).stdout.strip() == f"logged out of {ws.url}"
    assert not kept.exists()
    bad = run(["runs", "list", "--profile", "../x"], env)
    assert bad.returncode == 2 and "a profile's name" in bad.stderr


def test_exit_codes_are_documented_and_usage_errors_exit_2(ws):
    helped = subprocess.run(CLI + ["--help"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**ws.env, "COLUMNS": "400"})
    assert helped.returncode == 0 and "Exit codes (every command): 0 done" in helped.stdout
    usage = ws.cli("deployments", "create", "x")  # --model missing
    assert usage.returncode == 2 and "Missing option '--model'" in usage.stderr
    unreachable = ws.cli("pipelines", "list", "--url", f"http://127.0.0.1:{free_port()}",
                         env={**ws.env, "RETRAINER_TOKEN": "t"})
    assert unreachable.returncode == 3 and "cannot reach" in unreachable.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_prints_a_script_that_completes(shell):
    script = subprocess.run(CLI + ["completion", shell], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert script.returncode == 0, script.stderr
    assert "_RETRAINER_COMPLETE" in script.stdout and "retrainer" in script.stdout
    # typer's --show-completion prints the same for the shell it finds itself in.
    shown = subprocess.run(CLI + ["--show-completion"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                           env={**person_env("http://127.0.0.1:9", "/nonexistent"), "SHELL": f"/bin/{shell}"})
    assert shown.returncode == 0 and "_RETRAINER_COMPLETE" in shown.stdout


def test_completion_answers_the_shell():
    """What the bash script runs on Tab: the completion of `retrainer dep` and of a group's commands."""
    def complete(words: str) -> list[str]:
        env = {"_RETRAINER_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
        result = subprocess.run(CLI, cwd=ROOT, capture_output=True, text=True, timeout=60,
                                env={**person_env("http://127.0.0.1:9", "/nonexistent"), **env})
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("retrainer dep") == ["deployments"]
    assert complete("retrainer deployments r") == ["rollback"]
    assert set(complete("retrainer pipelines ")) >= {"create", "edit", "run", "publish"}
