"""`retrainer webhooks list|create|deliveries`."""

from __future__ import annotations

from typing import Annotated

import typer
from retrainer_client.api.webhooks import create_webhook, list_webhook_deliveries, list_webhooks
from retrainer_client.models import EventType, WebhookCreate

from retrainer_cli.client import get_all, session
from retrainer_cli.errors import EXIT_REFUSED, Stop, json_body, refused
from retrainer_cli.options import JsonOption, UrlOption
from retrainer_cli.output import out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="List and create webhooks, and read their delivery logs.")

EVENTS = tuple(e.value for e in EventType)  # the spec's, in its order


def _event(value: str) -> EventType:
    try:
        return EventType(value)
    except ValueError:
        raise Stop(EXIT_REFUSED, f"error: --event {value!r} is not one of {', '.join(EVENTS)}") from None


@cli.command("list")
def webhooks_list(as_json: JsonOption = False, url: UrlOption = None) -> None:
    """Every webhook of the workspace with its events (secrets are never shown again)."""
    with session(url) as client:
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
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """Subscribe URL to events; prints the signing secret, which is shown only now."""
    with session(url) as client:
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
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """A webhook's delivery log, newest first: event, attempts, answer, duration, next attempt."""
    with session(url) as client:
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
