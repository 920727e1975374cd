"""`retrainer triggers list|show|create|enable|disable|firings|delete`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from retrainer_client.api.triggers import (
    create_trigger,
    delete_trigger,
    get_trigger,
    list_trigger_firings,
    list_triggers,
    update_trigger,
)
from retrainer_client.models import TriggerCreate, TriggerPatch

from retrainer_cli.client import Session, get, get_all, send, session
from retrainer_cli.errors import EXIT_REFUSED, Stop
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, table, when
from retrainer_cli.submit import _parameters_callback, parse_parameters

cli = typer.Typer(no_args_is_help=True, help="Schedules and data watches that start an endpoint's runs.")

TriggerArg = Annotated[str, typer.Argument(metavar="TRIGGER", help="A trigger's id.")]


def _when_fires(trigger: dict) -> str:
    if trigger.get("kind") == "data":
        return f"new files in {trigger.get('watch')}" + (" (each)" if trigger.get("each") else "")
    if trigger.get("cron"):
        return f"cron '{trigger['cron']}' {trigger.get('timezone') or 'UTC'}"
    return f"every {trigger.get('every_seconds')} s"


def _last(trigger: dict) -> str:
    firing = trigger.get("last_firing")
    if not firing:
        return "-"
    return f"{firing['outcome']} {when(firing.get('at'))}" + (f" ({firing['reason']})" if firing.get("reason") else "")


@cli.command("list")
def triggers_list(endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")],
                  as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """An endpoint's triggers: when each fires, its next slot and its last firing."""
    with session(url, profile) as client:
        triggers = get_all(client, list_triggers, endpoint, what=f"endpoint {endpoint!r}", limit=5000)
        if as_json:
            print_json(triggers)
            return
        if not triggers:
            out(f"endpoint {endpoint} has no triggers: retrainer triggers create {endpoint} NAME --cron '0 2 * * *'")
            return
        table(["id", "name", "state", "fires", "next", "last firing"], [[
            t["id"], t["name"], "enabled" if t.get("enabled") else "paused", _when_fires(t),
            when(t.get("next_fire_at")) if t.get("next_fire_at") else "-", _last(t),
        ] for t in triggers])


def _send(client: Session, op: Any, ref: str, model: Any, body: dict[str, Any], what: str, ok: int) -> dict:
    return send(client, op, ref, what=what, ok=(ok,), model=model, body=body) or {}


