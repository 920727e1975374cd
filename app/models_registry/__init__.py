"""The model registry: every successful training registers a version with its lineage."""
