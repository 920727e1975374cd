"""Datastore logic: the default datastore, creation (local or S3), the store behind each
datastore, uploads, listing and downloads."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError as DBIntegrityError
from sqlmodel import Session

from app.components.settings import COMPRESSED_CSV, infer_format
from app.core import preview, secretbox
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem, ServiceUnavailable
from app.core.paging import PageRequest
from app.core.settings import Settings
from app.core.tabular import TableRefused
from app.datastores import access
from app.datastores import repository as repo
from app.datastores.paths import DataPathError, DataRef, resolve
from app.datastores.schemas import DatastoreCreate, DatastoreOut, PreviewOptions
from app.db.tables import Datastore
from app.runtime import Runtime
from app.storage import registry
from app.storage.base import ObjectInfo, ObjectStore, StorageError, TooLarge
from app.storage.locations import Credentials, InvalidLocation, S3Location, check_endpoint, parse_s3_url
from app.storage.refused import RefusedStore

DEFAULT = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")


def ensure_default(session: Session, workspace_id: str) -> Datastore:
    store = repo.by_name(session, workspace_id, DEFAULT)
    if store is not None:
        return store
    store = Datastore(workspace_id=workspace_id, name=DEFAULT, description="The workspace's default datastore")
    try:
        with session.begin_nested():
            session.add(store)
    except DBIntegrityError:  # created concurrently by another request
        existing = repo.by_name(session, workspace_id, DEFAULT)
        if existing is None:
            raise
        return existing
    return store


def list_all(session: Session, workspace_id: str) -> list[Datastore]:
    ensure_default(session, workspace_id)
    return repo.list_all(session, workspace_id)


def known_names(session: Session, workspace_id: str) -> set[str]:
    return repo.names(session, workspace_id) | {DEFAULT}


def get(session: Session, workspace_id: str, name: str) -> Datastore:
    if name == DEFAULT:
        return ensure_default(session, workspace_id)
    store = repo.by_name(session, workspace_id, name)
    if store is None:
        raise NotFound(f"no datastore named {name!r} in this workspace")
    return store


# Creation ------------------------------------------------------------------------------------


def out(store: Datastore) -> DatastoreOut:
    # Credentials are never returned: only whether the datastore has its own.
    return DatastoreOut(id=store.id, name=store.name, kind=store.kind, url=store.url, endpoint_url=store.endpoint_url,
                        region=store.region, has_credentials=store.credentials is not None,
                        description=store.description, created_at=store.created_at)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", errors=[{"loc": ["body", field], "msg": message}])


def s3_location(settings: Settings, body: DatastoreCreate, workspace: str) -> S3Location | None:
    """The S3 location a creation request of `workspace` (its name) names (None for kind
    local), checked: a valid URL, an allowed endpoint, credentials given whole, what the
    workspace may reach (app.datastores.access), and a bucket that exists and accepts the
    credentials. Runs before any database work, so that no transaction waits on the
    object store."""
    problems: list[Problem] = []
    s3_only = ("url", "endpoint_url", "region", "access_key_id", "secret_access_key", "session_token")
    if body.kind != "s3":
        for field in s3_only:
            if getattr(body, field) is not None:
                problems.append({"loc": ["body", field], "msg": "only a datastore of kind 's3' takes it"})
        if problems:
            raise InvalidInput("fields of an S3 datastore were given for a local one", errors=problems)
        return None
    if body.url is None:
        raise _invalid("url", "an S3 datastore needs 'url': 's3://<bucket>/<prefix>'")
    try:
        bucket, prefix = parse_s3_url(body.url)
    except InvalidLocation as exc:
        raise _invalid("url", str(exc)) from None
    allowed = registry.allowed_datastore_endpoints(settings)
    endpoint = None
    if body.endpoint_url is not None:
        try:
            endpoint = check_endpoint(body.endpoint_url)
        except InvalidLocation as exc:
            raise _invalid("endpoint_url", str(exc)) from None
        if endpoint not in allowed:
            # The workers connect wherever a datastore points: only endpoints the operator
            # listed, so that an admin of a workspace cannot reach other addresses through it.
            raise _invalid("endpoint_url", f"{endpoint} is not an endpoint this service may use; the operator "
                                           "allows endpoints with RETRAINER_S3_DATASTORE_ENDPOINTS")
    else:
        endpoint = check_endpoint(settings.s3_endpoint_url) if settings.s3_endpoint_url else None
    if (body.access_key_id is None) != (body.secret_access_key is None):
        field = "secret_access_key" if body.access_key_id is not None else "access_key_id"
        raise _invalid(field, "give access_key_id and secret_access_key together (or neither, to use the "
                              "service's credentials)")
    if body.session_token is not None and body.access_key_id is None:
        raise _invalid("session_token", "a session token goes with access_key_id and secret_access_key")
    credentials = None
    if body.access_key_id is not None and body.secret_access_key is not None:
        credentials = Credentials(body.access_key_id, body.secret_access_key.get_secret_value(),
                                  body.session_token.get_secret_value() if body.session_token else None)
    location = S3Location(bucket, prefix, endpoint, body.region, credentials)
    access.check_registration(settings, workspace, location)
    problem = registry.open_s3(location).check()
    if problem != "ok":
        raise _invalid("url", problem)
    return location


def create(session: Session, settings: Settings, workspace_id: str, body: DatastoreCreate,
           location: S3Location | None) -> Datastore:
    name = body.name
    if not _NAME.match(name):
        raise _invalid("name", "use letters, digits, '_' and '-' (at most 64), starting with a letter or digit")
    if name == DEFAULT or repo.by_name(session, workspace_id, name) is not None:
        raise Conflict(f"a datastore named {name!r} already exists")
    store = Datastore(workspace_id=workspace_id, name=name, description=body.description, kind=body.kind)
    if location is not None:
        access.claim(session, workspace_id, location)
        store.url, store.endpoint_url, store.region = location.url, location.endpoint_url, location.region
        if location.credentials is not None:
            store.credentials = secretbox.seal(settings.signing_key(), _credentials_text(location.credentials))
    try:
        with session.begin_nested():
            session.add(store)
    except DBIntegrityError as exc:  # created concurrently
        raise Conflict(f"a datastore named {name!r} already exists") from exc
    return store


def _credentials_text(creds: Credentials) -> str:
    return "\n".join([creds.access_key_id, creds.secret_access_key, creds.session_token or ""])


def _credentials_of(settings: Settings, row: Datastore) -> Credentials | None:
    if row.credentials is None:
        return None
    try:
        key, secret, token = secretbox.unseal(settings.signing_key(), row.credentials).split("\n")
    except (secretbox.SealedSecretError, ValueError):
        raise ServiceUnavailable(f"the credentials of datastore {row.name!r} cannot be decrypted with this "
                                 "RETRAINER_SECRET_KEY (was it changed?); register the datastore again") from None
    return Credentials(key, secret, token or None)


# The store behind a datastore ---------------------------------------------------------------


def store_of(settings: Settings, row: Datastore, workspace: str) -> ObjectStore:
    """The store behind `row`, a datastore of `workspace` (its name); Forbidden when what
    it reaches is no longer allowed (app.datastores.access)."""
    if row.kind == "s3" and row.url:
        bucket, prefix = parse_s3_url(row.url)
        location = S3Location(bucket, prefix, row.endpoint_url, row.region, _credentials_of(settings, row))
        access.check_use(settings, workspace, row.name, location)
        return registry.open_s3(location, f"datastore {row.name!r} ({row.url})")
    return registry.builtin_datastore(settings, row.workspace_id, row.name)


def stores_of(session: Session, settings: Settings, workspace_id: str,
              workspace_name: str | None = None) -> dict[str, ObjectStore]:
    """Every datastore of the workspace (the default one even before it has a row), by
    name; one that may not be used is there, refusing each use with the reason.
    `workspace_name`: the workspace's name when the caller has it (a principal does;
    workspaces are never renamed), saving a query."""
    workspace = workspace_name or repo.workspace_name(session, workspace_id)
    stores: dict[str, ObjectStore] = {}
    for row in repo.list_all(session, workspace_id):
        try:
            stores[row.name] = store_of(settings, row, workspace)
        except Forbidden as exc:
            stores[row.name] = RefusedStore(f"datastore {row.name!r}", exc.detail)
    if DEFAULT not in stores:
        stores[DEFAULT] = registry.builtin_datastore(settings, workspace_id, DEFAULT)
    return stores


# Files ------------------------------------------------------------------------------------------


def file_ref(settings: Settings, row: Datastore, workspace: str, path: str, mode: str,
             loc: tuple[str, str] = ("path", "path")) -> DataRef:
    try:
        return resolve({row.name: store_of(settings, row, workspace)}, f"datastore://{row.name}/{path}", mode=mode)
    except DataPathError as exc:
        if mode == "read" and "does not exist" in str(exc):
            raise NotFound(f"no file {path!r} in datastore {row.name!r}") from exc
        raise InvalidInput(str(exc), errors=[{"loc": list(loc), "msg": str(exc)}]) from exc


@dataclass
class StoredFile:
    path: str
    size: int
    sha256: str | None = None
    modified_at: datetime | None = None


def upload_target(runtime: Runtime, workspace_id: str, workspace: str, store: str, path: str) -> DataRef:
    """Where an upload to `store/path` goes, checked (and the default datastore created)
    in a unit of work of its own."""
    with runtime.unit_of_work() as uow:
        row = get(uow.session, workspace_id, store)
    return file_ref(runtime.settings, row, workspace, path, mode="write")


async def write_stream(ref: DataRef, chunks: AsyncIterator[bytes], max_bytes: int) -> tuple[int, str]:
    """The body, streamed into the datastore as it arrives and hashed on the way: (size, sha256)."""
    try:
        return await ref.store.write_stream(ref.key, chunks, max_bytes)
    except TooLarge as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["body"], "msg": f"{exc}; RETRAINER_MAX_UPLOAD_BYTES "
                                                                      "sets the limit"}]) from None
    except StorageError as exc:
        raise ServiceUnavailable(f"the file could not be stored: {exc}") from None


def list_files(settings: Settings, row: Datastore, workspace: str, prefix: str | None,
               page: PageRequest) -> list[StoredFile]:
    """Up to `page.limit + 1` files after the cursor, in path order."""
    store = store_of(settings, row, workspace)
    try:
        found = store.list(prefix, page.after, page.limit + 1)
    except (ValueError, DataPathError) as exc:  # a prefix that no key can start with
        raise InvalidInput(str(exc), errors=[{"loc": ["query", "prefix"], "msg": str(exc)}]) from None
    return [StoredFile(path=o.key, size=o.size, modified_at=o.modified_at) for o in found]


def download(settings: Settings, row: Datastore, workspace: str, path: str) -> tuple[DataRef, ObjectInfo]:
    """A file to download: its store and the version to stream (reads pinned to it)."""
    ref = file_ref(settings, row, workspace, path, mode="read")
    info = ref.store.stat(ref.key)
    if info is None:
        raise NotFound(f"no file {path!r} in datastore {row.name!r}")
    return ref, info


def preview_file(settings: Settings, row: Datastore, workspace: str, path: str, options: PreviewOptions) -> preview.Preview:
    """A file's first rows and column summaries, read from the version looked at within
    RETRAINER_PREVIEW_MAX_ROWS and _BYTES (never the whole file)."""
    ref = file_ref(settings, row, workspace, path, mode="read", loc=("query", "path"))
    fmt = options.format or infer_format(path)
    if fmt is None:
        message = (f"cannot infer the format of {path!r} from its extension; set format to 'csv', "
                   "'csv.gz', 'csv.bz2' or 'parquet'")
        raise InvalidInput(message, errors=[{"loc": ["query", "format"], "msg": message}])
    info = ref.store.stat(ref.key)
    if info is None:
        raise NotFound(f"no file {path!r} in datastore {row.name!r}")
    limits = preview.PreviewLimits(rows=options.rows, max_rows=settings.preview_max_rows,
                                   max_bytes=settings.preview_max_bytes, max_columns=settings.max_data_columns)
    what = f"datastore://{row.name}/{path}"
    try:
        if fmt == "parquet":
            with ref.store.open_random(ref.key, info) as handle:
                return preview.preview_parquet(handle, what, limits)
        with ref.store.open_stream(ref.key, info) as raw:
            return preview.preview_csv(raw, what, limits, compression=COMPRESSED_CSV.get(fmt), sep=options.separator,
                                       has_header=options.has_header, fmt=fmt)
    except TableRefused as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["query", "path"], "msg": str(exc)}]) from None
    except preview.PreviewFailed as exc:
        raise InvalidInput(str(exc), errors=[{"loc": ["query", "format"], "msg": str(exc)}]) from None
    except StorageError as exc:
        raise ServiceUnavailable(str(exc)) from None
