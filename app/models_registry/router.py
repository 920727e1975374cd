"""Routes: registered models and their versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from app.auth.deps import ModelsRead
from app.core import artifacts
from app.models_registry import service
from app.models_registry.schemas import ModelPage, ModelVersionOut, ModelVersionPage
from app.web.deps import PageDep, ReaderDep, SettingsDep

router = APIRouter(tags=["models"])
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/models", operation_id="list_models", response_model=ModelPage, summary="List models")
def list_models(principal: ModelsRead, session: ReaderDep, page: PageDep) -> ModelPage:
    return service.models_page(session, principal.workspace_id, page)


@router.get("/models/{name}/versions", operation_id="list_model_versions", response_model=ModelVersionPage,
            summary="List a model's versions, newest first")
def list_model_versions(name: str, principal: ModelsRead, session: ReaderDep, page: PageDep) -> ModelVersionPage:
    return service.versions_page(session, principal.workspace_id, name, page)


@router.get("/models/{name}/versions/{version}", operation_id="get_model_version",
            response_model=ModelVersionOut, summary="A model version with its lineage")
def get_model_version(name: str, version: VersionNumber, principal: ModelsRead,
                      session: ReaderDep) -> ModelVersionOut:
    return service.to_out(service.get_version(session, principal.workspace_id, name, version))


@router.get("/models/{name}/versions/{version}/download", operation_id="download_model_version",
            response_class=FileResponse, summary="Download the model (a joblib-pickled scikit-learn Pipeline)",
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_model_version(name: str, version: VersionNumber, principal: ModelsRead, session: ReaderDep,
                           settings: SettingsDep) -> FileResponse:
    mv = service.get_version(session, principal.workspace_id, name, version)
    path = artifacts.verified(settings, mv.artifact_path, mv.sha256)
    return FileResponse(path, media_type="application/octet-stream", filename=f"{name}-v{version}.joblib",
                        headers={"X-Content-SHA256": mv.sha256})
