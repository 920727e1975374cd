"""Azure ML v1 published-pipeline requests, accepted as Azure callers send them: the
router translates them into our runs (through the endpoints' and runs' services) and
answers in Azure's shape."""
