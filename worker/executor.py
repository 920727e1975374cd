"""Executes a pipeline run: steps in topological order, data passed in memory.

Plain Python with no Celery import: `worker/tasks.py` calls `execute_run`.
Every file goes through the storage layer (app.storage), on a disk or in a bucket
alike. Each step's logging and warnings go to its log; each output is streamed to
the artifact store (datasets as Parquet, models with joblib, metrics as JSON) with
its size and sha256 computed as it is written. The data files a step reads are
pinned before it starts: the sha256 recorded for an input is that of the bytes
parsed. A failing step fails the run with `error.step` and a message the user
can act on; its traceback goes to the step's log only; later steps are skipped.
Every state write goes through the run's `Attempt` and is fenced: once the run
is canceled or taken over, the next write raises RunInactive and this stops.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import platform
import re
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

from sqlmodel import Session

from app.components.catalog import ComponentDef, get_component
from app.components.settings import MODEL_REF
from app.core.settings import Settings
from app.datastores.paths import DataPathError, resolve
from app.db.tables import ModelVersion, Run, RunOutput
from app.deployments.gate import Decision
from app.deployments.gate import record as record_decision
from app.pipelines.spec import DATA_PATH_SETTINGS, PipelineSpec, StepSpec, bind, topological_order
from app.runs.states import RunStatus
from app.runs.store import Attempt, RunInactive
from app.storage import artifacts
from app.storage.base import ObjectStore, Pinned, StorageError
from app.storage.logs import StoredLogHandler, write_log
from app.storage.registry import artifact_store, service_folder
from worker.components import IMPLEMENTATIONS
from worker.components.context import OutputFile, StepContext, StepFailed, StepLimits
from worker.gate import Candidate

log = logging.getLogger("retrainer.executor")

Outcome = Literal["succeeded", "failed", "inactive"]
INACTIVE: Outcome = "inactive"

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


Stores = Mapping[str, ObjectStore]


def _pin(stores: Stores, uri: str) -> Pinned:
    """The data file's bytes as they are now, hashed: a local snapshot (a hard link), or
    reads conditional on the object's ETag. A file replaced in its datastore later leaves
    what the step parses as it was; a failure says which file and why."""
    try:
        ref = resolve(stores, uri, mode="read")
        return ref.store.pin(uri, ref.key)
    except StorageError as exc:
        raise DataPathError(f"{uri} cannot be read: {exc}") from None


@dataclass
class RunState:
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    reads: list[DataRead] = field(default_factory=list)
    stored: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (step, port) -> output record


@contextmanager
def step_logger(settings: Settings, key: str, run_id: str, step: str) -> Iterator[logging.Logger]:
    """A logger writing to the step's log in the artifact store; warnings raised meanwhile
    land there too."""
    logger = logging.getLogger(f"retrainer.step.{run_id}.{step}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = StoredLogHandler(artifact_store(settings), key, settings.log_flush_seconds)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)

    def _show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
              file: TextIO | None = None, line: str | None = None) -> None:
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


def _store_output(settings: Settings, attempt: Attempt, run: Run, step: str, port: str, kind: str,
                  value: Any) -> dict[str, Any]:
    """Streams the output into the artifact store (atomically) and records what was written."""
    ext, media_type = _MEDIA[kind]
    key = artifacts.output_key(run.workspace_id, run.id, attempt.number, step, f"{port}.{ext}")
    with artifact_store(settings).writer(key, media_type) as handle:
        if kind == "dataset":
            frame = value.copy(deep=False)
            frame.columns = [str(c) for c in frame.columns]  # Parquet needs string column names
            frame.to_parquet(handle, index=False)
        elif kind == "model":
            import joblib

            joblib.dump(value.pipeline, handle)
        else:
            handle.write(json.dumps(value, indent=2, sort_keys=True, default=str).encode("utf-8"))
    return {"step": step, "port": port, "type": kind, "path": key, "media_type": media_type,
            "size": handle.size, "sha256": handle.sha256,
            "details": value.metadata() if kind == "model" else None}


def _relatives(spec: PipelineSpec, start: str, direction: Literal["up", "down"]) -> set[str]:
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


def _component(name: str) -> ComponentDef:
    component = get_component(name)
    if component is None:  # validated at submit; only a changed component library gets here
        raise StepFailed(f"component {name!r} is not in this worker's library")
    return component


Explanations = dict[type[BaseException], str]


Threads = Callable[[], AbstractContextManager[int]]


def _one_thread_setting() -> AbstractContextManager[int]:
    return nullcontext(0)


class Registry(Protocol):
    def find(self, workspace_id: str, name: str, version: int | None) -> ModelVersion | None:
        """A registered version (None: the latest), or None."""


GateFn = Callable[[Run, list[Candidate]], dict[str, list[Decision]]]


def execute_run(settings: Settings, attempt: Attempt, run: Run, stores: Stores,
                explain: Explanations | None = None, threads: Threads = _one_thread_setting,
                registry: Registry | None = None, gate: GateFn | None = None) -> Outcome:
    """Runs every step; returns the outcome ("inactive": the run is no longer ours).
    `explain` gives the message of a step's error of one of its kinds (a time or memory
    limit of the run, rather than something in the step's data). `threads()` sizes the
    native thread pools of each step as it starts (0: left as they are). `registry` finds
    the registered models that steps name; `gate` decides, before the run succeeds, what
    its new model versions do to the deployments that follow them."""
    spec = PipelineSpec.model_validate(run.definition)
    bound, problems = bind(spec, run.parameters)
    if bound is None:  # validated at submit; only a changed component library gets here
        message = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
        return _finish_failed(attempt, None, message)
    order = topological_order(spec)
    state = RunState()
    fingerprints: dict[str, str] = {}

    for name in order:
        step = spec.steps[name]
        pins: list[Pinned] = []
        try:
            try:
                component = _component(step.component)
                data = _data_files(stores, step, bound.settings[name], pins)
            except (DataPathError, StepFailed) as exc:  # e.g. the file went away since the submission
                return _fail(attempt, name, scrub(settings, str(exc)))
            fingerprints[name] = step_fingerprint(component, bound.settings[name], step.inputs, fingerprints, data)
            attempt.step_started(name, fingerprints[name])
            if (not run.regenerate and _reusable(step)
                    and _try_reuse(settings, attempt, run, name, component, fingerprints[name], state, data)):
                continue
            outcome = _run_step(settings, attempt, run, stores, name, step, component,
                                bound.settings[name], data, state, pins, explain or {}, threads, registry)
        except RunInactive:
            return INACTIVE
        finally:
            for pinned in pins:
                pinned.close()
        if outcome is not None:
            return outcome

    run_metrics = (next(iter(state.metrics.values())) if len(state.metrics) == 1
                   else state.metrics or None)
    models = _model_versions(run, spec, state)
    decisions = _gate(settings, gate, run, spec, state, models) if gate is not None and models else {}

    def decide(session: Session, registered: list[ModelVersion]) -> None:
        by_name = {mv.name: mv for mv in registered}
        for model_name, decided in decisions.items():
            for decision in decided:
                record_decision(session, run.id, by_name[model_name], decision)

    try:
        attempt.succeed(models, metrics=run_metrics, decide=decide)
    except RunInactive:
        return INACTIVE
    return "succeeded"


def _gate(settings: Settings, gate: GateFn, run: Run, spec: PipelineSpec, state: RunState,
          models: list[dict[str, Any]]) -> dict[str, list[Decision]]:
    """The gate's decisions for the models about to be registered; a gate that breaks holds
    nothing back from the run (its followers keep their version, the worker log says why)."""
    candidates = []
    for fields in models:
        trained = state.values[(fields["step"], "model")]
        scorer = next((n for n, s in spec.steps.items()
                       if s.component == "score_model" and s.inputs.get("model") == f"{fields['step']}.model"), None)
        rows = state.values.get(_port_ref(spec.steps[scorer].inputs["data"])) if scorer else None
        candidates.append(Candidate(fields["name"], trained, rows, f"the test split scored by step {scorer!r}"))
    try:
        return gate(run, candidates)
    except Exception:
        log.exception("run %s: the deployment gate failed; followers keep their versions", run.id)
        return {}


def _run_step(settings: Settings, attempt: Attempt, run: Run, stores: Stores, name: str,
              step: StepSpec, component: ComponentDef, step_settings: dict[str, Any],
              data: dict[str, Pinned], state: RunState, pins: list[Pinned],
              explain: Explanations, threads: Threads, registry: Registry | None) -> Outcome | None:
    """Computes one step and records its outputs; an outcome when the run ends here."""
    log_key = artifacts.log_key(settings, run.workspace_id, run.id, attempt.number, name)
    with step_logger(settings, log_key, run.id, name) as step_log:
        step_log.info("step %s (%s %s) started", name, component.name, component.version)

        def input_file(uri: str) -> Pinned:
            known = next((d for d in data.values() if d.uri == uri), None)
            if known is None:  # not declared in the settings: pin it now
                try:
                    known = _pin(stores, uri)
                except DataPathError as exc:
                    raise StepFailed(str(exc)) from exc
                pins.append(known)
            # The pinned bytes are the ones hashed: what is parsed is what is recorded.
            state.reads.append(DataRead(name, uri, known.sha256, known.size))
            step_log.info("reading %s (sha256 %s)", uri, known.sha256)
            return known

        def output_file(uri: str) -> OutputFile:
            try:
                ref = resolve(stores, uri, mode="write")
            except DataPathError as exc:
                raise StepFailed(str(exc)) from exc
            return OutputFile(uri, ref.store, ref.key)

        def load_model(ref: str) -> Any:
            return _registered_model(settings, registry, run.workspace_id, ref, step_log)

        ctx = StepContext(run_id=run.id, step=name, log=step_log, input_file=input_file,
                          output_file=output_file, check_canceled=attempt.check_active, load_model=load_model,
                          limits=StepLimits(max_confusion_matrix_classes=settings.max_confusion_matrix_classes,
                                            max_decompressed_bytes=settings.max_decompressed_bytes,
                                            max_data_rows=settings.max_data_rows,
                                            max_data_columns=settings.max_data_columns))
        try:
            parsed = component.settings_model.model_validate(step_settings)
            inputs = {port: state.values[_port_ref(ref)] for port, ref in step.inputs.items()}
            with threads() as count:
                if count:
                    step_log.info("native thread pools: %d thread(s)", count)
                outputs = IMPLEMENTATIONS[component.name](ctx, parsed, inputs)
            stored = [_store_output(settings, attempt, run, name, port.name, port.type, outputs[port.name])
                      for port in component.outputs if port.name in outputs]
        except RunInactive:
            step_log.info("the run is no longer active (canceled or taken over); stopping")
            raise
        except (StepFailed, StorageError) as exc:  # StorageError: e.g. a missing bucket, a replaced file
            step_log.error("step failed: %s", exc)
            return _fail(attempt, name, scrub(settings, str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the user without a traceback
            step_log.error("step failed with an unexpected error:\n%s", traceback.format_exc())
            message = next((text for kind, text in explain.items() if isinstance(exc, kind)), None)
            return _fail(attempt, name, message or scrub(settings, _error_message(exc)))
        for port in component.outputs:
            if port.name in outputs:
                state.values[(name, port.name)] = outputs[port.name]
        step_metrics = next((outputs[p.name] for p in component.outputs if p.type == "metrics"), None)
        for record in stored:
            attempt.add_output(**record)
            state.stored[(name, record["port"])] = record
        if step_metrics is not None:
            state.metrics[name] = step_metrics
        attempt.step_succeeded(name, step_metrics)
        step_log.info("step %s succeeded", name)
    return None


def _port_ref(ref: str) -> tuple[str, str]:
    step, _, port = ref.partition(".")
    return step, port


def step_fingerprint(component: ComponentDef, settings: dict[str, Any], inputs: dict[str, str],
                     upstream: dict[str, str], data: Mapping[str, Pinned]) -> str:
    """What a step's outputs depend on: its component version, its settings, the
    fingerprints of the outputs it reads, and the sha256 of every data file it reads."""
    payload = {
        "component": component.name, "version": component.version, "settings": settings,
        "inputs": {port: f"{upstream[_port_ref(ref)[0]]}.{_port_ref(ref)[1]}" for port, ref in inputs.items()},
        "data": {key: d.sha256 for key, d in data.items()},
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _data_files(stores: Stores, step: StepSpec, step_settings: dict[str, Any],
                pins: list[Pinned]) -> dict[str, Pinned]:
    """The data files the step reads (by setting name), pinned, with their sha256 and size."""
    out = {}
    for key, mode in DATA_PATH_SETTINGS.get(step.component, {}).items():
        value = step_settings.get(key)
        if mode == "read" and isinstance(value, str):
            out[key] = _pin(stores, value)
            pins.append(out[key])
    return out


def _reusable(step: StepSpec) -> bool:
    # A step that writes outside the artifact store must run to have its effect; one that
    # scores with model://NAME/latest may find a new version.
    return ("write" not in DATA_PATH_SETTINGS.get(step.component, {}).values()
            and step.component not in NEVER_REUSED)


NEVER_REUSED = frozenset({"score_registered_model"})


def _registered_model(settings: Settings, registry: Registry | None, workspace_id: str, ref: str,
                      step_log: logging.Logger) -> Any:
    """A registered model named by reference, as a TrainedModel, after its sha256 check."""
    match = re.match(MODEL_REF, ref)
    if registry is None or match is None:
        raise StepFailed(f"{ref!r} is not a model this worker can find; write model://NAME/VERSION or model://NAME/latest")
    name, number = match.group(1), match.group(2)
    mv = registry.find(workspace_id, name, None if number == "latest" else int(number))
    if mv is None:
        raise StepFailed(f"no {'version' if number == 'latest' else f'version {number}'} of model {name!r} "
                         "in this workspace (GET /models lists them)")
    found = artifacts.verified(settings, mv.artifact_path, mv.sha256)  # before anything is unpickled
    with found.open() as handle:
        trained = _trained_model(handle, mv.details or {})
    step_log.info("model %s version %s (sha256 %s)", name, mv.version, mv.sha256)
    return trained


def _trained_model(handle: Any, details: dict[str, Any]) -> Any:
    """A TrainedModel from its joblib file and the details recorded with it."""
    import joblib

    from worker.components.train import TrainedModel

    names = {f.name for f in dataclasses.fields(TrainedModel)} - {"pipeline"}
    return TrainedModel(pipeline=joblib.load(handle), **{k: v for k, v in details.items() if k in names})


def _load_output(settings: Settings, out: RunOutput) -> Any:
    found = artifacts.verified(settings, out.path, out.sha256)  # checked before anything is unpickled
    with found.open() as handle:  # reads the very version that was hashed
        if out.type == "dataset":
            import pandas as pd

            return pd.read_parquet(handle)
        if out.type == "model":
            return _trained_model(handle, out.details or {})
        return json.load(io.TextIOWrapper(handle, encoding="utf-8"))


def _try_reuse(settings: Settings, attempt: Attempt, run: Run, name: str, component: ComponentDef,
               fingerprint: str, state: RunState, data: dict[str, Pinned]) -> bool:
    found = attempt.find_reusable(run.workspace_id, fingerprint)
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
        attempt.add_output(**record)
        state.stored[(name, out.port)] = record
        state.values[(name, out.port)] = values[out.port]
    for d in data.values():
        state.reads.append(DataRead(name, d.uri, d.sha256, d.size))
    metrics = next((values[p.name] for p in component.outputs if p.type == "metrics"), None)
    if metrics is not None:
        state.metrics[name] = metrics
    attempt.step_reused(name, source_run, metrics)
    write_log(artifact_store(settings), artifacts.log_key(settings, run.workspace_id, run.id, attempt.number, name),
              f"reused the outputs of step {source_step!r} of run {source_run} "
              f"(same component version, settings and input sha256: {fingerprint})\n")
    return True


_WORKSPACE_ID = re.compile(r"\bws_[0-9a-z]{26}\b")


def scrub(settings: Settings, text: str) -> str:
    """An error message without the server's own paths or ids: a library's message may
    name the local file it was reading."""
    for folder in {str(settings.data_dir), str(service_folder(settings))}:
        text = re.sub(re.escape(folder) + r"[^\s'\"]*", "<a file of the run>", text)
    return _WORKSPACE_ID.sub("<workspace>", text)


def _fail(attempt: Attempt, step: str, message: str) -> Outcome:
    """The step failed: it and the run are marked failed (later steps: skipped)."""
    try:
        attempt.step_failed(step, message)
    except RunInactive:
        return INACTIVE
    return _finish_failed(attempt, step, message)


def _finish_failed(attempt: Attempt, step: str | None, message: str) -> Outcome:
    try:
        attempt.finish(RunStatus.FAILED, error={"step": step, "message": message})
    except RunInactive:
        return INACTIVE
    return "failed"


def _model_versions(run: Run, spec: PipelineSpec, state: RunState) -> list[dict[str, Any]]:
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
        out.append({
            "name": spec.name if len(train_steps) == 1 else f"{spec.name}-{name}", "step": name,
            "pipeline_id": run.pipeline_id, "pipeline_digest": run.pipeline_digest, "endpoint_id": run.endpoint_id,
            "endpoint_version": run.endpoint_version, "parameters": run.parameters,
            "data": [dataclasses.asdict(r) for r in state.reads if r.step in ancestors],
            "metrics": next((state.metrics[d] for d in sorted(descendants) if d in state.metrics), None),
            "details": {"algorithm": trained.algorithm, "task": trained.task, "label_column": trained.label_column,
                        "feature_columns": list(trained.feature_columns), "classes": trained.classes,
                        "numeric_columns": trained.numeric_columns,
                        "categorical_columns": trained.categorical_columns,
                        "hyperparameters": trained.hyperparameters, "training_rows": trained.training_rows},
            "library_versions": versions, "artifact_path": record["path"], "size": record["size"],
            "sha256": record["sha256"]})
    return out
