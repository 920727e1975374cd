"""Executes a pipeline run: steps in topological order, data passed in memory.

Plain Python with no Celery import: `worker/tasks.py` calls `execute_run`.
Each step's logging and warnings go to its log file; each output is stored
(datasets as Parquet, models with joblib, metrics as JSON) with its size and
sha256. A failing step fails the run with `error.step` and a message the user
can act on; its traceback goes to the step's log only; later steps are skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from app.components.catalog import get_component
from app.core import artifacts
from app.core.files import atomic_target, sha256_file
from app.core.settings import Settings
from app.datastores.paths import DataPathError, resolve
from app.db.tables import Run
from app.pipelines.spec import DATA_PATH_SETTINGS, PipelineSpec, bind, topological_order
from app.runs import states
from worker.components import IMPLEMENTATIONS
from worker.components.context import StepContext, StepFailed
from worker.run_store import RunInactive, RunStore

log = logging.getLogger("retrainer.executor")

_MEDIA = {"dataset": ("parquet", "application/vnd.apache.parquet"),
          "model": ("joblib", "application/octet-stream"),
          "metrics": ("json", "application/json")}
_LIBRARIES = ("scikit-learn", "pandas", "numpy", "scipy", "joblib", "pyarrow", "retrainer")


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


@dataclass
class DataRead:
    step: str
    path: str
    sha256: str
    size: int


@dataclass
class RunState:
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    metrics: dict[str, dict] = field(default_factory=dict)
    reads: list[DataRead] = field(default_factory=list)
    stored: dict[tuple[str, str], dict] = field(default_factory=dict)  # (step, port) -> output record


@contextmanager
def step_logger(path: Path, run_id: str, step: str):
    """A logger writing to the step's log file; warnings raised meanwhile land there too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"retrainer.step.{run_id}.{step}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)

    def _show(message, category, filename, lineno, file=None, line=None):
        logger.warning("%s: %s (%s:%s)", category.__name__, message, Path(filename).name, lineno)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show
            yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()
        logging.Logger.manager.loggerDict.pop(logger.name, None)


def _store_output(settings: Settings, run: Run, step: str, port: str, kind: str, value: Any) -> dict:
    ext, media_type = _MEDIA[kind]
    relative = f"{run.workspace_id}/{run.id}/{step}/{port}.{ext}"
    target = artifacts.absolute(settings, relative)
    with atomic_target(target) as tmp:
        if kind == "dataset":
            frame = value.copy(deep=False)
            frame.columns = [str(c) for c in frame.columns]  # Parquet needs string column names
            frame.to_parquet(tmp, index=False)
        elif kind == "model":
            import joblib

            joblib.dump(value.pipeline, tmp)
        else:
            tmp.write_text(json.dumps(value, indent=2, sort_keys=True, default=str))
    return {"step": step, "port": port, "type": kind, "path": relative, "media_type": media_type,
            "size": target.stat().st_size, "sha256": sha256_file(target),
            "details": value.metadata() if kind == "model" else None}


def _relatives(spec: PipelineSpec, start: str, direction: str) -> set[str]:
    """Ancestors ('up') or descendants ('down') of a step."""
    ups = {name: {ref.partition(".")[0] for ref in s.inputs.values()} for name, s in spec.steps.items()}
    found: set[str] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        nexts = ups[node] if direction == "up" else {n for n, u in ups.items() if node in u}
        for n in nexts - found:
            found.add(n)
            frontier.append(n)
    return found


def _error_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:1000] if text else type(exc).__name__


