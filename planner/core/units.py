"""Units and time: the one place the planner converts distances and speeds, formats times and
wraps longitudes (as movingpandas keeps ``unit_utils``).

Distances carry their unit in the name (``distance_km``, ``distance_nm``); times are aware UTC
datetimes or pandas Timestamps.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

KM_PER_NM = 1.852  # international nautical mile, exactly 1852 m (BIPM SI brochure, 9th ed.)
KMH_PER_KN = KM_PER_NM  # a knot is one nautical mile per hour

#: Minute precision, as the text report and messages show times: ``2026-03-10 08:00Z``.
#: English month names, index 1-12 (``calendar.month_name`` formats a date on every lookup,
#: in the process's locale: 35,000 lookups in a 100k-call plan's NSR texts).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MINUTE_FORMAT = "%Y-%m-%d %H:%MZ"
#: ISO 8601 at minute precision, as a plan file writes them: ``2026-03-10T08:00Z``.
ISO_MINUTE_FORMAT = "%Y-%m-%dT%H:%MZ"
#: ISO 8601 at second precision, as the JSON output writes them: ``2026-03-10T08:00:00Z``.
ISO_SECOND_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def wrap_lon(lon):
    """Longitude(s) in degrees wrapped into [-180, 180)."""
    if np.ndim(lon):
        return (np.asarray(lon, float) + 180.0) % 360.0 - 180.0
    return float((float(lon) + 180.0) % 360.0 - 180.0)


def is_missing(t: Any) -> bool:
    """True for None, NaN and NaT (a missing time in a pandas column)."""
    if t is None:
        return True
    if isinstance(t, str):
        return False
    try:
        return bool(pd.isna(t))
    except (TypeError, ValueError):
        return False


def to_timestamp(t: Any) -> pd.Timestamp | None:
    """A time (datetime, date, ISO text or Timestamp) as a UTC Timestamp; a naive time is taken
    as UTC; None/NaT give None."""
    if is_missing(t):
        return None
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def to_datetime(t: Any) -> dt.datetime | None:
    """A time as an aware UTC :class:`datetime.datetime`, floored to the second; None/NaT give
    None."""
    if type(t) is pd.Timestamp and t.tzinfo is dt.UTC and not t.nanosecond:
        return t.to_pydatetime().replace(microsecond=0)  # the same, 7x faster (issue 16)
    if type(t) is dt.datetime and t.tzinfo is dt.UTC:
        return t.replace(microsecond=0)
    ts = to_timestamp(t)
    return None if ts is None else ts.floor("s").to_pydatetime()


def utc_day(text: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` (a data file's date) as UTC midnight; blank gives None."""
    text = text.strip()
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC) if text else None


def in_force(start: dt.datetime, end: dt.datetime | None, t_s: float | None
             ) -> tuple[bool, float, float]:
    """Whether a row in force from ``start`` to ``end`` (exclusive; None: open) holds at
    ``t_s`` (epoch seconds; None: "now and later", so only an open row holds), and the window
    (lo, hi) of times around ``t_s`` with the same answer."""
    start_s = start.timestamp()
    end_s = end.timestamp() if end is not None else math.inf
    if t_s is None:
        return end_s == math.inf, -math.inf, math.inf
    if t_s < start_s:
        return False, -math.inf, start_s
    if t_s >= end_s:
        return False, end_s, math.inf
    return True, start_s, end_s


def utc_midnight(d: dt.date) -> dt.datetime:
    """00:00 UTC on a date."""
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def fmt_minute(t: Any, missing: str = "?") -> str:
    """A time as ``2026-03-10 08:00Z`` (``missing`` for None/NaT)."""
    if type(t) is dt.datetime and t.tzinfo is dt.UTC:
        return t.strftime(MINUTE_FORMAT)
    ts = to_timestamp(t)
    return missing if ts is None else ts.strftime(MINUTE_FORMAT)


def iso_minute(t: Any) -> str:
    """A time as ``2026-03-10T08:00Z`` ("" for None/NaT)."""
    ts = to_timestamp(t)
    return "" if ts is None else ts.strftime(ISO_MINUTE_FORMAT)


_ZERO = dt.timedelta(0)
#: Exact types :func:`iso_z` formats from their fields (NaT is a datetime subclass: excluded).
_DATETIME_TYPES = (dt.datetime, pd.Timestamp)


