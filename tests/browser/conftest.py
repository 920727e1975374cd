"""Browser tests of the studio: Playwright (the Python package) driving Debian's
chromium against the session's real `retrainer api` and worker processes.

One browser per session; each test gets a fresh context (its own sessionStorage).
Every page a test looks at goes through `Studio.check`: a screenshot (under the
pytest tmp dir, or $RETRAINER_SCREENSHOTS) and an axe-core scan that fails on any
serious or critical violation. Console errors, page errors and Content Security
Policy violations fail the test too.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.helpers.api import Account
from tests.helpers.browser import LAPTOP

CHROMIUM = os.environ.get("RETRAINER_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused by a
# closed network, which slows every launch.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; "
                    ".ci/run does it)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    where = os.environ.get("RETRAINER_SCREENSHOTS")
    path = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Studio:
    """A person's browser tab on the studio, with the checks every page gets."""

    url: str
    page: Page
    context: BrowserContext
    shots: Path
    prefix: str
    problems: list[str] = field(default_factory=list)
    count: int = 0

    def open(self, route: str = "") -> None:
        self.page.goto(f"{self.url}/studio/{route}")

    def sign_in(self, account: Account) -> None:
        page = self.page
        page.get_by_label("Username").fill(account.username)
        page.get_by_label("Password").fill(account.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    def nav(self, name: str) -> None:
        menu = self.page.get_by_role("button", name="Menu", exact=True)
        if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
            menu.click()  # a phone: the navigation is folded into the menu button
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(name)

    def check(self, name: str) -> None:
        """Screenshot, then axe-core: no serious or critical violation."""
        self.count += 1
        self.page.screenshot(path=self.shots / f"{self.prefix}-{self.count:02d}-{name}.png", full_page=True)
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP (script-src 'self')
            # stays in force for the studio's own code.
            self.page.evaluate(AXE.read_text())
        violations = self.page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
        }""")
        assert violations == [], f"axe on {name}: {violations}"


@pytest.fixture
def open_tab(browser, screenshots, request):
    """Opens a tab on the studio of the API at `url`; at the end, fails the test on any
    console error or page error the tab saw."""
    tabs: list[Studio] = []

    def _open(url: str) -> Studio:
        context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
        page = context.new_page()
        tab = Studio(url=url, page=page, context=context, shots=screenshots,
                     prefix=request.node.name.removeprefix("test_") + (f"-{len(tabs)}" if tabs else ""))

        def on_console(message) -> None:
            # The browser logs every 4xx answer as "Failed to load resource"; the tests that
            # provoke them check what the page shows instead.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                tab.problems.append(f"console error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
        tabs.append(tab)
        return tab

    yield _open
    for tab in tabs:
        tab.context.close()
    # A refused script or style shows up as a console error naming the Content Security Policy.
    assert [p for tab in tabs for p in tab.problems] == []


@pytest.fixture
def studio(open_tab, api) -> Studio:
    return open_tab(api.url)


@pytest.fixture
def workspace_user(make_user) -> Account:
    """A person in a workspace of their own: the lists start empty."""
    return make_user(workspace="studio-" + secrets.token_hex(4))
