"""A run's execution (worker.executor.RunExecution, then the post-run hooks) in process,
without Celery: a small pipeline run on the in-process database, its outputs and model
recorded, steps reused on the same data (a reused model registers no new version), a
failed step named with its cause, and the fencing that stops a run no longer ours (an
attempt wrapper cancels the run between two of its writes, as a user's cancel would)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from app.auth.service import Principal
from app.core.paging import PageRequest
from app.db.unit_of_work import UnitOfWork
from app.models_registry import service as models
from app.runs import service as runs
from app.runs import store
from app.runs.schemas import RunOut
from app.runtime import Runtime
from tests.helpers.inprocess import draft, execute, signed_in, submit, upload
from tests.helpers.samples import small_csv, small_pipeline


def _run(runtime: Runtime, me: Principal, run_id: str) -> RunOut:
    with runtime.read_session() as session:
        return runs.render(session, runs.get_run(session, me, run_id), me)


def _small(runtime: Runtime, me: Principal, data: bytes, name: str = "small") -> str:
    upload(runtime, me, f"{name}/train.csv", data)
    body = small_pipeline(f"datastore://default/{name}/train.csv")
    body["name"] = name
    return draft(runtime, me, body).id


def test_a_run_records_every_step_its_outputs_and_its_model(runtime: Runtime) -> None:
    me = signed_in(runtime)
    data = small_csv()
    run_id = submit(runtime, me, _small(runtime, me, data))
    assert _run(runtime, me, run_id).status == "queued"
    assert execute(runtime, run_id) == "succeeded"
    run = _run(runtime, me, run_id)
    assert run.status == "succeeded" and run.error is None and run.attempt == 1
    assert [(s.name, s.status, s.reused_from) for s in run.steps] == [
        (name, "succeeded", None) for name in ("import", "split", "train", "score", "evaluate")]
    assert run.metrics is not None and 0 <= run.metrics["accuracy"] <= 1
    assert run.model is not None and (run.model.name, run.model.version) == ("small", 1)
    with runtime.read_session() as session:
        _, outputs = runs.outputs(session, me, run_id)
        version = models.to_out(models.get_version(session, me.workspace_id, "small", 1))
    assert {(o.step, o.port, o.type) for o in outputs} >= {("import", "data", "dataset"), ("train", "model", "model"),
                                                           ("evaluate", "metrics", "metrics")}
    assert all(len(o.sha256) == 64 and o.size > 0 for o in outputs)
    assert version.lineage.run_id == run_id and version.metrics == run.metrics
    assert [d.model_dump() for d in version.lineage.data] == [{"step": "import", "path": "datastore://default/small/train.csv",
                                     "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}]


@pytest.mark.parametrize("algorithm", ["boosted_decision_tree", "random_forest", "decision_tree"])
def test_every_algorithm_trains_and_registers_its_model(runtime: Runtime, algorithm: str) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "small/train.csv", small_csv())
    run_id = submit(runtime, me, draft(runtime, me, small_pipeline(algorithm=algorithm)).id)
    assert execute(runtime, run_id) == "succeeded"
    run = _run(runtime, me, run_id)
    assert run.metrics is not None and 0 <= run.metrics["accuracy"] <= 1
    with runtime.read_session() as session:
        assert models.to_out(models.get_version(session, me.workspace_id, "small", 1)).algorithm == algorithm


def test_the_same_data_again_reuses_every_step_unless_regenerated(runtime: Runtime) -> None:
    me, pipeline, first = _ran_once(runtime)
    assert all(s.reused_from is None for s in _run(runtime, me, first).steps)
    second = submit(runtime, me, pipeline)
    assert execute(runtime, second) == "succeeded"
    again = _run(runtime, me, second)
    assert {s.name: s.reused_from for s in again.steps} == {s.name: first for s in again.steps}
    assert again.metrics == _run(runtime, me, first).metrics
    assert again.model == _run(runtime, me, first).model  # its train step was reused: no new version
    with runtime.read_session() as session:
        assert [v.version for v in models.versions_page(session, me.workspace_id, "small", PageRequest()).items] == [1]
    with runtime.read_session() as session:
        log = runs.step_log(session, runtime.settings, me, second, "train")
    assert f"reused the outputs of step 'train' of run {first}" in log
    regenerated = submit(runtime, me, pipeline, regenerate=True)
    assert execute(runtime, regenerated) == "succeeded"
    fresh = _run(runtime, me, regenerated)
    assert all(s.reused_from is None for s in fresh.steps)
    assert fresh.model is not None and fresh.model.version == 2  # trained again: a new version
    upload(runtime, me, "small/train.csv", small_csv(80))  # the same path, new content: never reused
    third = submit(runtime, me, pipeline)
    assert execute(runtime, third) == "succeeded"
    changed = _run(runtime, me, third)
    assert all(s.reused_from is None for s in changed.steps)
    assert changed.metrics is not None and changed.metrics["rows"] == 40  # the test half of 80 rows


def _ran_once(runtime: Runtime, name: str = "small") -> tuple[Principal, str, str]:
    """A user, a draft of the small pipeline on its data (as `name`), and its first run, succeeded."""
    me = signed_in(runtime)
    pipeline = _small(runtime, me, small_csv(), name=name)
    first = submit(runtime, me, pipeline)
    assert execute(runtime, first) == "succeeded"
    return me, pipeline, first


def _recorded(monkeypatch: pytest.MonkeyPatch, owner: Any, attribute: str,
              note: Callable[..., Any]) -> list[Any]:
    """What `note(*args, **kwargs)` says of each call of owner.attribute from here on (the call goes on)."""
    seen: list[Any] = []
    original = getattr(owner, attribute)

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(note(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, attribute, recording)
    return seen


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The artifact paths the executor loads back from here on (each after its sha256 check)."""
    from worker import outputs

    return _recorded(monkeypatch, outputs, "load_output", lambda _settings, path, *_: path)


