"""The times of a plan as the variables of ``relos resolve``: one *slot* per effective time,
the *links* between them (legs, stays), the *stays* that count against the caps, and the
clearance deadlines that ``--today`` adds.

Times are minutes since :attr:`Timeline.ref` (a whole minute before every time of the plan).
Each slot carries the bounds the rules give it, and what sets each bound (``why_lo``,
``why_hi``), so that a plan with no fix can say what blocks it:

- a given arrival (or a detachment's ``from``) may only be delayed: ``[orig, orig + max]``;
- a computed arrival follows the departure before it: ``arrive = depart + leg``; it too is
  never brought forward;
- a given departure (or a detachment's ``to``) moves either way: ``[orig - max, orig + max]``;
- an intermediate call without ``depart`` leaves as it arrives; an open-ended last stay ends
  where it did (the horizon);
- a call marked ``fixed: true`` keeps every time it has, given or computed;
- a stay keeps at least ``min_stay_share`` of its planned length; a zero-length stop stays one;
- a leg with a given arrival lasts at least ``distance_km / speed_kmh`` (rounded up to the
  minute, as the schedule computes it); a leg already planned up to 30 minutes faster (the
  schedule's tolerance) is never made faster than it was;
- a stay in the host's territory that was inside the agreement's term stays inside it.

Bounds are propagated along each itinerary (forward and backward over the links) before any
solver runs, so that a plan whose fixed times cannot be met is refused with the reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.core.units import fmt_minute, to_datetime

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: The schedule accepts a given arrival up to this much earlier than the planning speed allows
#: (planner.routing.schedule.SCHEDULE_TOLERANCE), in minutes.
SCHEDULE_TOLERANCE_MIN = 30.0
INF = math.inf


@dataclass
class Slot:
    """One effective time of the plan. ``given`` times are written in the plan (moving one is a
    change, and costs its shift); computed ones follow from the others."""

    owner: str
    owner_kind: str  # "asset" | "detachment"
    index: int  # position in plan.assets or plan.detachments
    call: int | None  # itinerary position (None for a detachment)
    field: str  # "arrive" | "depart" | "from" | "to"
    at: str
    orig: float  # minutes since Timeline.ref
    given: bool
    lo: float
    hi: float
    fixed: bool = False
    why_lo: str = ""
    why_hi: str = ""
    #: the rule a bound comes from in the end (``fixed: true on mumbai``, ``--max-shift-days``)
    root_lo: str = ""
    root_hi: str = ""

    @property
    def label(self) -> str:
        """``gorshkov arrive at visakhapatnam`` (what a message calls this time)."""
        return f"{self.owner} {self.field} at {self.at}"


@dataclass
class Link:
    """``t[b] - t[a] >= gap`` (``== gap`` when ``exact``), in minutes."""

    a: int
    b: int
    gap: float
    exact: bool
    why: str


@dataclass
class Stay:
    """A presence interval in a host's territory that counts against the caps: from slot
    ``start`` to slot ``end``. ``weights`` is what it adds to (warships, aircraft, personnel)."""

    host: str
    nation: str
    who: str
    at: str
    start: int
    end: int
    weights: tuple[int, int, int]


@dataclass
class Deadline:
    """A clearance to file by ``entry - lead``: ``sum(coef * t) >= rhs`` (minutes), with the
    finding it comes from."""

    coefs: dict[int, float]
    rhs: float
    message: str


@dataclass
class Timeline:
    """Everything ``relos resolve`` optimises over (see the module docstring)."""

    ref: dt.datetime
    slots: list[Slot] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    def minutes(self, t) -> float:
        """A time as minutes since ``ref``."""
        return (pd.Timestamp(t).to_pydatetime() - self.ref).total_seconds() / 60.0

    def time(self, minutes: float) -> dt.datetime:
        """Minutes since ``ref`` as a UTC datetime (to the second)."""
        return self.ref + dt.timedelta(seconds=round(minutes * 60))

    def fmt(self, minutes: float) -> str:
        return fmt_minute(self.time(minutes))


class Blocked(Exception):
    """No times within the limits satisfy the rules; ``reasons`` name what blocks."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def build_timeline(plan, schedule, *, max_shift_days: float, min_stay_share: float,
                   today: dt.datetime | None = None, clearances=()) -> Timeline:
    """The slots, links, stays and deadlines of ``plan`` (routed as ``schedule``).

    Parameters
    ----------
    plan : planner.Plan
    schedule : planner.routing.schedule.Schedule
    max_shift_days : float
        Largest shift of any one time, in days.
    min_stay_share : float
        Least share (0-1] of its planned length a stay keeps.
    today : datetime, optional
        With ``clearances`` (the plan's ``CLEARANCE`` findings): every file-by date must be on
        or after ``today``.
    """
    calls = schedule.calls
    times = pd.concat([calls["arrive"], calls["depart"]]).dropna()
    dets = [d.start for d in plan.detachments]
    first = min([pd.Timestamp(t) for t in times] + [pd.Timestamp(t) for t in dets]
                + [pd.Timestamp(plan.agreement.in_force)])
    ref = first.floor("D").to_pydatetime() - dt.timedelta(days=max_shift_days + 1)
    tl = Timeline(ref)
    shift = max_shift_days * 24 * 60
    ag = plan.agreement
    term = (tl.minutes(ag.in_force), tl.minutes(ag.term_end))
    leg_km = {(r.asset, r.seq): r.distance_km for r in schedule.legs.itertuples(index=False)}
    by_asset = {a: g.sort_values("seq") for a, g in calls.groupby("asset", sort=False)}
    slot_of: dict[tuple[str, int, str], int] = {}

    def add(slot: Slot) -> int:
        tl.slots.append(slot)
        return len(tl.slots) - 1

    for ai, asset in enumerate(plan.assets):
        rows = by_asset.get(asset.id)
        if rows is None:
            continue
        prev_d: int | None = None
        last = len(asset.itinerary) - 1
        for ci, (call, row) in enumerate(zip(asset.itinerary, rows.itertuples(index=False),
                                             strict=True)):
            fixed = bool(call.fixed)
            a_orig = tl.minutes(call.arrive if call.arrive is not None else row.arrive)
            d_orig = tl.minutes(call.depart if call.depart is not None else row.depart)
            a = add(Slot(asset.id, "asset", ai, ci, "arrive", call.at, a_orig,
                         call.arrive is not None, -INF, INF, fixed))
            d = add(Slot(asset.id, "asset", ai, ci, "depart", call.at, d_orig,
                         call.depart is not None, -INF, INF, fixed))
            slot_of[(asset.id, ci, "arrive")] = a
            slot_of[(asset.id, ci, "depart")] = d
            sa, sd = tl.slots[a], tl.slots[d]
            if ci > 0 or sa.given:
                _bound(sa, sa.orig, sa.orig + shift, "arrivals are only delayed",
                       f"--max-shift-days {max_shift_days:g}")
            else:
                _bound(sa, sa.orig - shift, sa.orig + shift,
                       f"--max-shift-days {max_shift_days:g}", f"--max-shift-days "
                       f"{max_shift_days:g}")
            open_ended = call.depart is None and ci == last and d_orig > a_orig
            if open_ended:
                _bound(sd, d_orig, d_orig, "an open-ended stay ends at the horizon",
                       "an open-ended stay ends at the horizon")
            else:
                _bound(sd, sd.orig - shift, sd.orig + shift, f"--max-shift-days "
                       f"{max_shift_days:g}", f"--max-shift-days {max_shift_days:g}")
            if fixed:
                for s in (sa, sd):
                    _bound(s, s.orig, s.orig, f"fixed: true on {call.at}",
                           f"fixed: true on {call.at}")
            # the stay
            length = d_orig - a_orig
            if not sa.given and ci == 0:
                tl.links.append(Link(a, d, 0.0, True, f"{asset.id} starts at {call.at}"))
            elif call.depart is None and not open_ended:
                tl.links.append(Link(a, d, 0.0, True, f"{asset.id} stops at {call.at}"))
            elif length <= 0:  # a zero-length stop stays one
                tl.links.append(Link(a, d, 0.0, True, f"{asset.id} stops at {call.at}"))
            else:
                keep = math.ceil(min_stay_share * length - 1e-9)
                tl.links.append(Link(a, d, float(keep), False,
                                     f"the stay of {asset.id} at {call.at} keeps "
                                     f"{min_stay_share:.0%} of its length"))
            # the leg into this call
            if ci > 0 and prev_d is not None:
                gap0 = a_orig - tl.slots[prev_d].orig
                km = leg_km.get((asset.id, ci))
                need = math.ceil(km / asset.speed_kmh * 60 - 1e-9) if km else 0.0
                why = (f"the leg of {asset.id} into {call.at} at its planning speed "
                       f"({asset.speed_kn:,.1f} kn)" if asset.kind == "warship" else
                       f"the leg of {asset.id} into {call.at} at its planning speed "
                       f"({asset.speed_kmh:,.0f} km/h)")
                if not sa.given:
                    tl.links.append(Link(prev_d, a, gap0, True, why))
                else:
                    if gap0 < need and gap0 >= need - SCHEDULE_TOLERANCE_MIN:
                        need = gap0  # already within the schedule's tolerance: no faster
                    tl.links.append(Link(prev_d, a, max(need, 0.0), False, why))
            # host stays count against the caps
            host = row.host if isinstance(row.host, str) else None
            if ag.counts_against(asset.nation, host) and length > 0:
                _bound(sa, term[0] if sa.orig >= term[0] else -INF, INF, "the agreement's term",
                       "")
                if d_orig <= term[1]:
                    _bound(sd, -INF, term[1], "", "the agreement's term")
                w = (int(asset.kind == "warship"), int(asset.kind == "aircraft"),
                     int(asset.crew))
                tl.stays.append(Stay(host, asset.nation, asset.id, call.at, a, d, w))
            prev_d = d

    for di, det in enumerate(plan.detachments):
        s0, e0 = tl.minutes(det.start), tl.minutes(det.end)
        s = add(Slot(det.id, "detachment", di, None, "from", det.at, s0, True, -INF, INF))
        e = add(Slot(det.id, "detachment", di, None, "to", det.at, e0, True, -INF, INF))
        _bound(tl.slots[s], s0, s0 + shift, "arrivals are only delayed",
               f"--max-shift-days {max_shift_days:g}")
        _bound(tl.slots[e], e0 - shift, e0 + shift, f"--max-shift-days {max_shift_days:g}",
               f"--max-shift-days {max_shift_days:g}")
        keep = math.ceil(min_stay_share * max(e0 - s0, 0) - 1e-9)
        tl.links.append(Link(s, e, float(keep), e0 <= s0,
                             f"the stay of {det.id} at {det.at} keeps {min_stay_share:.0%} of "
                             "its length"))
        host = det.place.country
        if ag.counts_against(det.nation, host) and e0 > s0:
            if s0 >= term[0]:
                _bound(tl.slots[s], term[0], INF, "the agreement's term", "")
            if e0 <= term[1]:
                _bound(tl.slots[e], -INF, term[1], "", "the agreement's term")
            tl.stays.append(Stay(host, det.nation, det.id, det.at, s, e, (0, 0, det.strength)))

    if today is not None:
        _add_deadlines(tl, schedule, clearances, today, slot_of)
    propagate(tl)
    return tl


