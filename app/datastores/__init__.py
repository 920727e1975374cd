"""Datastores: named storage roots, file upload/download, and data-path resolution."""
