"""``planner.core.units`` time helpers: ``to_datetime`` floors to the second in UTC and
``fmt_minute`` writes the minute, whatever form the time comes in (their fast paths for UTC
datetimes and Timestamps give what pandas' general path gives)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from planner.core.units import (
    ISO_MINUTE_FORMAT,
    ISO_SECOND_FORMAT,
    MINUTE_FORMAT,
    MONTH_NAMES,
    fmt_minute,
    strftime_many,
    to_datetime,
)


def test_month_names_are_the_english_calendar():
    # written out, not read from calendar.month_name (which formats in the locale)
    assert MONTH_NAMES[1] == "January" and MONTH_NAMES[12] == "December"
    assert list(MONTH_NAMES[1:]) == [dt.date(2026, m, 1).strftime("%B") for m in range(1, 13)]


def test_to_datetime_by_hand():
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    want = dt.datetime(2026, 3, 1, 4, 41, 12, tzinfo=dt.UTC)
    for t in (dt.datetime(2026, 3, 1, 10, 11, 12, 999999, tzinfo=ist),
              pd.Timestamp("2026-03-01T04:41:12.999999999Z"),
              dt.datetime(2026, 3, 1, 4, 41, 12, 500000),  # naive: taken as UTC
              "2026-03-01T04:41:12.7Z"):
        got = to_datetime(t)
        assert got == want and got.tzinfo is dt.UTC, t
    # before 1970 the floor is still towards the past
    assert to_datetime(pd.Timestamp("1969-12-31T23:59:59.5Z")) == dt.datetime(
        1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert to_datetime(None) is None and to_datetime(pd.NaT) is None


def test_fmt_minute_by_hand():
    assert fmt_minute(dt.datetime(2026, 3, 10, 8, 0, 59, tzinfo=dt.UTC)) == "2026-03-10 08:00Z"
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert fmt_minute(dt.datetime(2026, 3, 10, 13, 30, tzinfo=ist)) == "2026-03-10 08:00Z"
    assert fmt_minute(None) == "?" and fmt_minute(pd.NaT, missing="-") == "-"


def test_fast_paths_equal_pandas():
    rng = random.Random(16)
    for _ in range(3000):
        ns = int(rng.uniform(-2e9, 4e9) * 1e9) + rng.choice([0, 0, rng.randrange(1, 1000)])
        ts = pd.Timestamp(ns, tz="UTC")
        want = ts.floor("s").to_pydatetime()
        text = ts.strftime(MINUTE_FORMAT)
        for t in (ts, ts.to_pydatetime(warn=False), ts.tz_convert("Asia/Kolkata"),
                  ts.tz_localize(None)):
            got = to_datetime(t)
            assert got == want and got.tzinfo is dt.UTC, t
            assert fmt_minute(t) == text, t


def test_strftime_many_by_hand():
    times = pd.DatetimeIndex(["2026-03-10T08:00:59.999999Z", "1969-12-31T23:59:30Z",
                              "2024-02-29T23:59:00Z"])
    assert strftime_many(times, MINUTE_FORMAT) == [
        "2026-03-10 08:00Z", "1969-12-31 23:59Z", "2024-02-29 23:59Z"]
    assert strftime_many(times, ISO_SECOND_FORMAT) == [
        "2026-03-10T08:00:59Z", "1969-12-31T23:59:30Z", "2024-02-29T23:59:00Z"]


@pytest.mark.parametrize("fmt", [MINUTE_FORMAT, ISO_MINUTE_FORMAT, ISO_SECOND_FORMAT,
                                 "%d %b %Y"])
@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_strftime_many_equals_pandas(fmt, unit):
    """The numpy pass writes what pandas' strftime writes, over the years numpy and strftime
    both write with four digits (1000-9999 where the unit reaches), sub-second times, naive
    and UTC indexes; other zones, NaT and other formats go to pandas."""
    rng = np.random.default_rng(7)
    lo, hi = ((-9_000_000_000, 9_000_000_000) if unit == "ns"
              else (-30_610_224_000, 253_402_300_799))  # 1677-2262 (ns), 1000-9999
    secs = rng.integers(lo, hi, 2000)
    frac = rng.integers(0, 1_000_000, 2000)
    us = secs.astype("datetime64[s]").astype("datetime64[us]") + frac.astype("timedelta64[us]")
    naive = pd.DatetimeIndex(us.astype(f"datetime64[{unit}]"))
    for times in (naive, naive.tz_localize("UTC"),
                  naive.tz_localize("UTC").tz_convert("Asia/Kolkata"),
                  naive.tz_localize("UTC").insert(3, pd.NaT)):
        assert strftime_many(times, fmt) == list(times.strftime(fmt)), (unit, times.tz)


def test_utc_day_reads_a_data_files_date_as_utc_midnight():
    import datetime as dt

    from planner.core.units import utc_day

    assert utc_day(" 2025-04-24 ") == dt.datetime(2025, 4, 24, tzinfo=dt.UTC)
    assert utc_day("") is None and utc_day("   ") is None
