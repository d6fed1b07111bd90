"""Units and time: the one place the planner converts distances and speeds, formats times and
wraps longitudes (as movingpandas keeps ``unit_utils``).

Distances carry their unit in the name (``distance_km``, ``distance_nm``); times are aware UTC
datetimes or pandas Timestamps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

KM_PER_NM = 1.852  # international nautical mile, exactly 1852 m (BIPM SI brochure, 9th ed.)
KMH_PER_KN = KM_PER_NM  # a knot is one nautical mile per hour

#: Minute precision, as the text report and messages show times: ``2026-03-10 08:00Z``.
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
    ts = to_timestamp(t)
    return None if ts is None else ts.floor("s").to_pydatetime()


def utc_midnight(d: dt.date) -> dt.datetime:
    """00:00 UTC on a date."""
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def fmt_minute(t: Any, missing: str = "?") -> str:
    """A time as ``2026-03-10 08:00Z`` (``missing`` for None/NaT)."""
    ts = to_timestamp(t)
    return missing if ts is None else ts.strftime(MINUTE_FORMAT)


def iso_minute(t: Any) -> str:
    """A time as ``2026-03-10T08:00Z`` ("" for None/NaT)."""
    ts = to_timestamp(t)
    return "" if ts is None else ts.strftime(ISO_MINUTE_FORMAT)


def iso_z(t: Any) -> str | None:
    """A UTC time as ``2026-03-10T00:00:00Z`` (None for None/NaT)."""
    # NaT (e.g. headroom.peak_at for a pair nobody visits) cannot strftime (issue 7 fuzzing)
    if is_missing(t):
        return None
    return to_timestamp(t).strftime(ISO_SECOND_FORMAT)


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
