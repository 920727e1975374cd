"""What runs after a run's steps, before its success is written.

Each post-run hook sees what the run trained and may return a write for the run's
success transaction; hooks run in the order of POST_RUN_HOOKS, and their writes apply in
that order. A hook that breaks holds nothing back from the run (the worker log says why).
A new rule is one more line in POST_RUN_HOOKS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.core.settings import Settings
from app.db.tables import ModelVersion
from app.deployments.gate import record as record_decision
from worker.executor import Stores, SuccessWrite, Trained, scrub
from worker.gate import Candidate, Gate

log = logging.getLogger("retrainer.hooks")


@dataclass(frozen=True)
class HookContext:
    """What a hook may use besides what the run trained."""

    settings: Settings
    stores: Stores
    read_session: Callable[[], Session]


PostRunHook = Callable[[HookContext, Trained], SuccessWrite | None]


def deployment_gate(context: HookContext, trained: Trained) -> SuccessWrite | None:
    """Decides, for each new model version, what it does to the deployments that follow
    it (worker.gate); the decisions are recorded as the version is registered. A reused
    model registers no version, so its followers' gates are not run again."""
    run = trained.run
    candidates = [Candidate(m.name, m.model, m.scored_rows, f"the test split scored by step {m.scored_by!r}")
                  for m in trained.models if not m.reused and m.model is not None]
    if not candidates:
        return None
    gate = Gate(context.settings, context.read_session, context.stores,
                scrub=lambda text: scrub(context.settings, text))
    decisions = gate(run, candidates)

    def record(session: Session, registered: list[ModelVersion]) -> None:
        by_name = {mv.name: mv for mv in registered}
        for model_name, decided in decisions.items():
            for decision in decided:
                record_decision(session, run.id, by_name[model_name], decision)

    return record


# In order; their writes apply in this order in the run's success transaction.
POST_RUN_HOOKS: tuple[PostRunHook, ...] = (
    deployment_gate,
)


def run_hooks(context: HookContext, trained: Trained,
              hooks: Sequence[PostRunHook] = POST_RUN_HOOKS) -> list[SuccessWrite]:
    """The writes of every hook, in order; a hook that raises is logged and left out."""
    writes = []
    for hook in hooks:
        try:
            write = hook(context, trained)
        except Exception:
            log.exception("run %s: the post-run hook %s failed; the run succeeds without it",
                          trained.run.id, getattr(hook, "__name__", hook))
            continue
        if write is not None:
            writes.append(write)
    return writes
