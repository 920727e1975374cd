"""Responses that serve a stored file after its sha256 check (app.storage.artifacts)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response
from fastapi.concurrency import iterate_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse

from app.storage.artifacts import Verified


def verified_file(found: Verified, media_type: str, filename: str, sha256: str) -> Response:
    """A file on this disk with sendfile; one in a bucket streamed chunk by chunk, each read
    conditional on the ETag of the version that was hashed (never a whole file in memory)."""
    headers = {"X-Content-SHA256": sha256}
    if found.path is not None:
        return FileResponse(found.path, media_type=media_type, filename=filename, headers=headers)
    headers["Content-Length"] = str(found.info.size)
    headers["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(filename)}"
    return StreamingResponse(iterate_in_threadpool(found.chunks()), media_type=media_type, headers=headers)
