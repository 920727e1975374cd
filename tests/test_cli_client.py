"""The terminal client (retrainer_cli) as a package of its own: what it loads, and what it
reads from the spec instead of the server's code. Its commands are tested against a real API
in tests/test_submit.py and tests/test_console.py."""

from __future__ import annotations

import json
import subprocess
import sys

from app.runs.metrics import HEADLINE_METRICS
from tests.helpers.processes import ROOT

# What a CI job that runs `retrainer submit` must not pay for, nor need installed.
SERVER = ("app", "worker", "fastapi", "starlette", "uvicorn", "sqlmodel", "sqlalchemy", "celery", "sklearn",
          "pandas", "numpy", "pydantic_settings", "alembic", "redis")


def test_the_client_loads_nothing_of_the_server():
    """The import contract sees imports written in the code; this sees what importing the
    client really loads (an import inside a function, a dependency's dependency)."""
    probe = ("import json, sys, retrainer_cli.main; "
             "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "retrainer_client" in loaded
    assert loaded.isdisjoint(SERVER), sorted(loaded.intersection(SERVER))


def test_headline_metrics_come_from_the_spec_in_the_servers_order():
    """The client lists metrics headline ones first, in the order of the spec's HeadlineMetric
    enum (the generated client keeps the spec's order, openapi/templates): the server's list."""
    from retrainer_cli.output import HEADLINE_METRICS as client_order

    assert client_order == HEADLINE_METRICS
