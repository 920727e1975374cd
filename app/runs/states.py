"""The states of a run and of its steps, and the only transitions between them.

Pure data: no database, no framework, so the CLI client can import it too.
Every change of state goes through `app.runs.store`, which turns these tables
into conditional UPDATEs (a transition not listed here never happens).
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def is_finished(self) -> bool:
        return self in FINISHED_RUN


class StepStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # not run because an earlier step failed
    CANCELED = "canceled"

    @property
    def is_finished(self) -> bool:
        return self in FINISHED_STEP


FINISHED_RUN: frozenset[RunStatus] = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELED})
FINISHED_STEP: frozenset[StepStatus] = frozenset(
    {StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELED})

RUN_TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.CANCELED, RunStatus.FAILED}),
    # RUNNING -> QUEUED: the run's worker was lost and the run is handed to another one.
    RunStatus.RUNNING: frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELED, RunStatus.QUEUED}),
    RunStatus.SUCCEEDED: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.CANCELED: frozenset(),
}

STEP_TRANSITIONS: dict[StepStatus, frozenset[StepStatus]] = {
    # PENDING -> FAILED: the step could not start (its data file went away since the submission).
    StepStatus.PENDING: frozenset({StepStatus.RUNNING, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELED}),
    # -> PENDING: a new attempt of the run starts over from the first step.
    StepStatus.RUNNING: frozenset({StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELED,
                                   StepStatus.PENDING}),
    StepStatus.SUCCEEDED: frozenset({StepStatus.PENDING}),
    StepStatus.FAILED: frozenset({StepStatus.PENDING}),
    StepStatus.SKIPPED: frozenset(),
    StepStatus.CANCELED: frozenset(),
}


def run_sources(target: RunStatus) -> list[RunStatus]:
    """The states a run may move to `target` from."""
    return [state for state, targets in RUN_TRANSITIONS.items() if target in targets]


def step_sources(target: StepStatus) -> list[StepStatus]:
    return [state for state, targets in STEP_TRANSITIONS.items() if target in targets]


# What the open steps of a run become when the run finishes: a finished run never
# shows a step pending or running.
STEPS_LEFT_OPEN_BECOME: dict[RunStatus, dict[StepStatus, StepStatus]] = {
    RunStatus.FAILED: {StepStatus.PENDING: StepStatus.SKIPPED, StepStatus.RUNNING: StepStatus.FAILED},
    RunStatus.CANCELED: {StepStatus.PENDING: StepStatus.CANCELED, StepStatus.RUNNING: StepStatus.CANCELED},
    RunStatus.SUCCEEDED: {},
}
