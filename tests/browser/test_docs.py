"""/docs in a real browser: Swagger UI from the service's own files, nothing from
another host, and no script refused by the page's CSP (the studio fixture fails on
console errors, which is where Chromium reports CSP violations)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_docs_work_offline(studio):
    page = studio.page
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(f"{studio.url}/")  # the root leads to the studio
    expect(page.get_by_role("heading", name="Sign in to Retrainer Studio")).to_be_visible()
    assert page.url == f"{studio.url}/studio/"
    page.get_by_role("link", name="/docs").click()
    expect(page.get_by_role("heading", name="Retrainer")).to_be_visible()
    expect(page.get_by_text("/endpoints/{endpoint}/runs", exact=True)).to_be_visible()
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("OAuth2PasswordBearer")).to_be_visible()
    studio.page.screenshot(path=studio.shots / "docs.png")
    assert hosts == {urlsplit(studio.url).netloc}, hosts
