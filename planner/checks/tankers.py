"""In-flight refuelling (CONTRACT section 1, ``refuel_by``): which tankers of the plan top up
an aircraft on a leg, and which of them the plan has to offer when a leg is out of range.

A tanker refuels a receiver on a leg when it flies **the same leg at the same time**: the same
two places, leaving within :data:`SAME_TIME` of the receiver (a planning rule: the pair must
meet soon after take-off; tankers that follow hours later cannot). Each such tanker allows one
full top-up, so the receiver's range on that leg is ``range_km * (1 + tankers)``. The tanker's
own leg is checked like any other (``RANGE`` if it is beyond its range); the fuel it gives is
not taken off its own range (a limit of this model: give the tanker's range net of the
offload).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from planner.core.units import fmt_minute

#: How far apart a tanker and its receiver may leave and still fly the leg together.
SAME_TIME = dt.timedelta(hours=1)


def plan_tankers(plan) -> set[str]:
    """The aircraft the plan names as tankers (in any call's ``refuel_by``)."""
    return {t for a in plan.assets for c in a.itinerary for t in c.refuel_by}


def _legs_of(schedule, asset: str) -> pd.DataFrame:
    legs = schedule.legs
    return legs[legs["asset"] == asset]


def flies_with(schedule, tanker: str, frm: str, to: str, depart, receiver: str) -> str | None:
    """None when ``tanker`` flies ``frm -> to`` leaving within :data:`SAME_TIME` of
    ``depart`` (the receiver's departure), else why not."""
    mine = _legs_of(schedule, tanker)
    same = mine[(mine["from"].to_numpy() == frm) & (mine["to"].to_numpy() == to)]
    if not len(same):
        return f"{tanker} does not fly {frm} -> {to}"
    gap = (same["depart"] - pd.Timestamp(depart)).abs()
    best = same.loc[gap.idxmin()]
    if gap.min() > pd.Timedelta(SAME_TIME):
        return (f"{tanker} leaves {frm} at {fmt_minute(best['depart'])}, "
                f"{gap.min().total_seconds() / 3600:,.1f} h from {receiver}")
    return None


def topups(schedule, frm: str, to: str, depart, receiver: str,
           refuel_by: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """``(tankers that refuel the receiver on this leg, why each other listed one cannot)``."""
    ok, why = [], []
    for tanker in refuel_by:
        reason = flies_with(schedule, tanker, frm, to, depart, receiver)
        (why.append(reason) if reason else ok.append(tanker))
    return ok, why


def tanker_advice(plan, schedule, frm: str, to: str, depart, receiver: str, nation: str,
                  distance_km: float, range_km: float) -> str:
    """A RANGE finding's in-flight suggestion: the plan's tankers of the receiver's nation
    that fly this leg at the same time (enough of them for the distance), or those that could
    be tasked to; '' when the plan has none."""
    by_id = {a.id: a for a in plan.assets}
    mine = sorted(t for t in plan_tankers(plan) if t in by_id and by_id[t].nation == nation
                  and t != receiver)
    if not mine:
        return ""
    need = max(1, math.ceil(distance_km / range_km) - 1)
    along = [t for t in mine if flies_with(schedule, t, frm, to, depart, receiver) is None]
    if len(along) >= need:
        names = ", ".join(along[:need])
        return (f"; or refuel in flight: `refuel_by: [{names}]` on this call "
                f"({need} top-up{'s' if need > 1 else ''} of {range_km:,.0f} km)")
    return (f"; or refuel in flight: the plan's tanker{'s' if len(mine) > 1 else ''} "
            f"{', '.join(mine)} would have to fly {frm} -> {to} with it "
            f"({need} top-up{'s' if need > 1 else ''} needed)")


class TankerIndex:
    """:func:`topups` and :func:`tanker_advice` for many legs of one schedule: the legs of
    each asset and the plan's tankers are indexed once (issue 16), not filtered per leg."""

    def __init__(self, plan, schedule):
        self.plan = plan
        self.schedule = schedule
        self._tankers: set[str] | None = None
        self._legs: dict[str, pd.DataFrame] | None = None
        self._nation = {a.id: a.nation for a in plan.assets}

    def _legs_of(self, asset: str) -> pd.DataFrame:
        if self._legs is None:
            legs = self.schedule.legs
            self._legs = {k: g for k, g in legs.groupby("asset", sort=False)}
        return self._legs.get(asset, self.schedule.legs.iloc[:0])

    def flies_with(self, tanker: str, frm: str, to: str, depart, receiver: str) -> str | None:
        """:func:`flies_with` on the index."""
        mine = self._legs_of(tanker)
        same = mine[(mine["from"].to_numpy() == frm) & (mine["to"].to_numpy() == to)]
        if not len(same):
            return f"{tanker} does not fly {frm} -> {to}"
        gap = (same["depart"] - pd.Timestamp(depart)).abs()
        best = same.loc[gap.idxmin()]
        if gap.min() > pd.Timedelta(SAME_TIME):
            return (f"{tanker} leaves {frm} at {fmt_minute(best['depart'])}, "
                    f"{gap.min().total_seconds() / 3600:,.1f} h from {receiver}")
        return None

    def topups(self, frm: str, to: str, depart, receiver: str,
               refuel_by: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """:func:`topups` on the index."""
        ok, why = [], []
        for tanker in refuel_by:
            reason = self.flies_with(tanker, frm, to, depart, receiver)
            (why.append(reason) if reason else ok.append(tanker))
        return ok, why

    def advice(self, frm: str, to: str, depart, receiver: str, nation: str,
               distance_km: float, range_km: float) -> str:
        """:func:`tanker_advice` on the index."""
        if self._tankers is None:
            self._tankers = plan_tankers(self.plan)
        mine = sorted(t for t in self._tankers if self._nation.get(t) == nation
                      and t != receiver)
        if not mine:
            return ""
        need = max(1, math.ceil(distance_km / range_km) - 1)
        along = [t for t in mine if self.flies_with(t, frm, to, depart, receiver) is None]
        if len(along) >= need:
            names = ", ".join(along[:need])
            return (f"; or refuel in flight: `refuel_by: [{names}]` on this call "
                    f"({need} top-up{'s' if need > 1 else ''} of {range_km:,.0f} km)")
        return (f"; or refuel in flight: the plan's tanker{'s' if len(mine) > 1 else ''} "
                f"{', '.join(mine)} would have to fly {frm} -> {to} with it "
                f"({need} top-up{'s' if need > 1 else ''} needed)")
