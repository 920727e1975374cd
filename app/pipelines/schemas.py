"""Response bodies of the pipeline routes (the request body is the PipelineSpec itself)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from app.core.paging import Page
from app.pipelines.spec import ParameterSpec, StepSpec


class PipelineOut(BaseModel):
    id: str
    name: str
    description: str | None
    parameters: dict[str, ParameterSpec]
    steps: dict[str, StepSpec]
    digest: str
    created_at: datetime
    updated_at: datetime


class PipelinePage(Page[PipelineOut]):
    pass
