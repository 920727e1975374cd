"""Cursor pagination over time-ordered ids: `{"items": [...], "next_cursor": ...}`."""

from __future__ import annotations

import base64
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from app.core.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int = DEFAULT_LIMIT
    after_id: str | None = None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("cursor is not one this service issued",
                           errors=[{"loc": ["query", "cursor"],
                                    "msg": "invalid cursor; pass the next_cursor of a previous page"}]
                           ) from exc
    if not value or len(value) > 1000:
        raise InvalidInput("cursor is not one this service issued",
                           errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}])
    return value


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, after_id=decode_cursor(cursor) if cursor else None)


def make_page(rows: list, limit: int, to_item) -> dict:
    """`rows` holds up to limit+1 rows ordered by id; the extra row means 'more'."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [to_item(r) for r in rows],
            "next_cursor": encode_cursor(rows[-1].id) if more and rows else None}


def int_cursor(page: PageParams) -> int | None:
    """The cursor of a list ordered by a version number."""
    if page.after_id is None:
        return None
    if not (page.after_id.isascii() and page.after_id.isdigit()) or int(page.after_id) > 2**31:
        raise InvalidInput("cursor is not one this service issued",
                           errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor"}])
    return int(page.after_id)
