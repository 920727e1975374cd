"""Routes: registered models and their versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import FileResponse

from app.auth.deps import ModelsRead
from app.models_registry import service
from app.models_registry.schemas import ModelPage, ModelVersionOut, ModelVersionPage
from app.web.deps import PageDep, ReaderDep, SettingsDep
from app.web.files import verified_file

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
                           settings: SettingsDep) -> Response:
    mv = service.get_version(session, principal.workspace_id, name, version)
    found = service.model_file(settings, mv)
    return verified_file(found, "application/octet-stream", f"{name}-v{version}.joblib", mv.sha256)
