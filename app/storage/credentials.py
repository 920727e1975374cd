"""AWS credentials from where the AWS tools look for them: the environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) first, then the shared
credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) for the
profile AWS_PROFILE (else 'default'). The region: AWS_REGION, AWS_DEFAULT_REGION,
then the config file (AWS_CONFIG_FILE, else ~/.aws/config).

Read here rather than by the S3 client so that both sources work without boto3.
Nothing here is ever logged.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path

from app.storage.locations import Credentials


def _profile(env: Mapping[str, str]) -> str:
    return env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return parser


def from_environment(env: Mapping[str, str] | None = None) -> Credentials | None:
    env = os.environ if env is None else env
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret, env.get("AWS_SESSION_TOKEN") or None)
    path = Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials").expanduser()
    parser = _read_ini(path)
    profile = _profile(env)
    if parser is None or not parser.has_section(profile):
        return None
    section = parser[profile]
    key, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
    if not key or not secret:
        return None
    return Credentials(key.strip(), secret.strip(), (section.get("aws_session_token") or "").strip() or None)


def region(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    found = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if found:
        return found
    path = Path(env.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config").expanduser()
    parser = _read_ini(path)
    if parser is None:
        return None
    profile = _profile(env)
    section = profile if profile == "default" else f"profile {profile}"
    if parser.has_section(section):
        return parser[section].get("region") or None
    return None
