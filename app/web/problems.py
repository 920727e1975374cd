"""Every error answered as RFC 9457 problem details (`application/problem+json`).

Domain errors (`app.core.errors`), request validation errors, Starlette's HTTP
errors and the last-resort 500 all come out here, never with a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import Problem, RetrainerError, validation_problems
from app.storage.base import ObjectMissing, StorageError

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://retrainer.dev/problems/"


class ProblemError(BaseModel):
    loc: list[str | int]
    msg: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None


# Declared on every router: the spec then says what clients really receive.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ProblemDetails, "description": "Problem details (RFC 9457)"},
    "5XX": {"model": ProblemDetails, "description": "Problem details (RFC 9457)"},
}


log = logging.getLogger("retrainer.api")


def problem_media_type_in_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents every response model as application/json; problem details
    are served as application/problem+json, so the spec says that."""
    ref = "#/components/schemas/ProblemDetails"
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                for media_type in list(content):
                    # A route answering text or a file still answers its errors as problems.
                    if media_type != PROBLEM_JSON and content[media_type].get("schema", {}).get("$ref") == ref:
                        content[PROBLEM_JSON] = content.pop(media_type)
    return spec


def problem(status: int, title: str, detail: str, *, slug: str | None = None,
            errors: list[Problem] | None = None,
            headers: dict[str, str] | None = None, instance: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def internal_error_response() -> JSONResponse:
    return problem(500, "Internal server error",
                   "The server failed to handle this request; the error was logged with the "
                   "request id in the X-Request-ID header.")


def _validation_errors(exc: RequestValidationError) -> list[Problem]:
    return validation_problems(list(exc.errors()))


_STATUS_TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 409: "Conflict",
    413: "Content too large", 415: "Unsupported media type", 422: "Invalid input",
    429: "Too many requests", 500: "Internal server error", 503: "Service unavailable",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RetrainerError)
    async def _domain(request: Request, exc: RetrainerError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors,
                       headers=exc.headers, instance=request.url.path)

    @app.exception_handler(StorageError)
    async def _storage(request: Request, exc: StorageError) -> JSONResponse:
        # A storage failure that no service turned into a domain error: a missing object is
        # a 404; anything else (a missing bucket, refused credentials, an unreachable store)
        # is the service's problem, 503, with a message that names the bucket and no secret.
        if isinstance(exc, ObjectMissing):
            return problem(404, "Not found", str(exc), slug="not-found", instance=request.url.path)
        return problem(503, "Service unavailable", str(exc), slug="storage-unavailable",
                       instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
        return problem(422, "Invalid input", f"The request is invalid at: {where}",
                       slug="validation-error", errors=errors, instance=request.url.path)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL stores no NUL character in text: a value holding one is the client's
        # to fix (on SQLite the same value is stored as it is). Anything else is ours.
        if "NUL" not in str(exc.orig):
            log.error("database refused a value: %s", type(exc.orig).__name__, exc_info=exc)
            return internal_error_response()
        fix = "holds the NUL character (\\u0000), which text cannot hold here; remove it"
        errors: list[Problem] = [{"loc": ["query", name], "msg": fix}
                                 for name, value in request.query_params.multi_items() if "\x00" in value]
        if "\x00" in request.url.path:
            errors.append({"loc": ["path"], "msg": fix})
        return problem(422, "Invalid input", "A text value of the request holds the NUL character (\\u0000)",
                       slug="validation-error", errors=errors or [{"loc": ["body"], "msg": "a text value " + fix}],
                       instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = _STATUS_TITLES.get(exc.status_code, "Error")
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.method} {request.url.path}"
        return problem(exc.status_code, title, detail, headers=getattr(exc, "headers", None),
                       instance=request.url.path)
