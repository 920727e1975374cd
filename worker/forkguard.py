"""Forks of pool children never copy an open database connection.

The worker's main process forks its pool children, and also reads and writes the
database (the reconciler, the outbox relay, the record of a lost child). A child
forked while a SQLite connection of the parent is open inherits its lock
bookkeeping and waits on it forever ("database is locked"). So the main process
keeps no pooled connection (its engine has no pool), and holds `no_fork()` while
it uses one: a fork waits for it.
"""

from __future__ import annotations

import os
import threading

no_fork = threading.Lock()
os.register_at_fork(before=no_fork.acquire, after_in_parent=no_fork.release, after_in_child=no_fork.release)
