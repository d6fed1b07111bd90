"""Who is present where and when, and the agreement's caps, term and purposes.

Presence intervals are half-open, [start, end). Only forces of one party in the other party's
territory count (the agreement decides who the parties are). The cap check is one event sweep
over all intervals, O(n log n) (a sort, then cumulative sums in numpy): at equal times
departures are processed before arrivals, so a ship leaving as another arrives is not a
violation.

Intervals travel as a DataFrame with the columns of :data:`INTERVAL_COLUMNS`; times are
integer microseconds since the epoch (UTC) in ``start_us``/``end_us``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import astuple, dataclass, fields

import numpy as np
import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.core.units import fmt_minute, to_datetime
from planner.layers.territory import crossings
from planner.model.agreement import CATEGORIES, Agreement
from planner.model.findings import Finding

CAP_CODES = {"warships": "CAP_WARSHIPS", "aircraft": "CAP_AIRCRAFT",
             "personnel": "CAP_PERSONNEL"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


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


INTERVAL_COLUMNS = [f.name for f in fields(Interval)]


def _us(t: dt.datetime) -> int:
    return int((t - _EPOCH) / dt.timedelta(microseconds=1))


def _from_us(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(us))


def intervals_frame(intervals: list[Interval] | pd.DataFrame) -> pd.DataFrame:
    """Intervals as a DataFrame with ``start_us``/``end_us`` added (a frame passes through)."""
    if isinstance(intervals, pd.DataFrame):
        return intervals
    df = pd.DataFrame([astuple(iv) for iv in intervals], columns=INTERVAL_COLUMNS)
    df["start_us"] = np.array([_us(iv.start) for iv in intervals], dtype=np.int64)
    df["end_us"] = np.array([_us(iv.end) for iv in intervals], dtype=np.int64)
    return df


def _times_us(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series, utc=True).to_numpy("datetime64[us]").astype(np.int64)


def call_intervals(plan, schedule) -> pd.DataFrame:
    """Intervals for calls and detachments in the other party's territory (vectorised over
    the schedule's calls)."""
    ag: Agreement = plan.agreement
    calls = schedule.calls
    parts = []
    if len(calls):
        host = calls["host"]
        nation = calls["nation"]
        counts = (host.isin(ag.parties) & nation.isin(ag.parties) & (host != nation)
                  & host.notna())
        # an asset is in one place at a time: a stay starts no earlier than the asset left
        # every earlier call (bad times give a SCHEDULE error, never a double count)
        arrive_us, depart_us = _times_us(calls["arrive"]), _times_us(calls["depart"])
        left_us = (pd.Series(depart_us, index=calls.index)
                   .groupby(calls["asset"].to_numpy(), sort=False).cummax()
                   .groupby(calls["asset"].to_numpy(), sort=False).shift())
        start_all = np.where(left_us.notna(), np.maximum(arrive_us, left_us.fillna(0)
                                                         .to_numpy(np.int64)), arrive_us)
        c = calls[counts]
        start_us, end_us = start_all[counts.to_numpy()], depart_us[counts.to_numpy()]
        keep = end_us > start_us
        c = c[keep]
        kind = c["kind"].to_numpy()
        parts.append(pd.DataFrame({
            "host": c["host"].to_numpy(), "nation": c["nation"].to_numpy(),
            "who": c["asset"].to_numpy(), "start": start_us[keep],
            "end": c["depart"].to_numpy(), "warships": (kind == "warship").astype(int),
            "aircraft": (kind == "aircraft").astype(int),
            "personnel": c["crew"].to_numpy(dtype=int), "source": "call",
            "purpose": c["purpose"].to_numpy(), "facility": c["at"].to_numpy(),
            "lat": c["lat"].to_numpy(), "lon": c["lon"].to_numpy(),
            "start_us": start_us[keep], "end_us": end_us[keep]}))
    dets = [Interval(d.place.country, d.nation, d.id, d.start, d.end, 0, 0, d.strength,
                     "detachment", d.purpose, d.at, d.place.lat, d.place.lon)
            for d in plan.detachments
            if d.place.country and ag.counts_against(d.nation, d.place.country)]
    if dets:
        parts.append(intervals_frame(dets))
    return _concat(parts)


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several interval frames as one."""
    return _concat(list(frames))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return intervals_frame([])
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    df["start"] = pd.to_datetime(df["start_us"], unit="us", utc=True)
    df["end"] = pd.to_datetime(df["end_us"], unit="us", utc=True)
    return df


def transit_intervals(plan, schedule) -> pd.DataFrame:
    """Intervals while legs cross a host's sovereign territory (land, 12 nm sea, airspace),
    to the minute. Positions follow the leg's movement timing (the schedule's ``sail_kmh``):
    the asset sails at its planning speed and, when its given arrival is later, waits at the
    end of the leg, so a stretch that reaches the destination lasts until the arrival."""
    ag: Agreement = plan.agreement
    crew_of = {a.id: a.crew for a in plan.assets}
    out: list[Interval] = []
    for leg in schedule.legs.itertuples(index=False):
        if leg.distance_km <= 0 or not leg.arrive > leg.depart:
            continue
        cx = crossings(leg.route, depart=leg.depart, speed_kmh=leg.sail_kmh)
        route_km = float(leg.route.cumulative_km()[-1]) if len(leg.route.lons) > 1 else 0.0
        for row in cx.itertuples(index=False):
            if not ag.counts_against(leg.nation, row.iso3):
                continue
            start = pd.Timestamp(row.entry).floor("min").to_pydatetime()
            end = pd.Timestamp(row.exit)
            if row.exit_km >= route_km - 1e-6:  # waits at the end, inside, until arrival
                end = max(end, pd.Timestamp(leg.arrive))
            end = end.floor("min").to_pydatetime()
            if end > start:
                out.append(Interval(row.iso3, leg.nation, leg.asset, start, end,
                                    int(leg.kind == "warship"), int(leg.kind == "aircraft"),
                                    int(crew_of.get(leg.asset, 0)), "transit"))
    return intervals_frame(out)


@dataclass
class SweepResult:
    """Presence timeline (tidy), cap findings and headroom."""

    presence: pd.DataFrame
    findings: list[Finding]
    headroom: pd.DataFrame


def sweep(intervals: list[Interval] | pd.DataFrame, agreement: Agreement,
          pairs: list[tuple[str, str]] | None = None) -> SweepResult:
    """Count presence per (host, nation) over time and report cap violations.

    One finding per maximal interval above a cap, with the peak value and the assets present
    at the peak. ``pairs`` lists (host, nation) pairs to report headroom for even when nobody
    is present (default: every ordered pair of parties).
    """
    df = intervals_frame(intervals)
    caps = agreement.caps
    if pairs is None:
        pairs = [(h, n) for h in agreement.parties for n in agreement.parties if h != n]
    present_pairs = (set(zip(df["host"].tolist(), df["nation"].tolist(), strict=True))
                     if len(df) else set())
    presence_parts: list[pd.DataFrame] = []
    findings: list[Finding] = []
    head: list[dict] = []
    groups = dict(iter(df.groupby(["host", "nation"], sort=True))) if len(df) else {}
    for host, nation in sorted(set(pairs) | present_pairs):
        g = groups.get((host, nation))
        if g is None:
            for cat in CATEGORIES:
                limit = caps.get(cat)
                head.append({"host": host, "nation": nation, "category": cat, "peak": 0,
                             "peak_at": None, "limit": limit, "headroom": limit})
            continue
        p, f, h = _sweep_group(host, nation, g, caps)
        presence_parts.append(p)
        findings += f
        head += h
    presence = (pd.concat(presence_parts, ignore_index=True) if presence_parts
                else pd.DataFrame(columns=["host", "nation", "category", "start", "end",
                                           "count"]))
    headroom = pd.DataFrame(head, columns=["host", "nation", "category", "peak", "peak_at",
                                           "limit", "headroom"])
    findings.sort(key=lambda f: (f.start, f.host, f.code))
    return SweepResult(presence, findings, headroom)


def _sweep_group(host: str, nation: str, g: pd.DataFrame, caps: dict[str, int]):
    n = len(g)
    starts = g["start_us"].to_numpy(np.int64)
    ends = g["end_us"].to_numpy(np.int64)
    weights = g[list(CATEGORIES)].to_numpy(np.int64)  # n x 3
    times = np.concatenate([starts, ends])
    is_arrival = np.concatenate([np.ones(n, np.int8), np.zeros(n, np.int8)])
    order = np.lexsort((is_arrival, times))  # by time; departures (0) before arrivals (1)
    deltas = np.concatenate([weights, -weights])[order]
    running = np.cumsum(deltas, axis=0)
    t_sorted = times[order]
    last = np.r_[t_sorted[1:] != t_sorted[:-1], True]  # the state after each distinct time
    t_at = t_sorted[last]
    counts = running[last]  # holds over [t_at[i], t_at[i+1])

    # tidy presence: one row per stretch with a non-zero count
    rows = []
    seg_start, seg_end = t_at[:-1], t_at[1:]
    for k, cat in enumerate(CATEGORIES):
        c = counts[:-1, k]
        nz = c != 0
        if nz.any():
            rows.append(pd.DataFrame({
                "host": host, "nation": nation, "category": cat,
                "start": pd.to_datetime(seg_start[nz], unit="us", utc=True),
                "end": pd.to_datetime(seg_end[nz], unit="us", utc=True), "count": c[nz]}))
    presence = (pd.concat(rows, ignore_index=True) if rows
                else pd.DataFrame(columns=["host", "nation", "category", "start", "end",
                                           "count"]))

    findings: list[Finding] = []
    head: list[dict] = []
    who = g["who"].to_numpy()
    facility = g["facility"].to_numpy(object)
    lat = pd.to_numeric(g["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(g["lon"], errors="coerce").to_numpy(float)
    for k, cat in enumerate(CATEGORIES):
        c = counts[:, k]
        peak_i = int(np.argmax(c))
        peak = int(c[peak_i])
        limit = caps.get(cat)
        head.append({"host": host, "nation": nation, "category": cat, "peak": peak,
                     "peak_at": _from_us(t_at[peak_i]) if peak else None, "limit": limit,
                     "headroom": None if limit is None else limit - peak})
        if limit is None:
            continue
        over = c > limit
        if not over.any():
            continue
        edges = np.diff(np.r_[0, over.astype(np.int8), 0])
        run_starts = np.flatnonzero(edges == 1)
        run_ends = np.flatnonzero(edges == -1)  # first index back within the cap
        contributes = weights[:, k] > 0
        for a, b in zip(run_starts, run_ends, strict=True):
            i = a + int(np.argmax(c[a:b]))
            t = t_at[i]
            here = contributes & (starts <= t) & (ends > t)
            end = _from_us(t_at[b]) if b < len(t_at) else None
            f = _cap_finding(host, nation, cat, int(c[i]), _from_us(t_at[a]), end, limit,
                             sorted(set(who[here].tolist())))
            _place_at_busiest_facility(f, facility[here], lat[here], lon[here])
            findings.append(f)
    return presence, findings, head


def _place_at_busiest_facility(f: Finding, facility: np.ndarray, lat: np.ndarray,
                               lon: np.ndarray) -> None:
    """Put a cap finding on the map at the host facility holding most of those present at
    the peak (ties: the first in alphabetical order); arrays of those present."""
    ok = pd.notna(facility) & pd.notna(lat)
    if not ok.any():
        return
    counts = Counter(facility[ok].tolist())
    fac = min(counts, key=lambda k: (-counts[k], k))
    j = int(np.flatnonzero(ok & (facility == fac))[0])
    f.facility, f.lat, f.lon = str(fac), float(lat[j]), float(lon[j])


def _cap_finding(host, nation, cat, value, start, end, limit, assets) -> Finding:
    until = f" to {fmt_minute(end)}" if end else ""
    return Finding(
        CAP_CODES[cat], "error",
        f"{value:,} {nation} {cat} present in {host} from {fmt_minute(start)}{until}; "
        f"the cap is {limit:,}. Present at the peak: {', '.join(assets)}",
        host=host, nation=nation, start=start, end=end, value=value, limit=limit, unit=cat,
        assets=list(assets))


def term_findings(intervals: list[Interval] | pd.DataFrame,
                  agreement: Agreement) -> list[Finding]:
    """``OUTSIDE_TERM`` for presence before entry into force or after the term's end."""
    df = intervals_frame(intervals)
    if not len(df):
        return []
    lo, hi = agreement.in_force, agreement.term_end
    lo_us, hi_us = _us(lo), _us(hi)
    bad = df[(df["start_us"] < lo_us) | (df["end_us"] > hi_us)]
    years = agreement.term_years + (agreement.extension_years if agreement.extended else 0)
    ext = "" if agreement.extended else "; an extension by mutual consent would cover it"
    out = []
    for iv in bad.itertuples(index=False):
        parts = []
        if iv.start_us < lo_us:
            parts.append((iv.start_us, min(iv.end_us, lo_us),
                          f"before the agreement is in force ({lo:%Y-%m-%d})"))
        if iv.end_us > hi_us:
            parts.append((max(iv.start_us, hi_us), iv.end_us,
                          f"after the {years}-year term ends ({hi:%Y-%m-%d}){ext}"))
        for s_us, e_us, why in parts:
            start, end = _from_us(s_us), _from_us(e_us)
            out.append(Finding(
                "OUTSIDE_TERM", "error",
                f"{iv.who} ({iv.nation}) is present in {iv.host} from {fmt_minute(start)} "
                f"to {fmt_minute(end)}, {why}",
                host=iv.host, nation=iv.nation, start=start, end=end, assets=[iv.who],
                facility=_opt(iv.facility), lat=_opt(iv.lat), lon=_opt(iv.lon)))
    return out


