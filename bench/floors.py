"""F1's process as the bench drives it: `python -m bench.expert`, warm, all cores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


class ExpertProcess:
    """One warm process running the plain script on request (see bench.expert)."""

    def __init__(self, threads: int, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.expert", "--threads", str(threads)],
            cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, path: Path, threads: int | None = None) -> dict[str, Any]:
        """{"seconds", "metrics", "peak_rss_kb", "peak_reset"} of one run of the script, with
        `threads` native threads (default: the process's, all cores)."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"path": str(path), "threads": threads}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the expert process exited")
        return json.loads(line)

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
