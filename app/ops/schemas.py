"""Response bodies of the operations routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class WorkerCheckOut(BaseModel):
    id: str
    status: str
    worker: str | None
    created_at: datetime
    completed_at: datetime | None
