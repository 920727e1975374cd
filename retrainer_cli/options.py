"""The options every command shares: where (--url, --profile) and how (--json)."""

from __future__ import annotations

from typing import Annotated

import typer

from retrainer_cli.credentials import DEFAULT_URL

UrlOption = Annotated[str | None, typer.Option(
    "--url", metavar="URL", help=f"The service (default: the profile's, else $RETRAINER_URL, else {DEFAULT_URL}).",
    show_default=False)]
ProfileOption = Annotated[str | None, typer.Option(
    "--profile", metavar="NAME", envvar="RETRAINER_PROFILE",
    help="Use the login kept by `retrainer login --profile NAME` (its server and token) [$RETRAINER_PROFILE].",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer (for scripts).")]
