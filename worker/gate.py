"""The gate, run by the worker that trained a challenger, before its run succeeds.

For each enabled deployment that follows the challenger's model, the champion (the
version serving now) and the challenger are scored on the same rows: the deployment's
holdout file, or else the test split recorded by the champion's own run. Never the
challenger's test split: whoever can start a run chooses that data (labels flipped, the
champion scores below chance on it and the poisoned challenger wins), and starting a
run does not need deployments:write. A champion that scores below chance, or far below
its own recorded score, on the rows holds the gate (app.deployments.gate.incomparable):
the rows, e.g. a holdout file replaced by someone with data:write, cannot judge.

The decisions are recorded in the run's success transaction
(app.deployments.gate.record). A gate that cannot be evaluated holds, and says why; it
never fails the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.components.catalog import get_component
from app.core import tabular
from app.core.settings import Settings
from app.core.tabular import TableLimits
from app.datastores.paths import resolve
from app.db.tables import Deployment, ModelVersion, Run
from app.deployments import gate as gates
from app.deployments import serving
from app.models_registry import service as models
from app.pipelines.spec import PipelineSpec
from app.runs import store as runs_store
from app.storage import artifacts
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
    """A model the run is about to register, with the rows of its own test split (which the
    gate never judges on: the run's submitter chose them)."""

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
        mv = models.version(session, run.workspace_id, deployment.model, deployment.version)
        if mv is None:
            return held(f"the champion, version {deployment.version}, is not in the registry")
        try:
            rows, rows_from = self._rows(session, gate, mv, model)
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable holdout holds the gate
            return held(f"the gate cannot read its rows: {self._say(exc)}")
        if rows is None:
            return held(f"no rows to compare on: {rows_from}; set the deployment's gate.holdout "
                        "(the challenger's own test split is never used: its run chose that data)")
        label = model.label_column
        if label not in rows.columns:
            return held(f"the rows ({rows_from}) have no label column {label!r}")
        try:
            challenger = gates.score(metric, model.pipeline, rows, label)
        except Exception as exc:  # noqa: BLE001
            return held(f"the challenger cannot score the rows ({rows_from}): {self._say(exc)}")
        try:
            champion_model = serving.load(self.settings, mv)
            champion = gates.score(metric, champion_model.pipeline, rows, label)
        except Exception as exc:  # noqa: BLE001
            return held(f"the champion, version {deployment.version}, cannot score the rows ({rows_from}): "
                        f"{self._say(exc)}")
        min_delta = float(gate.get("min_delta") or 0.0)
        needed = champion + min_delta
        recorded = gates.recorded_score(mv.metrics, metric)
        scored: dict[str, Any] = {"version": deployment.version, metric: champion}
        if recorded is not None:  # what it scored on its own test split at training
            scored["recorded"] = recorded
        metrics = {"metric": metric, "rows": int(rows[label].notna().sum()), "rows_from": rows_from,
                   "min_delta": min_delta, "champion": scored, "challenger": {metric: challenger}}
        unfit = gates.incomparable(metric, champion, recorded, (mv.details or {}).get("classes"))
        if unfit:
            return held(f"{unfit} (rows: {rows_from}; the challenger scored {challenger:.4f})", metrics)
        verdict = (f"{metric} {challenger:.4f} against the champion's (version {deployment.version}) "
                   f"{champion:.4f} on {metrics['rows']} rows ({rows_from}); the gate needs >= {needed:.4f}")
        if gates.passes(challenger, champion, min_delta):
            return gates.Decision(deployment.id, deployment.version, True, verdict, metrics)
        return held(verdict, metrics)

    def _rows(self, session: Session, gate: dict[str, Any], champion: ModelVersion,
              model: Any) -> tuple[pd.DataFrame | None, str]:
        """The rows to judge on, and where they come from (or None, and why there are none)."""
        holdout = gate.get("holdout")
        if not holdout:
            return champion_test_rows(self.settings, session, champion)
        # The model's columns and its label, and a few more (ids, notes): a holdout is
        # refused before it is parsed when its header has more, or names a column twice.
        columns = len(model.feature_columns) + 1 + HOLDOUT_EXTRA_COLUMNS
        limits = TableLimits(max_rows=self.settings.max_data_rows, max_bytes=self.settings.max_decompressed_bytes,
                             max_columns=min(columns, self.settings.max_data_columns),
                             columns_setting=f"the model's {len(model.feature_columns)} input columns, "
                                             f"its label and {HOLDOUT_EXTRA_COLUMNS} more")
        return read_table(self.stores, holdout, limits), f"holdout {holdout}"

    def _say(self, exc: BaseException) -> str:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return self.scrub(text[:500])


def champion_test_rows(settings: Settings, session: Session,
                       champion: ModelVersion) -> tuple[pd.DataFrame | None, str]:
    """The test split that the champion's run scored it on (a stored, sha256-checked output:
    no later upload changes it), or None and why there is none."""
    run = session.get(Run, champion.run_id)
    spec = PipelineSpec.model_validate(run.definition) if run is not None else None
    scorer = next((s for s in spec.steps.values() if _role(s.component) == "scores"
                   and s.inputs.get("model") == f"{champion.step}.model"), None) if spec else None
    if scorer is None or "data" not in scorer.inputs:
        return None, (f"the champion, version {champion.version}, has no test split on record (its run has no "
                      "scoring step, such as score_model, scoring it)")
    step, _, port = scorer.inputs["data"].partition(".")
    output = runs_store.output(session, champion.run_id, step, port)
    if output is None:
        return None, f"the test split of the champion, version {champion.version}, is no longer stored"
    found = artifacts.verified(settings, output.path, output.sha256)
    limits = TableLimits(max_rows=settings.max_data_rows, max_bytes=settings.max_decompressed_bytes,
                         max_columns=settings.max_data_columns, columns_setting="RETRAINER_MAX_DATA_COLUMNS")
    with found.open() as handle:
        frame = tabular.read_parquet(handle, f"{step}.{port}", limits)
    return frame, f"the champion's (version {champion.version}) test split {step}.{port} of run {champion.run_id}"


def _role(component: str) -> str | None:
    found = get_component(component)
    return found.role if found else None


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
