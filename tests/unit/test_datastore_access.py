"""RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS is read strictly: what it allows, and what the
service refuses to start with (naming the setting)."""

from __future__ import annotations

import pytest

from app.core.settings import ConfigurationError, Settings
from app.datastores import access
from app.storage.locations import S3Location, check_endpoint
from app.storage.registry import check_configuration


def _settings(shared: str, **more: object) -> Settings:
    return Settings(secret_key="x" * 32, s3_shared_credential_buckets=shared, **more)


def test_a_listed_prefix_allows_what_is_inside_it_for_the_workspaces_it_names() -> None:
    settings = _settings("s3://lake/shared, team-a=s3://lake/a, s3://whole")
    allowed = [("any", "lake", "shared"), ("any", "lake", "shared/x/y"), ("team-a", "lake", "a/b"),
               ("any", "whole", ""), ("any", "whole", "deep/down")]
    refused = [("any", "lake", "shared2"), ("any", "lake", ""), ("team-b", "lake", "a"), ("any", "other", "shared")]
    for workspace, bucket, prefix in allowed:
        assert access.shares_credentials(settings, workspace, S3Location(bucket, prefix)), (workspace, bucket, prefix)
    for workspace, bucket, prefix in refused:
        assert not access.shares_credentials(settings, workspace, S3Location(bucket, prefix)), (workspace, prefix)


@pytest.mark.parametrize("shared", ["lake/shared", "=s3://lake/x", "team a=s3://lake/x", "s3://Bad_Bucket/x",
                                    "s3://lake/a/../b"])
def test_an_unreadable_entry_stops_the_service_naming_the_setting(shared: str) -> None:
    with pytest.raises(ConfigurationError, match="RETRAINER_S3_SHARED_CREDENTIAL_BUCKETS"):
        check_configuration(_settings(shared))


def test_the_services_own_bucket_cannot_be_listed() -> None:
    with pytest.raises(ConfigurationError, match="never a datastore"):
        check_configuration(_settings("s3://svc/elsewhere", artifact_url="s3://svc/prod"))


def test_an_endpoint_has_one_spelling_here() -> None:
    assert check_endpoint("HTTP://MinIO.Example:80/") == "http://minio.example"
    assert check_endpoint("https://minio.example:443") == "https://minio.example"
    assert check_endpoint("https://minio.example:9000") == "https://minio.example:9000"
