"""The options every command shares."""

from __future__ import annotations

from typing import Annotated

import typer

from retrainer_cli.credentials import DEFAULT_URL

UrlOption = Annotated[str | None, typer.Option(
    "--url", metavar="URL", help=f"The service (default: $RETRAINER_URL, else {DEFAULT_URL}).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer (for scripts).")]
