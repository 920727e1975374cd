"""The scheduler loop: `retrainer scheduler` (alone) and `retrainer up` run it.

It holds no lock and no state of its own: every decision is made in the database
(app.triggers.firing), so any number of schedulers may run at once and restart at any
time. Schedules are looked at every second (a slot fires within about a second);
data triggers are due every RETRAINER_TRIGGER_POLL_SECONDS each, in a thread of their
own so that hashing a large new file never delays a schedule; deployments' drift checks
(app.deployments.monitoring) in a third, as reading a day of logged predictions takes a
while. An outbox relay sends what a broker outage held back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from app.core.clock import utcnow
from app.core.settings import Settings
from app.db.outbox import OutboxRelay
from app.deployments import monitoring
from app.runtime import Runtime
from app.triggers import firing, watch

log = logging.getLogger("retrainer.scheduler")

TICK = 1.0


def _loop(runtime: Runtime, stop: threading.Event, passes: list[Callable[[Runtime, datetime], int]]) -> None:
    while not stop.is_set():
        for step in passes:
            try:
                step(runtime, utcnow())
            except Exception:  # a failed pass (the database away) is tried again next tick
                log.warning("scheduler pass %s failed", step.__name__, exc_info=True)
        stop.wait(TICK)


def run(settings: Settings, stop: threading.Event) -> None:
    """Runs the trigger loop until `stop` is set."""
    runtime = Runtime.build(settings)
    relay = OutboxRelay(runtime.engine, runtime.queue, settings.outbox_relay_seconds)
    relay.start()
    data = threading.Thread(target=_loop, args=(runtime, stop, [watch.scan_due]), daemon=True,
                            name="retrainer-data-triggers")
    data.start()
    checks = threading.Thread(target=_loop, args=(runtime, stop, [monitoring.check_due]), daemon=True,
                              name="retrainer-drift-checks")
    checks.start()
    log.info("retrainer scheduler started")
    try:
        _loop(runtime, stop, [firing.release_waiting, firing.fire_schedules])
    finally:
        data.join(30)
        checks.join(30)
        relay.stop()
        runtime.close()
        log.info("retrainer scheduler stopped")