def test_a_fully_reused_run_loads_none_of_the_outputs_it_reuses(runtime: Runtime, monkeypatch) -> None:
    me, pipeline, first = _ran_once(runtime, "lazy")
    loaded = _loads(monkeypatch)
    second = submit(runtime, me, pipeline)
    assert execute(runtime, second) == "succeeded"
    again = _run(runtime, me, second)
    assert {s.name: s.reused_from for s in again.steps} == {s.name: first for s in again.steps}
    assert loaded == []  # no later step computed: nothing was read back
    assert again.metrics == _run(runtime, me, first).metrics  # from the reused step's record
    assert again.model == _run(runtime, me, first).model
    with runtime.read_session() as session:
        mine = {(o.step, o.port, o.sha256) for o in runs.outputs(session, me, second)[1]}
        theirs = {(o.step, o.port, o.sha256) for o in runs.outputs(session, me, first)[1]}
    assert mine == theirs  # every reused output is recorded for the new run


def _lookups(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The fingerprints of each lookup of reusable steps (Attempt.find_reusables) from here on."""
    return _recorded(monkeypatch, store.Attempt, "find_reusables",
                     lambda _attempt, _workspace_id, fingerprints: list(fingerprints))


def _step_writes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The steps each fenced step transaction (Attempt._steps) wrote, from here on."""
    return _recorded(monkeypatch, store.Attempt, "_steps",
                     lambda _attempt, changes, *_: [name for name, _ in changes])


def test_a_fully_reused_run_looks_its_steps_up_and_records_them_at_once(runtime: Runtime, monkeypatch) -> None:
    me, pipeline, first = _ran_once(runtime, "lookups")
    with runtime.read_session() as session:
        fingerprints = {s.name: s.fingerprint for s in store.steps(session, first)}
    asked, written = _lookups(monkeypatch), _step_writes(monkeypatch)
    second = submit(runtime, me, pipeline)
    assert execute(runtime, second) == "succeeded"
    # The import's data file is pinned first; then every step's fingerprint is known.
    assert asked == [[fingerprints[n] for n in ("import", "split", "train", "score", "evaluate")]]
    assert written == [["import", "split", "train", "score", "evaluate"]]  # one transaction
    steps = {s.name: s for s in _run(runtime, me, second).steps}
    assert {n: s.reused_from for n, s in steps.items()} == dict.fromkeys(steps, first)
    with runtime.read_session() as session:
        assert {s.name: s.fingerprint for s in store.steps(session, second)} == fingerprints
        mine = sorted((o.step, o.port, o.path) for o in store.outputs(session, second))
        theirs = sorted((o.step, o.port, o.path) for o in store.outputs(session, first))
    assert mine == theirs  # each step took its own outputs from the one lookup


def test_the_newest_run_that_computed_a_step_is_reused(runtime: Runtime) -> None:
    me, pipeline, first = _ran_once(runtime, "newest")
    regenerated = submit(runtime, me, pipeline, regenerate=True)
    assert execute(runtime, regenerated) == "succeeded"
    again = submit(runtime, me, pipeline)
    assert execute(runtime, again) == "succeeded"
    assert {s.reused_from for s in _run(runtime, me, again).steps} == {regenerated}


def test_steps_not_found_at_first_are_looked_up_again_when_they_run(runtime: Runtime, monkeypatch) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "again/train.csv", small_csv())
    body = small_pipeline("datastore://default/again/train.csv")
    first = submit(runtime, me, draft(runtime, me, body).id)
    assert execute(runtime, first) == "succeeded"
    body["steps"]["score"]["settings"] = {"include_features": True}  # score and evaluate change
    asked, written = _lookups(monkeypatch), _step_writes(monkeypatch)
    second = submit(runtime, me, draft(runtime, me, body).id)
    assert execute(runtime, second) == "succeeded"
    assert [len(a) for a in asked] == [5, 2, 1]  # at the import, then score, then evaluate
    # The reused steps at once, before the first one computed starts.
    assert written == [["import", "split", "train"], ["score"], ["score"], ["evaluate"], ["evaluate"]]
    reused = {s.name: s.reused_from for s in _run(runtime, me, second).steps}
    assert reused == {"import": first, "split": first, "train": first, "score": None, "evaluate": None}
    third = submit(runtime, me, draft(runtime, me, body).id)
    assert execute(runtime, third) == "succeeded"  # the newest run of each fingerprint is named
    assert {s.name: s.reused_from for s in _run(runtime, me, third).steps} == {
        "import": first, "split": first, "train": first, "score": second, "evaluate": second}


