"""Northern Sea Route checks on warship legs: ``NSR_ICE`` when the ice class may not sail an
NSR sea in the month the ship would be there, and the ``CLEARANCE`` a foreign warship needs
before transiting the NSR."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from planner.checks.crossings import clearance_finding
from planner.checks.registry import CheckContext, register
from planner.layers.geodesy import GEOD
from planner.layers.nsr import permitted, sea_name, segment_seas
from planner.model.findings import Finding
from planner.routing.sea import NoSeaRoute, sea_route


def sea_entries(route, depart: dt.datetime, speed_kmh: float) -> list[tuple[str, dt.datetime]]:
    """Each NSR sea the route enters, in order, with the time the ship gets there at a
    constant ``speed_kmh`` from ``depart``."""
    lons, lats = np.asarray(route.lons, float), np.asarray(route.lats, float)
    if lons.size < 2:
        return []
    seas = segment_seas(lons, lats)
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    start_km = np.concatenate([[0.0], np.cumsum(d)[:-1] / 1000.0])
    out: list[tuple[str, dt.datetime]] = []
    prev = ""
    for sea, km in zip(seas, start_km, strict=True):
        if sea and sea != prev:
            out.append((sea, depart + dt.timedelta(hours=float(km) / speed_kmh)))
        prev = sea
    return out


def nsr_findings(plan, schedule, register=None) -> list[Finding]:
    """NSR_ICE and NSR-transit CLEARANCE findings for every warship leg through the NSR."""
    out: list[Finding] = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.kind != "warship":
            continue
        depart = pd.Timestamp(leg.depart).to_pydatetime()
        arrive = pd.Timestamp(leg.arrive).to_pydatetime()
        hours = (arrive - depart).total_seconds() / 3600
        speed = leg.distance_km / hours if hours > 0 else leg.speed_kmh
        entries = sea_entries(leg.route, depart, speed)
        if not entries:
            continue
        asset = by_id[leg.asset]
        frm, to = asset.itinerary[leg.seq - 1], asset.itinerary[leg.seq]
        bad = [(sea, t) for sea, t in entries if not permitted(asset.ice_class, sea, t.month)]
        if bad:
            where = "; ".join(f"{sea_name(s)} in {calendar.month_name[t.month]} "
                              f"({t:%Y-%m-%d})" for s, t in bad)
            try:
                alt = sea_route(frm.place, to.place, avoid=tuple(frm.avoid) + tuple(to.avoid)
                                + ("nsr",))
                extra_days = (alt.distance_km - leg.distance_km) / leg.speed_kmh / 24
                via = ", ".join(p for p in alt.passages if p not in ("nsr",)) or "open water"
                alt_text = (f"the best alternative avoiding the NSR is {alt.distance_nm:,.0f} nm "
                            f"via {via} (+{alt.distance_nm - leg.distance_nm:,.0f} nm, "
                            f"+{extra_days:,.1f} days at {asset.speed_kn:,.0f} kn)")
                alt_extra = {"alternative_nm": round(alt.distance_nm, 1),
                             "alternative_passages": list(alt.passages)}
            except NoSeaRoute:
                alt_text, alt_extra = "no route avoiding the NSR exists", {}
            out.append(Finding(
                "NSR_ICE", "error",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} would sail "
                f"the {where}: the NSR rules do not permit that ice class there then; "
                f"{alt_text}",
                nation=leg.nation, start=bad[0][1], end=arrive, assets=[leg.asset], leg=i,
                extra={"seas": [s for s, _ in bad], **alt_extra}))
        if leg.nation != "RUS":
            c = clearance_finding("RUS", "warship", "nsr_transit", entries[0][1],
                                  nation=leg.nation, asset=leg.asset,
                                  what=f"Northern Sea Route transit on {frm.at} -> {to.at}",
                                  register=register, leg=i)
            if c:
                out.append(c)
    return out


@register("nsr")
def nsr_check(ctx: CheckContext) -> list[Finding]:
    """``NSR_ICE`` and the NSR ``CLEARANCE``."""
    return nsr_findings(ctx.plan, ctx.schedule, ctx.register)
