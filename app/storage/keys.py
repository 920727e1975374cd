"""Keys inside a store: plain relative paths that cannot leave the store's root.

The same rules hold for a folder and for a bucket prefix: no absolute key, no
'..', '.' or empty segment, no backslash, no control character, and bounded
lengths. An S3 key is a string, so `a/../b` would not escape anything by itself;
refusing it anyway keeps the two backends equivalent (what is accepted on one is
accepted on the other) and keeps keys readable.
"""

from __future__ import annotations

MAX_NAME_BYTES = 255   # a file name, on every common file system
MAX_KEY_BYTES = 1024   # S3's own limit on a key


class InvalidKey(ValueError):
    """The key cannot name an object; the message says why and is safe to show."""


def problem(relative: str) -> str | None:
    """What is wrong with `relative` as a key, or None when it is a plain relative path."""
    if not relative:
        return "the path is empty"
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in relative:
        return "it must be a plain relative path (no '..', '.', '//' or '\\')"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in relative):
        return "it contains control characters"
    if len(relative.encode()) > MAX_KEY_BYTES or any(len(p.encode()) > MAX_NAME_BYTES for p in parts):
        return f"it is too long: at most {MAX_NAME_BYTES} bytes a name and {MAX_KEY_BYTES} bytes in all"
    return None


def checked(relative: str) -> str:
    """`relative` itself, or InvalidKey saying what is wrong with it."""
    found = problem(relative)
    if found is not None:
        raise InvalidKey(f"{relative[:80]!r}: {found}")
    return relative


def join(*parts: str) -> str:
    """Checked parts joined with '/'."""
    return checked("/".join(p.strip("/") for p in parts if p.strip("/")))


def listing_prefix(prefix: str | None) -> tuple[str, str]:
    """A listing's prefix split into the folder to list and the start of the names in it:
    'census/ad' -> ('census', 'census/ad'). The folder part must itself be a valid key."""
    if not prefix:
        return "", ""
    folder = prefix.rpartition("/")[0]
    if folder:
        checked(folder)
    return folder, prefix