def test_a_computed_step_loads_only_the_reused_outputs_it_takes(runtime: Runtime, monkeypatch) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "partial/train.csv", small_csv())
    body = small_pipeline("datastore://default/partial/train.csv")
    first = submit(runtime, me, draft(runtime, me, body).id)
    assert execute(runtime, first) == "succeeded"
    body["steps"]["score"]["settings"] = {"include_features": True}  # score and evaluate change
    loaded = _loads(monkeypatch)
    second = submit(runtime, me, draft(runtime, me, body).id)
    assert execute(runtime, second) == "succeeded"
    reused = {s.name: s.reused_from for s in _run(runtime, me, second).steps}
    assert reused == {"import": first, "split": first, "train": first, "score": None, "evaluate": None}
    with runtime.read_session() as session:
        paths = {(o.step, o.port): o.path for o in runs.outputs(session, me, first)[1]}
    assert sorted(loaded) == sorted([paths[("train", "model")], paths[("split", "test")]])


def test_a_failed_step_names_itself_and_the_cause_and_later_steps_do_not_run(runtime: Runtime) -> None:
    me = signed_in(runtime)
    one_class = b"x1,x2,color,y\n" + b"".join(f"{i},{i},red,same\n".encode() for i in range(30))
    run_id = submit(runtime, me, _small(runtime, me, one_class, name="oneclass"))
    assert execute(runtime, run_id) == "failed"
    run = _run(runtime, me, run_id)
    assert run.status == "failed" and run.error is not None and run.error.step == "train"
    assert "only one class ('same')" in run.error.message and "Traceback" not in run.error.message
    statuses = {s.name: s.status for s in run.steps}
    assert statuses["import"] == statuses["split"] == "succeeded" and statuses["train"] == "failed"
    assert statuses["score"] == statuses["evaluate"] == "skipped"
    with runtime.read_session() as session:
        assert run.model is None and models.models_page(session, me.workspace_id, PageRequest()).items == []
        log = runs.step_log(session, runtime.settings, me, run_id, "train")
    assert "step failed: the label column 'y' has only one class" in log


def test_a_missing_data_file_fails_the_import_naming_the_file(runtime: Runtime) -> None:
    me = signed_in(runtime)
    pipeline = _small(runtime, me, small_csv(), name="vanishing")
    run_id = submit(runtime, me, pipeline)
    (runtime.settings.data_dir / "datastores" / me.workspace_id / "default" / "vanishing" / "train.csv").unlink()
    assert execute(runtime, run_id) == "failed"
    error = _run(runtime, me, run_id).error
    assert error is not None and error.step == "import" and "vanishing/train.csv" in error.message


def test_an_empty_file_fails_the_import(runtime: Runtime) -> None:
    me = signed_in(runtime)
    run_id = submit(runtime, me, _small(runtime, me, b"", name="empty"))
    assert execute(runtime, run_id) == "failed"
    error = _run(runtime, me, run_id).error
    assert error is not None and error.step == "import" and "empty" in error.message


class CanceledWhenStarting:
    """The claimed attempt, but the run is canceled (as POST /runs/{id}/cancel does) just
    before step `step` starts: every later write of the attempt is refused."""

    def __init__(self, attempt: Any, runtime: Runtime, step: str) -> None:
        self.attempt, self.runtime, self.step = attempt, runtime, step

    def __getattr__(self, name: str) -> Any:
        return getattr(self.attempt, name)

    def step_started(self, name: str, fingerprint: str) -> None:
        if name == self.step:
            with UnitOfWork(self.runtime.engine) as uow:
                assert store.cancel(uow.session, self.attempt.run_id, by="a user")
        self.attempt.step_started(name, fingerprint)


def test_a_run_canceled_meanwhile_stops_and_records_nothing_more(runtime: Runtime) -> None:
    me = signed_in(runtime)
    run_id = submit(runtime, me, _small(runtime, me, small_csv(), name="canceled"))
    outcome = execute(runtime, run_id, lambda attempt: CanceledWhenStarting(attempt, runtime, "train"))
    assert outcome == "inactive"
    run = _run(runtime, me, run_id)
    assert run.status == "canceled" and run.model is None
    statuses = {s.name: s.status for s in run.steps}
    assert statuses["import"] == statuses["split"] == "succeeded"
    assert statuses["train"] != "succeeded" and statuses["evaluate"] != "succeeded"
    with runtime.read_session() as session:
        assert models.models_page(session, me.workspace_id, PageRequest()).items == []
