"""python -m bench.threads: why cores follow the work (README, "Cores follow the work").

Two measurements of small gradient-boosting fits (HistGradientBoostingClassifier, 100
iterations, on the numeric columns of a 1,000-row sample of UCI Adult), each printed with
the 1-minute load average, since other work on the machine changes them:

- a lone fit, on 1 native thread and on all cores (median of 10, alternated twice);
- a burst: as many processes as cores, each fitting 5 models, with 1 thread each (what
  the rule gives) and with all cores each (oversubscribed: what a prefork worker whose
  children each used every core did).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.data import write_sample


def _data(path: Path) -> tuple[Any, Any]:
    import pandas as pd

    frame = pd.read_csv(path, header=None, skipinitialspace=True)
    label = frame.iloc[:, -1].astype(str).str.contains(">").astype(int)
    return frame.select_dtypes("number"), label


def _fits(path: str, threads: int, count: int) -> list[float]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    features, label = _data(Path(path))
    seconds = []
    with threadpool_limits(limits=threads):
        for _ in range(count):
            started = time.perf_counter()
            HistGradientBoostingClassifier(max_iter=100).fit(features, label)
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="retrainer-bench-threads-") as folder:
        path = str(write_sample(Path(folder) / "tiny.data", 1000))
        _fits(path, 1, 2)  # warm: imports, OpenMP's threads
        for threads in (1, cores, 1, cores):
            median = statistics.median(_fits(path, threads, 10))
            print(f"lone fit, {threads} thread(s): median {median * 1000:.0f} ms "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        with get_context("spawn").Pool(cores) as pool:
            pool.starmap(_fits, [(path, 1, 1)] * cores)  # warm the processes
            for threads in (1, cores, 1, cores):
                started = time.perf_counter()
                pool.starmap(_fits, [(path, threads, 5)] * cores)
                print(f"burst: {cores} processes x 5 fits, {threads} thread(s) each: "
                      f"{time.perf_counter() - started:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
