"""The FastAPI application: routers, middleware, error handlers and start-up."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import openapi as openapi_document
from app.auth.ratelimit import FailedLoginLimiter
from app.auth.router import router as auth_router
from app.auth.tokens import TokenChecks
from app.azure.router import router as azure_router
from app.core.logging import configure_logging
from app.core.settings import Settings
from app.datastores.router import router as datastores_router
from app.datastores.router import upload_router
from app.db.announcements import Listener
from app.db.async_engine import build_async_engine
from app.db.outbox import OutboxRelay
from app.deployments import service as deployments
from app.deployments.predlog import PredictionLog
from app.deployments.router import router as deployments_router
from app.deployments.seen import SeenDeployments
from app.deployments.serving import ModelCache
from app.endpoints.router import router as endpoints_router
from app.models_registry.router import router as models_router
from app.ops.router import router as ops_router
from app.pipelines.router import router as pipelines_router
from app.runs import service as runs_service
from app.runs.router import router as runs_router
from app.runs.watchers import RunWatchers
from app.runtime import Runtime
from app.studio import router as studio
from app.triggers.router import router as triggers_router
from app.web.middleware import RequestContextMiddleware
from app.web.problems import PROBLEM_RESPONSES, install_error_handlers
from app.webhooks.router import router as webhooks_router

log = logging.getLogger("retrainer")

VERSION = "0.1.0"
API_DESCRIPTION = (
    "Retrainer turns a machine-learning training pipeline into a versioned REST endpoint: "
    "build a pipeline from a library of steps, publish it to an endpoint with versions 1, 2, "
    "3, ..., and retrain it on new data with one authenticated call "
    "(`POST /endpoints/{endpoint}/runs`). Authenticate with an OAuth 2.0 bearer token from "
    "`POST /oauth/token`. Errors are RFC 9457 problem details; lists are cursor pages."
)


def _operation_id(route: APIRoute) -> str:
    return route.name


def _warm_models(runtime: Runtime, cache: ModelCache) -> None:
    try:
        with runtime.read_session() as session:
            loaded = deployments.warm(session, runtime.settings, cache)
        # Also when there was nothing to load: the end of the warm-up is what a test waits for.
        log.info("loaded the models of %d deployment(s) in advance", loaded)
    except Exception:
        log.warning("could not load the deployments' models in advance", exc_info=True)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API, using `settings` (read from the environment when not given) for every
    route, its database engine and its task queue."""
    settings = settings or Settings()
    settings.validate_for_start()
    configure_logging(settings.log_level, settings.log_json)
    runtime = Runtime.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.signing_key()  # generate the embedded key before the first request
        relay = OutboxRelay(runtime.engine, runtime.queue, settings.outbox_relay_seconds,
                            undeliverable=runs_service.UNDELIVERABLE, hand_off=True)
        relay.start()
        app.state.prediction_log.start()
        # Until it confirms its subscriptions, predictions read their deployment every time
        # and long-polls read their run every 50 ms.
        changes = Listener(settings.redis_url, [app.state.seen_deployments, app.state.run_watchers],
                           ping_seconds=settings.serving_refresh_seconds)
        changes.start()
        threading.Thread(target=_warm_models, args=(runtime, app.state.model_cache), daemon=True,
                         name="retrainer-warm-models").start()
        log.info("retrainer api started", extra={
            "database": settings.sqlalchemy_url.split("://")[0],
            "broker": settings.celery_broker_url.split("://")[0],
        })
        yield
        await changes.stop()
        app.state.prediction_log.stop()  # the buffered predictions are written before the process ends
        relay.stop()
        await app.state.async_engine.dispose()
        runtime.close()

    app = FastAPI(
        title="Retrainer",
        version=VERSION,
        summary="Training pipelines as versioned REST endpoints.",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url=None, redoc_url=None,  # app.studio serves /docs from vendored assets (no CDN)
    )
    app.state.runtime = runtime
    app.state.async_engine = build_async_engine(settings)  # connects on first use, in this process
    app.state.token_checks = TokenChecks(settings.revocation_refresh_seconds)
    app.state.run_watchers = RunWatchers()
    app.state.model_cache = ModelCache(settings.predict_cache_models)
    app.state.seen_deployments = SeenDeployments(settings.serving_refresh_seconds)
    app.state.prediction_log = PredictionLog(settings)
    app.state.login_limiter = FailedLoginLimiter(
        settings.limits_storage_url, settings.token_failures_per_address,
        settings.token_failures_per_username, settings.token_failures_per_account,
        settings.token_known_address_days)

    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    # Body limits are set per router (not app-wide) so that they run inside the request
    # middleware, which renders their 413 as problem details; counted as the body streams
    # in. A route that takes uploads sets a limit of its own.
    for router in (ops_router, auth_router, datastores_router, pipelines_router, endpoints_router,
                   runs_router, models_router, deployments_router, webhooks_router, azure_router,
                   triggers_router):
        app.include_router(router, max_body_size=settings.max_body_bytes, responses=PROBLEM_RESPONSES)
    app.include_router(upload_router, max_body_size=settings.max_upload_bytes, responses=PROBLEM_RESPONSES)
    studio.install(app)

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document.complete(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