def purpose_findings(intervals: list[Interval] | pd.DataFrame,
                     agreement: Agreement) -> list[Finding]:
    """``PURPOSE`` for a call or detachment in the other party's territory whose purpose is
    missing or not one the agreement permits."""
    df = intervals_frame(intervals)
    if not len(df):
        return []
    bad = df[(df["source"] != "transit") & ~df["purpose"].isin(agreement.purposes)]
    allowed = ", ".join(agreement.purposes)
    out = []
    for iv in bad.itertuples(index=False):
        purpose = _opt(iv.purpose)
        what = ("has no purpose" if not purpose
                else f"has purpose {purpose!r}, which the agreement does not permit")
        start = _from_us(iv.start_us)
        out.append(Finding(
            "PURPOSE", "error",
            f"{iv.who} ({iv.nation}) at {iv.facility} in {iv.host} from "
            f"{fmt_minute(start)} {what}; permitted: {allowed}",
            host=iv.host, nation=iv.nation, start=start, end=_from_us(iv.end_us),
            assets=[iv.who], facility=_opt(iv.facility), lat=_opt(iv.lat), lon=_opt(iv.lon)))
    return out


def _opt(v):
    """None for missing values (NaN/None), the value otherwise."""
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    return v.item() if hasattr(v, "item") else v


