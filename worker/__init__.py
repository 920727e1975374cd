"""The Celery worker: pulls runs from Redis, executes pipelines, stores artifacts.

Imports shared domain code (`app.core`, `app.db`) and never the web layer.
"""
