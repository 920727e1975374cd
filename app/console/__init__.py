"""The commands a person at a terminal expects: login, runs, endpoints, models, triggers.

Thin HTTP clients of the public API, like `retrainer submit` (whose client, error
rendering and exit codes they share): 0 ok, 1 the run failed or was canceled,
2 refused (any 4xx, no credentials, usage), 3 unreachable, 5xx or --timeout.

Credentials, first found wins: RETRAINER_CLIENT_ID + RETRAINER_CLIENT_SECRET (a
service principal), RETRAINER_TOKEN (a bearer token), or the token that
`retrainer login` kept for this session in a file only its user can read.
Tables are for people; --json prints the API's answer for scripts.
"""

from __future__ import annotations

import typer

from app.console.login import login, logout
from app.console.registry import endpoints_cli, models_cli
from app.console.runs import runs_cli
from app.console.triggers import triggers_cli


def register(cli: typer.Typer) -> None:
    """Adds these commands to the `retrainer` command."""
    cli.command("login")(login)
    cli.command("logout")(logout)
    cli.add_typer(runs_cli, name="runs")
    cli.add_typer(endpoints_cli, name="endpoints")
    cli.add_typer(models_cli, name="models")
    cli.add_typer(triggers_cli, name="triggers")
