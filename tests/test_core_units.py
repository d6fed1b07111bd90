"""``planner.core.units`` time helpers: ``to_datetime`` floors to the second in UTC and
``fmt_minute`` writes the minute, whatever form the time comes in (their fast paths for UTC
datetimes and Timestamps give what pandas' general path gives)."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from planner.core.units import MINUTE_FORMAT, fmt_minute, to_datetime


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