# -- registered checks ------------------------------------------------------------------


def intervals_of(ctx: CheckContext) -> pd.DataFrame:
    """The presence intervals of a check run (calls and detachments, plus transits when the
    run counts them), computed once per context."""
    def make():
        iv = call_intervals(ctx.plan, ctx.schedule)
        return combine(iv, transit_intervals(ctx.plan, ctx.schedule)) if ctx.transit else iv
    return ctx.memo("intervals", make)


def sweep_of(ctx: CheckContext) -> SweepResult:
    """The cap sweep of a check run, computed once per context."""
    return ctx.memo("sweep", lambda: sweep(intervals_of(ctx), ctx.agreement))


@register("caps")
def cap_check(ctx: CheckContext) -> list[Finding]:
    """``CAP_WARSHIPS``, ``CAP_AIRCRAFT``, ``CAP_PERSONNEL``."""
    return sweep_of(ctx).findings


@register("term")
def term_check(ctx: CheckContext) -> list[Finding]:
    """``OUTSIDE_TERM``."""
    return term_findings(intervals_of(ctx), ctx.agreement)


@register("purpose")
def purpose_check(ctx: CheckContext) -> list[Finding]:
    """``PURPOSE``."""
    return purpose_findings(intervals_of(ctx), ctx.agreement)


