"""A deployment as the API shows it: for the routes (through the service) and for the
webhook events the gate records with its decisions."""

from __future__ import annotations

from sqlmodel import Session

from app.db.tables import Deployment
from app.deployments import serving
from app.deployments.schemas import DeploymentOut, Gate, InputColumn, Monitor
from app.models_registry import service as models


def to_out(session: Session, deployment: Deployment) -> DeploymentOut:
    mv = models.version(session, deployment.workspace_id, deployment.model, deployment.version)
    details = (mv.details if mv else None) or {}
    return DeploymentOut(
        id=deployment.id, name=deployment.name, model=deployment.model, version=deployment.version, follow=deployment.follow,
        gate=Gate.model_validate(deployment.gate) if deployment.gate is not None else None,
        monitor=Monitor.model_validate(deployment.monitor) if deployment.monitor is not None else None,
        enabled=deployment.enabled, task=details.get("task"), label_column=details.get("label_column"),
        classes=details.get("classes"),
        input_schema=[InputColumn.model_validate(c) for c in serving.input_schema(details)],
        predict_url=f"/deployments/{deployment.name}/predict",
        created_at=deployment.created_at, updated_at=deployment.updated_at)
