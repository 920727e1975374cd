"""The README's two commands, its curl walk-through and its terminal walk-through, run as a user would run them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from standardwebhooks import Webhook

from tests.helpers.processes import ROOT, free_port

README = (ROOT / "README.md").read_text()


def _walkthrough() -> str:
    """The walk-through, then its continuation in "Retrain when the data drifts"."""
    blocks = []
    for marker in ("walkthrough", "drift"):
        section = README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
        blocks += re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 3
    return "\n".join(blocks)


def _json_objects(text: str) -> list[dict]:
    """The JSON answers the walk-through printed indented (python3 -m json.tool)."""
    decoder = json.JSONDecoder()
    text = "\n" + text
    objects, index = [], 0
    while (start := text.find("\n{\n", index)) >= 0:
        value, index = decoder.raw_decode(text, start + 1)
        objects.append(value)
    return objects


class _Receiver(BaseHTTPRequestHandler):
    """The reader's webhook receiver: keeps every POST (headers and body), answers 204."""

    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:  # the name http.server calls
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_readme_names_the_two_commands():
    commands = re.search(r"## Two commands.*?```bash\n(.*?)```", README, flags=re.DOTALL).group(1)
    lines = [line.split("#")[0].strip() for line in commands.splitlines() if line.strip()]
    assert lines == ["./scripts/up", "./scripts/test"]
    for line in lines:
        assert os.access(ROOT / line, os.X_OK)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in ci


