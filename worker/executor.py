"""Executes a pipeline run's steps in topological order, data passed in memory.

Plain Python with no Celery import: `worker/tasks.py` builds a `RunExecution`, calls
`train()`, runs its post-run hooks (worker.hooks) on what was trained, and `succeed()`s.
Every file goes through the storage layer (app.storage), on a disk or in a bucket alike;
outputs and logs are written by worker.outputs. The data files a step reads are pinned
before it starts: the sha256 recorded for an input is that of the bytes parsed. A failing
step fails the run with `error.step` and a message the user can act on; its traceback
goes to the step's log only; later steps are skipped. Every state write goes through the
run's `Attempt` and is fenced: once the run is canceled or taken over, the next write
raises RunInactive and this stops.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlmodel import Session

from app.components.catalog import ComponentDef, ComponentRole, get_component
from app.components.settings import MODEL_REF
from app.core.clock import utcnow
from app.core.settings import Settings
from app.datastores.paths import DataPathError, resolve
from app.db.tables import ModelVersion, Run
from app.pipelines.spec import DATA_PATH_SETTINGS, PipelineSpec, StepSpec, bind, topological_order
from app.runs.states import RunStatus
from app.runs.store import Attempt, Reusable, RunInactive
from app.storage import artifacts
from app.storage.base import ObjectStore, Pinned, StorageError
from app.storage.logs import write_log
from app.storage.registry import artifact_store, service_folder
from worker import outputs
from worker.components import IMPLEMENTATIONS
from worker.components.context import OutputFile, StepContext, StepFailed, StepLimits

if TYPE_CHECKING:
    import pandas as pd

    from worker.components.train import TrainedModel

log = logging.getLogger("retrainer.executor")

Outcome = Literal["succeeded", "failed", "inactive"]
INACTIVE: Outcome = "inactive"
Stores = Mapping[str, ObjectStore]
# What a step's error says when the run, not the step's data, hit a limit (None: the error
# speaks for itself).
Explain = Callable[[BaseException], str | None]


def _unexplained(exc: BaseException) -> str | None:
    return None
# Sizes the native thread pools of a step given the rows of its largest input table (None:
# it reads none); yields the number of threads (0: left as they are).
Threads = Callable[[int | None], AbstractContextManager[int]]
# A write in the run's success transaction, given the versions it registers (a post-run hook's).
SuccessWrite = Callable[[Session, list[ModelVersion]], None]


def _one_thread_setting(rows: int | None = None) -> AbstractContextManager[int]:
    return nullcontext(0)


class Registry(Protocol):
    def find(self, workspace_id: str, name: str, version: int | None) -> ModelVersion | None:
        """A registered version (None: the latest), or None."""


@dataclass
class DataRead:
    step: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class TrainedVersion:
    """A model the run trained, about to be registered; a `reused` one (its train step was
    reused) is the version already registered for it, and its `model` is None unless a later
    step of the run computed with it (reused outputs are loaded only then)."""

    name: str
    step: str
    model: TrainedModel | None
    fields: dict[str, Any]  # what models_registry.register records
    reused: bool
    scored_rows: pd.DataFrame | None  # the rows a step of role "scores" scored it on
    scored_by: str | None  # that step


@dataclass(frozen=True)
class Trained:
    """What a run's steps produced, before the run is marked succeeded."""

    run: Run
    models: list[TrainedVersion]
    metrics: dict[str, Any] | None


@dataclass
class _Step:
    """One step as it runs: its spec, component, bound settings and pinned data files."""

    name: str
    spec: StepSpec
    component: ComponentDef
    settings: dict[str, Any]
    pins: list[Pinned] = field(default_factory=list)
    data: dict[str, Pinned] = field(default_factory=dict)  # by setting name
    fingerprint: str = ""


