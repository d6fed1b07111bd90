"""Findings: what the checks report (CONTRACT §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from planner.core.units import iso_z


@dataclass(slots=True)
class Finding:
    """One problem or notice found in a plan.

    ``severity`` is ``error`` (the plan breaks a rule: exit 1) or ``warning``/``info`` (a notice
    or clearance to file). ``leg`` is the index of the leg in ``report.legs`` the finding is
    about, ``facility`` the place id, ``lat``/``lon`` where a map should draw it, and
    ``segment`` an optional list of (lon, lat) points (e.g. the part of a leg inside a
    country's airspace), longitudes unwrapped. ``unit`` names what ``value`` and ``limit``
    count: ``nm`` (sea legs, territorial seas), ``km`` (air legs, overflights), ``kn``
    (speeds), or the cap category (``warships``, ``aircraft``, ``personnel``).
    """

    # slots: a 100,000-call plan has over half a million findings (issue 16: memory)
    code: str
    severity: str
    message: str
    host: str | None = None
    nation: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    value: float | None = None
    limit: float | None = None
    unit: str | None = None
    assets: list[str] = field(default_factory=list)
    leg: int | None = None
    facility: str | None = None
    lat: float | None = None
    lon: float | None = None
    segment: list[tuple[float, float]] | None = None
    extra: dict = field(default_factory=dict)


def finding_json(f: Finding) -> dict:
    """A finding as the JSON object of CONTRACT §4 (extra keys after the contract's)."""
    return finding_dict(f, iso_z(f.start), iso_z(f.end))


def finding_dict(f: Finding, start: str | None, end: str | None) -> dict:
    """:func:`finding_json` with ``start`` and ``end`` already written as ISO text (the JSON
    report formats a block of findings' times at once)."""
    out = {
        "code": f.code, "severity": f.severity, "host": f.host, "nation": f.nation,
        "start": start, "end": end, "value": f.value, "limit": f.limit,
        "assets": list(f.assets), "message": f.message,
    }
    if f.unit is not None:
        out["unit"] = f.unit
    if f.facility is not None:
        out["facility"] = f.facility
    if f.leg is not None:
        out["leg"] = f.leg
    extra = f.extra
    if extra:
        keys = tuple(extra)
        order = _SORTED.get(keys)
        if order is None:
            if len(_SORTED) > 4096:  # key sets are few (one per kind of finding); bounded
                _SORTED.clear()
            order = _SORTED[keys] = tuple(sorted(keys))
        for k in order:
            if k not in out:
                out[k] = extra[k]
    return out


#: An extra's keys (in insertion order) -> sorted: findings of one kind share their keys.
_SORTED: dict[tuple, tuple] = {}
