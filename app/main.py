"""The FastAPI application: routers, middleware, error handlers and start-up."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import __doc__ as package_doc
from app.auth.ratelimit import FailedLoginLimiter
from app.auth.router import router as auth_router
from app.core.errors import PROBLEM_RESPONSES, install_error_handlers, problem_media_type_in_spec
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware
from app.core.settings import Settings, get_settings
from app.ops.router import router as ops_router
from app.datastores.router import router as datastores_router
from app.datastores.router import upload_router
from app.endpoints.router import router as endpoints_router
from app.models_registry.router import router as models_router
from app.ops.worker_checks import router as worker_checks_router
from app.pipelines.router import router as pipelines_router
from app.runs.router import router as runs_router
from app.studio import router as studio

log = logging.getLogger("retrainer")

VERSION = "0.1.0"


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.validate_for_start()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        settings.signing_key()  # generate the embedded key before the first request
        log.info("retrainer api started", extra={
            "database": settings.sqlalchemy_url.split("://")[0],
            "broker": settings.celery_broker_url.split("://")[0],
        })
        yield

    app = FastAPI(
        title="Retrainer",
        version=VERSION,
        summary="Training pipelines as versioned REST endpoints.",
        description=(package_doc or "").strip(),
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url=None, redoc_url=None,  # app.studio serves /docs from vendored assets (no CDN)
    )
    app.state.settings = settings
    app.state.login_limiter = FailedLoginLimiter(
        settings.limits_storage_url, settings.token_failures_per_address,
        settings.token_failures_per_username)

    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    # Body limits are set per router (not app-wide) so that they run inside the request
    # middleware, which renders their 413 as problem details; counted as the body streams
    # in. A route that takes uploads sets a limit of its own.
    for router in (ops_router, auth_router, worker_checks_router, datastores_router,
                   pipelines_router, endpoints_router, runs_router, models_router):
        app.include_router(router, max_body_size=settings.max_body_bytes, responses=PROBLEM_RESPONSES)
    app.include_router(upload_router, max_body_size=settings.max_upload_bytes, responses=PROBLEM_RESPONSES)
    studio.install(app)

    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_type_in_spec(default_openapi())
        return app.openapi_schema

    app.openapi = openapi
    return app
