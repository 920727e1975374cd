"""Which bucket prefixes a workspace's S3 datastores may reach, and with whose credentials.

An S3 datastore reaches whatever its credentials reach. The service's own credentials
reach every workspace's buckets and the service's own storage, so:

- the service's bucket (RETRAINER_ARTIFACT_URL) is never a datastore, whatever the prefix
  and whatever the endpoint is called: the bucket name decides, since one service can
  answer to many names (localhost, 127.0.0.1, ::1, 0.0.0.0, another DNS name, a proxy),
  and no comparison of addresses catches them all;
- a datastore without credentials of its own may only name a prefix that the operator
  lists in RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS (for any workspace, or for one);
- a bucket prefix belongs to one workspace at most: a prefix that holds, or is held by,
  another workspace's datastore is refused, whatever the endpoint again. Creations in
  one bucket are serialized (app.datastores.repository.lock_bucket), so that two at
  once cannot both take overlapping prefixes.

The first two are checked again each time a datastore is used, so that a datastore
registered before (or a list the operator shortened since) gives no more reach.
"""

from __future__ import annotations

from sqlmodel import Session

from app.core.errors import Conflict, Forbidden, InvalidInput
from app.core.settings import Settings
from app.datastores import repository as repo
from app.storage import registry
from app.storage.locations import S3Location, parse_s3_url

SHARED_SETTING = "RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS"


def _problem(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", errors=[{"loc": ["body", field], "msg": message}])


def in_service_bucket(settings: Settings, location: S3Location) -> str | None:
    """Why `location` cannot be a datastore because it is in the service's bucket, or None."""
    service = registry.service_location(settings)
    if service is None or location.bucket != service.bucket:
        return None
    return (f"the bucket {location.bucket!r} holds the service's own storage (every workspace's files): it is "
            "never a datastore, whatever the prefix or the endpoint's name; choose another bucket")


def shares_credentials(settings: Settings, workspace: str, location: S3Location) -> bool:
    """Whether the operator lets `workspace` use the service's credentials at `location`."""
    return any(shared.location.holds(location.bucket, location.prefix)
               and shared.workspace in (None, workspace) for shared in registry.shared_credential_prefixes(settings))


def _unshared(location: S3Location) -> str:
    return (f"{location.url} has no credentials of its own: give access_key_id and secret_access_key. The "
            f"service's credentials serve only the bucket prefixes the operator lists in {SHARED_SETTING}")


def check_registration(settings: Settings, workspace: str, location: S3Location) -> None:
    """InvalidInput at the field when `workspace` may not register `location` (no database
    needed: checked before the bucket is asked)."""
    problem = in_service_bucket(settings, location)
    if problem is not None:
        raise _problem("url", problem)
    if location.credentials is None and not shares_credentials(settings, workspace, location):
        raise _problem("access_key_id", _unshared(location))


def check_use(settings: Settings, workspace: str, name: str, location: S3Location) -> None:
    """Forbidden when a registered datastore may no longer reach its bucket this way."""
    problem = in_service_bucket(settings, location)
    if problem is None and location.credentials is None and not shares_credentials(settings, workspace, location):
        problem = _unshared(location)
    if problem is not None:
        raise Forbidden(f"datastore {name!r} cannot be used: {problem}; register it again as it now must be")


def claim(session: Session, workspace_id: str, location: S3Location) -> None:
    """Conflict when another workspace's datastore holds `location`, or is inside it. Takes
    the bucket's lock first: it is held until the transaction ends, so the datastore that
    the caller then adds is seen by the next claim in the bucket."""
    repo.lock_bucket(session, location.bucket)
    for row in repo.s3_in_bucket(session, location.bucket):
        if row.workspace_id == workspace_id or row.url is None:
            continue
        bucket, prefix = parse_s3_url(row.url)
        if S3Location(bucket, prefix).overlaps(location):
            message = (f"{location.url} overlaps a bucket prefix that another workspace's datastore uses; a prefix "
                       "belongs to one workspace: choose one that neither holds nor is inside another workspace's")
            raise Conflict(message, errors=[{"loc": ["body", "url"], "msg": message}])
