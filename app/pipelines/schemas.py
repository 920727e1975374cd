"""Response bodies of the pipeline routes (the request body is the PipelineSpec itself)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.core.paging import Page
from app.pipelines.spec import ParameterSpec, StepPosition, StepSpec


class PipelineOut(BaseModel):
    id: str
    name: str
    description: str | None
    parameters: dict[str, ParameterSpec]
    steps: dict[str, StepSpec]
    layout: dict[str, StepPosition] | None = Field(description="Where the studio draws each step; null: laid out automatically")
    digest: str
    created_at: datetime
    updated_at: datetime


class PipelinePage(Page[PipelineOut]):
    pass
