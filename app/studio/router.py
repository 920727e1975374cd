"""Studio (the web portal) and the API docs, served as static files by the service.

The portal is a set of static ES modules that call the same public REST API as
every other client: nothing here reads the database or renders server data, so
there is no second API to keep in step. The routes are left out of the OpenAPI
document (they are pages, not API).

Every page gets a Content Security Policy without 'unsafe-inline' scripts: the
portal builds its DOM with textContent, and the policy is the second line of
defence should anything slip through. Swagger UI sets inline style attributes, so
/docs allows inline styles (never inline scripts).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"

_POLICY = ("default-src 'self'; script-src 'self'; style-src {style}; img-src 'self' data:; "
           "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
           "object-src 'none'")
STUDIO_CSP = _POLICY.format(style="'self'")
DOCS_CSP = _POLICY.format(style="'self' 'unsafe-inline'")


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        # Static files change with each release: revalidate (ETag) instead of caching blindly.
        "Cache-Control": "no-cache",
    }


class _StudioFiles(StaticFiles):
    """StaticFiles (ETag, 304, safe path resolution) with the studio's headers."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(security_headers(STUDIO_CSP))
        return response


router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
def root() -> RedirectResponse:
    """The service's root leads people to the portal instead of a 404."""
    return RedirectResponse("/studio/", status_code=307)


@router.api_route("/studio", methods=["GET", "HEAD"])
def studio_without_slash() -> RedirectResponse:
    return RedirectResponse("/studio/", status_code=307)


@router.api_route("/docs", methods=["GET", "HEAD"])
def docs() -> FileResponse:
    """Swagger UI from files vendored from the swagger-ui-dist package (no CDN), so
    the docs work offline; its start-up script is a file, not inline."""
    return FileResponse(STATIC / "docs" / "index.html", media_type="text/html",
                        headers=security_headers(DOCS_CSP))


def install(app: FastAPI) -> None:
    """Adds the studio and docs routes to the application (which is created with
    docs_url=None so that these docs replace FastAPI's CDN-based page)."""
    app.include_router(router)
    app.mount("/studio", _StudioFiles(directory=STATIC, html=True), name="studio")
