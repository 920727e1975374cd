"""A deployment's Monitoring tab in a real browser: drift per column (bars of the logged rows
beside the training rows, the metric and its threshold), the scheduled checks' history,
live performance from labels sent as feedback, and the monitor's settings saved with
PATCH (a 422 shown at the field it names). axe on each state.

An API and a scheduler of their own that allow checks every second, the suite's worker;
the small pipeline keeps training to seconds."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.backends import Backend
from tests.helpers.processes import Server, start_api, start_scheduler, stop_process
from tests.helpers.samples import small_csv, small_pipeline

FAST = {"RETRAINER_MIN_TRIGGER_SECONDS": "1", "RETRAINER_PREDICTION_LOG_FLUSH_SECONDS": "1"}


@pytest.fixture(scope="module")
def monitored_api(backend: Backend, worker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    logs = tmp_path_factory.mktemp("monitoring-studio-logs")
    server = start_api(backend, logs / "api.log", **FAST)
    scheduler = start_scheduler(backend, logs / "scheduler.log", **FAST)
    try:
        yield server
    finally:
        stop_process(scheduler.process)
        stop_process(server.process)


def _rows(count: int, shift: int = 0) -> list[dict]:
    return [{"x1": i % 7 + shift, "x2": (i * 3) % 11, "color": "red" if shift or i % 3 else "blue"}
            for i in range(count)]


def test_the_monitoring_tab(open_tab, monitored_api, workspace_user):
    with httpx.Client(base_url=monitored_api.url, timeout=60) as client:
        headers = bearer(password_token(client, workspace_user))
        assert client.put("/datastores/default/files/small/train.csv", content=small_csv(200),
                          headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
        run = client.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()
        assert wait_for(client, headers, run["id"], timeout=120)["status"] == "succeeded"
        name = "watched-" + secrets.token_hex(2)
        assert client.post("/deployments", headers=headers, json={
            "name": name, "model": "small", "version": 1, "monitor": {"check_every_seconds": 1}}).status_code == 201
        rows = _rows(150, shift=10)
        answer = client.post(f"/deployments/{name}/predict", headers=headers, json={"rows": rows}).json()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            checks = client.get(f"/deployments/{name}/drift/checks", headers=headers).json()["items"]
            if any(c["drifted"] for c in checks):
                break
            time.sleep(0.5)
        truth = ["yes" if (i % 7) > 3 else "no" for i in range(len(rows))]
        assert client.post(f"/deployments/{name}/feedback", headers=headers, json={"items": [
            {"prediction_id": i, "label": t} for i, t in zip(answer["prediction_ids"], truth, strict=True)]}
        ).status_code == 200
        assert client.patch(f"/deployments/{name}", headers=headers,  # no more checks while the page is looked at
                            json={"monitor": {"check_every_seconds": None}}).status_code == 200

    studio = open_tab(monitored_api.url)
    page = studio.page
    studio.open()
    studio.sign_in(workspace_user)
    studio.nav("Deployments")
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("tab", name="Monitoring").click()
    assert page.url.endswith(f"#/deployments/{name}/monitoring")

    drift = page.get_by_role("region", name="Drift")
    columns = drift.get_by_role("table", name="Drift per column")
    x1 = columns.get_by_role("row", name=re.compile(r"^x1 "))
    expect(x1).to_contain_text("PSI")
    expect(x1).to_contain_text("drifted")
    expect(x1).to_contain_text("0.2")  # the threshold
    expect(columns.get_by_role("row", name=re.compile(r"^x2 "))).to_contain_text("stable")
    chart = drift.get_by_role("img", name=re.compile(r"^Share of rows per bin of x1, training rows beside"))
    expect(chart).to_be_visible()  # a drifted column's chart is open
    expect(drift.get_by_role("img", name=re.compile(r"of x2,"))).to_be_hidden()
    drift.get_by_text("x2: stable").click()
    expect(drift.get_by_role("img", name=re.compile(r"of x2,"))).to_be_visible()

    checks = page.get_by_role("table", name=f"Drift checks of {name}")
    expect(checks.get_by_role("row", name=re.compile("began an episode"))).to_have_count(1)
    expect(checks).to_contain_text("x1")
    performance = page.get_by_role("table", name=f"Live performance of {name} per day")
    expect(performance.get_by_role("row").nth(1)).to_contain_text("150")
    expect(performance).to_contain_text("version 1")
    studio.check("monitoring")

    settings = page.get_by_role("region", name="Monitor settings")
    settings.get_by_label("Sample").fill("2")
    settings.get_by_role("button", name="Save monitor").click()
    expect(settings.get_by_label("Sample")).to_have_attribute("aria-invalid", "true")
    studio.check("monitoring-refused")
    settings.get_by_label("Sample").fill("0.5")
    settings.get_by_label("PSI threshold").fill("0.5")
    settings.get_by_role("button", name="Save monitor").click()
    expect(page.get_by_role("region", name="Monitor settings").get_by_label("PSI threshold")).to_have_value("0.5")
    with httpx.Client(base_url=monitored_api.url, timeout=60) as client:
        monitor = client.get(f"/deployments/{name}", headers=headers).json()["monitor"]
    assert monitor["sample"] == 0.5 and monitor["thresholds"]["psi"] == 0.5 and monitor["check_every_seconds"] is None
    page.get_by_role("tab", name="History").click()
    expect(page.get_by_role("table", name=f"History of {name}")).to_contain_text("monitor set to")
