"""Routes: datastores and their files."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse

from app.auth.deps import AdminPrincipal, DataRead, DataWrite
from app.datastores import service
from app.datastores.schemas import DatastoreCreate, DatastoreOut, DatastorePage, FileOut, FilePage, FileUploaded
from app.web.deps import PageDep, RuntimeDep, SettingsDep, UnitOfWorkDep

router = APIRouter(tags=["datastores"])
# Uploads get their own body limit (RETRAINER_MAX_UPLOAD_BYTES), set where included.
upload_router = APIRouter(tags=["datastores"])



@router.get("/datastores", operation_id="list_datastores", response_model=DatastorePage,
            summary="List datastores")
def list_datastores(principal: DataRead, uow: UnitOfWorkDep) -> DatastorePage:
    return DatastorePage(items=[service.out(s) for s in service.list_all(uow.session, principal.workspace_id)])


@router.post("/datastores", operation_id="create_datastore", status_code=201,
             response_model=DatastoreOut, summary="Create a datastore (local, or an S3 bucket and prefix)",
             description="Kind `s3` names a bucket that exists (`url`), optionally an endpoint the operator "
                         "allows and credentials of its own, which are stored encrypted and never returned.")
def create_datastore(body: DatastoreCreate, principal: AdminPrincipal, uow: UnitOfWorkDep,
                     settings: SettingsDep, response: Response) -> DatastoreOut:
    location = service.s3_location(settings, body, principal.workspace_name)  # the bucket is checked before any transaction
    service.ensure_default(uow.session, principal.workspace_id)
    store = service.create(uow.session, settings, principal.workspace_id, body, location)
    response.headers["Location"] = f"/datastores/{store.name}"
    return service.out(store)


@router.get("/datastores/{name}", operation_id="get_datastore", response_model=DatastoreOut,
            summary="Get a datastore")
def get_datastore(name: str, principal: DataRead, uow: UnitOfWorkDep) -> DatastoreOut:
    return service.out(service.get(uow.session, principal.workspace_id, name))


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
    ref = await run_in_threadpool(service.upload_target, runtime, principal.workspace_id,
                                  principal.workspace_name, name, path)
    size, sha256 = await service.write_stream(ref, request.stream(), runtime.settings.max_upload_bytes)
    # Headers are Latin-1: a file name in any script goes there percent-encoded.
    response.headers["Location"] = f"/datastores/{quote(name)}/files/{quote(path)}"
    return FileUploaded(path=path, size=size, sha256=sha256, uri=f"datastore://{name}/{path}")


@router.get("/datastores/{name}/files", operation_id="list_files", response_model=FilePage,
            summary="List files, optionally under a prefix")
def list_files(name: str, principal: DataRead, uow: UnitOfWorkDep, settings: SettingsDep, page: PageDep,
               prefix: Annotated[str | None, Query(max_length=1000)] = None) -> FilePage:
    row = service.get(uow.session, principal.workspace_id, name)
    files = service.list_files(settings, row, principal.workspace_name, prefix, page)
    return FilePage.of(files, page, lambda f: FileOut(path=f.path, size=f.size, modified_at=f.modified_at,
                                                      uri=f"datastore://{name}/{f.path}"),
                       key=lambda f: f.path)


@router.get("/datastores/{name}/files/{path:path}", operation_id="download_file",
            response_class=FileResponse, summary="Download a file",
            responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
def download_file(name: str, path: str, principal: DataRead, uow: UnitOfWorkDep,
                  settings: SettingsDep) -> Response:
    row = service.get(uow.session, principal.workspace_id, name)
    ref, info = service.download(settings, row, principal.workspace_name, path)
    filename = path.rpartition("/")[2]
    local = ref.store.local_path(ref.key)
    if local is not None:
        return FileResponse(local, media_type="application/octet-stream", filename=filename)
    # From a bucket: streamed as it is read, every read pinned to the version looked at.
    return StreamingResponse(iterate_in_threadpool(ref.store.iter_bytes(ref.key, info)),
                             media_type="application/octet-stream",
                             headers={"Content-Length": str(info.size),
                                      "Content-Disposition": _attachment(filename)})


def _attachment(filename: str) -> str:
    return f"attachment; filename*=utf-8''{quote(filename)}"
