"""Domain errors: plain exceptions that shared code raises.

Each carries the HTTP status, problem type slug and title it is answered with,
so that the web layer (`app.web.problems`) renders it without a table of its
own; nothing here imports a web framework, so the worker raises the same ones.
"""

from __future__ import annotations

from typing import Any

Problem = dict[str, Any]  # one entry of a problem's `errors`: {"loc": [...], "msg": "..."}


def validation_problems(errors: list[Any], prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """pydantic's errors as problems, each saying how to fix it."""
    out = []
    for err in errors:
        msg = err.get("msg", "invalid value")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; remove it (see the OpenAPI schema for the accepted fields)"
        elif err.get("type") == "missing":
            msg = "field required"
        out.append({"loc": [*prefix, *err.get("loc", ())], "msg": msg})
    return out


class RetrainerError(Exception):
    """Base of every error a client may see. `detail` must be safe to show."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[Problem] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class NotFound(RetrainerError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(RetrainerError):
    status, slug, title = 409, "conflict", "Conflict"


class InvalidInput(RetrainerError):
    status, slug, title = 422, "validation-error", "Invalid input"


class Unauthorized(RetrainerError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(RetrainerError):
    status, slug, title = 403, "insufficient-scope", "Forbidden"


class ServiceUnavailable(RetrainerError):
    status, slug, title = 503, "unavailable", "Service unavailable"


class ArtifactCorrupted(RetrainerError):
    """A stored file no longer matches the sha256 recorded when it was written."""

    status, slug, title = 500, "artifact-integrity", "Artifact integrity check failed"


class UnsupportedMediaType(RetrainerError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"
