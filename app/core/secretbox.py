"""Secrets kept in the database (an S3 datastore's credentials), encrypted at rest.

AES-256-GCM with a key derived (HKDF-SHA256) from the service's secret key, so a
copy of the database alone does not reveal them; every process of a deployment
shares RETRAINER_SECRET_KEY and can read them. Rotating the secret key makes the
stored credentials unreadable: the datastores must then be registered again.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_PURPOSE = b"retrainer stored secrets v1"


class SealedSecretError(Exception):
    """A stored secret cannot be read with this secret key."""


def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret_key.encode())


def seal(secret_key: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(secret_key)).encrypt(nonce, plaintext.encode(), _PURPOSE)
    return f"{_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, token: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise SealedSecretError("unknown format of a stored secret")
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        return AESGCM(_key(secret_key)).decrypt(raw[:12], raw[12:], _PURPOSE).decode()
    except (InvalidTag, ValueError) as exc:
        raise SealedSecretError("a stored secret cannot be decrypted with this RETRAINER_SECRET_KEY") from exc
