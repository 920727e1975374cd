"""The client's commands as one typer app, and `register`, which adds them to another.

`python -m retrainer_cli` is the client alone. The `retrainer` command of the full install is
the server's launcher (app.cli), which adds these commands to its own: the server knows the
client, never the other way round.
"""

from __future__ import annotations

import typer

from retrainer_cli import endpoints, login, models, runs, submit, webhooks


def register(cli: typer.Typer) -> None:
    """Adds the client's commands to `cli` (a new command group is added here)."""
    cli.command("login")(login.login)
    cli.command("logout")(login.logout)
    cli.command("submit")(submit.submit)
    cli.add_typer(runs.cli, name="runs")
    cli.add_typer(endpoints.cli, name="endpoints")
    cli.add_typer(models.cli, name="models")
    cli.add_typer(webhooks.cli, name="webhooks")


cli = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Retrainer's client: retrain, follow runs, download models, over the REST API.")
register(cli)


def main() -> None:
    cli()
