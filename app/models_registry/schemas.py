"""Response bodies of the model registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.core.paging import Page


class ModelSummary(BaseModel):
    name: str
    latest_version: int
    versions: int
    updated_at: datetime


class ModelPage(Page[ModelSummary]):
    pass


class DataInput(BaseModel):
    step: str
    path: str
    sha256: str
    size: int


class Lineage(BaseModel):
    run_id: str
    step: str
    pipeline_id: str | None
    pipeline_digest: str
    endpoint_id: str | None
    endpoint_version: int | None
    parameters: dict[str, Any]
    data: list[DataInput]


class ModelVersionOut(BaseModel):
    name: str
    version: int
    created_at: datetime
    algorithm: str | None
    task: str | None
    label_column: str | None
    feature_columns: list[str] | None
    classes: list[Any] | None
    hyperparameters: dict[str, Any] | None
    metrics: dict[str, Any] | None
    reference_profile: dict[str, Any] | None = Field(
        default=None, description="The training rows' distribution, which a deployment's drift is measured "
                                  "against: {rows, bins, top_categories, columns: {name: {kind, missing, edges "
                                  "and counts | values and other}}, prediction}; null for a model trained before "
                                  "profiles were recorded")
    lineage: Lineage
    library_versions: dict[str, str]
    size: int
    sha256: str
    download_url: str


class ModelVersionPage(Page[ModelVersionOut]):
    pass
