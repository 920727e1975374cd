"""The client's commands as one typer app, and `register`, which adds them to another.

`python -m retrainer_cli` is the client alone. The `retrainer` command of the full install is
the server's launcher (app.cli), which adds these commands to its own: the server knows the
client, never the other way round.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from retrainer_cli import (
    data,
    deployments,
    endpoints,
    login,
    models,
    pipelines,
    principals,
    runs,
    submit,
    triggers,
    webhooks,
)
from retrainer_cli.errors import EXIT_CODES_HELP
from retrainer_cli.output import out

PROG = "retrainer"
HELP_EPILOG = (EXIT_CODES_HELP + "  Every command prints a table for people, or the API's JSON with --json; "
               "talks to --url, else the --profile's server ($RETRAINER_PROFILE), else $RETRAINER_URL; "
               "shell completion: retrainer completion bash|zsh|fish.")


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"
    powershell = "powershell"


def completion(shell: Annotated[Shell, typer.Argument(help="The shell to complete in.")]) -> None:
    """Print the shell completion script of `retrainer`.

    bash: eval "$(retrainer completion bash)" in ~/.bashrc; zsh: eval "$(retrainer completion zsh)"
    in ~/.zshrc; fish: retrainer completion fish > ~/.config/fish/completions/retrainer.fish.
    (`retrainer --install-completion` does the same for the shell it runs in.)
    """
    # What `--show-completion SHELL` prints (typer's script, whose runtime half typer answers),
    # for the name `retrainer` however the command was started (python -m app.cli too).
    from typer._completion_shared import get_completion_script

    out(get_completion_script(prog_name=PROG, complete_var=f"_{PROG.upper()}_COMPLETE", shell=shell.value))


def register(cli: typer.Typer) -> None:
    """Adds the client's commands to `cli` (a new command group is added here)."""
    cli.command("login")(login.login)
    cli.command("logout")(login.logout)
    cli.command("profiles")(login.profiles)
    cli.command("submit")(submit.submit)
    cli.command("completion")(completion)
    for group in (data, pipelines, endpoints, runs, models, deployments, principals, webhooks, triggers):
        cli.add_typer(group.cli, name=group.__name__.rsplit(".", 1)[-1])


cli = typer.Typer(no_args_is_help=True, epilog=HELP_EPILOG,
                  help="Retrainer's client: data, pipelines, endpoints, runs, models and deployments over the "
                       "REST API.")
register(cli)


def main() -> None:
    cli(prog_name=PROG)
