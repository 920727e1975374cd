"""Plumbing shared by the API and the worker: settings, database, ids, logging."""
