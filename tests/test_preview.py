"""Previews of a dataset output and of a datastore file: read by the API within bounds
(never the whole file), with the scopes of the downloads, a tampered artifact never read,
and a hostile or malformed file a 422 naming the field."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import secrets

import pandas as pd
import pytest

from tests.components.hostile import duplicate_header, many_zero_rows, repeated_text
from tests.helpers.api import bearer, password_token, principal_headers, wait_for
from tests.helpers.samples import small_csv, small_pipeline

PEOPLE = b"name,age,city,member\nAda,36,London,true\nBo,,Paris,false\nCy,51,,true\nDee,29,London,true\n"


@pytest.fixture(scope="module")
def small_run(api, worker, make_user):
    import httpx

    with httpx.Client(base_url=api.url, timeout=60) as client:
        admin = make_user(workspace="preview-" + secrets.token_hex(3), admin=True)
        headers = bearer(password_token(client, admin))
        assert client.put("/datastores/default/files/small/train.csv", content=small_csv(80),
                          headers=headers).status_code == 201
        pipeline = client.post("/pipelines", json=small_pipeline(), headers=headers).json()
        run = client.post(f"/pipelines/{pipeline['id']}/runs", json={}, headers=headers).json()
        run = wait_for(client, headers, run["id"])
        assert run["status"] == "succeeded", run
        yield {"run": run, "headers": headers, "admin": admin}


def test_dataset_output_preview_is_the_files_head_with_column_summaries(client, small_run):
    run, headers = small_run["run"], small_run["headers"]
    url = f"/runs/{run['id']}/outputs/split/train"
    answer = client.get(f"{url}/preview?rows=5", headers=headers)
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    frame = pd.read_parquet(io.BytesIO(client.get(url, headers=headers).content))
    assert [c["name"] for c in preview["columns"]] == list(frame.columns) == ["x1", "x2", "color", "y"]
    assert preview["rows"] == frame.head(5).values.tolist()
    assert preview["rows_read"] == len(frame) == 40 and preview["complete"] is True
    assert preview["format"] == "parquet" and preview["columns_total"] == 4
    x1, color = preview["columns"][0], preview["columns"][2]
    assert x1["kind"] == "number" and x1["missing"] == 0
    assert sum(b["count"] for b in x1["histogram"]) == 40
    assert (x1["min"], x1["max"]) == (frame["x1"].min(), frame["x1"].max())
    assert color["kind"] == "text" and color["distinct"] == 2
    assert {v["value"]: v["count"] for v in color["top"]} == frame["color"].value_counts().to_dict()


def test_only_datasets_have_a_preview_and_it_needs_the_downloads_scopes(client, small_run):
    run, headers, admin = small_run["run"], small_run["headers"], small_run["admin"]
    for step, port, kind in (("train", "model", "model"), ("evaluate", "metrics", "metrics")):
        refused = client.get(f"/runs/{run['id']}/outputs/{step}/{port}/preview", headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"] == ["path", "port"]
        assert f"is a {kind}" in refused.json()["detail"]
    assert client.get(f"/runs/{run['id']}/outputs/split/nothing/preview", headers=headers).status_code == 404
    assert client.get(f"/runs/{run['id']}/outputs/split/train/preview?rows=0", headers=headers).json()[
        "errors"][0]["loc"] == ["query", "rows"]
    runs_only = principal_headers(client, headers, ["runs:read"])
    refused = client.get(f"/runs/{run['id']}/outputs/split/train/preview", headers=runs_only)
    assert refused.status_code == 403 and 'scope="data:read"' in refused.headers["www-authenticate"]
    both = principal_headers(client, headers, ["runs:read", "data:read"])
    assert client.get(f"/runs/{run['id']}/outputs/split/train/preview", headers=both).status_code == 200
    del admin


def test_a_changed_artifact_is_never_previewed(client, small_run, backend):
    run, headers = small_run["run"], small_run["headers"]
    listed = client.get(f"/runs/{run['id']}/outputs", headers=headers).json()["items"]
    record = next(o for o in listed if (o["step"], o["port"]) == ("split", "test"))
    files = [p for p in backend.data_dir.rglob("*.parquet") if p.stat().st_size == record["size"]
             and hashlib.sha256(p.read_bytes()).hexdigest() == record["sha256"]]
    assert files, "the output is in the data directory"
    # Other runs of the suite may have written the same bytes elsewhere: change every copy,
    # so that the one this run's record points at is changed too.
    original = files[0].read_bytes()
    try:
        for file in files:
            file.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        refused = client.get(f"/runs/{run['id']}/outputs/split/test/preview", headers=headers)
        assert refused.status_code == 500 and refused.json()["type"].endswith("/artifact-integrity")
    finally:
        for file in files:
            file.write_bytes(original)
    assert client.get(f"/runs/{run['id']}/outputs/split/test/preview", headers=headers).status_code == 200


def _put(client, headers, path: str, body: bytes) -> None:
    answer = client.put(f"/datastores/default/files/{path}", content=body, headers=headers)
    assert answer.status_code == 201, answer.text


def _preview(client, headers, path: str, **query):
    return client.get("/datastores/default/preview", params={"path": path, **query}, headers=headers)


def test_datastore_file_preview_in_every_format(client, admin_headers, tmp_path):
    folder = "preview-" + secrets.token_hex(3)
    _put(client, admin_headers, f"{folder}/people.csv", PEOPLE)
    preview = _preview(client, admin_headers, f"{folder}/people.csv").json()
    assert preview["format"] == "csv" and preview["complete"] is True and preview["rows_read"] == 4
    assert preview["rows"][1] == ["Bo", None, "Paris", False]
    kinds = {c["name"]: (c["kind"], c["missing"]) for c in preview["columns"]}
    assert kinds == {"name": ("text", 0), "age": ("number", 1), "city": ("text", 1), "member": ("boolean", 0)}
    age = preview["columns"][1]
    assert sum(b["count"] for b in age["histogram"]) == 3 and age["mean"] == pytest.approx(116 / 3)
    assert preview["columns"][2]["top"][0] == {"value": "London", "count": 2}
    # The same table compressed, as Parquet, and without a header.
    _put(client, admin_headers, f"{folder}/people.csv.gz", gzip.compress(PEOPLE))
    _put(client, admin_headers, f"{folder}/people.bz2.data", bz2.compress(PEOPLE))
    frame = pd.read_csv(io.BytesIO(PEOPLE))
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    _put(client, admin_headers, f"{folder}/people.parquet", buffer.getvalue())
    for path, query in ((f"{folder}/people.csv.gz", {}), (f"{folder}/people.bz2.data", {"format": "csv.bz2"}),
                        (f"{folder}/people.parquet", {})):
        got = _preview(client, admin_headers, path, **query)
        assert got.status_code == 200, (path, got.text)
        assert got.json()["rows"] == preview["rows"], path
    _put(client, admin_headers, f"{folder}/headless.data", PEOPLE.split(b"\n", 1)[1])
    headless = _preview(client, admin_headers, f"{folder}/headless.data", has_header="false", rows=2).json()
    assert [c["name"] for c in headless["columns"]] == ["column_1", "column_2", "column_3", "column_4"]
    assert headless["rows"] == [["Ada", 36, "London", True], ["Bo", None, "Paris", False]]


def test_a_long_file_is_previewed_by_its_head(client, admin_headers, tmp_path):
    folder = "preview-" + secrets.token_hex(3)
    # 20 million rows in a few hundred KB: the preview reads its first rows only.
    many_zero_rows(tmp_path / "zeros.parquet")
    _put(client, admin_headers, f"{folder}/zeros.parquet", (tmp_path / "zeros.parquet").read_bytes())
    zeros = _preview(client, admin_headers, f"{folder}/zeros.parquet", rows=3)
    assert zeros.status_code == 200, zeros.text
    assert zeros.json()["rows"] == [[0], [0], [0]]
    assert zeros.json()["complete"] is False and zeros.json()["rows_read"] == 10_000  # RETRAINER_PREVIEW_MAX_ROWS
    repeated_text(tmp_path / "text.parquet")
    _put(client, admin_headers, f"{folder}/text.parquet", (tmp_path / "text.parquet").read_bytes())
    text = _preview(client, admin_headers, f"{folder}/text.parquet", rows=1).json()
    assert text["rows"] == [["z" * 100, "a"]] and text["complete"] is False
    # A gzip bomb of short lines: its first 16 MiB at most are decompressed.
    bomb = gzip.compress(b"1,2\n" * (8 * 1024 * 1024))  # 32 MiB
    _put(client, admin_headers, f"{folder}/bomb.csv.gz", bomb)
    answer = _preview(client, admin_headers, f"{folder}/bomb.csv.gz", rows=2).json()
    assert answer["rows"] == [[1, 2], [1, 2]] and answer["complete"] is False


def test_hostile_and_malformed_files_are_a_422_naming_the_field(client, admin_headers, make_user):
    folder = "preview-" + secrets.token_hex(3)
    _put(client, admin_headers, f"{folder}/dup.csv", duplicate_header())
    _put(client, admin_headers, f"{folder}/line.csv.gz", gzip.compress(b"a" * (20 * 1024 * 1024)))
    _put(client, admin_headers, f"{folder}/fake.parquet", PEOPLE)
    _put(client, admin_headers, f"{folder}/binary.csv", bytes(range(256)) * 10)
    _put(client, admin_headers, f"{folder}/notes.md", b"# notes\n")
    cases = [
        (f"{folder}/dup.csv", {}, ["query", "path"], "twice"),
        (f"{folder}/line.csv.gz", {}, ["query", "path"], "line longer than"),
        (f"{folder}/fake.parquet", {}, ["query", "format"], "as Parquet"),
        (f"{folder}/binary.csv", {}, ["query", "format"], "UTF-8"),
        (f"{folder}/notes.md", {}, ["query", "format"], "cannot infer the format"),
        (f"{folder}/../../etc/passwd", {}, ["query", "path"], ""),
        (f"{folder}/dup.csv", {"format": "xlsx"}, ["query", "format"], ""),
        (f"{folder}/dup.csv", {"rows": 101}, ["query", "rows"], ""),
    ]
    for path, query, loc, words in cases:
        answer = _preview(client, admin_headers, path, **query)
        assert answer.status_code == 422, (path, answer.status_code, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["loc"] == loc, (path, answer.json())
        assert words in answer.json()["errors"][0]["msg"], (path, answer.json())
    missing = client.get("/datastores/default/preview", headers=admin_headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == ["query", "path"]
    assert _preview(client, admin_headers, f"{folder}/nothing.csv").status_code == 404
    # Another workspace sees neither the file nor, by name, a datastore of this one.
    other = bearer(password_token(client, make_user(workspace="other-" + secrets.token_hex(3))))
    assert _preview(client, other, f"{folder}/dup.csv").status_code == 404
    no_data = principal_headers(client, admin_headers, ["runs:read"])
    refused = _preview(client, no_data, f"{folder}/dup.csv")
    assert refused.status_code == 403 and 'scope="data:read"' in refused.headers["www-authenticate"]
