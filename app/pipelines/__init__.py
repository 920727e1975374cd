"""Pipeline drafts: the spec model and its validation (no web imports), and the routes."""
