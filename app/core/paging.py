"""Cursor pages: `{"items": [...], "next_cursor": ...}` for every list.

A repository fetches up to `limit + 1` rows after the cursor in a stable order;
the extra row only says that there is another page. Cursors are opaque to
clients: the url-safe base64 of the last row's sort key.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Self, TypeVar

from pydantic import BaseModel

from app.core.errors import InvalidInput

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_NUMBER_CURSOR = 2**31  # version numbers fit every database's INTEGER
MAX_PAGE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    after: str | None = None  # the sort key of the last item of the previous page

    @property
    def after_number(self) -> int | None:
        """The cursor of a list ordered by a version number."""
        if self.after is None:
            return None
        if not (self.after.isascii() and self.after.isdigit()) or int(self.after) > MAX_NUMBER_CURSOR:
            raise invalid_cursor()
        return int(self.after)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None

    @classmethod
    def of(cls, rows: Sequence[R], request: PageRequest, to_item: Callable[[R], T],
           key: Callable[[R], object], max_bytes: int = MAX_PAGE_BYTES) -> Self:
        """A page of up to `request.limit` items from `limit + 1` fetched rows, and of
        about `max_bytes` of JSON at most (always one item at least): a list of large
        items (pipeline definitions, say) never builds an unbounded response."""
        items: list[T] = []
        size = 0
        for row in rows[:request.limit]:
            item = to_item(row)
            if isinstance(item, BaseModel):
                size += len(item.__pydantic_serializer__.to_json(item))
                if items and size > max_bytes:
                    break
            items.append(item)
        more = len(rows) > len(items)
        cursor = encode_cursor(str(key(rows[len(items) - 1]))) if more and items else None
        return cls(items=items, next_cursor=cursor)


def encode_cursor(last_key: str) -> str:
    return base64.urlsafe_b64encode(last_key.encode()).decode().rstrip("=")


def invalid_cursor() -> InvalidInput:
    return InvalidInput("cursor is not one this service issued", errors=[{
        "loc": ["query", "cursor"], "msg": "invalid cursor; pass the next_cursor of a previous page"}])


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_cursor() from exc
    if not value or len(value) > 1000:
        raise invalid_cursor()
    return value