@cli.command("create")
def triggers_create(
    endpoint: Annotated[str, typer.Argument(metavar="ENDPOINT", help="Name or id.")],
    name: Annotated[str, typer.Argument(metavar="NAME")],
    cron: Annotated[str | None, typer.Option(help="A schedule: five-field cron expression.",
                                             show_default=False)] = None,
    timezone: Annotated[str, typer.Option(help="The cron's IANA time zone.")] = "UTC",
    every: Annotated[int | None, typer.Option("--every", metavar="SECONDS", help="A schedule: every N seconds.",
                                              show_default=False)] = None,
    catchup: Annotated[str, typer.Option(help="After downtime: skip, or latest (fire the newest missed slot).")]
    = "skip",
    watch: Annotated[str | None, typer.Option(help="A data trigger: datastore://NAME/prefix/ to watch.",
                                              show_default=False)] = None,
    parameter: Annotated[str | None, typer.Option(help="A data trigger: the data_path parameter that receives "
                                                       "the new file.", show_default=False)] = None,
    debounce: Annotated[int | None, typer.Option("--debounce", metavar="SECONDS",
                                                 help="A data trigger: wait this long for a burst to settle.",
                                                 show_default=False)] = None,
    each: Annotated[bool, typer.Option("--each", help="A data trigger: one run per new file.")] = False,
    param: Annotated[list[str] | None, typer.Option("-p", "--param", metavar="NAME=VALUE",
                                                    callback=_parameters_callback,
                                                    help="A parameter of its runs (repeatable), as in "
                                                         "retrainer submit.")] = None,
    version: Annotated[int | None, typer.Option(min=1, help="The version to run (default: the default one then).",
                                                show_default=False)] = None,
    experiment: Annotated[str | None, typer.Option(show_default=False)] = None,
    overlap: Annotated[str, typer.Option(help="While its previous run is queued or running: skip, queue or "
                                              "allow.")] = "skip",
    disabled: Annotated[bool, typer.Option("--disabled", help="Create it paused.")] = False,
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Create a schedule (--cron or --every) or a data trigger (--watch and --parameter)."""
    with session(url, profile) as client:
        if (watch is None) == (cron is None and every is None):
            raise Stop(EXIT_REFUSED, "error: give a schedule (--cron or --every) or a data watch (--watch), one of them")
        body: dict[str, Any] = {"name": name, "kind": "data" if watch else "schedule",
                                "parameters": parse_parameters(param), "overlap": overlap,
                                "enabled": not disabled}
        if watch:
            body.update(watch=watch, parameter=parameter, each=each)
            if debounce is not None:
                body["debounce_seconds"] = debounce
        else:
            body.update(timezone=timezone, catchup=catchup)
            body.update({"cron": cron} if cron else {"every_seconds": every})
        body.update({k: v for k, v in {"version": version, "experiment": experiment}.items() if v is not None})
        created = _send(client, create_trigger, endpoint, TriggerCreate, body,
                        f"endpoint {endpoint!r} refused the trigger", 201)
        if as_json:
            print_json(created)
            return
        nxt = f", next at {when(created['next_fire_at'])}" if created.get("next_fire_at") else ""
        out(f"created trigger {created['name']} ({created['id']}): {_when_fires(created)}{nxt}")


def _toggle(trigger: str, enabled: bool, as_json: bool, url: str | None, profile: str | None) -> None:
    with session(url, profile) as client:
        changed = _send(client, update_trigger, trigger, TriggerPatch, {"enabled": enabled},
                        f"could not {'enable' if enabled else 'disable'} trigger {trigger}", 200)
        if as_json:
            print_json(changed)
            return
        nxt = f"; next at {when(changed['next_fire_at'])}" if changed.get("next_fire_at") else ""
        out(f"trigger {changed['name']} ({changed['id']}) {'enabled' if enabled else 'paused'}{nxt}")


@cli.command("enable")
def triggers_enable(trigger: TriggerArg, as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Resume a trigger (the slots it missed while paused never fire)."""
    _toggle(trigger, True, as_json, url, profile)


@cli.command("disable")
def triggers_disable(trigger: TriggerArg, as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Pause a trigger."""
    _toggle(trigger, False, as_json, url, profile)


@cli.command("firings")
def triggers_firings(trigger: TriggerArg,
                     limit: Annotated[int, typer.Option(min=1, max=5000)] = 20,
                     as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """A trigger's firings, newest first: the run each started, or why it was skipped."""
    with session(url, profile) as client:
        get(client, get_trigger, trigger, what=f"trigger {trigger!r}")
        firings = get_all(client, list_trigger_firings, trigger, what=f"trigger {trigger!r}", limit=limit)
        if as_json:
            print_json(firings)
            return
        if not firings:
            out(f"trigger {trigger} has not fired yet")
            return
        table(["at", "slot or file", "outcome", "run", "reason"], [[
            when(f.get("at")), when(f["slot"]) if f.get("slot") else (f.get("path") or "-"), f["outcome"],
            f.get("run_id") or "-", f.get("reason") or "",
        ] for f in firings])



@cli.command("show")
def triggers_show(trigger: TriggerArg, as_json: JsonOption = False, url: UrlOption = None,
                  profile: ProfileOption = None) -> None:
    """A trigger: when it fires, what its runs get, its next slot and its last firing."""
    with session(url, profile) as client:
        t = get(client, get_trigger, trigger, what=f"trigger {trigger!r}")
        if as_json:
            print_json(t)
            return
        out(f"trigger {t['name']} ({t['id']})  {'enabled' if t.get('enabled') else 'paused'}  {_when_fires(t)}")
        out(f"  runs        endpoint {t.get('endpoint_id')}" + (f" v{t['version']}" if t.get("version") else "")
            + f", overlap {t.get('overlap')}" + (f", experiment {t['experiment']}" if t.get("experiment") else ""))
        for name, value in (t.get("parameters") or {}).items():
            out(f"  parameter   {name} = {value}")
        out(f"  next        {when(t.get('next_fire_at')) if t.get('next_fire_at') else '-'}")
        out(f"  last        {_last(t)}")


@cli.command("delete")
def triggers_delete(trigger: TriggerArg, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Delete a trigger (the runs it started stay)."""
    with session(url, profile) as client:
        send(client, delete_trigger, trigger, ok=(204,), what=f"could not delete trigger {trigger!r}")
        out(f"deleted trigger {trigger}")
