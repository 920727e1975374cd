"""The studio's and docs' routes: redirects, security headers, offline assets."""

from __future__ import annotations

import re

from tests.helpers.processes import ROOT


def test_root_and_studio_lead_to_the_portal(client):
    for path in ("/", "/studio"):
        response = client.get(path)
        assert response.status_code == 307
        assert response.headers["location"] == "/studio/"


def test_portal_pages_carry_a_strict_csp_and_nosniff(client):
    page = client.get("/studio/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and "unsafe" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    # Every script the page loads is a file of the service: no inline script, no CDN.
    assert re.findall(r"<script[^>]*>", page.text) == ['<script type="module" src="js/main.js">']
    module = client.get("/studio/js/main.js")
    assert module.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert module.headers["x-content-type-options"] == "nosniff"
    etag = module.headers["etag"]
    assert client.get("/studio/js/main.js", headers={"If-None-Match": etag}).status_code == 304


def test_studio_files_stay_inside_the_static_folder(client):
    for path in ("/studio/../app/main.py", "/studio/%2e%2e/main.py", "/studio/js/../../router.py"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "def create_app" not in response.text and "APIRouter" not in response.text


def test_docs_are_served_from_vendored_assets(client):
    docs = client.get("/docs")
    assert docs.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"', docs.text)
    assert scripts == ["/studio/vendor/swagger-ui-dist/swagger-ui-bundle.js", "/studio/docs/init.js"]
    assert "<script>" not in docs.text and "cdn" not in docs.text.lower()
    assert "script-src 'self';" in docs.headers["content-security-policy"]
    for path in scripts:
        assert client.get(path).status_code == 200
    vendor = ROOT / "app" / "studio" / "static" / "vendor" / "swagger-ui-dist"
    assert (vendor / "LICENSE").read_text().startswith(" ") or "Apache" in (vendor / "LICENSE").read_text()
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN-based page is gone


def test_readme_shows_the_studio_with_a_committed_screenshot():
    readme = (ROOT / "README.md").read_text()
    images = re.findall(r"!\[[^\]]+\]\((docs/[^)]+\.png)\)", readme)
    assert images, "the README shows the studio"
    for image in images:
        assert (ROOT / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "http://127.0.0.1:8000/studio/" in readme


def test_redirects_stay_on_the_service_whatever_the_host_header_says(client):
    """Starlette builds absolute redirects from the Host header (a directory without its
    slash, a route with one too many): each must be a path on this service instead, so that
    a forged Host (a poisoned cache, a proxy that passes it) cannot send people elsewhere."""
    cases = {"/studio/docs": "/studio/docs/", "/studio/docs?tab=1": "/studio/docs/?tab=1",
             "/me/": "/me", "/studio//docs": "/studio//docs/", "/pipelines/?limit=5": "/pipelines?limit=5"}
    for host in ("evil.example", "evil.example:443", "127.0.0.1.evil.example"):
        for path, expected in cases.items():
            response = client.get(path, headers={"Host": host})
            assert response.status_code in (307, 308), (host, path, response.status_code)
            location = response.headers["location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), (host, path, location)
            assert location == expected, (host, path, location)
