"""The one settings object: every knob of the service and the worker, read from
`RETRAINER_*` environment variables and a `.env` file.

Unset, everything falls back to the embedded default (SQLite, the bundled Redis
server, files under `data_dir`), so `retrainer up` works on a bare machine.
Entry points (the CLI, `app.asgi`) read it once and pass it down: the object
given to `create_app` or `build_celery` is the one every part of that process uses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.queue_names import service_queue_problem, workspace_queue


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


MISSED_HEARTBEATS = 3


def ensure_private_dir(path: Path) -> None:
    """The data directory, readable by this user only: it holds the database, the signing
    key, data files and models."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "retrainer"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RETRAINER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str | None = None
    broker_url: str | None = None
    secret_key: str | None = None
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    token_issuer: str = "retrainer"
    token_audience: str = "retrainer-api"
    # A signed token's claims are trusted within its lifetime; whether its principal was
    # disabled or revoked, or the token itself revoked, is checked against a per-process
    # cache that answers for at most this long (a revocation made through the same API
    # process takes effect at once; app.auth.tokens).
    revocation_refresh_seconds: float = Field(default=5.0, gt=0, le=300)
    # What predictions need of a deployment (its version, enabled, monitor) is kept per API
    # process and dropped when a commit anywhere announces a change (Redis pub/sub,
    # app.db.deployment_changes); an answer older than this is read again, the bound on
    # what a lost announcement costs (app.deployments.seen).
    serving_refresh_seconds: float = Field(default=5.0, gt=0, le=300)

    admin_username: str | None = None
    admin_password: str | None = None

    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=2 * 1024 ** 3, ge=1024)
    # Failed token requests allowed per window: per client address (any account), per
    # address and account (tight), and per user from anywhere (loose) except at addresses
    # where that user signed in within the last `token_known_address_days` (so that
    # strangers cannot lock a user out of their own place; see app.auth.ratelimit).
    token_failures_per_address: str = "20/minute"
    token_failures_per_username: str = "5/minute"
    token_failures_per_account: str = "100/minute"
    token_known_address_days: int = Field(default=30, ge=1, le=366)
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted for the client's
    # address (uvicorn's --forwarded-allow-ips): addresses or networks, comma separated.
    # Empty (the default): no one's, not even loopback's, so a client cannot pose as
    # another address; set it only when a proxy that overwrites the header stands in front.
    forwarded_allow_ips: str = ""

    log_level: str = "INFO"
    log_json: bool = True

    # Celery: a training task may run for hours; the hard limit must stay below the
    # Redis visibility timeout or Redis redelivers a task that is still running.
    task_soft_time_limit: int = Field(default=6 * 3600, ge=10)
    task_time_limit: int = Field(default=6 * 3600 + 300, ge=15)
    broker_visibility_timeout: int = Field(default=7 * 3600, ge=30)
    worker_concurrency: int | None = Field(default=None, ge=1)
    # API processes of `retrainer api` (and `up`): one per core serves best here (see
    # docs/benchmarks.md); unset means the number of cores.
    api_workers: int | None = Field(default=None, ge=1, le=64)
    # A running run's worker writes a heartbeat this often; see `heartbeat_timeout`.
    heartbeat_seconds: float = Field(default=10.0, gt=0, le=3600)
    # How often each worker's reconciler looks for runs the broker lost.
    reconcile_seconds: float = Field(default=30.0, gt=0, le=3600)
    # The Celery queue that runs are sent to and that workers consume (the service's own,
    # shared by the workspaces' endpoints that name no queue of theirs).
    queue: str = Field(default="retrainer", pattern=r"^[A-Za-z0-9._\-]{1,100}$")
    # A worker's only: RETRAINER_QUEUE is then the queue of this workspace (its id, or its
    # name, which `retrainer worker --workspace W` turns into the id), whose endpoints set
    # {"queue": NAME}: on the broker `retrainer.ws.<workspace id>.NAME` (app.core.queue).
    queue_workspace: str | None = Field(default=None, max_length=100)
    # How often each API and worker process sends what the outbox still holds.
    outbox_relay_seconds: float = Field(default=1.0, gt=0, le=600)
    # A message the broker refuses (not merely unreachable) is tried again after 1, 2, 4 ...
    # relay intervals (at most 5 minutes); after this many refusals it is given up and its
    # run fails, naming the broker's answer.
    outbox_max_failures: int = Field(default=8, ge=1, le=1000)
    # /readyz reports the outbox not draining when a message waits longer than this (or the
    # broker refused one that is not given up yet).
    outbox_stuck_seconds: float = Field(default=60.0, gt=0, le=86400)
    # A queued run that no worker claimed this long after it was sent is sent again (then
    # after twice as long, and so on): its message may have been lost by the broker.
    claim_timeout_seconds: float = Field(default=60.0, gt=0, le=86400)
    # A run whose worker is lost this many times (killed, out of memory) fails.
    max_attempts: int = Field(default=3, ge=1, le=100)
    # Memory a run may allocate beyond its worker child's own, in MiB; unset: no limit.
    run_memory_limit_mb: int | None = Field(default=None, ge=64)

    # Storage (app.storage): where run outputs, logs, models and the built-in datastores'
    # files are kept: a folder, or s3://bucket/prefix (unset: the data directory).
    artifact_url: str | None = None
    # The S3-compatible endpoint of RETRAINER_ARTIFACT_URL (MinIO, SeaweedFS, Ceph...); unset: AWS.
    s3_endpoint_url: str | None = None
    # Endpoints that S3 datastores may name besides RETRAINER_S3_ENDPOINT_URL (comma separated):
    # the workers connect to them, so an admin cannot point them at any address.
    s3_datastore_endpoints: str = ""
    # Bucket prefixes that S3 datastores without credentials of their own may use, with the
    # service's credentials (comma separated `s3://bucket/prefix`, or `<workspace>=s3://...`
    # for one workspace only). Empty: every S3 datastore brings its own credentials, since
    # the service's reach every workspace's buckets.
    s3_shared_credential_buckets: str = ""
    # How often a running step's log is written to an object store (a folder's is live).
    log_flush_seconds: float = Field(default=2.0, gt=0, le=600)
    # A worker that holds a run over its endpoint's max_concurrent_runs hands it back and
    # looks again after this long.
    concurrency_retry_seconds: float = Field(default=3.0, gt=0, le=3600)

    # Triggers: the shortest every_seconds and debounce_seconds a trigger may ask for, and
    # how often the scheduler looks for new files under data triggers' watched prefixes.
    min_trigger_seconds: int = Field(default=60, ge=1, le=86400)
    trigger_poll_seconds: float = Field(default=30.0, gt=0, le=3600)

    # Deployments: rows one prediction request may hold, and the models each API process
    # keeps loaded (the least recently used is dropped first).
    predict_max_rows: int = Field(default=10_000, ge=1, le=1_000_000)
    predict_cache_models: int = Field(default=8, ge=1, le=1000)
    # Probabilities one prediction answer may hold (rows x classes): a model of many
    # classes would turn a small request into an answer of megabytes. Over it, a 422
    # says how many rows fit.
    predict_max_probabilities: int = Field(default=200_000, ge=1)
    # Prediction logging (a deployment's monitor): rows wait in a bounded buffer of each API
    # process, written to the artifact store as Parquet by a background thread every
    # flush_seconds or flush_rows rows, and at shutdown. A full buffer drops the request's
    # rows (retrainer_prediction_log_dropped_rows_total) rather than slowing predictions.
    prediction_log_buffer_rows: int = Field(default=100_000, ge=1, le=10_000_000)
    prediction_log_flush_seconds: float = Field(default=10.0, gt=0, le=3600)
    prediction_log_flush_rows: int = Field(default=10_000, ge=1, le=10_000_000)
    # Logged predictions older than this many days are deleted (whole days).
    prediction_log_retention_days: int = Field(default=30, ge=1, le=3650)
    # Drift is measured on at least this many logged rows (fewer: the answer says so), and on
    # at most drift_max_rows (the newest batches of the window).
    drift_min_rows: int = Field(default=100, ge=1)
    drift_max_rows: int = Field(default=500_000, ge=1)

    # Bounds on what one user can make the service do.
    max_pipeline_steps: int = Field(default=200, ge=1, le=100_000)
    # Above this many classes, evaluate_model leaves the confusion matrix out (with a note).
    max_confusion_matrix_classes: int = Field(default=50, ge=2, le=10_000)
    # A compressed data file may expand to at most this much, and any file to at most
    # this many rows; a run over either fails naming the file and the limit.
    max_decompressed_bytes: int = Field(default=2 * 1024**3, ge=1024)
    max_data_rows: int = Field(default=50_000_000, ge=1)
    # Columns one data file (import_data, a gate's holdout) may have: each costs the
    # parser dearly, so a header over it is refused before the file is parsed.
    max_data_columns: int = Field(default=10_000, ge=1, le=1_000_000)
    # A preview (GET .../preview) reads at most this many rows and bytes of a file for its
    # column summaries: its cost in the API process is bounded whatever the file.
    preview_max_rows: int = Field(default=10_000, ge=1, le=1_000_000)
    preview_max_bytes: int = Field(default=16 * 1024**2, ge=1024, le=1024**3)
    # A page of a list holds at most about this much JSON (and always one item).
    max_page_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)

    # Webhooks: hosts (names or addresses) that receivers may use although they are private
    # or loopback, and only they may use plain http (comma separated).
    webhook_allowed_hosts: str = ""
    # Delays in seconds between a delivery's attempts (comma separated), replacing the
    # Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); for tests and operators.
    webhook_retry_seconds: str | None = None
    # How often each worker looks for deliveries that are due, and how many it sends at once.
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    webhook_senders: int = Field(default=4, ge=1, le=64)

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"RETRAINER_FORWARDED_ALLOW_IPS: {entry!r} is not an IP address or network "
                                 "(e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return ",".join(entries)

    @field_validator("artifact_url", "s3_endpoint_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("webhook_retry_seconds")
    @classmethod
    def _delays(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            delays = [float(part) for part in value.split(",")]
        except ValueError:
            raise ValueError("RETRAINER_WEBHOOK_RETRY_SECONDS: comma-separated numbers of seconds, "
                             "e.g. 5,300,1800") from None
        if not delays or any(d < 0 or d > 7 * 86400 for d in delays):
            raise ValueError("RETRAINER_WEBHOOK_RETRY_SECONDS: each delay between 0 and 604800 seconds")
        return value

    # Derived values ---------------------------------------------------------------

    @property
    def broker_queue(self) -> str:
        """The broker queue this process serves: RETRAINER_QUEUE, or the workspace's queue
        of that name when RETRAINER_QUEUE_WORKSPACE (an id once resolved) is set."""
        if self.queue_workspace is None:
            return self.queue
        return workspace_queue(self.queue_workspace, self.queue)

    @property
    def heartbeat_timeout(self) -> timedelta:
        """A running run whose heartbeat is older than this lost its worker (three
        missed beats): it may be taken over by another attempt."""
        return timedelta(seconds=MISSED_HEARTBEATS * self.heartbeat_seconds)

    @property
    def webhook_hosts(self) -> frozenset[str]:
        return frozenset(h.strip().lower().strip("[]") for h in self.webhook_allowed_hosts.split(",") if h.strip())

    @property
    def webhook_retry_delays(self) -> tuple[float, ...]:
        """Seconds to wait before each retry (the first attempt is immediate)."""
        if self.webhook_retry_seconds is None:
            return (5, 300, 1800, 7200, 18000, 36000, 36000)
        return tuple(float(part) for part in self.webhook_retry_seconds.split(","))

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url is None

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url is None:
            return f"sqlite:///{self.data_dir / 'retrainer.db'}"
        url = self.database_url
        # Users paste libpq URLs; SQLAlchemy needs the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url

    @property
    def async_sqlalchemy_url(self) -> str:
        """The same database through an async driver: aiosqlite, or psycopg 3's async mode
        (one `postgresql+psycopg` dialect serves both)."""
        url = self.sqlalchemy_url
        if url.startswith("sqlite:"):
            return "sqlite+aiosqlite:" + url[len("sqlite:"):]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def redis_socket_path(self) -> Path:
        return self.data_dir / "redis.sock"

    @property
    def celery_broker_url(self) -> str:
        if self.broker_url is None:
            return f"redis+socket://{self.redis_socket_path}"
        return self.broker_url

    @property
    def redis_url(self) -> str:
        """The broker as a redis-py URL (used for readiness and rate limits)."""
        url = self.celery_broker_url
        if url.startswith("redis+socket://"):
            return "unix://" + url[len("redis+socket://"):]
        return url

    @property
    def limits_storage_url(self) -> str:
        url = self.redis_url
        if url.startswith("unix://"):
            return "redis+unix://" + url[len("unix://"):]
        return url

    def validate_for_start(self) -> None:
        """Refuse configurations that would run but run unsafely."""
        if self.queue_workspace is not None and not re.fullmatch(r"[A-Za-z0-9_\-]{1,40}", self.queue_workspace):
            raise ConfigurationError("RETRAINER_QUEUE_WORKSPACE must be a workspace's id (`retrainer worker "
                                     "--workspace W` takes its name too)")
        problem = service_queue_problem(self.queue) if self.queue_workspace is None else None
        if problem is not None:
            raise ConfigurationError(f"RETRAINER_QUEUE {self.queue!r} cannot be the service's queue: {problem}. "
                                     "Choose another name (a workspace's queue takes --workspace W).")
        if self.task_time_limit >= self.broker_visibility_timeout:
            raise ConfigurationError(
                "RETRAINER_TASK_TIME_LIMIT must be below RETRAINER_BROKER_VISIBILITY_TIMEOUT, "
                "or Redis hands a still-running task to a second worker."
            )
        if self.task_soft_time_limit >= self.task_time_limit:
            raise ConfigurationError(
                "RETRAINER_TASK_SOFT_TIME_LIMIT must be below RETRAINER_TASK_TIME_LIMIT."
            )
        if not self.is_sqlite and not self.secret_key:
            raise ConfigurationError(
                "RETRAINER_SECRET_KEY is not set. With a shared database every API replica "
                "must sign tokens with the same key: set RETRAINER_SECRET_KEY to a long random "
                "string (for example the output of `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        if self.secret_key is not None and len(self.secret_key) < 32:
            raise ConfigurationError("RETRAINER_SECRET_KEY must be at least 32 characters long.")

    def signing_key(self) -> str:
        """The token signing key; on SQLite a generated one is kept in the data directory.

        Created whole or not at all: the key is written to a private temporary file that is
        then linked into place, which fails if another process got there first (its key is
        then the key). A stored key shorter than 32 characters is refused."""
        if self.secret_key:
            return self.secret_key
        if not self.is_sqlite:
            raise ConfigurationError("RETRAINER_SECRET_KEY is required with this database.")
        path = self.data_dir / "secret_key"
        ensure_private_dir(self.data_dir)
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=".secret_key.")  # mode 0600
            try:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
                    handle.flush()
                    os.fsync(handle.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)
            finally:
                os.unlink(tmp)
        key = path.read_text().strip()
        if len(key) < 32:
            raise ConfigurationError(f"the signing key in {path} is shorter than 32 characters; remove the file "
                                     "(a new key is generated; tokens already issued stop working) or set "
                                     "RETRAINER_SECRET_KEY")
        return key