def iso_z(t: Any) -> str | None:
    """A UTC time as ``2026-03-10T00:00:00Z`` (None for None/NaT), floored to the second."""
    if t is None:
        return None
    # fast path (issue 16: the JSON report formats two times per finding): a datetime or
    # Timestamp that is naive (taken as UTC) or at offset 0 is written from its fields; years
    # outside 1000-9999 and other offsets go the pandas way below (strftime pads no year)
    if type(t) in _DATETIME_TYPES and 1000 <= t.year <= 9999 and (
            t.tzinfo is None or t.utcoffset() == _ZERO):
        return (f"{t.year:04d}-{t.month:02d}-{t.day:02d}T"
                f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z")
    # NaT (e.g. headroom.peak_at for a pair nobody visits) cannot strftime (issue 7 fuzzing)
    if is_missing(t):
        return None
    return to_timestamp(t).strftime(ISO_SECOND_FORMAT)


def iso_times(values: list[Any]) -> list[str | None]:
    """:func:`iso_z` of each value (issue 16: two per finding in the JSON report): datetimes,
    Timestamps and None that pandas reads as one naive or UTC index of years 1000-9999 are
    formatted at once (:func:`strftime_many`'s numpy pass); any other list value by value."""
    if values and set(map(type, values)) <= _INDEX_TYPES:
        try:
            idx = pd.DatetimeIndex(values)  # None -> NaT; mixed zones or naive/aware raise
        except (TypeError, ValueError, OverflowError):
            idx = None
        if idx is not None:
            nat = idx.isna()
            texts = [] if nat.all() else _numpy_strftime(idx[~nat], ISO_SECOND_FORMAT)
            if texts is not None and not nat.any():
                return texts
            if texts is not None:
                out: list[str | None] = [None] * len(values)
                for i, text in zip(np.flatnonzero(~nat).tolist(), texts, strict=True):
                    out[i] = text
                return out
    return [iso_z(v) for v in values]


#: Value types :func:`iso_times` hands to pandas as one index.
_INDEX_TYPES = frozenset({dt.datetime, pd.Timestamp, type(None)})


#: The formats :func:`strftime_many` writes in numpy: (numpy unit, a function of numpy's text).
_NUMPY_FORMATS = {
    MINUTE_FORMAT: ("m", lambda s: f"{s[:10]} {s[11:]}Z"),
    ISO_MINUTE_FORMAT: ("m", lambda s: s + "Z"),
    ISO_SECOND_FORMAT: ("s", lambda s: s + "Z"),
}


def strftime_many(times: pd.DatetimeIndex, fmt: str) -> list[str]:
    """``times.strftime(fmt)`` as a list (issue 16: pandas formats value by value, 2 us each,
    and a 100,000-call plan's crossings and clearances have 400,000 times): for the three
    formats above, a naive or UTC index without NaT and years 1000-9999, one numpy pass
    (numpy floors to the minute or second as strftime's fields do, in the same proleptic
    Gregorian calendar); anything else by pandas."""
    fast = _numpy_strftime(times, fmt)
    return list(times.strftime(fmt)) if fast is None else fast


def _numpy_strftime(times: pd.DatetimeIndex, fmt: str) -> list[str] | None:
    """:func:`strftime_many`'s numpy pass, or None when it does not apply."""
    how = _NUMPY_FORMATS.get(fmt)
    tz = getattr(times, "tz", None)
    if how is None or not len(times) or (tz is not None and str(tz) != "UTC"):
        return None
    values = (times.tz_convert(None) if tz is not None else times).to_numpy()
    if np.isnat(values).any():
        return None
    unit, finish = how
    coarse = values.astype(f"datetime64[{unit}]")
    years = coarse[[int(np.argmin(coarse)), int(np.argmax(coarse))]].astype(
        "datetime64[Y]").astype(np.int64) + 1970
    if years[0] < 1000 or years[1] > 9999:
        return None
    return [finish(s) for s in np.datetime_as_string(coarse, unit=unit).tolist()]


def epoch_minutes(t: Any) -> int | None:
    """A time as whole minutes since 1970-01-01 UTC (None for a missing time)."""
    ts = to_timestamp(t)
    return None if ts is None else int(ts.timestamp() // 60)


def month_of(when: Any) -> int | None:
    """Month 1-12 of a date given as ISO text, date, datetime, Timestamp or month number."""
    if when is None:
        return None
    if isinstance(when, int):
        return when
    if isinstance(when, dt.date):
        return when.month
    return dt.datetime.fromisoformat(str(when).strip().replace("Z", "+00:00")).month