def _bound(s: Slot, lo: float, hi: float, why_lo: str, why_hi: str) -> None:
    if lo > s.lo:
        s.lo, s.why_lo, s.root_lo = lo, why_lo, why_lo
    if hi < s.hi:
        s.hi, s.why_hi, s.root_hi = hi, why_hi, why_hi


def _add_deadlines(tl: Timeline, schedule, clearances, today: dt.datetime,
                   slot_of: dict) -> None:
    """One deadline row per ``CLEARANCE`` finding: the time it is about (a call's arrival, or
    the entry along a leg, a fixed share of the way from its departure to its arrival) less
    the lead time must not be before ``today``."""
    legs = schedule.legs
    today_min = tl.minutes(today)
    arrivals: dict[str, list[int]] = {}
    for (owner, _, fld), v in slot_of.items():
        if fld == "arrive":
            arrivals.setdefault(owner, []).append(v)
    for f in clearances:
        lead_min = float(f.extra.get("lead_days", 0)) * 24 * 60
        rhs = today_min + lead_min
        if f.leg is not None and 0 <= f.leg < len(legs):
            leg = legs.iloc[f.leg]
            d = slot_of.get((leg["asset"], int(leg["seq"]) - 1, "depart"))
            a = slot_of.get((leg["asset"], int(leg["seq"]), "arrive"))
            if d is None or a is None:
                continue
            total = (leg["arrive"] - leg["depart"]).total_seconds()
            share = ((pd.Timestamp(f.start) - leg["depart"]).total_seconds() / total
                     if total > 0 else 0.0)
            share = min(max(share, 0.0), 1.0)
            coefs = {d: 1.0 - share, a: share} if 0 < share < 1 else (
                {a: 1.0} if share >= 1 else {d: 1.0})
        else:
            start = tl.minutes(f.start)
            hits = [v for v in arrivals.get(f.assets[0] if f.assets else None, ())
                    if tl.slots[v].at == f.facility and abs(tl.slots[v].orig - start) < 1e-6]
            if not hits:
                continue
            coefs = {hits[0]: 1.0}
        tl.deadlines.append(Deadline(coefs, rhs, f.message))


