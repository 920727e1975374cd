"""Routes: webhook subscriptions and their deliveries."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.deps import WebhooksRead, WebhooksWrite
from app.web.deps import PageDep, ReaderDep, SettingsDep, UnitOfWorkDep
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryPage,
    RedeliveryAccepted,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookPatch,
)

router = APIRouter(tags=["webhooks"])


@router.post("/webhooks", operation_id="create_webhook", status_code=201, response_model=WebhookCreated,
             summary="Subscribe a URL to events",
             description="The answer holds the signing secret (`whsec_...`), shown only here. Deliveries follow "
                         "the Standard Webhooks specification (headers webhook-id, webhook-timestamp, "
                         "webhook-signature). The URL must reach a public address over https, unless the "
                         "operator allows its host (RETRAINER_WEBHOOK_ALLOWED_HOSTS).")
def create_webhook(body: WebhookCreate, principal: WebhooksWrite, uow: UnitOfWorkDep, settings: SettingsDep,
                   response: Response) -> WebhookCreated:
    created = service.create(uow.session, settings, principal, body)
    response.headers["Location"] = f"/webhooks/{created.id}"
    return created


@router.get("/webhooks", operation_id="list_webhooks", response_model=WebhookPage, summary="List webhooks")
def list_webhooks(principal: WebhooksRead, session: ReaderDep, page: PageDep) -> WebhookPage:
    return service.list_page(session, principal, page)


@router.get("/webhooks/{webhook_id}", operation_id="get_webhook", response_model=WebhookOut, summary="A webhook")
def get_webhook(webhook_id: str, principal: WebhooksRead, session: ReaderDep) -> WebhookOut:
    return service.out(service.get(session, principal, webhook_id))


@router.patch("/webhooks/{webhook_id}", operation_id="update_webhook", response_model=WebhookOut,
              summary="Change a webhook's URL, events, description, or enable or disable it")
def update_webhook(webhook_id: str, body: WebhookPatch, principal: WebhooksWrite, uow: UnitOfWorkDep,
                   settings: SettingsDep) -> WebhookOut:
    return service.out(service.patch(uow.session, settings, principal, webhook_id, body))


@router.delete("/webhooks/{webhook_id}", operation_id="delete_webhook", status_code=204,
               summary="Delete a webhook and its delivery log")
def delete_webhook(webhook_id: str, principal: WebhooksWrite, uow: UnitOfWorkDep) -> Response:
    service.delete(uow.session, principal, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", operation_id="list_webhook_deliveries",
            response_model=DeliveryPage, summary="The delivery log, newest first")
def list_webhook_deliveries(webhook_id: str, principal: WebhooksRead, session: ReaderDep,
                            page: PageDep) -> DeliveryPage:
    return service.deliveries(session, principal, webhook_id, page)


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", operation_id="redeliver_webhook",
             status_code=202, response_model=RedeliveryAccepted,
             summary="Send a delivery again (same event and webhook-id), with its retry schedule started over")
def redeliver_webhook(webhook_id: str, delivery_id: str, principal: WebhooksWrite,
                      uow: UnitOfWorkDep) -> RedeliveryAccepted:
    return service.redeliver(uow.session, principal, webhook_id, delivery_id)
