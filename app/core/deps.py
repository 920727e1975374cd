"""Typed dependencies shared by every router: settings and the database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.core.settings import Settings, get_settings
from app.db.engine import get_engine


def get_db() -> Iterator[Session]:
    # Writes commit explicitly in the route (after the service ran, before the
    # response), so that "recorded before 202" never depends on teardown order.
    # scope="function" (below) closes the session when the route returns, before the
    # response is sent: on SQLite an open transaction holds the write lock.
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
