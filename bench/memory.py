"""Peak resident memory of a process, from /proc (Linux), with no extra dependency."""

from __future__ import annotations

from pathlib import Path


def peak_rss_kb(pid: int) -> int:
    """VmHWM: the peak resident set size since start or since the last `reset_peak`."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def reset_peak(pid: int) -> bool:
    """Resets VmHWM to the current RSS (Linux >= 4.0); False when not permitted, and then
    the peak includes everything the process did before."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The direct children of `pid` (e.g. a Celery worker's pool processes)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return sorted(set(found))