def execute_run(settings: Settings, store: RunStore, run: Run, known_datastores: set[str]) -> str:
    """Runs every step; returns the final run status."""
    spec = PipelineSpec.model_validate(run.definition)
    bound, problems = bind(spec, run.parameters)
    if bound is None:  # validated at submit; only a changed component library gets here
        message = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
        store.finish(states.FAILED, error={"step": None, "message": message})
        return states.FAILED
    order = topological_order(spec)
    state = RunState()
    fingerprints: dict[str, str] = {}

    for index, name in enumerate(order):
        step = spec.steps[name]
        component = get_component(step.component)
        try:
            data = _data_digests(settings, run, known_datastores, step, bound.settings[name])
        except DataPathError as exc:  # the file went away (or escaped) since the submission
            return _fail(store, order[index + 1:], name, str(exc))
        fingerprints[name] = step_fingerprint(component, bound.settings[name], step.inputs, fingerprints, data)
        try:
            store.step_started(name, fingerprints[name])
            if not run.regenerate and _reusable(step):
                reused = _try_reuse(settings, store, run, name, component, fingerprints[name], state, data)
                if reused:
                    continue
        except RunInactive:
            return "inactive"
        log_path = artifacts.step_log_path(settings, run.workspace_id, run.id, name)
        with step_logger(log_path, run.id, name) as step_log:
            step_log.info("step %s (%s %s) started", name, component.name, component.version)

            def input_path(uri: str, _step=name, _log=step_log, _data=data) -> Path:
                try:
                    path = resolve(settings, run.workspace_id, uri, known_datastores, mode="read")
                except DataPathError as exc:
                    raise StepFailed(str(exc)) from exc
                known = next((d for d in _data.values() if d["path"] == uri), None)
                digest = sha256_file(path)
                if known is not None and digest != known["sha256"]:
                    # The step's fingerprint (and so reuse) was computed from the earlier content.
                    raise StepFailed(f"{uri} changed while the step was starting; run it again")
                state.reads.append(DataRead(_step, uri, digest, path.stat().st_size))
                _log.info("reading %s (sha256 %s)", uri, digest)
                return path

            def output_path(uri: str) -> Path:
                try:
                    return resolve(settings, run.workspace_id, uri, known_datastores, mode="write")
                except DataPathError as exc:
                    raise StepFailed(str(exc)) from exc

            def check_canceled() -> None:
                store.check_active()  # raises RunInactive when canceled

            ctx = StepContext(run_id=run.id, step=name, log=step_log, input_path=input_path,
                              output_path=output_path, check_canceled=check_canceled)
            try:
                step_settings = component.settings_model.model_validate(bound.settings[name])
                inputs = {port: state.values[tuple(ref.split(".", 1))] for port, ref in step.inputs.items()}
                outputs = IMPLEMENTATIONS[component.name](ctx, step_settings, inputs)
                stored = [_store_output(settings, run, name, port.name, port.type, outputs[port.name])
                          for port in component.outputs if port.name in outputs]
            except RunInactive:
                step_log.info("run is no longer active (canceled); stopping")
                return "inactive"
            except StepFailed as exc:
                step_log.error("step failed: %s", exc)
                return _fail(store, order[index + 1:], name, str(exc))
            except Exception as exc:  # noqa: BLE001 - reported to the user without a traceback
                step_log.error("step failed with an unexpected error:\n%s", traceback.format_exc())
                return _fail(store, order[index + 1:], name, _error_message(exc))
            for port in component.outputs:
                if port.name in outputs:
                    state.values[(name, port.name)] = outputs[port.name]
            step_metrics = next((outputs[p.name] for p in component.outputs if p.type == "metrics"), None)
            try:
                for record in stored:
                    store.add_output(**record)
                    state.stored[(name, record["port"])] = record
                if step_metrics is not None:
                    state.metrics[name] = step_metrics
                store.step_succeeded(name, step_metrics)
            except RunInactive:
                return "inactive"
            step_log.info("step %s succeeded", name)

    run_metrics = (next(iter(state.metrics.values())) if len(state.metrics) == 1
                   else state.metrics or None)
    try:
        moved = store.succeed(_model_versions(run, spec, state), metrics=run_metrics)
    except RunInactive:
        return "inactive"
    return states.SUCCEEDED if moved else "inactive"


