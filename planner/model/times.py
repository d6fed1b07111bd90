"""Plan times (CONTRACT section 1): ISO 8601 text in UTC, read the same way from YAML, CSV and
Python, and the years the planner handles.

Every time a plan gives reaches :func:`parse_time` as text, a ``date`` or a ``datetime``: the
YAML loader keeps timestamp-shaped scalars as their text (see
:mod:`planner.model.yamlsource`), so an impossible date such as ``2026-13-01`` gets a located
message saying the date does not exist, the same in a YAML plan, a CSV plan and a Python dict.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import numpy as np

from planner.core.units import MONTH_NAMES, iso_minute
from planner.model.objects import EARLIEST_TIME, LATEST_TIME

#: A time shaped like ISO 8601 (or the YAML timestamp), with its parts captured, whether or not
#: the date exists: month 13 and 30 February match here, so they can be named.
_SHAPED = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:[.,]\d+)?)?)?"
    r"[ \t]*(?P<tz>[Zz]|[+-]\d{1,2}(?::?\d{2})?)?$")

EXAMPLE = "2026-03-05T08:00Z"


def impossible_reason(text: str) -> str | None:
    """Why ``text``, shaped like an ISO 8601 date or time, names no real moment (month 13,
    30 February, 29 February of a common year, hour 25, minute 60), or None when it is not
    shaped like one or every part is in range."""
    m = _SHAPED.match(text.strip())
    if m is None:
        return None
    year, month, day = int(m["y"]), int(m["mo"]), int(m["d"])
    if year == 0:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run 01-12)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        if month == 2 and day == 29:
            return f"{year} is not a leap year (February {year} has 28 days)"
        return f"{MONTH_NAMES[month]} {year} has {days} days"
    if m["h"] is not None:
        hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
        if hour == 24 and minute == 0 and second == 0:
            return "hour 24 is not used; write 00:00 of the next day"
        if hour > 23:
            return f"there is no hour {hour} (hours run 00-23)"
        if minute > 59:
            return f"there is no minute {minute} (minutes run 00-59)"
        if second > 59:
            return f"there is no second {second} (seconds run 00-59)"
    return None


def _canonical(text: str) -> str | None:
    """A YAML-style time with one-digit parts (``2026-3-5 8:00``) written as ISO 8601."""
    m = _SHAPED.match(text.strip())
    if m is None:
        return None
    out = f"{int(m['y']):04d}-{int(m['mo']):02d}-{int(m['d']):02d}"
    if m["h"] is not None:
        out += f"T{int(m['h']):02d}:{int(m['mi']):02d}"
        if m["s"] is not None:
            out += f":{int(m['s']):02d}"
        out += "Z" if m["tz"] in (None, "Z", "z") else m["tz"]
    return out


def parse_time(value: Any) -> dt.datetime:
    """An ISO 8601 time as an aware UTC datetime. A bare date is 00:00 UTC; a time without an
    offset is taken as UTC.

    Raises
    ------
    ValueError
        For a date that does not exist (saying why), other offsets than UTC, text that is no
        ISO 8601 time, or a value of another type.
    """
    if isinstance(value, dt.datetime):
        t = value
    elif isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    elif isinstance(value, str):
        text = value.strip()
        try:
            t = dt.datetime.fromisoformat(text)
        except ValueError:
            why = impossible_reason(text)
            if why is not None:
                raise ValueError(f"{text} does not exist: {why}") from None
            fixed = _canonical(text)
            if fixed is not None and fixed != text:
                try:
                    dt.datetime.fromisoformat(fixed)
                except ValueError:
                    fixed = None
            hint = f"write it as {fixed}" if fixed else f"e.g. {EXAMPLE}"
            raise ValueError(f"{value!r} is not an ISO 8601 time ({hint})") from None
    else:
        what = "a number" if isinstance(value, int | float) else type(value).__name__
        raise ValueError(f"expected an ISO 8601 time such as {EXAMPLE}, got {what}")
    if t.tzinfo is None:
        return t.replace(tzinfo=dt.UTC)
    offset = t.utcoffset()
    if offset:
        raise ValueError(f"{value} is not in UTC; write it as {iso_minute(t)}")
    return t.astimezone(dt.UTC)


def year_problem(t: dt.datetime) -> str | None:
    """Why a time lies outside [EARLIEST_TIME, LATEST_TIME), or None. Far-off years overflow
    datetime/pandas arithmetic downstream (year 1 minus a day, 9999 plus a leg; pandas stops at
    2262), so they are refused at load (issue 7)."""
    if EARLIEST_TIME <= t < LATEST_TIME:
        return None
    return (f"{t.date().isoformat()} is outside the years {EARLIEST_TIME.year}-"
            f"{LATEST_TIME.year - 1} the planner handles")


def years_ok(times: np.ndarray) -> np.ndarray:
    """:func:`year_problem` over an array of naive-UTC ``datetime64`` (NaT counts as fine):
    True where a time is in the years the planner handles."""
    lo = np.datetime64(EARLIEST_TIME.replace(tzinfo=None), "us")
    hi = np.datetime64(LATEST_TIME.replace(tzinfo=None), "us")
    t = times.astype("datetime64[us]")
    return np.isnat(t) | ((t >= lo) & (t < hi))