def propagate(tl: Timeline, rounds: int | None = None) -> None:
    """Tighten every slot's bounds over the links until nothing changes; raise
    :class:`Blocked` when a slot's earliest time is after its latest."""
    slots = tl.slots
    rounds = rounds or (len(tl.links) + 2)
    for _ in range(rounds):
        changed = False
        for ln in tl.links:
            a, b = slots[ln.a], slots[ln.b]
            if a.lo + ln.gap > b.lo + 1e-9:
                _pass(b, "lo", a.lo + ln.gap, ln, a)
                changed = True
            if b.hi - ln.gap < a.hi - 1e-9:
                _pass(a, "hi", b.hi - ln.gap, ln, b)
                changed = True
            if ln.exact:
                if b.lo - ln.gap > a.lo + 1e-9:
                    _pass(a, "lo", b.lo - ln.gap, ln, b)
                    changed = True
                if a.hi + ln.gap < b.hi - 1e-9:
                    _pass(b, "hi", a.hi + ln.gap, ln, a)
                    changed = True
        bad = [s for s in slots if s.lo > s.hi + 1e-6]
        if bad:
            raise Blocked([_no_time(tl, s) for s in bad[:5]])
        if not changed:
            return


def _pass(s: Slot, side: str, value: float, ln: Link, src: Slot) -> None:
    """Set a bound passed along a link, saying why: the link, and the rule at its source."""
    root = getattr(src, f"root_{side}") or "the plan"
    setattr(s, side, value)
    setattr(s, f"why_{side}", f"{ln.why}, with {src.label} bound by {root}")
    setattr(s, f"root_{side}", root)


