"""ASGI entry point for uvicorn: `uvicorn app.asgi:app`."""

import os

from app.main import create_app

os.umask(0o077)  # as `retrainer api` does: what the service writes is this user's only

app = create_app()
