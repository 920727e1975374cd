"""When a schedule fires: the pure slot function, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.triggers.firing import plan
from app.triggers.slots import Schedule, cron_problem, due, next_after, timezone_problem


def _cron(expression: str, zone: str) -> Schedule:
    return Schedule(cron=expression, timezone=zone, every_seconds=None, anchor=datetime(2026, 1, 1, tzinfo=UTC))


def _local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)  # type: ignore[misc]


def _walk(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    out, current = [], start
    for _ in range(count):
        current = next_after(schedule, current)
        out.append(current)
    return out


def test_a_daily_slot_in_the_spring_forward_gap_fires_at_the_next_valid_instant():
    # Europe/Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    berlin = _cron("30 2 * * *", "Europe/Berlin")
    slots = _walk(berlin, _local("Europe/Berlin", 2026, 3, 28, 12), 3)
    assert slots == [_local("Europe/Berlin", 2026, 3, 29, 3, 0), _local("Europe/Berlin", 2026, 3, 30, 2, 30),
                     _local("Europe/Berlin", 2026, 3, 31, 2, 30)]
    assert slots[0] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # America/New_York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
    new_york = _cron("30 2 * * *", "America/New_York")
    assert next_after(new_york, _local("America/New_York", 2026, 3, 7, 12)) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_hourly_slots_in_the_gap_fire_once_at_the_jump():
    hourly = _cron("0,30 * * * *", "America/New_York")
    slots = _walk(hourly, _local("America/New_York", 2026, 3, 8, 1, 0), 3)
    # 01:30 EST, then 02:00 and 02:30 (both missing) once at 03:00 EDT, then 03:30 EDT.
    assert slots == [_local("America/New_York", 2026, 3, 8, 1, 30), _local("America/New_York", 2026, 3, 8, 3, 0),
                     _local("America/New_York", 2026, 3, 8, 3, 30)]


def test_a_slot_in_the_fall_back_overlap_fires_once():
    # Europe/Berlin, 2026-10-25: 02:00-03:00 happens twice (CEST, then CET).
    berlin = _cron("30 2 * * *", "Europe/Berlin")
    slots = _walk(berlin, _local("Europe/Berlin", 2026, 10, 24, 12), 2)
    assert slots == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 26, 1, 30, tzinfo=UTC)]
    # Every half hour through the New York overlap (01:00-02:00 twice on 2026-11-01):
    # 01:00 and 01:30 fire in the first pass only.
    half_hourly = _cron("*/30 * * * *", "America/New_York")
    slots = _walk(half_hourly, _local("America/New_York", 2026, 11, 1, 0, 45), 4)
    assert slots == [_local("America/New_York", 2026, 11, 1, 1, 0), _local("America/New_York", 2026, 11, 1, 1, 30),
                     _local("America/New_York", 2026, 11, 1, 2, 0), _local("America/New_York", 2026, 11, 1, 2, 30)]
    assert slots[2] - slots[1] == timedelta(hours=1, minutes=30)
    # Starting inside the second pass, the slots of the first pass are not fired again.
    inside = _local("America/New_York", 2026, 11, 1, 1, 10, fold=1)
    assert next_after(half_hourly, inside) == _local("America/New_York", 2026, 11, 1, 2, 0)


def test_slots_are_stored_in_utc_for_a_zone_with_a_fractional_offset():
    kathmandu = _cron("0 9 * * *", "Asia/Kathmandu")  # UTC+05:45
    assert next_after(kathmandu, datetime(2026, 6, 1, tzinfo=UTC)) == datetime(2026, 6, 1, 3, 15, tzinfo=UTC)


def test_every_seconds_counts_from_the_anchor_in_utc():
    anchor = datetime(2026, 3, 29, 0, 59, 30, tzinfo=UTC)
    every = Schedule(cron=None, timezone="Europe/Berlin", every_seconds=60, anchor=anchor)
    assert _walk(every, anchor, 3) == [anchor + timedelta(seconds=60 * k) for k in (1, 2, 3)]
    assert next_after(every, anchor - timedelta(days=1)) == anchor


def test_catch_up_after_downtime_fires_the_newest_missed_slot_or_none():
    every = Schedule(cron=None, timezone="UTC", every_seconds=60, anchor=datetime(2026, 1, 1, tzinfo=UTC))
    first = datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    now = datetime(2026, 1, 1, 5, 0, 40, tzinfo=UTC)  # down for five hours
    assert due(every, first - timedelta(microseconds=1), now).count == 300
    latest = plan(every, "latest", first, now)
    assert latest.slot == datetime(2026, 1, 1, 5, 0, tzinfo=UTC) and latest.skip_reason is None
    skipped = plan(every, "skip", first, now)
    assert skipped.slot == datetime(2026, 1, 1, 5, 0, tzinfo=UTC) and "caught up" in (skipped.skip_reason or "")
    assert latest.next_fire_at == skipped.next_fire_at == datetime(2026, 1, 1, 5, 1, tzinfo=UTC)
    # A slot a few seconds late (a busy scheduler) is on time whatever the policy.
    on_time = plan(every, "skip", first, first + timedelta(seconds=5))
    assert on_time.slot == first and on_time.skip_reason is None


def test_a_years_long_downtime_of_a_frequent_schedule_is_bounded():
    every = Schedule(cron=None, timezone="UTC", every_seconds=60, anchor=datetime(2020, 1, 1, tzinfo=UTC))
    now = datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)
    decided = plan(_cron("* * * * *", "Europe/Berlin"), "latest", datetime(2020, 1, 1, tzinfo=UTC), now)
    assert decided.slot == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert plan(every, "latest", datetime(2020, 1, 1, 0, 1, tzinfo=UTC), now).slot == decided.slot


def test_bad_expressions_and_zones_are_named():
    assert cron_problem("61 * * * *") is not None
    assert "five fields" in (cron_problem("* * *") or "")
    assert cron_problem("0 2 * * 1-5") is None
    assert "IANA" in (timezone_problem("Mars/Olympus") or "")
    assert timezone_problem("../../etc/passwd") is not None
    assert timezone_problem("Europe/Berlin") is None
