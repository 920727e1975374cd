"""The model registry's rules: reading versions with their lineage, and their files (a run's
success registers them through the repository, in the run store's fenced transaction)."""

from __future__ import annotations

from sqlmodel import Session

from app.core.errors import NotFound
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.db.tables import ModelVersion
from app.models_registry import repository as repo
from app.models_registry.schemas import Lineage, ModelPage, ModelSummary, ModelVersionOut, ModelVersionPage
from app.storage import artifacts

# What other domains and the worker read of the registry: through this service, never its
# repository (`domains-independent`, `worker-reaches-no-repository` in pyproject.toml).
version = repo.version
latest_number = repo.latest_number


def models_page(session: Session, workspace_id: str, page: PageRequest) -> ModelPage:
    rows = repo.names_page(session, workspace_id, page)
    return ModelPage.of(rows, page, lambda r: ModelSummary(name=r[0], latest_version=r[1], versions=r[2],
                                                           updated_at=r[3]), key=lambda r: r[0])


def versions_page(session: Session, workspace_id: str, name: str, page: PageRequest) -> ModelVersionPage:
    rows = repo.versions_page(session, workspace_id, name, page)
    if not rows and page.after is None:
        raise NotFound(f"no model named {name!r} in this workspace")
    return ModelVersionPage.of(rows, page, to_out, key=lambda mv: mv.version)


def get_version(session: Session, workspace_id: str, name: str, number: int) -> ModelVersion:
    version = repo.version(session, workspace_id, name, number)
    if version is None:
        raise NotFound(f"no version {number} of model {name!r} in this workspace")
    return version


def to_out(mv: ModelVersion) -> ModelVersionOut:
    d = mv.details or {}
    return ModelVersionOut(
        name=mv.name, version=mv.version, created_at=mv.created_at, algorithm=d.get("algorithm"),
        task=d.get("task"), label_column=d.get("label_column"), feature_columns=d.get("feature_columns"),
        classes=d.get("classes"), hyperparameters=d.get("hyperparameters"), metrics=mv.metrics,
        reference_profile=d.get("reference_profile"),
        lineage=Lineage(run_id=mv.run_id, step=mv.step, pipeline_id=mv.pipeline_id,
                        pipeline_digest=mv.pipeline_digest, endpoint_id=mv.endpoint_id,
                        endpoint_version=mv.endpoint_version, parameters=mv.parameters, data=mv.data),
        library_versions=mv.library_versions, size=mv.size, sha256=mv.sha256,
        download_url=f"/models/{mv.name}/versions/{mv.version}/download")


def model_file(settings: Settings, mv: ModelVersion) -> artifacts.Verified:
    """The model's file after its sha256 check: what a download serves and what a
    deployment loads (`.open()` reads the very version that was hashed)."""
    return artifacts.verified(settings, mv.artifact_path, mv.sha256)
