"""Drift of a deployment: the rows it logged in a window against the reference profile of
the version serving (app.core.profile), column by column, and its predictions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from app.core import profile as profiles
from app.core.clock import utcnow
from app.core.errors import InvalidInput
from app.core.settings import Settings
from app.deployments import predlog
from app.deployments.schemas import DriftColumn, DriftOut, Thresholds
from app.storage.registry import artifact_store

_DURATION = re.compile(r"^P(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$")


def _problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"loc": ["query", field], "msg": message}])


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT") or text.strip().upper().endswith("T"):
        raise _problem("window", f"{text[:40]!r} is not an ISO 8601 duration such as PT24H, PT30M or P7D")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def window(settings: Settings, text: str | None, since: datetime | None, until: datetime | None
           ) -> tuple[datetime, datetime]:
    """[since, until] from `window` (ending now, or at `until`) or from since/until."""
    if text is not None and since is not None:
        raise _problem("since", "give window or since (with until or not), not both")
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise _problem(name, f"{name} needs a time zone (e.g. 2026-12-06T10:00:00Z)")
    end = until or utcnow()
    start = since if since is not None else end - parse_duration(text or "PT24H")
    if start >= end:
        raise _problem("since" if since is not None else "window", "the window is empty: since must be before until")
    if end - start > timedelta(days=settings.prediction_log_retention_days):
        raise _problem("window", f"at most {settings.prediction_log_retention_days} days "
                                 "(RETRAINER_PREDICTION_LOG_RETENTION_DAYS: older predictions are deleted)")
    return start, end


def _column(name: str, reference: dict[str, Any], values: Any, thresholds: Thresholds) -> DriftColumn:
    found = profiles.compare(reference, values)
    threshold = thresholds.psi if found["metric"] == "psi" else thresholds.js
    return DriftColumn(name=name, kind=reference["kind"], metric=found["metric"], value=found["value"],
                       threshold=threshold, drifted=found["value"] >= threshold,
                       missing_rate=found["missing_rate"], reference_missing_rate=found["reference_missing_rate"],
                       bins=found["bins"])


def measure(settings: Settings, workspace_id: str, deployment_id: str, version: int, reference: dict[str, Any],
            thresholds: Thresholds, since: datetime, until: datetime) -> DriftOut:
    frame = predlog.read_window(artifact_store(settings), workspace_id, deployment_id, since, until,
                                settings.drift_max_rows)
    rows = len(frame)
    base = {"rows": rows, "reference_rows": int(reference.get("rows") or 0), "version": version,
            "since": since, "until": until}
    if rows < settings.drift_min_rows:
        return DriftOut(**base, enough_rows=False, drifted=False, columns=[],
                        message=f"{rows} logged row(s) in the window; drift is measured on at least "
                                f"{settings.drift_min_rows} (RETRAINER_DRIFT_MIN_ROWS): widen the window or wait")
    columns: list[DriftColumn] = []
    for name, column in reference.get("columns", {}).items():
        if name not in frame.columns:
            continue  # logged by a version that did not read it
        values = frame[name].to_numpy(dtype="float64", na_value=float("nan")) if column["kind"] == "number" \
            else frame[name].to_numpy(dtype=object)
        columns.append(_column(name, column, values, thresholds))
    prediction = None
    served = frame[frame[predlog.VERSION] == version]
    if "prediction" in reference and len(served) >= settings.drift_min_rows:
        values = served[predlog.PREDICTION].to_numpy(dtype=object)
        if reference["prediction"]["kind"] == "number":
            values = served[predlog.PREDICTION].to_numpy(dtype="float64")
        prediction = _column("prediction", reference["prediction"], values, thresholds)
    drifted = any(c.drifted for c in columns) or bool(prediction and prediction.drifted)
    return DriftOut(**base, enough_rows=True, drifted=drifted, columns=columns, prediction=prediction)
