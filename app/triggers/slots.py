"""When a schedule fires: pure functions of the schedule and instants in UTC.

A cron expression is read in the trigger's time zone, on the wall clock: its slots
are wall-clock times, each mapped to one instant (stored in UTC):
- a wall-clock time that does not exist (the spring-forward gap) fires at the next
  valid instant, the moment the clocks jump (02:30 in Berlin on the last Sunday of
  March fires at 03:00 CEST); several slots in the gap fire once, at that instant;
- a wall-clock time that happens twice (the fall-back overlap) fires once, at its
  first occurrence (an hourly `0 * * * *` does not fire again at 02:00 CET after
  02:00 CEST).
`every_seconds` counts from the schedule's anchor, in UTC: time zones do not move it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

# Iterating more slots than this between two instants (a long downtime of a frequent
# schedule) jumps ahead instead: only the newest slot matters then.
MAX_STEPS = 10_000
# Every wall-clock change of a real zone is shorter than this: starting the wall-clock
# search this much before an instant never misses a slot after it.
_WIDEST_SHIFT = timedelta(hours=3)


@dataclass(frozen=True)
class Schedule:
    cron: str | None
    timezone: str
    every_seconds: int | None
    anchor: datetime  # every_seconds: slots are anchor + k * every_seconds (UTC)


def timezone_problem(name: str) -> str | None:
    """Why `name` is not an IANA time zone, or None."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{name!r} is not an IANA time zone name (e.g. 'Europe/Berlin', 'America/New_York', 'UTC')"
    return None


def cron_problem(expression: str) -> str | None:
    """Why `expression` is not a five-field cron expression, or None."""
    if len(expression.split()) != 5:
        return "a cron expression has five fields: minute hour day-of-month month day-of-week (e.g. '0 2 * * *')"
    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as exc:
        return f"not a valid cron expression: {exc}"
    return None


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time in `zone`: its first occurrence, or, when
    the clocks skip it, the moment they jump."""
    first = wall.replace(tzinfo=zone, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == wall:
        return utc  # exists (fold=0 is the first of two occurrences at a fall-back)
    # In a gap: fold=1 reads it with the offset after the change (an instant before the
    # jump), fold=0 with the one before (an instant after it). The jump lies between.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = utc
    after_offset = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def slots(schedule: Schedule, after: datetime) -> Iterator[datetime]:
    """The schedule's slots strictly after `after` (UTC), in order, each instant once."""
    after = after.astimezone(UTC)
    if schedule.every_seconds is not None:
        step = timedelta(seconds=schedule.every_seconds)
        anchor = schedule.anchor.astimezone(UTC)
        current = anchor if after < anchor else anchor + step * ((after - anchor) // step + 1)
        while True:
            yield current
            current += step
    assert schedule.cron is not None
    zone = ZoneInfo(schedule.timezone)
    last = after
    for wall in CronSim(schedule.cron, (after - _WIDEST_SHIFT).astimezone(zone).replace(tzinfo=None)):
        instant = _instant(wall, zone)
        if instant > last:  # skips the second pass of an overlap and the gap's duplicates
            last = instant
            yield instant


def next_after(schedule: Schedule, after: datetime) -> datetime:
    """The schedule's first slot strictly after `after` (UTC)."""
    return next(slots(schedule, after))


@dataclass(frozen=True)
class Due:
    """The slots of (after, now]: the newest and how many."""

    newest: datetime | None
    count: int


def due(schedule: Schedule, after: datetime, now: datetime) -> Due:
    newest: datetime | None = None
    count = 0
    for slot in slots(schedule, after):
        if slot > now:
            return Due(newest, count)
        newest, count = slot, count + 1
        if count >= MAX_STEPS:
            break
    # A long downtime of a frequent schedule: only the newest slot matters; look for it
    # from a day before now (the count is then a floor).
    for slot in slots(schedule, max(after, now - timedelta(days=1))):
        if slot > now:
            break
        newest, count = slot, count + 1
    return Due(newest, count)
