"""The stores a process uses, built from its settings and kept for reuse.

- The service's storage root (RETRAINER_ARTIFACT_URL; unset: the data directory)
  holds `artifacts/` (run outputs, step logs, models: `<workspace>/<run>/a<attempt>/
  <step>/<file>`) and `datastores/` (the files of the built-in datastores:
  `<workspace>/<datastore>/<path>`). As a folder, that is the layout the data
  directory always had; as `s3://bucket/prefix`, the same layout under the prefix,
  so that an API and workers on different machines see the same files.
- A datastore of kind `s3` is its own bucket and prefix, with its own endpoint and
  credentials (app.datastores builds its location from the database).

Clients are kept per process (a forked child builds its own: an S3 client's
connection pool must not be shared across a fork).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.settings import ConfigurationError, Settings
from app.storage.base import ObjectStore
from app.storage.local import LocalStore
from app.storage.locations import InvalidLocation, S3Location, check_endpoint, is_s3_url, parse_s3_url
from app.storage.s3 import S3Store

_lock = threading.Lock()
_WORKSPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@\-]{0,99}$")  # a workspace's name (app.auth)
_cache: dict[tuple[int, object], ObjectStore] = {}


def service_location(settings: Settings) -> S3Location | None:
    """The service's bucket and prefix when RETRAINER_ARTIFACT_URL is an S3 URL, else None."""
    url = settings.artifact_url
    if url is None or not is_s3_url(url):
        return None
    try:
        bucket, prefix = parse_s3_url(url)
        endpoint = check_endpoint(settings.s3_endpoint_url) if settings.s3_endpoint_url else None
    except InvalidLocation as exc:
        raise ConfigurationError(f"RETRAINER_ARTIFACT_URL / RETRAINER_S3_ENDPOINT_URL: {exc}") from None
    return S3Location(bucket, prefix, endpoint)


def service_folder(settings: Settings) -> Path:
    """The service's storage root as a folder (when it is not an object store)."""
    url = settings.artifact_url
    if url is None:
        return settings.data_dir
    if url.startswith("file://"):
        url = url[len("file://"):]
    path = Path(url).expanduser()
    if not path.is_absolute():
        raise ConfigurationError("RETRAINER_ARTIFACT_URL must be an absolute folder or s3://bucket/prefix")
    return path


def check_configuration(settings: Settings) -> None:
    """ConfigurationError, naming the setting, when the storage settings cannot work."""
    service = service_location(settings)
    if service is None:
        service_folder(settings)
    allowed_datastore_endpoints(settings)
    for shared in shared_credential_prefixes(settings):
        if service is not None and shared.location.bucket == service.bucket:
            raise ConfigurationError(f"RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS: {shared.location.url} is in the "
                                     "service's own bucket (RETRAINER_ARTIFACT_URL), which is never a datastore")


@dataclass(frozen=True)
class SharedPrefix:
    """A bucket prefix that datastores without credentials of their own may use, with the
    service's credentials: in any workspace, or in the one named."""

    location: S3Location
    workspace: str | None = None


def shared_credential_prefixes(settings: Settings) -> list[SharedPrefix]:
    """RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS, parsed: `s3://bucket/prefix` or
    `<workspace name>=s3://bucket/prefix`, comma separated."""
    found = []
    for entry in settings.s3_shared_credential_buckets.split(","):
        entry = entry.strip()
        if not entry:
            continue
        workspace, url = (None, entry) if is_s3_url(entry) else entry.split("=", 1) if "=" in entry else ("", "")
        if workspace is not None and not _WORKSPACE.match(workspace.strip()):
            raise ConfigurationError(f"RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS: {entry[:100]!r} is neither "
                                     "'s3://bucket/prefix' nor '<workspace name>=s3://bucket/prefix'")
        try:
            bucket, prefix = parse_s3_url(url.strip())
        except InvalidLocation as exc:
            raise ConfigurationError(f"RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS: {exc}") from None
        found.append(SharedPrefix(S3Location(bucket, prefix), workspace.strip() if workspace else None))
    return found


def allowed_datastore_endpoints(settings: Settings) -> set[str]:
    """Endpoints an S3 datastore may name: the service's own and RETRAINER_S3_DATASTORE_ENDPOINTS."""
    allowed = set()
    for value in [settings.s3_endpoint_url or "", *settings.s3_datastore_endpoints.split(",")]:
        if value.strip():
            try:
                allowed.add(check_endpoint(value))
            except InvalidLocation as exc:
                raise ConfigurationError(f"RETRAINER_S3_DATASTORE_ENDPOINTS: {exc}") from None
    return allowed


def _get(key: object, make: Callable[[], ObjectStore]) -> ObjectStore:
    full = (os.getpid(), key)
    with _lock:
        store = _cache.get(full)
        if store is None:
            store = _cache[full] = make()
        return store


def open_s3(location: S3Location, display: str | None = None, show_keys: bool = True) -> ObjectStore:
    """A store on an S3 bucket and prefix (a datastore's, or part of the service's)."""
    return _get(("s3", location, display, show_keys), lambda: S3Store(location, display, show_keys))


ARTIFACTS = "the artifact store"


def artifact_store(settings: Settings) -> ObjectStore:
    """Where run outputs, step logs and models are kept (their keys hold workspace ids,
    which messages leave out)."""
    location = service_location(settings)
    if location is not None:
        return open_s3(location.child("artifacts"), f"{ARTIFACTS} ({location.url})", show_keys=False)
    root = service_folder(settings) / "artifacts"
    return _get(("local", root), lambda: LocalStore(root, display=ARTIFACTS, show_keys=False))


def builtin_datastore(settings: Settings, workspace_id: str, name: str) -> ObjectStore:
    """The files of a workspace's built-in (kind `local`) datastore, in the service's storage."""
    location = service_location(settings)
    if location is not None:
        return open_s3(location.child("datastores", workspace_id, name), f"datastore {name!r}")
    base = service_folder(settings) / "datastores"
    root = base / workspace_id / name
    # Pinned files (hard links) live beside the datastores, on the same file system.
    return _get(("local", root), lambda: LocalStore(root, pins=base / ".pins", display=f"datastore {name!r}"))


def service_check(settings: Settings) -> str:
    """"ok", or what is wrong with the service's storage (for /readyz)."""
    return artifact_store(settings).check()
