"""Pipeline endpoints: published, immutable versions of a pipeline, and retraining runs."""
