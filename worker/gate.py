"""The gate, run by the worker that trained a challenger, before its run succeeds.

For each enabled deployment that follows the challenger's model, the champion (the
version serving now) and the challenger are scored on the same rows: the deployment's
holdout file, or else the challenger run's test split. The decisions are recorded in
the run's success transaction (app.deployments.gate.record). A gate that cannot be
evaluated holds, and says why; it never fails the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core import tabular
from app.core.settings import Settings
from app.core.tabular import TableLimits
from app.datastores.paths import resolve
from app.db.tables import Deployment, Run
from app.deployments import gate as gates
from app.deployments import serving
from app.models_registry import repository as models
from app.storage.base import ObjectStore

if TYPE_CHECKING:
    import pandas as pd
    from sqlmodel import Session

    from worker.components.train import TrainedModel

log = logging.getLogger("retrainer.gate")

# Columns a holdout may have beyond the model's inputs and its label.
HOLDOUT_EXTRA_COLUMNS = 16


@dataclass
class Candidate:
    """A model the run is about to register, with the rows of its own test split."""

    name: str
    model: TrainedModel
    test_rows: pd.DataFrame | None
    test_from: str


class Gate:
    def __init__(self, settings: Settings, read_session: Callable[[], Any], stores: Mapping[str, ObjectStore],
                 scrub: Callable[[str], str] = lambda text: text) -> None:
        self.settings, self.read_session, self.stores, self.scrub = settings, read_session, stores, scrub

    def __call__(self, run: Run, candidates: list[Candidate]) -> dict[str, list[gates.Decision]]:
        """Decisions by model name, for every follower of each candidate's model."""
        out: dict[str, list[gates.Decision]] = {}
        with self.read_session() as session:
            for candidate in candidates:
                decisions = [self._decide_or_hold(session, run, candidate, d)
                             for d in gates.followers(session, run.workspace_id, candidate.name)]
                if decisions:
                    out[candidate.name] = decisions
        return out

    def _decide_or_hold(self, session: Session, run: Run, candidate: Candidate,
                        deployment: Deployment) -> gates.Decision:
        """A decision for every follower: one the gate could not reach holds, saying so."""
        try:
            return self._decide(session, run, candidate, deployment)
        except Exception:
            log.exception("run %s: the gate of deployment %s failed", run.id, deployment.name)
            return gates.Decision(deployment.id, deployment.version, False,
                                  "the gate could not be evaluated (an internal error; the worker log has the details)")

    def _decide(self, session: Session, run: Run, candidate: Candidate, deployment: Deployment) -> gates.Decision:
        def held(why: str, metrics: dict[str, Any] | None = None) -> gates.Decision:
            log.info("deployment %s holds version %s: %s", deployment.name, deployment.version, why)
            return gates.Decision(deployment.id, deployment.version, False, why, metrics)

        gate = deployment.gate or {}
        model = candidate.model
        metric = gates.metric_of(gate, model.task, model.classes)
        problem = gates.metric_problem(metric, model.task, model.classes)
        if problem:
            return held(f"the gate cannot judge this model: {problem}")
        try:
            rows, rows_from = self._rows(gate, candidate)
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable holdout holds the gate
            return held(f"the gate cannot read its rows: {self._say(exc)}")
        if rows is None:
            return held("no rows to compare on: the run has no test split scored by a score_model step; "
                        "set the deployment's gate.holdout")
        label = model.label_column
        if label not in rows.columns:
            return held(f"the rows ({rows_from}) have no label column {label!r}")
        try:
            challenger = gates.score(metric, model.pipeline, rows, label)
        except Exception as exc:  # noqa: BLE001
            return held(f"the challenger cannot score the rows ({rows_from}): {self._say(exc)}")
        mv = models.version(session, run.workspace_id, deployment.model, deployment.version)
        if mv is None:
            return held(f"the champion, version {deployment.version}, is not in the registry")
        try:
            champion_model = serving.load(self.settings, mv)
            champion = gates.score(metric, champion_model.pipeline, rows, label)
        except Exception as exc:  # noqa: BLE001
            return held(f"the champion, version {deployment.version}, cannot score the rows ({rows_from}): "
                        f"{self._say(exc)}")
        min_delta = float(gate.get("min_delta") or 0.0)
        needed = champion + min_delta
        metrics = {"metric": metric, "rows": int(rows[label].notna().sum()), "rows_from": rows_from,
                   "min_delta": min_delta, "champion": {"version": deployment.version, metric: champion},
                   "challenger": {metric: challenger}}
        verdict = (f"{metric} {challenger:.4f} against the champion's (version {deployment.version}) "
                   f"{champion:.4f} on {metrics['rows']} rows ({rows_from}); the gate needs >= {needed:.4f}")
        if gates.passes(challenger, champion, min_delta):
            return gates.Decision(deployment.id, deployment.version, True, verdict, metrics)
        return held(verdict, metrics)

    def _rows(self, gate: dict[str, Any], candidate: Candidate) -> tuple[pd.DataFrame | None, str]:
        holdout = gate.get("holdout")
        if not holdout:
            return candidate.test_rows, candidate.test_from
        # The model's columns and its label, and a few more (ids, notes): a holdout is
        # refused before it is parsed when its header has more, or names a column twice.
        columns = len(candidate.model.feature_columns) + 1 + HOLDOUT_EXTRA_COLUMNS
        limits = TableLimits(max_rows=self.settings.max_data_rows, max_bytes=self.settings.max_decompressed_bytes,
                             max_columns=min(columns, self.settings.max_data_columns),
                             columns_setting=f"the model's {len(candidate.model.feature_columns)} input columns, "
                                             f"its label and {HOLDOUT_EXTRA_COLUMNS} more")
        return read_table(self.stores, holdout, limits), f"holdout {holdout}"

    def _say(self, exc: BaseException) -> str:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return self.scrub(text[:500])


def read_table(stores: Mapping[str, ObjectStore], uri: str, limits: TableLimits) -> pd.DataFrame:
    """A holdout file: Parquet, or CSV with a header (optionally .gz or .bz2), pinned as it
    is now, through the one bounded reader (app.core.tabular) that import_data uses."""
    ref = resolve(stores, uri, mode="read")
    pinned = ref.store.pin(uri, ref.key)
    try:
        if uri.endswith(".parquet"):
            with pinned.open_random() as handle:
                return tabular.read_parquet(handle, uri, limits)
        with pinned.open_stream() as handle:
            kind = "gzip" if uri.endswith(".gz") else "bz2" if uri.endswith(".bz2") else None
            stream = tabular.decompressing(handle, kind, limits, uri)
            return tabular.read_csv(stream, uri, limits, skipinitialspace=True)
    finally:
        pinned.close()
