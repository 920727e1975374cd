"""The Webhooks page in a real browser: create, the secret shown once, the delivery log,
Redeliver, disable, delete, against a real receiver on 127.0.0.1 (the suite's workers
allow it: tests/conftest.py), with a real run as the events' source."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from tests.helpers.api import bearer, password_token, wait_for
from tests.helpers.browser import LAPTOP, PHONE
from tests.helpers.receiver import Answer, Receiver, running_receiver
from tests.helpers.samples import small_csv, small_pipeline


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


def test_webhooks_page_secret_delivery_log_and_redeliver(studio, workspace_user, worker, client, receiver):
    page = studio.page
    headers = bearer(password_token(client, workspace_user))
    assert client.put("/datastores/default/files/small/train.csv", content=small_csv(),
                      headers=headers).status_code == 201
    pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
    receiver.answers["/hook"] = [Answer(status=500)]  # every attempt fails until told otherwise

    studio.open()
    studio.sign_in(workspace_user)
    studio.nav("Webhooks")
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    studio.check("webhooks-empty")

    # Bad input: the server's problems are shown at the fields they name.
    page.get_by_role("button", name="New webhook").click()
    dialog = page.get_by_role("dialog", name="New webhook")
    expect(dialog.get_by_label("run.succeeded")).to_be_checked()
    dialog.get_by_label("run.succeeded").uncheck()
    dialog.get_by_label("run.failed").uncheck()
    dialog.get_by_label("Receiver URL").fill("ftp://example.com/hook")
    dialog.get_by_role("button", name="Create").click()
    url = dialog.get_by_label("Receiver URL")
    expect(url).to_have_attribute("aria-invalid", "true")
    expect(url).to_have_accessible_description(re.compile("https://"))
    expect(dialog.get_by_role("group", name="Events")).to_contain_text("at least 1")
    studio.check("new-webhook-422")

    url.fill(receiver.url("/hook"))
    dialog.get_by_label("run.started").check()
    dialog.get_by_label("run.succeeded").check()
    dialog.get_by_label("Description").fill("CI notifier")
    dialog.get_by_role("button", name="Create").click()
    secret_box = dialog.get_by_label("Signing secret")
    expect(secret_box).to_have_value(re.compile(r"^whsec_"))
    expect(dialog).to_contain_text("only time the signing secret is shown")
    secret = secret_box.input_value()
    studio.check("webhook-secret")
    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Webhook to 127.0.0.1:{receiver.port}")
    expect(page.get_by_text("No deliveries yet")).to_be_visible()
    hook_id = page.url.rsplit("/", 1)[-1]
    assert "secret" not in client.get(f"/webhooks/{hook_id}", headers=headers).json()

    # A run's two events: each attempt answered 500, so both end failed, status 500.
    run = client.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers)
    assert run.status_code == 202, run.text
    assert wait_for(client, headers, run.json()["id"], timeout=120)["status"] == "succeeded"
    log = page.get_by_role("table", name=re.compile("^Deliveries of"))
    succeeded = log.get_by_role("row", name=re.compile("run.succeeded"))
    expect(succeeded).to_contain_text("failed", timeout=60_000)
    expect(succeeded).to_contain_text("500")
    expect(log.get_by_role("row", name=re.compile("run.started"))).to_contain_text("failed", timeout=60_000)
    failed_attempts = len(receiver.on("/hook"))
    studio.check("delivery-log-failed")

    # Redeliver once the receiver is back: delivered, 200, with the same webhook-id, and
    # the body verifies with the secret the dialog showed.
    receiver.answers["/hook"] = [Answer(status=200)]
    succeeded.get_by_role("button", name=re.compile("^Redeliver run.succeeded")).click()
    expect(succeeded).to_contain_text("delivered", timeout=60_000)
    expect(succeeded).to_contain_text("200")
    redelivered = receiver.on("/hook")[failed_attempts:]
    assert len(redelivered) == 1
    body = Webhook(secret).verify(redelivered[0].body, redelivered[0].headers)
    assert body["type"] == "run.succeeded" and body["data"]["id"] == run.json()["id"]
    expect(succeeded).to_contain_text(redelivered[0].headers["webhook-id"])
    assert json.loads(redelivered[0].body)["type"] == "run.succeeded"
    studio.check("delivery-log-redelivered")
    page.set_viewport_size(PHONE)
    studio.check("delivery-log-phone")
    # Only the log's frame scrolls sideways, not the page (its hidden column header too).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(LAPTOP)

    # Disabled, Redeliver is refused and the page says why; then delete.
    page.get_by_role("button", name="Disable webhook").click()
    expect(page.get_by_text("This webhook is disabled")).to_be_visible()
    succeeded.get_by_role("button", name=re.compile("^Redeliver")).click()
    expect(page.get_by_role("alert")).to_contain_text("enable it first")
    studio.check("webhook-disabled")
    page.get_by_role("button", name="Delete webhook").click()
    page.get_by_role("dialog", name="Delete this webhook?").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No webhooks yet")).to_be_visible()
    assert client.get(f"/webhooks/{hook_id}", headers=headers).status_code == 404

