"""Routes: datastores and their files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from app.auth.deps import AdminPrincipal, DataRead, DataWrite
from app.datastores import service
from app.datastores.schemas import DatastoreCreate, DatastoreOut, DatastorePage, FileOut, FilePage, FileUploaded
from app.db.tables import Datastore
from app.web.deps import PageDep, RuntimeDep, SettingsDep, UnitOfWorkDep

router = APIRouter(tags=["datastores"])
# Uploads get their own body limit (RETRAINER_MAX_UPLOAD_BYTES), set where included.
upload_router = APIRouter(tags=["datastores"])



def _out(store: Datastore) -> DatastoreOut:
    return DatastoreOut(id=store.id, name=store.name, description=store.description,
                        created_at=store.created_at)


@router.get("/datastores", operation_id="list_datastores", response_model=DatastorePage,
            summary="List datastores")
def list_datastores(principal: DataRead, uow: UnitOfWorkDep) -> DatastorePage:
    return DatastorePage(items=[_out(s) for s in service.list_all(uow.session, principal.workspace_id)])


@router.post("/datastores", operation_id="create_datastore", status_code=201,
             response_model=DatastoreOut, summary="Create a local datastore")
def create_datastore(body: DatastoreCreate, principal: AdminPrincipal, uow: UnitOfWorkDep,
                     response: Response) -> DatastoreOut:
    service.ensure_default(uow.session, principal.workspace_id)
    store = service.create(uow.session, principal.workspace_id, body.name, body.description)
    response.headers["Location"] = f"/datastores/{store.name}"
    return _out(store)


@router.get("/datastores/{name}", operation_id="get_datastore", response_model=DatastoreOut,
            summary="Get a datastore")
def get_datastore(name: str, principal: DataRead, uow: UnitOfWorkDep) -> DatastoreOut:
    return _out(service.get(uow.session, principal.workspace_id, name))


@upload_router.put(
    "/datastores/{name}/files/{path:path}", operation_id="upload_file", status_code=201,
    response_model=FileUploaded, summary="Upload a file (the raw request body becomes the file)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def upload_file(name: str, path: str, request: Request, principal: DataWrite,
                      runtime: RuntimeDep, response: Response) -> FileUploaded:
    # The check commits in a unit of work of its own before the body streams in: no
    # transaction (on SQLite, the write lock) stays open for the length of an upload.
    target: Path = await run_in_threadpool(service.upload_target, runtime, principal.workspace_id, name, path)
    size, sha256 = await service.write_stream(target, request.stream())
    # Headers are Latin-1: a file name in any script goes there percent-encoded.
    response.headers["Location"] = f"/datastores/{quote(name)}/files/{quote(path)}"
    return FileUploaded(path=path, size=size, sha256=sha256, uri=f"datastore://{name}/{path}")


@router.get("/datastores/{name}/files", operation_id="list_files", response_model=FilePage,
            summary="List files, optionally under a prefix")
def list_files(name: str, principal: DataRead, uow: UnitOfWorkDep, settings: SettingsDep, page: PageDep,
               prefix: Annotated[str | None, Query(max_length=1000)] = None) -> FilePage:
    service.get(uow.session, principal.workspace_id, name)
    files = service.list_files(settings, principal.workspace_id, name, prefix, page)
    return FilePage.of(files, page, lambda f: FileOut(path=f.path, size=f.size, modified_at=f.modified_at,
                                                      uri=f"datastore://{name}/{f.path}"),
                       key=lambda f: f.path)


@router.get("/datastores/{name}/files/{path:path}", operation_id="download_file",
            response_class=FileResponse, summary="Download a file",
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_file(name: str, path: str, principal: DataRead, uow: UnitOfWorkDep,
                  settings: SettingsDep) -> FileResponse:
    service.get(uow.session, principal.workspace_id, name)
    target = service.file_target(settings, principal.workspace_id, name, path, mode="read")
    return FileResponse(target, media_type="application/octet-stream", filename=target.name)
