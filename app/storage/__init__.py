"""The storage layer: every file the service and its workers read or write.

Datastore files, run outputs, step logs and model files go through one interface,
`ObjectStore` (app.storage.base), with two backends: folders on a local disk
(`local`, the embedded default) and S3-compatible object storage (`s3`, through
obstore). Keys are checked by `app.storage.keys` on both backends, so no key leaves
its store's root. `app.storage.registry` builds the stores a process uses from
the settings: the service's own (RETRAINER_ARTIFACT_URL) and each S3 datastore's.

Part of the kernel: no web framework, no database.
"""
