"""Datastores through their service, in process: the default datastore, creation and its
refusals, uploads, listing and downloads, and containment of every file path (escapes,
symlinks, hostile names). tests/test_datastores.py keeps the HTTP layer (streamed bodies,
percent-encoded paths, scopes); tests/test_s3_datastores.py the S3 kind."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlmodel import select

from app.auth.service import Principal
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.paging import PageRequest
from app.datastores import service
from app.datastores.schemas import DatastoreCreate
from app.db.tables import Datastore
from app.runtime import Runtime
from tests.helpers.inprocess import signed_in, upload


def _read(runtime: Runtime, me: Principal, path: str, store: str = "default") -> bytes:
    with runtime.unit_of_work() as uow:
        row = service.get(uow.session, me.workspace_id, store)
    ref, info = service.download(runtime.settings, row, me.workspace_name, path)
    return b"".join(ref.store.iter_bytes(ref.key, info))


def _files(runtime: Runtime, me: Principal, prefix: str | None = None) -> list[str]:
    with runtime.unit_of_work() as uow:
        row = service.get(uow.session, me.workspace_id, "default")
    return [f.path for f in service.list_files(runtime.settings, row, me.workspace_name, prefix, PageRequest(limit=100))]


def _refused_path(runtime: Runtime, me: Principal, path: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        service.upload_target(runtime, me.workspace_id, me.workspace_name, "default", path)
    assert refused.value.errors == [{"loc": ["path", "path"], "msg": refused.value.detail}]
    return refused.value


def test_default_datastore_exists_for_every_workspace(runtime: Runtime) -> None:
    me = signed_in(runtime, admin=False)
    with runtime.unit_of_work() as uow:
        listed = [service.out(s) for s in service.list_all(uow.session, me.workspace_id)]
    assert [(d.name, d.kind, d.has_credentials) for d in listed] == [("default", "local", False)]


def test_upload_list_download_round_trip(runtime: Runtime) -> None:
    me = signed_in(runtime)
    body = b"a,b\n1,2\n" * 1000
    upload(runtime, me, "round/trip.csv", body)
    with runtime.unit_of_work() as uow:
        row = service.get(uow.session, me.workspace_id, "default")
    (listed,) = service.list_files(runtime.settings, row, me.workspace_name, "round/", PageRequest())
    assert (listed.path, listed.size) == ("round/trip.csv", len(body))
    assert _read(runtime, me, "round/trip.csv") == body
    upload(runtime, me, "round/trip.csv", b"x\n")  # an upload replaces the file
    assert _read(runtime, me, "round/trip.csv") == b"x\n"


def test_file_names_in_any_script_round_trip(runtime: Runtime) -> None:
    me = signed_in(runtime)
    names = ["\U000fff66", "données/été 2026.csv", "数据/训练.csv", "emoji-\U0001f600.csv"]
    for name in names:
        upload(runtime, me, f"unicode/{name}", name.encode())
        assert _read(runtime, me, f"unicode/{name}") == name.encode()
    assert sorted(_files(runtime, me, "unicode/")) == sorted(f"unicode/{n}" for n in names)


def test_unknown_datastore_and_file_are_not_found(runtime: Runtime) -> None:
    me = signed_in(runtime)
    with runtime.unit_of_work() as uow, pytest.raises(NotFound, match="no datastore named 'nope'"):
        service.get(uow.session, me.workspace_id, "nope")
    with pytest.raises(NotFound, match="no/such.csv"):
        _read(runtime, me, "no/such.csv")


def test_another_workspace_cannot_read_my_files(runtime: Runtime) -> None:
    me, spy = signed_in(runtime), signed_in(runtime)
    upload(runtime, me, "private.csv", b"mine")
    with pytest.raises(NotFound):
        _read(runtime, spy, "private.csv")
    assert _files(runtime, spy) == []


@pytest.mark.parametrize("bad", ["../outside.csv", "a/../../outside.csv", "a//b.csv", "./x.csv", "/etc/passwd"])
def test_paths_that_escape_are_refused(runtime: Runtime, bad: str) -> None:
    _refused_path(runtime, signed_in(runtime), bad)


def test_symlink_escape_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "inside.csv", b"a\n1\n")
    root = runtime.settings.data_dir / "datastores" / me.workspace_id / "default"
    assert (root / "inside.csv").is_file()  # where the default datastore keeps its files
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (root / "link.txt").symlink_to(secret)
    with runtime.unit_of_work() as uow:
        row = service.get(uow.session, me.workspace_id, "default")
    with pytest.raises(InvalidInput, match="outside"):
        service.download(runtime.settings, row, me.workspace_name, "link.txt")
    assert _files(runtime, me) == ["inside.csv"]


def test_hostile_names_are_refused_not_crashed(runtime: Runtime) -> None:
    """Names too long for the file system, a file used as a folder, control characters."""
    me = signed_in(runtime)
    assert "too long" in _refused_path(runtime, me, "a" * 300 + ".csv").detail
    upload(runtime, me, "plain/file.csv", b"x\n")
    assert "is a file" in _refused_path(runtime, me, "plain/file.csv/child.csv").detail
    assert "control characters" in _refused_path(runtime, me, "tmp/a\rb.csv").detail


def test_create_a_local_datastore_and_its_refusals(runtime: Runtime) -> None:
    me = signed_in(runtime)
    name = "lake-" + secrets.token_hex(3)

    def create(**fields: object) -> Datastore:
        body = DatastoreCreate.model_validate({"name": name, **fields})
        with runtime.unit_of_work() as uow:  # as the route does: the S3 checks first
            return service.create(uow.session, runtime.settings, me.workspace_id, body,
                                  service.s3_location(runtime.settings, body, me.workspace_name))

    created = service.out(create(description="raw"))
    assert (created.name, created.kind, created.description) == (name, "local", "raw")
    with pytest.raises(Conflict, match="already exists"):
        create()
    with pytest.raises(InvalidInput) as bad_name:
        create(name="../x")
    assert bad_name.value.errors is not None and bad_name.value.errors[0]["loc"] == ["body", "name"]
    with pytest.raises(InvalidInput) as s3_fields:
        create(name="x", url="s3://lake/x")
    assert s3_fields.value.errors == [{"loc": ["body", "url"], "msg": "only a datastore of kind 's3' takes it"}]
    with runtime.read_session() as session:
        rows = session.exec(select(Datastore.name).where(Datastore.workspace_id == me.workspace_id)).all()
    assert sorted(rows) == [name]  # nothing written by the refusals (the default is created on first use)
