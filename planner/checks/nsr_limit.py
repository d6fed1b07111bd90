"""Russian law for foreign warships in the NSR's internal waters (Federal Law 155-FZ art. 14.3,
added by Federal Law No. 510-FZ of 5 Dec 2022; geodata/SOURCES.md): a ``CLEARANCE`` for each
foreign warship's entry (permission requested through diplomatic channels at least 90 days
ahead, along a set route, with compulsory pilotage), and ``NSR_LIMIT`` when two or more foreign
warships would be in those waters at once (the law allows one at a time).

A leg is taken to be in the NSR's internal waters from its first entry into an NSR area to its
last exit: the NSR's straits (Kara Gate, Vilkitsky, Sannikov, Dmitry Laptev) lie inside the
straight baselines Russia drew in 1985, so a passage of the route uses them (an approximation:
a track wholly north of the islands may stay outside; the planner does not split that out).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pandas as pd

from planner.checks.crossings import clearance_finding
from planner.checks.registry import CheckContext, register
from planner.core.units import fmt_minute, to_datetime
from planner.layers.nsr import sea_runs
from planner.model.findings import Finding

COASTAL_STATE = "RUS"
#: at most one foreign warship (or other state vessel) at a time (155-FZ art. 14.3, 510-FZ)
MAX_FOREIGN_WARSHIPS = 1
CONDITIONS = ("510-FZ: permission through diplomatic channels, a set route, compulsory "
              "pilotage by a Russian pilot, at most one foreign warship in the NSR's internal "
              "waters at a time, submarines surfaced and flagged")


class Window(NamedTuple):
    """A foreign warship's time in the NSR's internal waters on one leg."""

    asset: str
    nation: str
    leg: int
    start: dt.datetime
    end: dt.datetime
    what: str


def windows(plan, schedule) -> list[Window]:
    """Each foreign (non-Russian) warship leg through the NSR: entry and exit times at the
    leg's sailing speed."""
    out: list[Window] = []
    legs = schedule.legs
    if not len(legs):
        return out
    cols = [legs[c].tolist() for c in ("kind", "nation", "mode", "route")]
    runs_of: dict[int, list] = {}  # per route object: legs of a template share theirs
    more = None  # the other columns, read at the first leg through the NSR
    for i, (kind, nation, mode, route) in enumerate(zip(*cols, strict=True)):
        if kind != "warship" or nation == COASTAL_STATE or mode != "sea":
            continue
        runs = runs_of.get(id(route))
        if runs is None:
            runs = runs_of[id(route)] = sea_runs(route)
        if not runs:
            continue
        if more is None:
            more = [legs["depart"].array] + [legs[c].tolist()
                                            for c in ("sail_kmh", "asset", "from", "to")]
        departs, sail_kmh, assets, froms, tos = more
        depart = pd.Timestamp(departs[i]).to_pydatetime()
        start = depart + dt.timedelta(hours=runs[0].start_km / sail_kmh[i])
        end = depart + dt.timedelta(hours=runs[-1].end_km / sail_kmh[i])
        out.append(Window(assets[i], nation, i, start, end, f"{froms[i]} -> {tos[i]}"))
    return out


def counted(agreement, nation: str) -> bool:
    """Whether a foreign warship of ``nation`` counts towards the limit: always, unless the
    agreement says the partner's do not (``nsr_limit_counts_partner: false``)."""
    if getattr(agreement, "nsr_limit_counts_partner", True):
        return True
    return not (nation in agreement.parties and COASTAL_STATE in agreement.parties)


def limit_findings(wins: list[Window], agreement) -> list[Finding]:
    """``NSR_LIMIT`` for each maximal interval with more than one counted foreign warship in
    the NSR's internal waters, with the peak and the warships present at the peak."""
    wins = [w for w in wins if counted(agreement, w.nation)]
    events = sorted([(w.start, 1, w) for w in wins] + [(w.end, -1, w) for w in wins],
                    key=lambda e: (e[0], e[1]))  # an exit before an entry at the same instant
    out: list[Finding] = []
    present: dict[int, Window] = {}
    span_start, peak, at_peak = None, 0, []
    for when, step, w in events:
        if step > 0:
            present[id(w)] = w
        else:
            present.pop(id(w), None)
        n = len(present)
        if n > MAX_FOREIGN_WARSHIPS and span_start is None:
            span_start, peak, at_peak = when, 0, []
        if span_start is not None and n > peak:  # by asset id: the plan's order never matters
            peak, at_peak = n, sorted(present.values(), key=lambda x: (x.asset, x.leg))
        if span_start is not None and n <= MAX_FOREIGN_WARSHIPS:
            names = ", ".join(f"{x.asset} ({x.nation})" for x in at_peak)
            out.append(Finding(
                "NSR_LIMIT", "error",
                f"{peak} foreign warships would be in the NSR's internal waters at once from "
                f"{fmt_minute(span_start)} to {fmt_minute(when)} ({names}): Russian law allows "
                f"{MAX_FOREIGN_WARSHIPS} at a time (Federal Law 155-FZ art. 14.3, 510-FZ of "
                "5 Dec 2022); stagger the passages"
                + ("" if getattr(agreement, "nsr_limit_counts_partner", True) else
                   " (the agreement exempts the partner's warships)"),
                host=COASTAL_STATE, nation=at_peak[0].nation, start=to_datetime(span_start),
                end=to_datetime(when), value=peak, limit=MAX_FOREIGN_WARSHIPS, unit="count",
                assets=sorted({x.asset for x in at_peak}), leg=at_peak[0].leg,
                extra={"nations": sorted({x.nation for x in at_peak})}))
            span_start = None
    return out


def nsr_law_findings(plan, schedule, register=None) -> list[Finding]:
    """The 510-FZ ``CLEARANCE`` per foreign warship leg through the NSR, and ``NSR_LIMIT``."""
    wins = windows(plan, schedule)
    out = []
    for w in wins:
        c = clearance_finding(COASTAL_STATE, "warship", "nsr_transit", w.start,
                              nation=w.nation, asset=w.asset,
                              what=f"entry into the NSR's internal waters on {w.what}",
                              register=register, leg=w.leg,
                              conditions=CONDITIONS)
        if c:
            out.append(c)
    return out + limit_findings(wins, plan.agreement)


@register("nsr-law")
def nsr_law_check(ctx: CheckContext) -> list[Finding]:
    """510-FZ ``CLEARANCE`` and ``NSR_LIMIT``."""
    return nsr_law_findings(ctx.plan, ctx.schedule, ctx.register)
