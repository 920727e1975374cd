"""The model registry through its service, in process, on versions the executor registered
in process: listing, versions with their lineage, privacy, and a model file that no longer
matches its recorded sha256 refused. tests/test_runs.py keeps the download over HTTP."""

from __future__ import annotations

import hashlib

import pytest

from app.core.errors import ArtifactCorrupted, NotFound
from app.core.paging import PageRequest
from app.models_registry import service
from app.runtime import Runtime
from app.storage.registry import artifact_store
from tests.helpers.inprocess import draft, execute, signed_in, submit, upload
from tests.helpers.samples import small_csv, small_pipeline


def test_versions_are_listed_with_their_lineage_and_private(runtime: Runtime) -> None:
    me = signed_in(runtime)
    data = small_csv()
    upload(runtime, me, "small/train.csv", data)
    pipeline = draft(runtime, me, small_pipeline())
    runs = []
    for content in (data, small_csv(80)):  # new data each time: a new model, a new version
        upload(runtime, me, "small/train.csv", content)
        runs.append(submit(runtime, me, pipeline.id))
        assert execute(runtime, runs[-1]) == "succeeded"
    with runtime.read_session() as session:
        models = service.models_page(session, me.workspace_id, PageRequest()).items
        versions = service.versions_page(session, me.workspace_id, "small", PageRequest()).items
        first_page = service.versions_page(session, me.workspace_id, "small", PageRequest(limit=1))
    assert [(m.name, m.latest_version, m.versions) for m in models] == [("small", 2, 2)]
    assert [(v.version, v.lineage.run_id) for v in versions] == [(2, runs[1]), (1, runs[0])]  # newest first
    one = versions[1]
    assert (one.algorithm, one.task, one.label_column) == ("logistic_regression", "classification", "y")
    assert one.feature_columns == ["x1", "x2", "color"] and one.classes == ["no", "yes"]
    assert one.lineage.pipeline_id == pipeline.id and one.lineage.pipeline_digest == pipeline.digest
    assert one.lineage.data[0].sha256 == hashlib.sha256(data).hexdigest()
    assert one.download_url == "/models/small/versions/1/download" and "scikit-learn" in one.library_versions
    assert [v.version for v in first_page.items] == [2] and first_page.next_cursor
    other = signed_in(runtime)
    with runtime.read_session() as session:
        with pytest.raises(NotFound, match="no model named 'small'"):
            service.versions_page(session, other.workspace_id, "small", PageRequest())
        with pytest.raises(NotFound, match="no version 1 of model 'small'"):
            service.get_version(session, other.workspace_id, "small", 1)
        with pytest.raises(NotFound, match="no version 3"):
            service.get_version(session, me.workspace_id, "small", 3)


def test_a_model_file_changed_in_storage_is_refused(runtime: Runtime) -> None:
    me = signed_in(runtime)
    upload(runtime, me, "small/train.csv", small_csv())
    assert execute(runtime, submit(runtime, me, draft(runtime, me, small_pipeline()).id)) == "succeeded"
    with runtime.read_session() as session:
        version = service.get_version(session, me.workspace_id, "small", 1)
    with service.model_file(runtime.settings, version).open() as intact:
        assert hashlib.sha256(intact.read()).hexdigest() == version.sha256
    with artifact_store(runtime.settings).writer(version.artifact_path) as handle:
        handle.write(b"not the model that was trained")
    with pytest.raises(ArtifactCorrupted):
        service.model_file(runtime.settings, version)
