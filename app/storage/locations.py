"""Where a store lives: `s3://bucket/prefix` URLs, endpoints and credentials, checked.

An S3 location names a bucket (created by the operator), an optional key prefix
inside it, an optional endpoint (MinIO, SeaweedFS, Ceph, GCS's S3 API; unset: AWS)
and optional credentials (unset: the standard AWS environment variables, else the
shared credentials file). Credentials are never part of a location's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.storage import keys

# S3's bucket naming rules (lower case, digits, '.', '-'; 3-63; starts and ends alphanumeric).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


class InvalidLocation(ValueError):
    """The URL or endpoint cannot be used; the message says why and how to write it."""


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    credentials: Credentials | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def child(self, *parts: str) -> S3Location:
        """The same bucket and endpoint, with `parts` added to the prefix."""
        return S3Location(self.bucket, keys.join(self.prefix, *parts), self.endpoint_url, self.region,
                          self.credentials)

    def holds(self, bucket: str, prefix: str) -> bool:
        """`s3://bucket/prefix` is this location or inside it."""
        return bucket == self.bucket and (not self.prefix or prefix == self.prefix
                                          or prefix.startswith(self.prefix + "/"))

    def overlaps(self, other: S3Location) -> bool:
        """One holds the other's keys (same bucket, one prefix inside the other)."""
        if self.bucket != other.bucket:
            return False
        a, b = self.prefix + "/", other.prefix + "/"
        return a.startswith(b) or b.startswith(a) or not self.prefix or not other.prefix


def is_s3_url(value: str) -> bool:
    return value.startswith("s3://")


def parse_s3_url(value: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket[/prefix]`; InvalidLocation saying what is wrong."""
    if not is_s3_url(value):
        raise InvalidLocation(f"{value[:100]!r} is not an S3 URL; write 's3://<bucket>/<prefix>'")
    rest = value[len("s3://"):]
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise InvalidLocation(f"{bucket[:70]!r} is not a valid bucket name: 3 to 63 lower-case letters, digits, "
                              "'.' and '-', starting and ending with a letter or digit")
    prefix = prefix.strip("/")
    if prefix:
        found = keys.problem(prefix)
        if found is not None:
            raise InvalidLocation(f"the prefix {prefix[:80]!r} cannot be used: {found}")
    return bucket, prefix


_DEFAULT_PORTS = {"http": 80, "https": 443}


def check_endpoint(value: str) -> str:
    """An endpoint URL as `scheme://host[:port]`, the host in lower case and a scheme's
    default port left out, so that one endpoint has one spelling here (a path is refused:
    it would be ambiguous)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidLocation(f"{value[:100]!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidLocation(f"{value[:100]!r} is not an http(s) URL such as 'https://minio.example.com:9000'")
    if parts.username or parts.password:
        raise InvalidLocation("the endpoint URL must not hold credentials; give them as fields of their own")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidLocation("the endpoint URL is only scheme, host and port (the bucket goes in 'url')")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port == _DEFAULT_PORTS[parts.scheme]:
        port = None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")
