"""A bucket prefix belongs to one workspace: two workspaces registering overlapping
prefixes at the same moment cannot both win (the bucket's lock, held by the first
transaction until it ends, makes the second see the first's datastore)."""

from __future__ import annotations

import secrets
import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.errors import Conflict
from app.core.settings import Settings
from app.datastores import service
from app.datastores.schemas import DatastoreCreate
from app.db.tables import Datastore, Workspace
from app.db.unit_of_work import UnitOfWork
from app.storage.locations import Credentials, S3Location


def _workspace(engine: Engine) -> str:
    with Session(engine) as session:
        workspace = Workspace(name="claims-" + secrets.token_hex(4))
        session.add(workspace)
        session.commit()
        return workspace.id


def _body(url: str) -> DatastoreCreate:
    return DatastoreCreate(name="lake", kind="s3", url=url, access_key_id="k", secret_access_key="s")


@pytest.mark.parametrize("second", ["same", "parent", "child"])
def test_two_workspaces_claiming_overlapping_prefixes_at_once_cannot_both_win(
        engine: Engine, unit_settings: Settings, second: str) -> None:
    bucket, top = "claims", "p" + secrets.token_hex(4)
    first_url = f"s3://{bucket}/{top}/team"
    second_url = {"same": first_url, "parent": f"s3://{bucket}/{top}", "child": f"{first_url}/sub"}[second]
    a, b = _workspace(engine), _workspace(engine)
    outcome: dict[str, object] = {}

    def create(workspace_id: str, url: str) -> None:
        _, prefix = url[len("s3://"):].partition("/")[::2]
        location = S3Location(bucket, prefix, None, None, Credentials("k", "s"))
        try:
            with UnitOfWork(engine) as uow:
                service.create(uow.session, unit_settings, workspace_id, _body(url), location)
                uow.commit()
            outcome[workspace_id] = "created"
        except Conflict as exc:
            outcome[workspace_id] = exc

    # A creates and holds its transaction open; B tries meanwhile; then A commits.
    first = UnitOfWork(engine)
    location = S3Location(bucket, f"{top}/team", None, None, Credentials("k", "s"))
    service.create(first.session, unit_settings, a, _body(first_url), location)
    racer = threading.Thread(target=create, args=(b, second_url))
    racer.start()
    racer.join(2)  # without the bucket's lock, B's creation would be done by now
    first.commit()
    first.close()
    racer.join(60)
    assert not racer.is_alive()

    assert isinstance(outcome[b], Conflict), outcome
    assert outcome[b].errors is not None and outcome[b].errors[0]["loc"] == ["body", "url"]
    with Session(engine) as session:
        rows = session.exec(select(Datastore).where(Datastore.kind == "s3",
                                                    Datastore.url.startswith(f"s3://{bucket}/{top}"))).all()
    assert [row.workspace_id for row in rows] == [a]
