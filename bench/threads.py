"""python -m bench.threads: why cores follow the work (README, "Cores follow the work").

Three measurements of gradient-boosting fits (HistGradientBoostingClassifier, 100
iterations, on the numeric columns of samples of UCI Adult, 1,000 rows unless said), each printed with
the 1-minute load average, since other work on the machine changes them:

- a lone fit, on 1 native thread and on all cores (median of 10, alternated twice);
- the same by data size (1,000 to 26,048 rows, Adult's train split; median of 3,
  alternated twice; `--sizes`: this alone): where all cores start to beat one thread, which sets
  worker.cores.ONE_THREAD_BELOW_ROWS;
- a burst: as many processes as cores, each fitting 5 models, with 1 thread each (what
  the rule gives) and with all cores each (oversubscribed: what a prefork worker whose
  children each used every core did).
"""

from __future__ import annotations

import os
import statistics
import sys
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


SIZES = (1_000, 2_000, 4_000, 8_000, 16_000, 26_048)


def _ms(medians: list[float]) -> str:
    return " / ".join(f"{m * 1000:.0f} ms" for m in medians)


def _by_size(folder: str, cores: int) -> None:
    for rows in SIZES:
        sized = str(write_sample(Path(folder) / f"rows-{rows}.data", rows))
        medians: dict[int, list[float]] = {1: [], cores: []}
        for threads in (1, cores, 1, cores):
            medians[threads].append(statistics.median(_fits(sized, threads, 3)))
        print(f"lone fit on {rows:,} rows: 1 thread {_ms(medians[1])}, {cores} threads {_ms(medians[cores])} "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    cores = os.cpu_count() or 1
    sizes_only = "--sizes" in sys.argv[1:]  # the size sweep alone
    with tempfile.TemporaryDirectory(prefix="retrainer-bench-threads-") as folder:
        path = str(write_sample(Path(folder) / "tiny.data", 1000))
        _fits(path, 1, 2)  # warm: imports, OpenMP's threads
        if sizes_only:
            _by_size(folder, cores)
            return
        for threads in (1, cores, 1, cores):
            median = statistics.median(_fits(path, threads, 10))
            print(f"lone fit, {threads} thread(s): median {median * 1000:.0f} ms "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
        _by_size(folder, cores)
        with get_context("spawn").Pool(cores) as pool:
            pool.starmap(_fits, [(path, 1, 1)] * cores)  # warm the processes
            for threads in (1, cores, 1, cores):
                started = time.perf_counter()
                pool.starmap(_fits, [(path, threads, 5)] * cores)
                print(f"burst: {cores} processes x 5 fits, {threads} thread(s) each: "
                      f"{time.perf_counter() - started:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
