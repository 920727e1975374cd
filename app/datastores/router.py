"""Routes: datastores and their files (contract section 2)."""

from __future__ import annotations

from typing import Annotated

from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from app.auth.deps import AdminPrincipal, requires
from app.auth.scopes import Scope
from app.core.deps import SessionDep, SettingsDep
from app.core.pagination import PageParams, encode_cursor, page_params
from app.datastores import repository as repo
from app.datastores import service
from app.datastores.schemas import DatastoreCreate, DatastoreOut, DatastorePage, FileOut, FilePage, FileUploaded

router = APIRouter(tags=["datastores"])
# Uploads get their own body limit (RETRAINER_MAX_UPLOAD_BYTES), set where included.
upload_router = APIRouter(tags=["datastores"])

DataRead = requires(Scope.data_read)
DataWrite = requires(Scope.data_write)


def _out(store) -> DatastoreOut:
    return DatastoreOut(id=store.id, name=store.name, description=store.description,
                        created_at=store.created_at)


@router.get("/datastores", operation_id="list_datastores", response_model=DatastorePage,
            summary="List datastores")
def list_datastores(principal: DataRead, session: SessionDep):
    service.ensure_default(session, principal.workspace_id)
    session.commit()
    return DatastorePage(items=[_out(s) for s in repo.list_all(session, principal.workspace_id)])


@router.post("/datastores", operation_id="create_datastore", status_code=201,
             response_model=DatastoreOut, summary="Create a local datastore")
def create_datastore(body: DatastoreCreate, principal: AdminPrincipal, session: SessionDep,
                     response: Response):
    service.ensure_default(session, principal.workspace_id)
    store = service.create(session, principal.workspace_id, body.name, body.description)
    session.commit()
    response.headers["Location"] = f"/datastores/{store.name}"
    return _out(store)


@router.get("/datastores/{name}", operation_id="get_datastore", response_model=DatastoreOut,
            summary="Get a datastore")
def get_datastore(name: str, principal: DataRead, session: SessionDep):
    store = service.get(session, principal.workspace_id, name)
    session.commit()
    return _out(store)


@upload_router.put(
    "/datastores/{name}/files/{path:path}", operation_id="upload_file", status_code=201,
    response_model=FileUploaded, summary="Upload a file (the raw request body becomes the file)",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def upload_file(name: str, path: str, request: Request, principal: DataWrite,
                      session: SessionDep, settings: SettingsDep, response: Response):
    def check() -> Path:
        # Blocking database and disk work stays off the event loop.
        service.get(session, principal.workspace_id, name)
        session.commit()
        return service.file_target(settings, principal.workspace_id, name, path, mode="write")

    target = await run_in_threadpool(check)
    size, sha256 = await service.write_stream(target, request.stream())
    response.headers["Location"] = f"/datastores/{name}/files/{path}"
    return FileUploaded(path=path, size=size, sha256=sha256, uri=f"datastore://{name}/{path}")


@router.get("/datastores/{name}/files", operation_id="list_files", response_model=FilePage,
            summary="List files, optionally under a prefix")
def list_files(name: str, principal: DataRead, session: SessionDep, settings: SettingsDep,
               page: Annotated[PageParams, Depends(page_params)],
               prefix: Annotated[str | None, Query(max_length=1000)] = None):
    service.get(session, principal.workspace_id, name)
    session.commit()
    files, more = service.list_files(settings, principal.workspace_id, name, prefix,
                                     page.after_id, page.limit)
    items = [FileOut(path=f.path, size=f.size, modified_at=f.modified_at,
                     uri=f"datastore://{name}/{f.path}") for f in files]
    return FilePage(items=items, next_cursor=encode_cursor(files[-1].path) if more and files else None)


@router.get("/datastores/{name}/files/{path:path}", operation_id="download_file",
            response_class=FileResponse, summary="Download a file",
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_file(name: str, path: str, principal: DataRead, session: SessionDep,
                  settings: SettingsDep):
    service.get(session, principal.workspace_id, name)
    session.commit()
    target = service.file_target(settings, principal.workspace_id, name, path, mode="read")
    return FileResponse(target, media_type="application/octet-stream", filename=target.name)
