"""`retrainer webhooks list|create|deliveries`."""

from __future__ import annotations

from typing import Annotated

import typer

from app.console.client import JsonOption, UrlOption, get_all, seg, session
from app.console.output import print_json, table, when
from app.submit import _json, out, refused

webhooks_cli = typer.Typer(no_args_is_help=True, help="List and create webhooks, and read their delivery logs.")

EVENTS = ("run.started", "run.succeeded", "run.failed", "run.canceled", "deployment.promoted", "deployment.held",
          "trigger.skipped")


@webhooks_cli.command("list")
def webhooks_list(as_json: JsonOption = False, url: UrlOption = None) -> None:
    """Every webhook of the workspace with its events (secrets are never shown again)."""
    with session(url) as client:
        hooks = get_all(client, "/webhooks", "could not list webhooks", 5000)
        if as_json:
            print_json(hooks)
            return
        if not hooks:
            out("no webhooks yet: retrainer webhooks create URL --event run.failed")
            return
        table(["id", "state", "url", "events"], [[
            h["id"], "enabled" if h.get("enabled") else "disabled", h["url"], ",".join(h.get("events") or []),
        ] for h in hooks])


@webhooks_cli.command("create")
def webhooks_create(
    target: Annotated[str, typer.Argument(metavar="URL", help="The receiver (https).")],
    events: Annotated[list[str], typer.Option("--event", "-e", help=f"An event to receive (repeat): {', '.join(EVENTS)}.",
                                              show_default=False)],
    description: Annotated[str | None, typer.Option("--description", show_default=False)] = None,
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """Subscribe URL to events; prints the signing secret, which is shown only now."""
    with session(url) as client:
        body: dict = {"url": target, "events": events}
        if description is not None:
            body["description"] = description
        response = client.call("POST", "/webhooks", json=body)
        if response.status_code != 201:
            raise refused(response, "could not create the webhook")
        created = _json(response) or {}
        if as_json:
            print_json(created)
            return
        out(f"webhook {created.get('id')} -> {created.get('url')} ({', '.join(created.get('events') or [])})")
        out(f"signing secret (shown only now; verify deliveries with it): {created.get('secret')}")


@webhooks_cli.command("deliveries")
def webhooks_deliveries(
    webhook_id: Annotated[str, typer.Argument(metavar="WEBHOOK", help="The webhook's id.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=5000, help="At most this many, newest first.")] = 50,
    as_json: JsonOption = False, url: UrlOption = None,
) -> None:
    """A webhook's delivery log, newest first: event, attempts, answer, duration, next attempt."""
    with session(url) as client:
        items = get_all(client, f"/webhooks/{seg(webhook_id)}/deliveries", f"webhook {webhook_id!r}", limit)
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
