"""Who is present where and when, and the agreement's caps, term and purposes.

Presence intervals are half-open, [start, end). Only forces of one party in the other party's
territory count (the agreement decides who the parties are). The cap check is one event sweep
over all intervals, O(n log n): at equal times departures are processed before arrivals, so a
ship leaving as another arrives is not a violation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .agreement import CATEGORIES, Agreement
from .findings import Finding

CAP_CODES = {"warships": "CAP_WARSHIPS", "aircraft": "CAP_AIRCRAFT",
             "personnel": "CAP_PERSONNEL"}


@dataclass(frozen=True)
class Interval:
    """One asset or detachment present in a host's territory over [start, end).

    ``warships``/``aircraft``/``personnel`` are what it adds to each count.
    """

    host: str
    nation: str
    who: str
    start: dt.datetime
    end: dt.datetime
    warships: int
    aircraft: int
    personnel: int
    source: str  # "call" | "detachment" | "transit"
    purpose: str | None = None
    facility: str | None = None
    lat: float | None = None
    lon: float | None = None


def _ts(t) -> dt.datetime:
    return t.to_pydatetime() if isinstance(t, pd.Timestamp) else t


def call_intervals(plan, schedule) -> list[Interval]:
    """Intervals for calls and detachments in the other party's territory."""
    ag: Agreement = plan.agreement
    out: list[Interval] = []
    calls = schedule.calls
    if len(calls):
        cols = [calls[c].to_numpy() for c in ("asset", "nation", "kind", "crew", "host",
                                                "arrive", "depart", "purpose", "at", "lat",
                                                "lon")]
        for asset, nation, kind, crew, host, arrive, depart, purpose, at, lat, lon in zip(
                *cols, strict=True):
            if not isinstance(host, str) or not ag.counts_against(nation, host):
                continue
            start, end = _ts(pd.Timestamp(arrive)), _ts(pd.Timestamp(depart))
            if not end > start:
                continue
            out.append(Interval(host, nation, asset, start, end, int(kind == "warship"),
                                int(kind == "aircraft"), int(crew), "call",
                                purpose if isinstance(purpose, str) else None, at, lat, lon))
    for d in plan.detachments:
        host = d.place.country
        if host and ag.counts_against(d.nation, host):
            out.append(Interval(host, d.nation, d.id, d.start, d.end, 0, 0, d.strength,
                                "detachment", d.purpose, d.at, d.place.lat, d.place.lon))
    return out


def transit_intervals(plan, schedule) -> list[Interval]:
    """Intervals while legs cross a host's sovereign territory (land, 12 nm sea, airspace),
    entry and exit interpolated along the route at the leg's average speed, to the minute."""
    from .territory import crossings

    ag: Agreement = plan.agreement
    crew_of = {a.id: a.crew for a in plan.assets}
    out: list[Interval] = []
    for leg in schedule.legs.itertuples(index=False):
        depart, arrive = _ts(leg.depart), _ts(leg.arrive)
        hours = (arrive - depart).total_seconds() / 3600
        if hours <= 0 or leg.distance_km <= 0:
            continue
        cx = crossings(leg.route, depart=depart, speed_kmh=leg.distance_km / hours)
        for row in cx.itertuples(index=False):
            if not ag.counts_against(leg.nation, row.iso3):
                continue
            start = _minute(_ts(row.entry))
            end = _minute(_ts(row.exit))
            if end > start:
                out.append(Interval(row.iso3, leg.nation, leg.asset, start, end,
                                    int(leg.kind == "warship"), int(leg.kind == "aircraft"),
                                    int(crew_of.get(leg.asset, 0)), "transit"))
    return out


