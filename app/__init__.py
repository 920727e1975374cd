"""Retrainer: training pipelines as versioned REST endpoints.

This package must stay importable without FastAPI side effects: the worker
imports `app.core` and `app.db` (settings, tables, ids) but never the web layer.
"""