@dataclass
class _Produced:
    """What the run's steps produced so far."""

    values: dict[tuple[str, str], Any] = field(default_factory=dict)  # (step, port) -> value, once loaded
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    reads: list[DataRead] = field(default_factory=list)
    stored: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (step, port) -> record
    fingerprints: dict[str, str] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)  # steps whose outputs came from an earlier run
    # What find_reusables found for the fingerprints of later steps, by fingerprint (see _found).
    reusable: dict[str, Reusable] = field(default_factory=dict)
    # Steps reused but not recorded yet (see _record_reused): (name, fingerprint, found, when,
    # their log's key and its note).
    unrecorded: list[tuple[str, str, Reusable, datetime, str, str]] = field(default_factory=list)


class RunExecution:
    """One attempt at a run: its settings, attempt, run, stores and registry, and what its
    steps produced. `explain(exc)` gives the message of a step's error when a limit of the
    run (its time, its memory), rather than something in the step's data, caused it.
    `threads(rows)` sizes the native thread pools of each step as it starts, given the rows
    of its largest input table (0: left as they are).
    `registry` finds the registered models that steps name.

    A reused step's outputs are recorded, not read: they are loaded (after their sha256
    check) only when a later step that computes takes them as inputs, so a run whose steps
    are all reused loads nothing."""

    def __init__(self, settings: Settings, attempt: Attempt, run: Run, stores: Stores, *,
                 registry: Registry | None = None, explain: Explain = _unexplained,
                 threads: Threads = _one_thread_setting) -> None:
        self.settings, self.attempt, self.run, self.stores = settings, attempt, run, stores
        self.registry, self.explain, self.threads = registry, explain, threads
        self.spec = PipelineSpec.model_validate(run.definition)
        self.produced = _Produced()
        self.settings_of: Mapping[str, dict[str, Any]] = {}  # each step's bound settings

    # -- the run ---------------------------------------------------------------------------

    def train(self) -> Trained | Outcome:
        """Runs every step: what they trained, or the outcome of a run that ended here
        ("inactive": the run is no longer ours)."""
        bound, problems = bind(self.spec, self.run.parameters)
        if bound is None:  # validated at submit; only a changed component library gets here
            message = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems)
            return self._finish_failed(None, message)
        self.settings_of = bound.settings
        for name in topological_order(self.spec):
            outcome = self._run_step(name, bound.settings[name])
            if outcome is not None:
                return outcome
        try:
            self._record_reused()
        except RunInactive:
            return INACTIVE
        return Trained(self.run, self._trained_versions(), self._run_metrics())

    def succeed(self, trained: Trained, writes: Sequence[SuccessWrite] = ()) -> Outcome:
        """Registers the new model versions and marks the run succeeded, with `writes` (in
        order) in the same transaction."""
        def write_all(session: Session, registered: list[ModelVersion]) -> None:
            for write in writes:
                write(session, registered)

        reused = {m.name for m in trained.models if m.reused}
        try:
            self.attempt.succeed([m.fields for m in trained.models], metrics=trained.metrics,
                                 decide=write_all, reused=reused)
        except RunInactive:
            return INACTIVE
        return "succeeded"

    def _run_metrics(self) -> dict[str, Any] | None:
        metrics = self.produced.metrics
        return next(iter(metrics.values())) if len(metrics) == 1 else metrics or None

    def _fail(self, step: str, message: str) -> Outcome:
        """The step failed: it and the run are marked failed (later steps: skipped)."""
        try:
            self._record_reused()
            self.attempt.step_failed(step, message)
        except RunInactive:
            return INACTIVE
        return self._finish_failed(step, message)

    def _finish_failed(self, step: str | None, message: str) -> Outcome:
        try:
            self.attempt.finish(RunStatus.FAILED, error={"step": step, "message": message})
        except RunInactive:
            return INACTIVE
        return "failed"

    # -- one step: prepared, then reused or computed ---------------------------------------

    def _run_step(self, name: str, step_settings: dict[str, Any]) -> Outcome | None:
        """Runs one step; an outcome when the run ends here."""
        spec = self.spec.steps[name]
        step: _Step | None = None
        try:
            try:
                step = _Step(name, spec, _component(spec.component), step_settings)
                self._pin_data(step)
            except (DataPathError, StepFailed) as exc:  # e.g. the file went away since the submission
                return self._fail(name, self.scrub(str(exc)))
            step.fingerprint = self._fingerprint(step)
            if not self.run.regenerate and _reusable(step) and self._reuse(step):
                return None
            self._record_reused()
            self.attempt.step_started(name, step.fingerprint)
            return self._compute(step)
        except RunInactive:
            return INACTIVE
        finally:
            for pinned in step.pins if step else ():
                pinned.close()

    def _pin_data(self, step: _Step) -> None:
        """Pins the data files the step's settings name, with their sha256 and size."""
        for key, mode in DATA_PATH_SETTINGS.get(step.spec.component, {}).items():
            value = step.settings.get(key)
            if mode == "read" and isinstance(value, str):
                step.data[key] = _pin(self.stores, value)
                step.pins.append(step.data[key])

    def _fingerprint(self, step: _Step) -> str:
        fingerprint = step_fingerprint(step.component, step.settings, step.spec.inputs,
                                       self.produced.fingerprints, step.data)
        self.produced.fingerprints[step.name] = fingerprint
        return fingerprint

    def _reuse(self, step: _Step) -> bool:
        """Takes the outputs of the newest succeeded step with the same fingerprint, if they
        are all still stored; False: the step is computed. They are recorded for this run
        (with the step's state, see `_record_reused`) but not read: see `_value`."""
        found = self._found(step)
        if found is None or not self._still_stored(step, found):
            return False
        note = (f"reused the outputs of step {found.step!r} of run {found.source_run} "
                f"(same component version, settings and input sha256: {step.fingerprint})\n")
        self.produced.unrecorded.append((step.name, step.fingerprint, found, utcnow(), self._log_key(step), note))
        for out in found.outputs:
            self.produced.stored[(step.name, out.port)] = Reusable.record(step.name, out)
        if found.metrics is not None and any(p.type == "metrics" for p in step.component.outputs):
            self.produced.metrics[step.name] = found.metrics
        self.produced.reads += [DataRead(step.name, d.uri, d.sha256, d.size) for d in step.data.values()]
        self.produced.reused.add(step.name)
        return True

    def _record_reused(self) -> None:
        """Records the steps reused since the last write, in one fenced transaction (their
        state and outputs), then writes each one's reuse note to its log. Called before the
        next write of the run (a step that computes or fails) and once the steps are done:
        a run reusing its first k steps records them at once, not in k transactions."""
        pending, self.produced.unrecorded = self.produced.unrecorded, []
        if not pending:
            return
        self.attempt.steps_reused([(name, fingerprint, found, at) for name, fingerprint, found, at, _, _ in pending])
        store = artifact_store(self.settings)
        for *_, key, note in pending:
            write_log(store, key, note)

    def _found(self, step: _Step) -> Reusable | None:
        """What an earlier run left that the step may reuse. The first step that looks asks
        for its own fingerprint and those of the later steps that can be known now (those
        reading no data file: their fingerprints depend on their settings and inputs' only),
        in two queries: a fully reused run reads its records once, not once a step. A step
        found then takes that record (a newer one with its fingerprint would hold the same
        outputs); one not found then asks again when its turn comes."""
        fingerprint = step.fingerprint
        if fingerprint not in self.produced.reusable:
            wanted = [fingerprint, *self._later_fingerprints(step.name)]
            self.produced.reusable.update(self.attempt.find_reusables(self.run.workspace_id, wanted))
        return self.produced.reusable.pop(fingerprint, None)

    def _later_fingerprints(self, after: str) -> list[str]:
        """The fingerprints of the reusable steps after `after` (in topological order) that
        are known before they run: not those reading a data file (its sha256 is known once
        it is pinned), nor any step downstream of one."""
        known = dict(self.produced.fingerprints)
        order = topological_order(self.spec)
        found: list[str] = []
        for name in order[order.index(after) + 1:]:
            spec = self.spec.steps[name]
            component = get_component(spec.component)
            settings = self.settings_of.get(name)
            upstream = [_port_ref(ref)[0] for ref in spec.inputs.values()]
            reads = any(mode == "read" and isinstance((settings or {}).get(key), str)
                        for key, mode in DATA_PATH_SETTINGS.get(spec.component, {}).items())
            if component is None or settings is None or reads or any(u not in known for u in upstream):
                continue
            known[name] = step_fingerprint(component, settings, spec.inputs, known, {})
            if _reusable(_Step(name, spec, component, settings)):
                found.append(known[name])
        return found

    def _still_stored(self, step: _Step, found: Reusable) -> bool:
        """Whether every output of the step is among the found ones, and each file is still in
        the artifact store (a stat, not a read)."""
        if {p.name for p in step.component.outputs} - {out.port for out in found.outputs}:
            return False
        store = artifact_store(self.settings)
        missing = [out.path for out in found.outputs if store.stat(out.path) is None]
        if missing:
            log.warning("cannot reuse %s of run %s, computing it again: %s is no longer stored",
                        found.step, found.source_run, missing[0])
        return not missing

    def _value(self, ref: tuple[str, str]) -> Any:
        """An output of an earlier step of the run: a reused one is loaded on first use, after
        its sha256 check."""
        if ref not in self.produced.values:
            record = self.produced.stored[ref]
            try:
                self.produced.values[ref] = outputs.load_output(self.settings, record["path"], record["sha256"],
                                                                record["type"], record["details"])
            except Exception as exc:  # noqa: BLE001 - e.g. a model pickled by another library version
                log.warning("cannot load the reused output %s.%s (%s): %s", *ref, record["path"], exc)
                raise StepFailed(f"the output {ref[1]!r} of step {ref[0]!r}, reused from an earlier run, cannot "
                                 f"be read back ({type(exc).__name__}); submit the run with regenerate: true "
                                 "to compute every step again") from None
        return self.produced.values[ref]

    def _compute(self, step: _Step) -> Outcome | None:
        """Computes one step and records its outputs; an outcome when the run ends here."""
        with outputs.step_logger(self.settings, self._log_key(step), self.run.id, step.name) as step_log:
            step_log.info("step %s (%s %s) started", step.name, step.component.name, step.component.version)
            try:
                values = self._call(step, step_log)
                records = [(self._store(step, port.name, port.type, values[port.name]), values[port.name])
                           for port in step.component.outputs if port.name in values]
            except RunInactive:
                step_log.info("the run is no longer active (canceled or taken over); stopping")
                raise
            except (StepFailed, StorageError) as exc:  # StorageError: e.g. a missing bucket, a replaced file
                step_log.error("step failed: %s", exc)
                return self._fail(step.name, self.scrub(str(exc)))
            except Exception as exc:  # noqa: BLE001 - reported to the user without a traceback
                step_log.error("step failed with an unexpected error:\n%s", traceback.format_exc())
                message = self.explain(exc)
                return self._fail(step.name, message or self.scrub(_error_message(exc)))
            self.attempt.step_succeeded(step.name, self._metrics_of(step, values), [r for r, _ in records])
            for record, value in records:
                self._keep(step, record, value)
            step_log.info("step %s succeeded", step.name)
        return None

    def _call(self, step: _Step, step_log: logging.Logger) -> dict[str, Any]:
        """The step's implementation, called on its inputs, in its thread budget."""
        parsed = step.component.settings_model.model_validate(step.settings)
        inputs = {port: self._value(_port_ref(ref)) for port, ref in step.spec.inputs.items()}
        with self.threads(_rows(inputs.values())) as count:
            if count:
                step_log.info("native thread pools: %d thread(s)", count)
            result: dict[str, Any] = IMPLEMENTATIONS[step.component.name](self._context(step, step_log), parsed, inputs)
        return result

    def _context(self, step: _Step, step_log: logging.Logger) -> StepContext:
        settings = self.settings
        return StepContext(
            run_id=self.run.id, step=step.name, log=step_log,
            input_file=functools.partial(self._input_file, step, step_log), output_file=self._output_file,
            check_canceled=self.attempt.check_active,
            load_model=functools.partial(self._registered_model, step_log=step_log),
            limits=StepLimits(max_confusion_matrix_classes=settings.max_confusion_matrix_classes,
                              max_decompressed_bytes=settings.max_decompressed_bytes,
                              max_data_rows=settings.max_data_rows,
                              max_data_columns=settings.max_data_columns))

    def _store(self, step: _Step, port: str, kind: str, value: Any) -> dict[str, Any]:
        ext = outputs.MEDIA[kind][0]
        key = artifacts.output_key(self.run.workspace_id, self.run.id, self.attempt.number, step.name,
                                   f"{port}.{ext}")
        return outputs.store_output(self.settings, key, step.name, port, kind, value)

    def _keep(self, step: _Step, record: dict[str, Any], value: Any) -> None:
        """An output of the step (recorded with its state), kept for the steps after it."""
        self.produced.stored[(step.name, record["port"])] = record
        self.produced.values[(step.name, record["port"])] = value

    def _metrics_of(self, step: _Step, values: Mapping[str, Any]) -> dict[str, Any] | None:
        metrics: dict[str, Any] | None = next(
            (values[p.name] for p in step.component.outputs if p.type == "metrics" and p.name in values), None)
        if metrics is not None:
            self.produced.metrics[step.name] = metrics
        return metrics

    def _log_key(self, step: _Step) -> str:
        # The attempt's own folder: artifacts.log_key also looks (two stats) for a log written
        # before attempts had folders, which only a reader of such an old run can find.
        return artifacts.output_key(self.run.workspace_id, self.run.id, self.attempt.number, step.name, "log.txt")

    # -- what a step reads and writes ------------------------------------------------------

    def _input_file(self, step: _Step, step_log: logging.Logger, uri: str) -> Pinned:
        known = next((d for d in step.data.values() if d.uri == uri), None)
        if known is None:  # not declared in the settings: pin it now
            try:
                known = _pin(self.stores, uri)
            except DataPathError as exc:
                raise StepFailed(str(exc)) from exc
            step.pins.append(known)
        # The pinned bytes are the ones hashed: what is parsed is what is recorded.
        self.produced.reads.append(DataRead(step.name, uri, known.sha256, known.size))
        step_log.info("reading %s (sha256 %s)", uri, known.sha256)
        return known

    def _output_file(self, uri: str) -> OutputFile:
        try:
            ref = resolve(self.stores, uri, mode="write")
        except DataPathError as exc:
            raise StepFailed(str(exc)) from exc
        return OutputFile(uri, ref.store, ref.key)

    def _registered_model(self, ref: str, *, step_log: logging.Logger) -> TrainedModel:
        """A registered model named by reference, as a TrainedModel, after its sha256 check."""
        match = re.match(MODEL_REF, ref)
        if self.registry is None or match is None:
            raise StepFailed(f"{ref!r} is not a model this worker can find; "
                             "write model://NAME/VERSION or model://NAME/latest")
        name, number = match.group(1), match.group(2)
        mv = self.registry.find(self.run.workspace_id, name, None if number == "latest" else int(number))
        if mv is None:
            raise StepFailed(f"no {'version' if number == 'latest' else f'version {number}'} of model {name!r} "
                             "in this workspace (GET /models lists them)")
        found = artifacts.verified(self.settings, mv.artifact_path, mv.sha256)  # before anything is unpickled
        with found.open() as handle:
            trained = outputs.trained_model(handle, mv.details or {})
        step_log.info("model %s version %s (sha256 %s)", name, mv.version, mv.sha256)
        return trained

    def scrub(self, text: str) -> str:
        return scrub(self.settings, text)

    # -- what the run trained --------------------------------------------------------------

    def _trained_versions(self) -> list[TrainedVersion]:
        """The model versions this run registers: one per step of role "trains", with lineage."""
        trainers = self._steps_of_role("trains")
        versions = dict(outputs.library_versions())  # cached: a copy per run
        out = []
        for name in trainers:
            if (name, "model") not in self.produced.stored:
                continue
            trained = self.produced.values.get((name, "model"))  # None: reused, never loaded
            model_name = self.spec.name if len(trainers) == 1 else f"{self.spec.name}-{name}"
            scorer = next((s for s in self._steps_of_role("scores")
                           if self.spec.steps[s].inputs.get("model") == f"{name}.model"), None)
            rows = self.produced.values.get(_port_ref(self.spec.steps[scorer].inputs["data"])) if scorer else None
            out.append(TrainedVersion(model_name, name, trained, self._version_fields(model_name, name, versions),
                                      reused=name in self.produced.reused, scored_rows=rows, scored_by=scorer))
        return out

    def _version_fields(self, model_name: str, step: str, versions: dict[str, str]) -> dict[str, Any]:
        run = self.run
        ancestors = _relatives(self.spec, step, "up") | {step}
        descendants = _relatives(self.spec, step, "down")
        record = self.produced.stored[(step, "model")]  # a reused step's file lives in an earlier run
        return {
            "name": model_name, "step": step,
            "pipeline_id": run.pipeline_id, "pipeline_digest": run.pipeline_digest, "endpoint_id": run.endpoint_id,
            "endpoint_version": run.endpoint_version, "parameters": run.parameters,
            "data": [dataclasses.asdict(r) for r in self.produced.reads if r.step in ancestors],
            "metrics": next((self.produced.metrics[d] for d in sorted(descendants) if d in self.produced.metrics),
                            None),
            # TrainedModel.metadata(), recorded with the model file: its algorithm, task, columns,
            # classes, hyperparameters, and the profile drift is measured against.
            "details": record["details"],
            "library_versions": versions, "artifact_path": record["path"], "size": record["size"],
            "sha256": record["sha256"]}

    def _steps_of_role(self, role: ComponentRole) -> list[str]:
        return [name for name, s in self.spec.steps.items() if _role(s.component) == role]