def _minute(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


@dataclass
class SweepResult:
    """Presence timeline (tidy), cap findings and headroom."""

    presence: pd.DataFrame
    findings: list[Finding]
    headroom: pd.DataFrame


def sweep(intervals: list[Interval], agreement: Agreement,
          pairs: list[tuple[str, str]] | None = None) -> SweepResult:
    """Count presence per (host, nation) over time and report cap violations.

    One finding per maximal interval above a cap, with the peak value and the assets present
    at the peak. Runs in O(n log n) for n intervals. ``pairs`` lists (host, nation) pairs to
    report headroom for even when nobody is present (default: every ordered pair of parties).
    """
    caps = agreement.caps
    groups: dict[tuple[str, str], list[Interval]] = {}
    if pairs is None:
        pairs = [(h, n) for h in agreement.parties for n in agreement.parties if h != n]
    for pair in pairs:
        groups[pair] = []
    for iv in intervals:
        groups.setdefault((iv.host, iv.nation), []).append(iv)

    rows: list[tuple] = []
    findings: list[Finding] = []
    head: list[dict] = []
    for (host, nation), ivs in sorted(groups.items()):
        n = len(ivs)
        if n == 0:
            for cat in CATEGORIES:
                limit = caps.get(cat)
                head.append({"host": host, "nation": nation, "category": cat, "peak": 0,
                             "peak_at": None, "limit": limit, "headroom": limit})
            continue
        times = np.empty(2 * n, dtype="datetime64[us]")
        times[:n] = [np.datetime64(iv.start.replace(tzinfo=None), "us") for iv in ivs]
        times[n:] = [np.datetime64(iv.end.replace(tzinfo=None), "us") for iv in ivs]
        kind = np.concatenate([np.ones(n, np.int8), np.zeros(n, np.int8)])  # 0 = leave
        idx = np.concatenate([np.arange(n), np.arange(n)])
        order = np.lexsort((kind, times))  # by time, then departures first
        counts = dict.fromkeys(CATEGORIES, 0)
        present: dict[str, int] = {}  # who -> number of open intervals
        peak = dict.fromkeys(CATEGORIES, 0)
        peak_at: dict[str, dt.datetime | None] = dict.fromkeys(CATEGORIES)
        open_v: dict[str, dict | None] = dict.fromkeys(CATEGORIES)
        kinds = _kinds(ivs)
        k = 0
        while k < len(order):
            t = times[order[k]]
            while k < len(order) and times[order[k]] == t:
                j = order[k]
                iv = ivs[idx[j]]
                sign = 1 if kind[j] else -1
                counts["warships"] += sign * iv.warships
                counts["aircraft"] += sign * iv.aircraft
                counts["personnel"] += sign * iv.personnel
                present[iv.who] = present.get(iv.who, 0) + sign
                if present[iv.who] == 0:
                    del present[iv.who]
                k += 1
            when = _aware(t)
            for cat in CATEGORIES:
                c = counts[cat]
                if c > peak[cat]:
                    peak[cat], peak_at[cat] = c, when
                limit = caps.get(cat)
                v = open_v[cat]
                if limit is not None and c > limit:
                    if v is None:
                        open_v[cat] = {"start": when, "value": c,
                                       "assets": _contributors(present, kinds, cat)}
                    elif c > v["value"]:
                        v["value"] = c
                        v["assets"] = _contributors(present, kinds, cat)
                elif v is not None:
                    findings.append(_cap_finding(host, nation, cat, v, when, limit))
                    open_v[cat] = None
            rows.append((host, nation, when, dict(counts)))
        for cat in CATEGORIES:  # cannot stay open: every interval ends
            if open_v[cat] is not None:
                findings.append(_cap_finding(host, nation, cat, open_v[cat], None,
                                             caps.get(cat)))
        for cat in CATEGORIES:
            limit = caps.get(cat)
            head.append({"host": host, "nation": nation, "category": cat, "peak": peak[cat],
                         "peak_at": peak_at[cat], "limit": limit,
                         "headroom": None if limit is None else limit - peak[cat]})
    presence = _tidy(rows)
    headroom = pd.DataFrame(head, columns=["host", "nation", "category", "peak", "peak_at",
                                           "limit", "headroom"])
    findings.sort(key=lambda f: (f.start, f.host, f.code))
    return SweepResult(presence, findings, headroom)


def _contributors(present: dict[str, int], kinds: dict[str, str], cat: str) -> list[str]:
    """Who adds to a category right now: warships/aircraft by kind, personnel everyone."""
    if cat == "personnel":
        return sorted(present)
    return sorted(w for w in present if kinds.get(w) == cat)


def _kinds(ivs: list[Interval]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for iv in ivs:
        if iv.warships:
            kinds[iv.who] = "warships"
        elif iv.aircraft:
            kinds[iv.who] = "aircraft"
        else:
            kinds.setdefault(iv.who, "personnel")
    return kinds


def _aware(t: np.datetime64) -> dt.datetime:
    return pd.Timestamp(t).tz_localize("UTC").to_pydatetime()


def _cap_finding(host, nation, cat, v, end, limit) -> Finding:
    label = {"warships": "warships", "aircraft": "aircraft", "personnel": "personnel"}[cat]
    until = f" to {end:%Y-%m-%d %H:%MZ}" if end else ""
    return Finding(
        CAP_CODES[cat], "error",
        f"{v['value']:,} {nation} {label} present in {host} from {v['start']:%Y-%m-%d %H:%MZ}"
        f"{until}; the cap is {limit:,}. Present at the peak: {', '.join(v['assets'])}",
        host=host, nation=nation, start=v["start"], end=end, value=v["value"], limit=limit,
        assets=list(v["assets"]))


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    """Piecewise-constant counts as (host, nation, category, start, end, count), one row per
    stretch with a non-zero count."""
    out = []
    for i, (host, nation, when, counts) in enumerate(rows):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is None or nxt[0] != host or nxt[1] != nation:
            continue
        for cat in CATEGORIES:
            if counts[cat]:
                out.append((host, nation, cat, when, nxt[2], counts[cat]))
    df = pd.DataFrame(out, columns=["host", "nation", "category", "start", "end", "count"])
    if len(df):
        df["start"] = pd.to_datetime(df["start"], utc=True)
        df["end"] = pd.to_datetime(df["end"], utc=True)
    return df


def term_findings(intervals: list[Interval], agreement: Agreement) -> list[Finding]:
    """``OUTSIDE_TERM`` for presence before entry into force or after the term's end."""
    out = []
    lo, hi = agreement.in_force, agreement.term_end
    years = agreement.term_years + (agreement.extension_years if agreement.extended else 0)
    for iv in intervals:
        parts = []
        if iv.start < lo:
            parts.append((iv.start, min(iv.end, lo), f"before the agreement is in force "
                                                     f"({lo:%Y-%m-%d})"))
        if iv.end > hi:
            ext = "" if agreement.extended else "; an extension by mutual consent would cover it"
            parts.append((max(iv.start, hi), iv.end, f"after the {years}-year term ends "
                                                     f"({hi:%Y-%m-%d}){ext}"))
        for start, end, why in parts:
            out.append(Finding(
                "OUTSIDE_TERM", "error",
                f"{iv.who} ({iv.nation}) is present in {iv.host} from {start:%Y-%m-%d %H:%MZ} "
                f"to {end:%Y-%m-%d %H:%MZ}, {why}",
                host=iv.host, nation=iv.nation, start=start, end=end, assets=[iv.who],
                facility=iv.facility, lat=iv.lat, lon=iv.lon))
    return out


def purpose_findings(intervals: list[Interval], agreement: Agreement) -> list[Finding]:
    """``PURPOSE`` for a call or detachment in the other party's territory whose purpose is
    missing or not one the agreement permits."""
    out = []
    allowed = ", ".join(agreement.purposes)
    for iv in intervals:
        if iv.source == "transit" or iv.purpose in agreement.purposes:
            continue
        what = ("has no purpose" if not iv.purpose
                else f"has purpose {iv.purpose!r}, which the agreement does not permit")
        out.append(Finding(
            "PURPOSE", "error",
            f"{iv.who} ({iv.nation}) at {iv.facility} in {iv.host} from "
            f"{iv.start:%Y-%m-%d %H:%MZ} {what}; permitted: {allowed}",
            host=iv.host, nation=iv.nation, start=iv.start, end=iv.end, assets=[iv.who],
            facility=iv.facility, lat=iv.lat, lon=iv.lon))
    return out
