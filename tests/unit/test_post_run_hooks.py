"""The post-run hooks (worker.hooks): run in order after the steps, each may add a write to
the run's success transaction, and one that breaks holds nothing back from the run."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlmodel import Session

from app.core.settings import Settings
from app.db.tables import ModelVersion, Run
from worker.executor import Trained, TrainedVersion
from worker.hooks import HookContext, deployment_gate, run_hooks


def _trained(*, reused: bool) -> Trained:
    version = TrainedVersion(name="m", step="train", model=object(), fields={"name": "m"},  # type: ignore[arg-type]
                             reused=reused, scored_rows=None, scored_by=None)
    return Trained(Run(id="run_hooks"), [version], metrics=None)


def _context(settings: Settings) -> HookContext:
    def no_database() -> Session:
        raise AssertionError("the hook read the database")

    return HookContext(settings, {}, no_database)


def test_hooks_run_in_order_and_one_that_breaks_is_left_out(unit_settings, caplog):
    done: list[str] = []

    def hook(name: str) -> Any:
        def run(context: HookContext, trained: Trained) -> Any:
            done.append(name)
            return lambda session, registered: (name, session, registered)
        return run

    def broken(context: HookContext, trained: Trained) -> None:
        done.append("broken")
        raise RuntimeError("boom")

    def silent(context: HookContext, trained: Trained) -> None:
        done.append("silent")

    with caplog.at_level(logging.ERROR, logger="retrainer.hooks"):
        writes = run_hooks(_context(unit_settings), _trained(reused=False),
                           hooks=(hook("first"), broken, silent, hook("last")))
    assert done == ["first", "broken", "silent", "last"]
    registered: list[ModelVersion] = []
    assert [w(None, registered)[0] for w in writes] == ["first", "last"]  # type: ignore[arg-type, func-returns-value, index]
    assert "post-run hook broken failed" in caplog.text


def test_the_gate_is_not_run_for_a_reused_model(unit_settings):
    # A reused train step registers no version: there is no challenger to compare.
    assert deployment_gate(_context(unit_settings), _trained(reused=True)) is None
    with pytest.raises(AssertionError, match="read the database"):  # a new model is gated
        deployment_gate(_context(unit_settings), _trained(reused=False))
