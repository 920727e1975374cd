"""The whole API fuzzed with schemathesis, authenticated, stateful phase included (it
follows the OpenAPI links from what creates to what reads): no server error, and every
status code, content type and body as the committed document says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.api import password_token

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_schemathesis_finds_nothing(api, client, make_user, tmp_path: Path):
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    token = password_token(client, make_user(workspace="fuzz", admin=True))
    seconds = os.environ.get("RETRAINER_FUZZ_SECONDS", "90")
    result = subprocess.run(
        [st, "run", f"{api.url}/openapi.json", "--header", f"Authorization: Bearer {token}",
         "--checks", CHECKS, "--phases", "examples,coverage,fuzzing,stateful", "--max-time", seconds,
         "--workers", "1", "--request-timeout", "30", "--no-color",
         # Revoking its own token would leave the rest of the run unauthenticated.
         "--exclude-operation-id", "revoke_token"],
        cwd=tmp_path, capture_output=True, text=True, timeout=int(seconds) + 240)
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert " passed" in result.stdout and "failed" not in result.stdout.split("SUMMARY")[-1], report
