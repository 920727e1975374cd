"""Request and response bodies of the datastore routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.paging import Page


class DatastoreCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=2000)


class DatastoreOut(BaseModel):
    id: str
    name: str
    kind: str = "local"
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
