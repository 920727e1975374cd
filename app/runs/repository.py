"""Queries for runs, their steps and outputs."""

from __future__ import annotations

from sqlmodel import Session, select

from app.db.tables import Run, RunOutput, RunStep


def get(session: Session, workspace_id: str, run_id: str) -> Run | None:
    return session.exec(select(Run).where(Run.id == run_id, Run.workspace_id == workspace_id)).first()


def steps(session: Session, run_id: str) -> list[RunStep]:
    return list(session.exec(select(RunStep).where(RunStep.run_id == run_id).order_by(RunStep.position)))


def steps_for(session: Session, run_ids: list[str]) -> dict[str, list[RunStep]]:
    out: dict[str, list[RunStep]] = {r: [] for r in run_ids}
    if run_ids:
        for step in session.exec(select(RunStep).where(RunStep.run_id.in_(run_ids)).order_by(RunStep.position)):
            out[step.run_id].append(step)
    return out


def outputs(session: Session, run_id: str) -> list[RunOutput]:
    return list(session.exec(select(RunOutput).where(RunOutput.run_id == run_id)
                             .order_by(RunOutput.created_at, RunOutput.step, RunOutput.port)))


def output(session: Session, run_id: str, step: str, port: str) -> RunOutput | None:
    return session.exec(select(RunOutput).where(RunOutput.run_id == run_id, RunOutput.step == step,
                                                RunOutput.port == port)).first()


def list_runs(session: Session, workspace_id: str, *, status: str | None, pipeline_id: str | None,
              endpoint_id: str | None, experiment: str | None, before_id: str | None,
              limit: int) -> list[Run]:
    query = select(Run).where(Run.workspace_id == workspace_id)
    if status:
        query = query.where(Run.status == status)
    if pipeline_id:
        query = query.where(Run.pipeline_id == pipeline_id)
    if endpoint_id:
        query = query.where(Run.endpoint_id == endpoint_id)
    if experiment:
        query = query.where(Run.experiment == experiment)
    if before_id:
        query = query.where(Run.id < before_id)
    return list(session.exec(query.order_by(Run.id.desc()).limit(limit + 1)))
