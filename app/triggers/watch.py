"""Data triggers: a persisted cursor of each watched file's content hash, and a firing
once a burst of new or changed files has settled.

Each pass lists the watched folder through the storage layer (a folder on a disk or a
bucket alike), hashes what is new or whose size, ETag or time changed (outside any
transaction: hashing takes time), then, in one transaction guarded by a compare-and-set
on the trigger's `next_fire_at`, updates the cursor and records the firings. A file
written again with the same bytes keeps its hash: nothing fires. The files present when
the trigger is created (written before it) are its baseline: they fire nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.datastores import service as datastores
from app.db.retry import retrying
from app.db.tables import Trigger, TriggerFile, TriggerFiring
from app.runtime import Runtime
from app.storage.base import ObjectInfo, ObjectStore, StorageError
from app.triggers import firing as firings
from app.triggers import repository as repo
from app.triggers.service import parse_watch

log = logging.getLogger("retrainer.triggers")

# A watched folder holding more files than this is looked at in its first files only.
MAX_WATCHED_FILES = 10_000
LIST_PAGE = 1000


@dataclass(frozen=True)
class Seen:
    info: ObjectInfo
    sha256: str | None  # None: unchanged since the cursor's version


def _store(runtime: Runtime, trigger: Trigger) -> tuple[ObjectStore, str, str]:
    parsed = parse_watch(trigger.watch or "")
    if isinstance(parsed, str):
        raise StorageError(parsed)
    name, prefix = parsed
    with runtime.read_session() as session:
        stores = datastores.stores_of(session, runtime.settings, trigger.workspace_id)
    if name not in stores:
        raise StorageError(f"no datastore named {name!r}")
    return stores[name], name, prefix


def _unchanged(row: TriggerFile | None, info: ObjectInfo) -> bool:
    return (row is not None and row.size == info.size and row.etag == info.etag
            and row.modified_at == info.modified_at)


def look(runtime: Runtime, trigger: Trigger, cursor: dict[str, TriggerFile]) -> tuple[str, list[Seen]]:
    """The watched folder's files now, hashed where they may have changed; (datastore, files)."""
    store, name, prefix = _store(runtime, trigger)
    seen: list[Seen] = []
    after: str | None = None
    while len(seen) < MAX_WATCHED_FILES:
        batch = store.list(prefix or None, after, LIST_PAGE)
        for info in batch:
            if info.key.endswith("/"):
                continue
            if _unchanged(cursor.get(info.key), info):
                seen.append(Seen(info, None))
                continue
            try:
                seen.append(Seen(info, store.sha256_of(info.key, info)))
            except StorageError:
                continue  # replaced or removed while hashed: the next pass sees its new version
        if len(batch) < LIST_PAGE:
            break
        after = batch[-1].key
    return name, seen


def scan_due(runtime: Runtime, now: datetime) -> int:
    """Looks at every data trigger that is due; returns how many firings it recorded."""
    with runtime.read_session() as session:
        due = repo.due(session, "data", now, firings.BATCH)
    total = 0
    for trigger_id in due:
        try:
            total += scan(runtime, trigger_id, now)
        except StorageError as exc:
            log.warning("data trigger %s could not look at its folder: %s", trigger_id, exc)
            _later(runtime, trigger_id, now)
        except Exception:  # one trigger that fails does not hold the others back
            log.warning("data trigger %s could not look at its folder", trigger_id, exc_info=True)
            _later(runtime, trigger_id, now)
    return total


def _later(runtime: Runtime, trigger_id: str, now: datetime) -> None:
    with runtime.unit_of_work() as uow:
        trigger = repo.by_id(uow.session, trigger_id)
        if trigger is not None and trigger.next_fire_at is not None:
            repo.move_on(uow.session, trigger.id, trigger.next_fire_at,
                         now + timedelta(seconds=runtime.settings.trigger_poll_seconds))


def scan(runtime: Runtime, trigger_id: str, now: datetime) -> int:
    with runtime.read_session() as session:
        trigger = repo.by_id(session, trigger_id)
        if trigger is None or not trigger.enabled or trigger.next_fire_at is None or trigger.next_fire_at > now:
            return 0
        cursor = repo.files(session, trigger.id)
    datastore, seen = look(runtime, trigger, cursor)
    return retrying(lambda: _record(runtime, trigger_id, trigger.next_fire_at, datastore, seen, now),  # type: ignore[arg-type]
                    what="data trigger cursor")


def _record(runtime: Runtime, trigger_id: str, expected: datetime, datastore: str, seen: list[Seen],
            now: datetime) -> int:
    with runtime.unit_of_work() as uow:
        session = uow.session
        trigger = repo.by_id(session, trigger_id)
        next_look = now + timedelta(seconds=runtime.settings.trigger_poll_seconds)
        if trigger is None or not repo.move_on(session, trigger_id, expected, next_look):
            uow.rollback()
            return 0  # another scheduler looked first
        cursor = repo.files(session, trigger_id)
        for item in seen:
            row = cursor.get(item.info.key)
            if item.sha256 is None:
                continue
            if row is None:
                # The first look records the files that were there before the trigger (they
                # fire nothing); a file written since its creation is new, even on that look.
                # Compared in whole seconds (a bucket's times have no fraction): a file of the
                # trigger's own second is new; it fires rather than being lost.
                before = (item.info.modified_at is not None
                          and item.info.modified_at < trigger.created_at.replace(microsecond=0))
                row = TriggerFile(trigger_id=trigger_id, path=item.info.key, size=item.info.size,
                                  sha256=item.sha256, changed_at=now, fired=not trigger.baselined and before)
                cursor[row.path] = row
            elif row.sha256 != item.sha256:
                row.sha256, row.changed_at, row.fired = item.sha256, now, False
            row.size, row.etag, row.modified_at = item.info.size, item.info.etag, item.info.modified_at
            session.add(row)
        trigger.baselined = True
        session.add(trigger)
        pending = [row for row in cursor.values() if not row.fired]
        debounce = timedelta(seconds=trigger.debounce_seconds or runtime.settings.min_trigger_seconds)
        if not pending or now - max(row.changed_at for row in pending) < debounce:
            return 0  # nothing new, or a burst still arriving
        pending.sort(key=lambda row: (row.modified_at or row.changed_at, row.path))
        chosen = pending if trigger.each else pending[-1:]
        for row in pending:
            row.fired = True
            session.add(row)
        recorded = 0
        first: TriggerFiring | None = None
        for row in chosen:
            uri = f"datastore://{datastore}/{row.path}"
            firing = TriggerFiring(trigger_id=trigger_id, key=firings.data_key(uri, row.sha256), at=now,
                                   path=uri, sha256=row.sha256, outcome="submitted")
            # The overlap policy judges the burst as a whole: its first firing decides for all.
            held = first is not None and first.outcome != "submitted"
            reason = None
            if held and first is not None:
                reason = first.reason if first.outcome == "skipped" else "overlap: an earlier file of this " \
                                                                         "burst waits for the previous run"
            # Already fired (the same bytes came back under this path): nothing again.
            if firings.fire(uow, runtime.settings, trigger, firing, reason, check_overlap=first is None):
                recorded += 1
                first = first or firing
        return recorded
