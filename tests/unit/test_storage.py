"""The storage layer's guarantees on both backends, against a real folder and a real
SeaweedFS bucket: atomic writes (nothing visible after a failed write), pinned reads
(a replaced object is never mixed in), key containment, streamed listing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.storage import keys
from app.storage.base import ObjectChanged, ObjectStore, TooLarge
from app.storage.local import LocalStore, OutsideRoot
from app.storage.locations import Credentials, InvalidLocation, S3Location, parse_s3_url
from app.storage.s3 import PART_SIZE, S3Store
from tests.helpers.aio import run_async
from tests.helpers.seaweed import SeaweedFS


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalStore(tmp_path / "root")
    sw: SeaweedFS = request.getfixturevalue("seaweed")
    return S3Store(S3Location(request.getfixturevalue("s3_bucket"), f"t{os.urandom(4).hex()}", sw.endpoint, "us-east-1",
                              Credentials(sw.access_key, sw.secret_key)))


def test_a_failed_write_leaves_nothing(store: ObjectStore) -> None:
    with pytest.raises(RuntimeError), store.writer("a/out.bin") as handle:
        handle.write(os.urandom(PART_SIZE + 1024))  # past one part: a multipart upload is under way
        raise RuntimeError("the step failed mid-write")
    assert store.stat("a/out.bin") is None
    assert store.list(None, None, 10) == []


def test_a_streamed_upload_over_its_limit_leaves_nothing(store: ObjectStore) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield os.urandom(PART_SIZE)

    with pytest.raises(TooLarge):
        run_async(store.write_stream("big.bin", body(), max_bytes=2 * PART_SIZE))
    assert store.stat("big.bin") is None


def test_writes_report_the_sha256_of_what_was_stored(store: ObjectStore) -> None:
    data = os.urandom(PART_SIZE * 2 + 5)

    async def body() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 1 << 20):
            yield data[start:start + (1 << 20)]

    size, sha = run_async(store.write_stream("x/data.bin", body()))
    assert (size, sha) == (len(data), hashlib.sha256(data).hexdigest())
    assert store.sha256_of("x/data.bin") == sha
    with store.open_random("x/data.bin") as handle:
        handle.seek(-7, os.SEEK_END)
        assert handle.read() == data[-7:]


def test_a_pinned_file_reads_the_bytes_that_were_hashed(store: ObjectStore) -> None:
    store.put_bytes("in.csv", b"a,b\n1,2\n")
    pinned = store.pin("datastore://x/in.csv", "in.csv")
    store.put_bytes("in.csv", b"a,b\n3,4\n5,6\n")  # replaced after pinning
    if isinstance(store, LocalStore):  # a snapshot: still the old bytes
        with pinned.open_stream() as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == pinned.sha256
    else:  # reads conditional on the ETag: refused rather than mixed
        with pytest.raises(ObjectChanged), pinned.open_stream() as handle:
            handle.read()
    pinned.close()


@pytest.mark.parametrize("key", ["../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a\\b", "a\x00b", "a" * 300])
def test_keys_that_could_escape_are_refused_on_both_backends(store: ObjectStore, key: str) -> None:
    with pytest.raises(keys.InvalidKey):
        store.stat(key)
    with pytest.raises(keys.InvalidKey), store.writer(key):
        pass


def test_a_symlink_out_of_a_folder_is_refused(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "root")
    (tmp_path / "secret.txt").write_text("s")
    store.root.mkdir(parents=True, exist_ok=True)
    (store.root / "link").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(OutsideRoot):
        store.path_of("link")
    assert [o.key for o in store.list(None, None, 10)] == []


def test_listing_stays_inside_the_prefix_and_pages_in_key_order(store: ObjectStore) -> None:
    for name in ["b/2.csv", "b/1.csv", "a.csv", "b/sub/3.csv", "bb.csv"]:
        store.put_bytes(name, b"x")
    assert [o.key for o in store.list("b/", None, 10)] == ["b/1.csv", "b/2.csv", "b/sub/3.csv"]
    assert [o.key for o in store.list("b", None, 10)] == ["b/1.csv", "b/2.csv", "b/sub/3.csv", "bb.csv"]
    assert [o.key for o in store.list(None, "b/1.csv", 2)] == ["b/2.csv", "b/sub/3.csv"]


@pytest.mark.parametrize("url", ["s3://", "s3://ab", "s3://UPPER/x", "s3://b..x/y", "s3://bucket/a/../b",
                                 "http://bucket/x", "s3://bucket/a//b"])
def test_s3_urls_are_checked(url: str) -> None:
    with pytest.raises(InvalidLocation):
        parse_s3_url(url)


def test_overlapping_locations_are_told_apart() -> None:
    service = S3Location("b", "deployment")
    assert S3Location("b", "deployment/datastores/ws").overlaps(service)
    assert S3Location("b", "").overlaps(service)
    assert not S3Location("b", "deployment-2").overlaps(service)
    assert not S3Location("other", "deployment").overlaps(service)