def test_scripts_up_then_the_walkthrough_then_ctrl_c(tmp_path):
    """`./scripts/up` on the embedded default (SQLite, bundled Redis), then every command
    of the walk-through, then Ctrl-C: everything stops and the socket is gone."""
    port = free_port()
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(RETRAINER_DATA_DIR=str(data_dir), RETRAINER_PORT=str(port), PYTHONUNBUFFERED="1")
    # The reader's receiver runs on this machine: allowed by name, as the README says. A
    # one-second floor and poll keep the data trigger's step short (the README's defaults:
    # 60 s and 30 s; it takes DEBOUNCE from the environment).
    env.update(RETRAINER_WEBHOOK_ALLOWED_HOSTS="127.0.0.1", RETRAINER_MIN_TRIGGER_SECONDS="1",
               RETRAINER_TRIGGER_POLL_SECONDS="1")
    _Receiver.received = []
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    log_path = tmp_path / "up.log"
    with open(log_path, "wb") as log:
        up = subprocess.Popen([str(ROOT / "scripts" / "up")], cwd=tmp_path, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while "Press Ctrl-C to stop." not in log_path.read_text(errors="replace"):
            assert up.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        banner = log_path.read_text()
        assert f"Retrainer is running at {url}" in banner
        assert "created admin user 'admin' with password:" in banner
        assert httpx.get(url + "/readyz").json()["status"] == "ready"

        # The walk-through runs "from the repository's root": give it the files it names
        # there; it writes its own files into a temporary folder, not into the checkout.
        workdir = tmp_path / "checkout"
        workdir.mkdir()
        for name in ("examples", ".venv"):
            (workdir / name).symlink_to(ROOT / name)
        runtime = tmp_path / "runtime"  # the login session's runtime directory ($XDG_RUNTIME_DIR)
        runtime.mkdir(mode=0o700)
        tmp = tmp_path / "tmp"  # where its `mktemp -d` folder goes: the webhook's secret is read there
        tmp.mkdir()
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", _walkthrough()], cwd=workdir,
                                env={**env, "RETRAINER_URL": url, "XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp),
                                     "WEBHOOK_URL": f"http://127.0.0.1:{receiver.server_port}/hook",
                                     "DEBOUNCE": "2", "CHECK_EVERY": "2"},
                                capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr + result.stdout
        assert sorted(p.name for p in workdir.iterdir()) == [".venv", "examples"]
        out = result.stdout
        answers = _json_objects(out)
        me = [a for a in answers if "kind" in a]
        assert me[0]["kind"] == "user" and me[0]["name"] == "admin"
        assert "admin" in me[0]["scopes"] and me[0]["workspace"] == "default"
        assert me[1]["kind"] == "service_principal" and me[1]["name"] == "nightly-retrain"
        assert me[1]["scopes"] == ["data:read", "endpoints:read", "runs:read", "runs:write"]
        # Upload, pipeline, run, outputs, model download and scoring.
        assert {a.get("path") for a in answers} >= {"census/adult.data", "census/non-us.data"}
        assert re.search(r"^pipeline pl_\w+$", out, flags=re.MULTILINE), out
        status_line = re.search(r"^run (\S+) (\w+): ROC AUC ([0-9.]+), model (\S+) version (\d+)$", out, flags=re.MULTILINE)
        assert status_line and status_line.group(2) == "succeeded", out
        assert float(status_line.group(3)) > 0.9
        assert status_line.group(4, 5) == ("income-prediction", "1")
        assert re.search(r"^train\.model: model, \d+ bytes, sha256 [0-9a-f]{64}$", out, flags=re.MULTILINE), out
        assert f"model version 1 of run {status_line.group(1)}, trained on datastore://default/census/adult.data" in out
        accuracy = re.search(r"scored 16281 rows of .*adult.test.gz: accuracy ([0-9.]+)", out)
        assert accuracy and float(accuracy.group(1)) > 0.85, out
        # Publish and retrain: the REST call, then the CLI, whose steps all reuse that run's outputs.
        assert any(a.get("name") == "census-income" and "enabled" in a for a in answers)
        assert "published census-income version 1 (default: True)" in out
        assert "retrain: succeeded" in out, out
        after = out.split("retrain: succeeded", 1)[1]
        assert "succeeded" in after and "reused" in after
        # The terminal commands of a person: login keeps a private token file, tables list.
        assert f"logged in to {url} as admin" in after
        token_file = runtime / "retrainer" / "token.json"
        assert token_file.stat().st_mode & 0o777 == 0o600
        runs_table = after.split("logged in", 1)[1]
        assert len(re.findall(r"^run_\w+\s+succeeded\s+census-income v1\s+nightly", runs_table, flags=re.MULTILINE)) == 2
        assert re.search(r"^2\s+\S+ \S+\s+boosted_decision_tree\s+run_\w+", runs_table, flags=re.MULTILINE), runs_table
        headers_ = {"Authorization": "Bearer " + httpx.post(url + "/oauth/token", data={
            "grant_type": "password", "username": "admin",
            "password": (data_dir / "admin-password").read_text().strip()}).json()["access_token"]}
        nightly = httpx.get(url + "/runs?experiment=nightly", headers=headers_).json()["items"]
        assert len(nightly) == 2 and {r["status"] for r in nightly} == {"succeeded"}
        assert all(r["endpoint_version"] == 1 for r in nightly)
        cli_run, rest_run = nightly  # newest first
        assert {s["reused_from"] for s in cli_run["steps"]} == {rest_run["id"]}
        lineage = httpx.get(url + f"/models/income-prediction/versions/{rest_run['model']['version']}",
                            headers=headers_).json()["lineage"]
        assert lineage["parameters"]["data_path"] == "datastore://default/census/non-us.data"

        # The retrained model is deployed and answers a prediction.
        latest = cli_run["model"]["version"]
        assert re.search(rf"^deployment income serves version {latest}; input columns: age, workclass, ", out,
                         flags=re.MULTILINE), out
        prediction = next(a for a in answers if "predictions" in a)
        assert prediction["model"] == {"name": "income-prediction", "version": latest}
        assert prediction["classes"] == ["<=50K", ">50K"]
        assert prediction["predictions"] == [">50K"]  # a capital gain of 15,024 says so
        assert len(prediction["probabilities"]) == 1 and abs(sum(prediction["probabilities"][0]) - 1) < 1e-9

        # A file landing in census/incoming/ started a run through the trigger, whose model
        # the deployment's gate promoted, and the webhook posted that, signed.
        trigger_id = re.search(r"^trigger (\S+) watches census/incoming/; webhook (\S+) posts to ", out,
                               flags=re.MULTILINE).group(1)
        triggered = httpx.get(url + f"/runs?trigger_id={trigger_id}", headers=headers_).json()["items"]
        assert len(triggered) == 1 and triggered[0]["trigger"]["id"] == trigger_id
        assert triggered[0]["experiment"] == "incoming"
        new = triggered[0]["model"]["version"]
        assert new == latest + 1
        assert (f"triggered run {triggered[0]['id']} succeeded on datastore://default/census/incoming/adult-2.data: "
                f"model version {new}") in out, out
        assert re.search(rf"^deployment income promoted version {new} of run {triggered[0]['id']}: ", out,
                         flags=re.MULTILINE), out
        assert "webhook deployment.promoted: delivered True, HTTP 204, attempt 1" in out, out
        [webhook_dir] = tmp.iterdir()
        secret = json.loads((webhook_dir / "webhook.json").read_text())["secret"]
        received_headers, body = _Receiver.received[0]
        event = Webhook(secret).verify(body, received_headers)
        assert event["type"] == "deployment.promoted"
        assert event["data"]["name"] == "income" and event["data"]["version"] == new

        # The census drifted on age and workclass: one check began the episode, its retrain
        # ran on the drifted rows, the gate decided, and the labels gave a live accuracy.
        drift = re.search(r"^drift check (\S+): drifted columns (.*); retrain run (run_\w+)$", out, flags=re.MULTILINE)
        assert drift, out
        assert set(drift.group(2).split(", ")) == {"age", "workclass"}
        deployment = httpx.get(url + "/deployments/income", headers=headers_).json()
        retrains = httpx.get(url + f"/runs?trigger_id={deployment['id']}", headers=headers_).json()["items"]
        assert [r["id"] for r in retrains] == [drift.group(3)] and retrains[0]["trigger"]["kind"] == "drift"
        assert retrains[0]["status"] == "succeeded"
        assert retrains[0]["parameters"]["data_path"] == "datastore://default/census/drifted.data"
        decided = re.search(rf"^retrain on drift {drift.group(3)}: the gate (promoted|held) version (\d+)$", out,
                            flags=re.MULTILINE)
        assert decided, out
        assert deployment["version"] == (int(decided.group(2)) if decided.group(1) == "promoted" else new)
        deadline = time.monotonic() + 60  # and the gate's decision on the retrain, once a worker sent it
        while len(_Receiver.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_Receiver.received) == 2, _Receiver.received
        assert Webhook(secret).verify(_Receiver.received[1][1], _Receiver.received[1][0])["type"] == (
            f"deployment.{decided.group(1)}")
        assert {"recorded": 1000, "unchanged": 0} in answers
        performance = next(a for a in answers if "metrics" in a and "since" in a)
        assert performance["rows"] == 1000
        [served] = performance["metrics"].values()
        assert served["rows"] == 1000 and served["accuracy"] > 0.5 and served["metric"] == "roc_auc"

        # The studio is served, and named by the banner.
        assert f"studio:   {url}/studio/" in banner
        assert httpx.get(url + "/").headers["location"] == "/studio/"

        # A worker is part of `up`: the worker check completes.
        token = httpx.post(url + "/oauth/token", data={
            "grant_type": "password", "username": "admin",
            "password": (data_dir / "admin-password").read_text().strip()}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        check = httpx.post(url + "/worker-checks", headers=headers).json()
        deadline = time.monotonic() + 30
        while check["status"] != "succeeded" and time.monotonic() < deadline:
            time.sleep(0.2)
            check = httpx.get(f"{url}/worker-checks/{check['id']}", headers=headers).json()
        assert check["status"] == "succeeded"
    finally:
        receiver.shutdown()
        os.killpg(up.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        code = up.wait(90)
    output = log_path.read_text()
    assert code == 0, output
    assert output.rstrip().endswith("stopped")
    assert not (data_dir / "redis.sock").exists()
    assert (data_dir / "retrainer.db").exists()


def _cli_walkthrough() -> str:
    section = README.split("<!-- cli-walkthrough -->", 1)[1].split("<!-- /cli-walkthrough -->", 1)[0]
    [block] = re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    return block


def test_retrainer_up_then_the_terminal_walkthrough(tmp_path):
    """`retrainer up` on the embedded default, then the README's terminal-only walk-through,
    every command as written: log in, upload, create, publish, submit --wait, models,
    deploy and predict."""
    port = free_port()
    data_dir = tmp_path / "data"
    pythonpath = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRAINER_")}
    env.update(RETRAINER_DATA_DIR=str(data_dir), RETRAINER_PORT=str(port), PYTHONUNBUFFERED="1",
               PYTHONPATH=pythonpath)
    # `retrainer` as the README's PATH line finds it (.venv/bin of the checkout), else this
    # interpreter's: a checkout without its own .venv (a git worktree) runs its own code too.
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "retrainer").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m app.cli "$@"\n')
    (shims / "retrainer").chmod(0o755)
    log_path = tmp_path / "up.log"
    with open(log_path, "wb") as log:
        up = subprocess.Popen([sys.executable, "-m", "app.cli", "up"], cwd=tmp_path, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while "Press Ctrl-C to stop." not in log_path.read_text(errors="replace"):
            assert up.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        workdir = tmp_path / "checkout"
        workdir.mkdir()
        for name in ("examples", ".venv"):
            (workdir / name).symlink_to(ROOT / name)
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", _cli_walkthrough()], cwd=workdir,
                                env={**env, "RETRAINER_URL": url, "XDG_RUNTIME_DIR": str(runtime), "TMPDIR": str(tmp),
                                     "PATH": f"{shims}{os.pathsep}{env['PATH']}", "COLUMNS": "200"},
                                capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == 0, result.stderr + result.stdout
        out = result.stdout
        assert sorted(p.name for p in workdir.iterdir()) == [".venv", "examples"]
        assert f"logged in to {url} as admin" in out
        assert re.search(r"^uploaded datastore://default/census/adult\.data \([0-9.]+ MB, sha256 [0-9a-f]{64}\)$",
                         out, flags=re.MULTILINE), out
        assert re.search(r"^datastore://default/census/adult\.data\s+[0-9.]+ MB\s", out, flags=re.MULTILINE), out
        pipeline = re.search(r"^pipeline income-prediction \((pl_\w+)\): 6 steps, digest ", out, flags=re.MULTILINE)
        assert pipeline, out
        assert "published census-income version 1 (default): retrainer submit census-income --wait" in out
        run_id = re.search(r"^run (run_\w+) succeeded$", out, flags=re.MULTILINE).group(1)
        roc_auc = float(re.search(r"^metrics roc_auc=([0-9.]+)", out, flags=re.MULTILINE).group(1))
        assert roc_auc > 0.9
        assert "model income-prediction v1" in out.splitlines()
        assert re.search(r"^wrote model\.joblib \([0-9.]+ [KM]B, sha256 [0-9a-f]{64}\): income-prediction v1, "
                         rf"trained by run {run_id}$", out, flags=re.MULTILINE), out
        assert re.search(rf"^  run         {run_id} \(endpoint \S+ v1\)$", out, flags=re.MULTILINE), out
        assert "deployment income-pinned  enabled  serves income-prediction v1 (pinned)" in out
        assert re.search(r"^0\s+>50K\s+0\.\d+\s+0\.\d+$", out, flags=re.MULTILINE), out  # a capital gain of 15,024
        assert "(1 rows, model income-prediction v1)" in out
        assert re.search(r"^\S+ \S+\s+created\s+-\s+1\s", out, flags=re.MULTILINE), out

        token = httpx.post(url + "/oauth/token", data={
            "grant_type": "password", "username": "admin",
            "password": (data_dir / "admin-password").read_text().strip()}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        run = httpx.get(f"{url}/runs/{run_id}", headers=headers).json()
        assert run["experiment"] == "terminal" and run["pipeline_id"] == pipeline.group(1)
        assert httpx.get(url + "/deployments/income-pinned", headers=headers).json()["version"] == 1
    finally:
        os.killpg(up.pid, signal.SIGINT)
        code = up.wait(90)
    assert code == 0, log_path.read_text()
