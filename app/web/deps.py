"""Typed dependencies shared by every router: the runtime, its settings, the
request's unit of work, and page parameters.

The runtime is the one `create_app(settings)` built; nothing reads the
environment here. The unit of work is committed in one place, here, after the
route returned and before the response is sent (`scope="function"`): on SQLite
an open transaction holds the write lock, so none may span the response.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Session

from app.core.paging import DEFAULT_LIMIT, MAX_LIMIT, PageRequest, decode_cursor
from app.core.settings import Settings
from app.db.unit_of_work import UnitOfWork
from app.runtime import Runtime

# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in
# the thread pool, and that hop cost more than the work on the hot paths.


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def unit_of_work(runtime: RuntimeDep) -> Iterator[UnitOfWork]:
    uow = runtime.unit_of_work()
    try:
        yield uow
        uow.commit()
    except BaseException:
        uow.rollback()
        raise
    finally:
        uow.close()


UnitOfWorkDep = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]


def reader(runtime: RuntimeDep) -> Iterator[Session]:
    """A read-only session for routes that only read: it never takes SQLite's write lock,
    so reads neither wait for writers nor hold them up."""
    with runtime.read_session() as session:
        yield session


ReaderDep = Annotated[Session, Depends(reader, scope="function")]


async def get_async_engine(request: Request) -> AsyncEngine:
    """The API's async engine (app.db.async_engine), for reads on the event loop."""
    engine: AsyncEngine = request.app.state.async_engine
    return engine


AsyncEngineDep = Annotated[AsyncEngine, Depends(get_async_engine)]


async def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> PageRequest:
    return PageRequest(limit=limit, after=decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageRequest, Depends(page_request)]
