"""Routes: registered models and their versions (contract section 7)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse

from app.auth.deps import requires
from app.auth.scopes import Scope
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound
from app.core.pagination import PageParams, encode_cursor, int_cursor, page_params
from app.db.tables import ModelVersion
from app.models_registry import repository as repo
from app.models_registry.schemas import Lineage, ModelPage, ModelSummary, ModelVersionOut, ModelVersionPage
from app.runs.service import verified_artifact

router = APIRouter(tags=["models"])
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]
ModelsRead = requires(Scope.models_read)


def _out(mv: ModelVersion) -> ModelVersionOut:
    d = mv.details or {}
    return ModelVersionOut(
        name=mv.name, version=mv.version, created_at=mv.created_at, algorithm=d.get("algorithm"),
        task=d.get("task"), label_column=d.get("label_column"), feature_columns=d.get("feature_columns"),
        classes=d.get("classes"), hyperparameters=d.get("hyperparameters"), metrics=mv.metrics,
        lineage=Lineage(run_id=mv.run_id, step=mv.step, pipeline_id=mv.pipeline_id,
                        pipeline_digest=mv.pipeline_digest, endpoint_id=mv.endpoint_id,
                        endpoint_version=mv.endpoint_version, parameters=mv.parameters, data=mv.data),
        library_versions=mv.library_versions, size=mv.size, sha256=mv.sha256,
        download_url=f"/models/{mv.name}/versions/{mv.version}/download")


def _get(session, workspace_id: str, name: str, version: int) -> ModelVersion:
    mv = repo.version(session, workspace_id, name, version)
    if mv is None:
        raise NotFound(f"no version {version} of model {name!r} in this workspace")
    return mv


@router.get("/models", operation_id="list_models", response_model=ModelPage, summary="List models")
def list_models(principal: ModelsRead, session: SessionDep, page: Annotated[PageParams, Depends(page_params)]):
    rows = repo.names(session, principal.workspace_id, page.after_id, page.limit)
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return ModelPage(items=[ModelSummary(name=n, latest_version=v, versions=c, updated_at=u) for n, v, c, u in rows],
                     next_cursor=encode_cursor(rows[-1][0]) if more and rows else None)


@router.get("/models/{name}/versions", operation_id="list_model_versions", response_model=ModelVersionPage,
            summary="List a model's versions, newest first")
def list_model_versions(name: str, principal: ModelsRead, session: SessionDep,
                        page: Annotated[PageParams, Depends(page_params)]):
    before = int_cursor(page)
    rows = repo.versions(session, principal.workspace_id, name, before, page.limit)
    if not rows and before is None:
        raise NotFound(f"no model named {name!r} in this workspace")
    more = len(rows) > page.limit
    rows = rows[:page.limit]
    return ModelVersionPage(items=[_out(r) for r in rows],
                            next_cursor=encode_cursor(str(rows[-1].version)) if more and rows else None)


@router.get("/models/{name}/versions/{version}", operation_id="get_model_version",
            response_model=ModelVersionOut, summary="A model version with its lineage")
def get_model_version(name: str, version: VersionNumber, principal: ModelsRead, session: SessionDep):
    return _out(_get(session, principal.workspace_id, name, version))


@router.get("/models/{name}/versions/{version}/download", operation_id="download_model_version",
            response_class=FileResponse, summary="Download the model (a joblib-pickled scikit-learn Pipeline)",
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_model_version(name: str, version: VersionNumber, principal: ModelsRead, session: SessionDep,
                           settings: SettingsDep):
    mv = _get(session, principal.workspace_id, name, version)
    session.commit()  # no transaction open while the file streams
    path = verified_artifact(settings, mv.artifact_path, mv.sha256)
    return FileResponse(path, media_type="application/octet-stream", filename=f"{name}-v{version}.joblib",
                        headers={"X-Content-SHA256": mv.sha256})
