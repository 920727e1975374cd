"""Request and response bodies of the datastore routes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from app.components.settings import FileFormat
from app.core.paging import Page


class DatastoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=2000)
    kind: Literal["local", "s3"] = Field(
        default="local", description="`local`: kept in the service's own storage (RETRAINER_ARTIFACT_URL); "
                                     "`s3`: a bucket and prefix of its own")
    url: str | None = Field(default=None, max_length=1100,
                            description="`s3://bucket/prefix` (kind s3); the bucket must exist")
    endpoint_url: str | None = Field(
        default=None, max_length=500,
        description="S3-compatible endpoint (kind s3), one that RETRAINER_S3_DATASTORE_ENDPOINTS allows; "
                    "unset: the service's RETRAINER_S3_ENDPOINT_URL")
    region: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9\-]{1,64}$")
    access_key_id: str | None = Field(default=None, min_length=1, max_length=256,
                                      description="With secret_access_key: the datastore's own credentials, "
                                                  "stored encrypted and never returned; unset: the service's")
    secret_access_key: SecretStr | None = Field(default=None, min_length=1, max_length=256)
    session_token: SecretStr | None = Field(default=None, min_length=1, max_length=2048)


class DatastoreOut(BaseModel):
    id: str
    name: str
    kind: str = "local"
    url: str | None = Field(default=None, description="s3://bucket/prefix (kind s3)")
    endpoint_url: str | None = None
    region: str | None = None
    has_credentials: bool = Field(default=False, description="Credentials of its own are stored (never shown)")
    description: str | None
    created_at: datetime


class DatastorePage(Page[DatastoreOut]):
    pass


class FileUploaded(BaseModel):
    path: str
    size: int
    sha256: str
    uri: str = Field(description="the data path to use in pipelines")


class FileOut(BaseModel):
    path: str
    size: int
    modified_at: datetime | None
    uri: str


class FilePage(Page[FileOut]):
    pass


@dataclass(frozen=True)
class PreviewOptions:
    """How to read a file for its preview (the query of GET /datastores/{name}/preview)."""

    format: FileFormat | None = None
    separator: str = ","
    has_header: bool = True
    rows: int = 20