def _rows(values: Iterable[Any]) -> int | None:
    """The rows of the largest table among a step's inputs (None: it takes no table)."""
    shapes: list[tuple[int, ...]] = [getattr(v, "shape", ()) for v in values]
    return max((shape[0] for shape in shapes if len(shape) == 2), default=None)


def _role(component: str) -> ComponentRole | None:
    found = get_component(component)
    return found.role if found else None


def _component(name: str) -> ComponentDef:
    component = get_component(name)
    if component is None:  # validated at submit; only a changed component library gets here
        raise StepFailed(f"component {name!r} is not in this worker's library")
    return component


def _reusable(step: _Step) -> bool:
    # A step that writes outside the artifact store must run to have its effect; the
    # catalogue marks the others that must (e.g. one naming model://NAME/latest).
    return step.component.reusable and "write" not in DATA_PATH_SETTINGS.get(step.spec.component, {}).values()


def _pin(stores: Stores, uri: str) -> Pinned:
    """The data file's bytes as they are now, hashed: a local snapshot (a hard link), or
    reads conditional on the object's ETag. A file replaced in its datastore later leaves
    what the step parses as it was; a failure says which file and why."""
    try:
        ref = resolve(stores, uri, mode="read")
        return ref.store.pin(uri, ref.key)
    except StorageError as exc:
        raise DataPathError(f"{uri} cannot be read: {exc}") from None


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


def _port_ref(ref: str) -> tuple[str, str]:
    step, _, port = ref.partition(".")
    return step, port


def _error_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:1000] if text else type(exc).__name__


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


_WORKSPACE_ID = re.compile(r"\bws_[0-9a-z]{26}\b")


def scrub(settings: Settings, text: str) -> str:
    """An error message without the server's own paths or ids: a library's message may
    name the local file it was reading."""
    for folder in {str(settings.data_dir), str(service_folder(settings))}:
        text = re.sub(re.escape(folder) + r"[^\s'\"]*", "<a file of the run>", text)
    return _WORKSPACE_ID.sub("<workspace>", text)