def step_fingerprint(component, settings: dict, inputs: dict[str, str], upstream: dict[str, str],
                     data: dict[str, dict]) -> str:
    """What a step's outputs depend on: its component version, its settings, the
    fingerprints of the outputs it reads, and the sha256 of every data file it reads."""
    payload = {
        "component": component.name, "version": component.version, "settings": settings,
        "inputs": {port: f"{upstream[ref.split('.', 1)[0]]}.{ref.split('.', 1)[1]}" for port, ref in inputs.items()},
        "data": {key: d["sha256"] for key, d in data.items()},
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _data_digests(settings: Settings, run: Run, known: set[str], step, step_settings: dict) -> dict[str, dict]:
    """sha256 and size of each data file the step reads (by setting name)."""
    out = {}
    for key, mode in DATA_PATH_SETTINGS.get(step.component, {}).items():
        if mode == "read" and isinstance(step_settings.get(key), str):
            path = resolve(settings, run.workspace_id, step_settings[key], known, mode="read")
            out[key] = {"path": step_settings[key], "sha256": sha256_file(path), "size": path.stat().st_size}
    return out


def _reusable(step) -> bool:
    # A step that writes outside the artifact store must run to have its effect.
    return "write" not in DATA_PATH_SETTINGS.get(step.component, {}).values()


def _load_output(settings: Settings, out) -> Any:
    path = artifacts.verified(settings, out.path, out.sha256)  # checked before anything is unpickled
    if out.type == "dataset":
        import pandas as pd

        return pd.read_parquet(path)
    if out.type == "model":
        import dataclasses

        import joblib

        from worker.components.train import TrainedModel

        fields = {f.name for f in dataclasses.fields(TrainedModel)} - {"pipeline"}
        return TrainedModel(pipeline=joblib.load(path), **{k: v for k, v in (out.details or {}).items() if k in fields})
    return json.loads(path.read_text())


def _try_reuse(settings: Settings, store: RunStore, run: Run, name: str, component, fingerprint: str,
               state: RunState, data: dict[str, dict]) -> bool:
    found = store.find_reusable(run.workspace_id, fingerprint)
    if found is None:
        return False
    source_run, source_step, outputs = found
    try:
        values = {out.port: _load_output(settings, out) for out in outputs}
    except Exception as exc:  # noqa: BLE001 - e.g. a model pickled by another library version
        log.warning("cannot reuse %s of run %s, computing it again: %s", source_step, source_run, exc)
        return False
    if {p.name for p in component.outputs} - set(values):
        return False
    for out in outputs:
        record = {"step": name, "port": out.port, "type": out.type, "path": out.path,
                  "media_type": out.media_type, "size": out.size, "sha256": out.sha256, "details": out.details}
        store.add_output(**record)
        state.stored[(name, out.port)] = record
        state.values[(name, out.port)] = values[out.port]
    for d in data.values():
        state.reads.append(DataRead(name, d["path"], d["sha256"], d["size"]))
    metrics = next((values[p.name] for p in component.outputs if p.type == "metrics"), None)
    if metrics is not None:
        state.metrics[name] = metrics
    store.step_reused(name, source_run, metrics)
    log_path = artifacts.step_log_path(settings, run.workspace_id, run.id, name)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(f"reused the outputs of step {source_step!r} of run {source_run} "
                        f"(same component version, settings and input sha256: {fingerprint})\n")
    return True


def _fail(store: RunStore, later: list[str], step: str, message: str) -> str:
    try:
        store.step_failed(step, message)
        store.finish(states.FAILED, error={"step": step, "message": message}, skipped=later)
    except RunInactive:
        return "inactive"
    return states.FAILED


def _model_versions(run: Run, spec: PipelineSpec, state: RunState) -> list[dict]:
    """The model versions this run registers: one per train_model step, with lineage."""
    train_steps = [name for name, s in spec.steps.items() if s.component == "train_model"]
    versions = library_versions()
    out = []
    for name in train_steps:
        trained = state.values.get((name, "model"))
        if trained is None:
            continue
        ancestors = _relatives(spec, name, "up") | {name}
        descendants = _relatives(spec, name, "down")
        record = state.stored[(name, "model")]  # a reused step's file lives in an earlier run
        out.append(dict(
            name=spec.name if len(train_steps) == 1 else f"{spec.name}-{name}", step=name,
            pipeline_id=run.pipeline_id, pipeline_digest=run.pipeline_digest, endpoint_id=run.endpoint_id,
            endpoint_version=run.endpoint_version, parameters=run.parameters,
            data=[r.__dict__ for r in state.reads if r.step in ancestors],
            metrics=next((state.metrics[d] for d in sorted(descendants) if d in state.metrics), None),
            details={"algorithm": trained.algorithm, "task": trained.task, "label_column": trained.label_column,
                     "feature_columns": list(trained.feature_columns), "classes": trained.classes,
                     "hyperparameters": trained.hyperparameters, "training_rows": trained.training_rows},
            library_versions=versions, artifact_path=record["path"], size=record["size"],
            sha256=record["sha256"]))
    return out