@register("open_stay")
def open_stay_check(ctx: CheckContext) -> list[Finding]:
    """``OPEN_STAY``: a last call without ``depart`` in another state's territory is counted
    until ``horizon_end`` (CONTRACT section 1: default the end of the agreement's term); say
    so, once per such stay. An asset ending at home needs no notice."""
    calls = ctx.schedule.calls
    if not len(calls):
        return []
    plan = ctx.plan
    horizon = plan.horizon_end or plan.agreement.term_end
    why = ("horizon_end" if plan.horizon_end else
           "the end of the agreement's term (set horizon_end or a depart)")
    out = []
    abroad = calls["open_ended"] & calls["host"].notna() & (calls["host"] != calls["nation"])
    for c in calls[abroad].itertuples(index=False):
        counted = c.depart > c.arrive
        until = (f"counted as present until {fmt_minute(c.depart)}, {why}" if counted else
                 f"it arrives after {fmt_minute(horizon)} ({why}) and is not counted")
        out.append(Finding(
            "OPEN_STAY", "warning",
            f"{c.asset} stays at {c.at} from {fmt_minute(c.arrive)} with no depart: {until}",
            host=_opt(c.host), nation=c.nation, start=to_datetime(c.arrive),
            end=to_datetime(c.depart), assets=[c.asset], facility=c.at, lat=float(c.lat),
            lon=float(c.lon)))
    return out
