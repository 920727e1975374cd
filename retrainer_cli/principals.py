"""`retrainer principals list|create|revoke`: service principals, the identities of CI jobs
and other services (scope admin)."""

from __future__ import annotations

from typing import Annotated

import typer
from retrainer_client.api.service_principals import (
    create_service_principal,
    list_service_principals,
    revoke_service_principal,
)
from retrainer_client.models import ServicePrincipalCreate

from retrainer_cli.client import get_all, send, session
from retrainer_cli.options import JsonOption, ProfileOption, UrlOption
from retrainer_cli.output import out, print_json, table, when

cli = typer.Typer(no_args_is_help=True, help="Service principals: client credentials for CI jobs (scope admin).")


@cli.command("list")
def principals_list(as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Every service principal of the workspace with its scopes (secrets are never shown again)."""
    with session(url, profile) as client:
        principals = get_all(client, list_service_principals, what="could not list service principals", limit=5000)
        if as_json:
            print_json(principals)
            return
        if not principals:
            out("no service principals yet: retrainer principals create NAME --scope runs:write --scope runs:read")
            return
        table(["id", "name", "client_id", "state", "created", "scopes"], [[
            p["id"], p["name"], p["client_id"], f"revoked {when(p['revoked_at'])}" if p.get("revoked_at") else "active",
            when(p.get("created_at")), " ".join(p.get("scopes") or []),
        ] for p in principals])


@cli.command("create")
def principals_create(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    scopes: Annotated[list[str], typer.Option("--scope", "-s", help="A scope it holds (repeat), e.g. runs:write.",
                                              show_default=False)],
    as_json: JsonOption = False, url: UrlOption = None, profile: ProfileOption = None,
) -> None:
    """Create a service principal; prints its client id and secret, which is shown only now."""
    with session(url, profile) as client:
        created = send(client, create_service_principal, model=ServicePrincipalCreate,
                       body={"name": name, "scopes": scopes}, ok=(201,), what=f"could not create {name!r}")
        if as_json:
            print_json(created)
            return
        out(f"service principal {created['name']} ({created['id']}): {' '.join(created.get('scopes') or [])}")
        out(f"RETRAINER_CLIENT_ID={created['client_id']}")
        out(f"RETRAINER_CLIENT_SECRET={created['client_secret']}")
        out("(the secret is shown only now: keep it in your CI's secret store)")


@cli.command("revoke")
def principals_revoke(principal: Annotated[str, typer.Argument(metavar="ID", help="The principal's id.")],
                      url: UrlOption = None, profile: ProfileOption = None) -> None:
    """Revoke a service principal: the tokens already issued to it stop working at once."""
    with session(url, profile) as client:
        send(client, revoke_service_principal, principal, ok=(204,), what=f"could not revoke {principal!r}")
        out(f"revoked service principal {principal}")
