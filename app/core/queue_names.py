"""Queue names on the broker: the service's own, and each workspace's, apart."""

from __future__ import annotations

# An endpoint's queue NAME is a queue of its workspace: on the broker it is
# `retrainer.ws.<workspace id>.NAME`. Workspace ids hold no '.', so no two workspaces'
# names meet, and none meets a key of the broker's own (`_kombu.binding.*`, `unacked`...)
# or RETRAINER_QUEUE (which may not start with this prefix).
WORKSPACE_QUEUE_PREFIX = "retrainer.ws."
QUEUE_NAME = r"^[A-Za-z0-9._\-]{1,100}$"
# Keys that kombu's Redis transport keeps for itself: a queue of that name is refused (or
# mixed up with the broker's bookkeeping).
_BROKER_KEYS = ("unacked", "unacked_index", "unacked_mutex")


def workspace_queue(workspace_id: str, name: str) -> str:
    """The broker queue of a workspace's queue `name` (an endpoint's `queue`)."""
    return f"{WORKSPACE_QUEUE_PREFIX}{workspace_id}.{name}"


def queue_label(broker_queue: str) -> str:
    """The name a user gave a broker queue (the part after the workspace's prefix)."""
    if broker_queue.startswith(WORKSPACE_QUEUE_PREFIX):
        return broker_queue[len(WORKSPACE_QUEUE_PREFIX):].split(".", 1)[-1]
    return broker_queue


def service_queue_problem(name: str) -> str | None:
    """Why `name` cannot be the service's own queue (RETRAINER_QUEUE), or None."""
    if name.startswith(WORKSPACE_QUEUE_PREFIX):
        return f"it starts with {WORKSPACE_QUEUE_PREFIX!r}, the prefix of workspaces' queues"
    if name.startswith("_kombu") or name in _BROKER_KEYS or name.endswith("pidbox") or name.startswith("celeryev"):
        return "the broker keeps a key of that name for itself"
    return None
