"""ASGI middleware: request ids, access logs, metrics, redirects that stay on the
service, and the last-resort 500.

The 500 is rendered here rather than by Starlette's ServerErrorMiddleware so that
the error log line and the response both carry the request id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logging import request_id_var
from app.web.problems import PROBLEM_BASE, PROBLEM_JSON, internal_error_response

access_log = logging.getLogger("retrainer.access")

REQUESTS = Counter("retrainer_http_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("retrainer_http_request_duration_seconds", "HTTP request latency",
                    ["method", "route"])

_TOO_LARGE_BODY = json.dumps({
    "type": PROBLEM_BASE + "content-too-large",
    "title": "Content too large",
    "status": 413,
    "detail": "The request body is too large for this route; send a smaller body "
              "(the limit for JSON bodies is RETRAINER_MAX_BODY_BYTES).",
}).encode()

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")


def _on_this_service(location: bytes) -> bytes:
    """A Location as a path of this service. The service never redirects elsewhere, and does
    not know its public origin: Starlette builds absolute redirects (a folder without its
    slash, a route with one slash too many) from the client's Host header, which anyone can
    forge. Leading slashes and backslashes collapse to one, so the path cannot turn into a
    protocol-relative URL (//evil.example) either."""
    parts = urlsplit(location.decode("latin-1"))
    path = "/" + parts.path.lstrip("/\\")
    return urlunsplit(("", "", path, parts.query, parts.fragment)).encode("latin-1")


class RequestContextMiddleware:
    """Request id (taken from X-Request-ID when sane), access log line, metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder: dict = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = list(message.get("headers", []))
                if message["status"] == 413 and (b"content-type", PROBLEM_JSON.encode()) not in headers:
                    # Starlette's body limit answers in plain text; every error here is a problem.
                    status_holder["rewrite_413"] = True
                    headers = [(k, v) for k, v in headers if k not in (b"content-type", b"content-length")]
                    headers += [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(_TOO_LARGE_BODY)).encode())]
                headers = [(k, _on_this_service(v) if k.lower() == b"location" else v) for k, v in headers]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and status_holder.get("rewrite_413"):
                if status_holder.get("rewritten"):
                    return
                status_holder["rewritten"] = True
                message = {"type": "http.response.body", "body": _TOO_LARGE_BODY}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # The traceback goes to the log with the request id, never to the client.
            access_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status_holder.get("started"):
                raise
            status_holder["status"] = 500
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            status = status_holder["status"]
            REQUESTS.labels(scope["method"], route_path, str(status)).inc()
            LATENCY.labels(scope["method"], route_path).observe(elapsed)
            access_log.info("%s %s %s", scope["method"], scope["path"], status, extra={
                "method": scope["method"], "path": scope["path"], "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "client": (scope.get("client") or ("", 0))[0],
            })
            request_id_var.reset(token)