def _no_time(tl: Timeline, s: Slot) -> str:
    return (f"no time works for {s.label}: it cannot be before {tl.fmt(s.lo)} "
            f"({s.why_lo or 'the plan'}) nor after {tl.fmt(s.hi)} ({s.why_hi or 'the plan'})")


def slot_time(tl: Timeline, value: float) -> dt.datetime:
    """A solver value (minutes) as a datetime rounded to the minute."""
    return to_datetime(tl.time(round(value)))


def components(tl: Timeline) -> np.ndarray:
    """A component label per slot: slots are together when a link joins them (one asset's
    itinerary, one detachment) or when they belong to stays of one party in one host whose
    windows (earliest start to latest end, within the bounds) overlap. Different components
    never interact: each is a problem of its own."""
    n = len(tl.slots)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for ln in tl.links:
        union(ln.a, ln.b)
    for d in tl.deadlines:
        first = next(iter(d.coefs))
        for v in d.coefs:
            union(first, v)
    groups: dict[tuple[str, str], list] = {}
    for s in tl.stays:
        groups.setdefault((s.host, s.nation), []).append(s)
    for stays in groups.values():
        wins = sorted((tl.slots[s.start].lo, tl.slots[s.end].hi, s.start) for s in stays)
        head, reach = None, -INF
        for lo, hi, start in wins:
            if head is not None and lo < reach:
                union(head, start)
                reach = max(reach, hi)
            else:
                head, reach = start, hi
    return np.array([find(i) for i in range(n)])


def boxed(tl: Timeline, box_min: float, free: np.ndarray, values: np.ndarray) -> Timeline:
    """A copy of ``tl`` where the ``free`` slots may move at most ``box_min`` minutes from
    where the plan has them and every other slot is held at ``values``; bounds propagated
    again (raises :class:`Blocked` when the box is too small)."""
    slots = []
    for i, s in enumerate(tl.slots):
        c = dataclasses.replace(s)
        if free[i]:
            _bound(c, s.orig - box_min, s.orig + box_min, "the search box", "the search box")
        else:
            c.lo = c.hi = float(values[i])
        slots.append(c)
    out = Timeline(tl.ref, slots, tl.links, tl.stays, tl.deadlines)
    propagate(out)
    return out
