"""`retrainer webhooks list|show|create|enable|disable|delete|deliveries|redeliver`."""

from __future__ import annotations

from typing import Annotated

import typer
from retrainer_client.api.webhooks import (
    create_webhook,
    delete_webhook,
    get_webhook,
    list_webhook_deliveries,
    list_webhooks,
    redeliver_webhook,
    update_webhook,
)
from retrainer_client.models import EventType, WebhookCreate, WebhookPatch

from retrainer_cli.client import get, get_all, send, session
from retrainer_cli.errors import EXIT_REFUSED, Stop, json_body, refused
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="Webhooks: subscribe URLs to events, read and replay their deliveries.")

WebhookArg = Annotated[str, typer.Argument(metavar="WEBHOOK", help="The webhook's id.")]

EVENTS = tuple(e.value for e in EventType)  # the spec's, in its order


def _event(value: str) -> EventType:
    try:
        return EventType(value)
    except ValueError:
        raise Stop(EXIT_REFUSED, f"error: --event {value!r} is not one of {', '.join(EVENTS)}") from None


@cli.command("list")
def webhooks_list(as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every webhook of the workspace with its events (secrets are never shown again)."""
    with session(url, profile) as client:
        hooks = get_all(client, list_webhooks, what="could not list webhooks", limit=5000)
        if as_json:
            print_json(hooks)
            return
        if not hooks:
            out("no webhooks yet: retrainer webhooks create URL --event run.failed")
            return
        table(["id", "state", "url", "events"], [[
            h["id"], "enabled" if h.get("enabled") else "disabled", h["url"], ",".join(h.get("events") or []),
        ] for h in hooks])


@cli.command("create")
def webhooks_create(
    target: Annotated[str, typer.Argument(metavar="URL", help="The receiver (https).")],
    events: Annotated[list[str], typer.Option("--event", "-e", help=f"An event to receive (repeat): {', '.join(EVENTS)}.",
                                              show_default=False)],
    description: Annotated[str | None, typer.Option("--description", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Subscribe URL to events; prints the signing secret, which is shown only now."""
    with session(url, profile) as client:
        body = WebhookCreate(url=target, events=[_event(e) for e in events])
        if description is not None:
            body.description = description
        response = client.call(create_webhook, body=body)
        if response.status_code != 201:
            raise refused(response, "could not create the webhook")
        created = json_body(response) or {}
        if as_json:
            print_json(created)
            return
        out(f"webhook {created.get('id')} -> {created.get('url')} ({', '.join(created.get('events') or [])})")
        out(f"signing secret (shown only now; verify deliveries with it): {created.get('secret')}")


@cli.command("deliveries")
def webhooks_deliveries(
    webhook_id: Annotated[str, typer.Argument(metavar="WEBHOOK", help="The webhook's id.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=5000, help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """A webhook's delivery log, newest first: event, attempts, answer, duration, next attempt."""
    with session(url, profile) as client:
        items = get_all(client, list_webhook_deliveries, webhook_id, what=f"webhook {webhook_id!r}", limit=limit)
        if as_json:
            print_json(items)
            return
        if not items:
            out("no deliveries yet")
            return
        table(["id", "event", "attempt", "status", "ms", "delivered", "next attempt", "error"], [[
            d["id"], d["event"], d["attempt"], d.get("status_code") or "-",
            d["duration_ms"] if d.get("duration_ms") is not None else "-", "yes" if d.get("delivered") else "no",
            when(d.get("next_attempt_at")), d.get("error") or "",
        ] for d in items])


def _line(hook: dict) -> str:
    return (f"webhook {hook.get('id')} {'enabled' if hook.get('enabled') else 'disabled'} -> {hook.get('url')} "
            f"({', '.join(hook.get('events') or [])})")


@cli.command("show")
def webhooks_show(webhook_id: WebhookArg, as_json: JsonOption = False, url: UrlOption = None,
                  profile: ProfileOption = None) -> None:
    """A webhook: its URL, events and state (the secret is never shown again)."""
    with session(url, profile) as client:
        hook = get(client, get_webhook, webhook_id, what=f"webhook {webhook_id!r}")
        if as_json:
            print_json(hook)
            return
        out(_line(hook))
        if hook.get("description"):
            out(f"  {hook['description']}")


def _toggle(webhook_id: str, enabled: bool, as_json: bool, url: str | None, profile: str | None) -> None:
    with session(url, profile) as client:
        hook = send(client, update_webhook, webhook_id, model=WebhookPatch, body={"enabled": enabled},
                    what=f"could not {'enable' if enabled else 'disable'} webhook {webhook_id}")
        if as_json:
            print_json(hook)
            return
        out(_line(hook))


@cli.command("enable")
def webhooks_enable(webhook_id: WebhookArg, as_json: JsonOption = False, url: UrlOption = None,
                    profile: ProfileOption = None) -> None:
    """Deliver events again."""
    _toggle(webhook_id, True, as_json, url, profile)


@cli.command("disable")
def webhooks_disable(webhook_id: WebhookArg, as_json: JsonOption = False, url: UrlOption = None,
                     profile: ProfileOption = None) -> None:
    """Stop delivering events (nothing is queued for it meanwhile)."""
    _toggle(webhook_id, False, as_json, url, profile)


@cli.command("delete")
def webhooks_delete(webhook_id: WebhookArg, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Delete a webhook."""
    with session(url, profile) as client:
        send(client, delete_webhook, webhook_id, ok=(204,), what=f"could not delete webhook {webhook_id!r}")
        out(f"deleted webhook {webhook_id}")


@cli.command("redeliver")
def webhooks_redeliver(webhook_id: WebhookArg,
                       delivery_id: Annotated[str, typer.Argument(metavar="DELIVERY", help="A delivery's id "
                                                                  "(retrainer webhooks deliveries WEBHOOK).")],
                       as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Send a delivery again (same webhook-id header: receivers de-duplicate it)."""
    with session(url, profile) as client:
        answer = send(client, redeliver_webhook, webhook_id, delivery_id, ok=(202,),
                      what=f"could not redeliver {delivery_id}")
        if as_json:
            print_json(answer)
            return
        out(f"delivery {delivery_id} of webhook {webhook_id} queued again")
