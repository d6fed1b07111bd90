"""Checks on legs: range and refuelling stops, NSR ice rules, third-country airspace and
territorial seas, and the clearances they call for."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .catalogue import Place, facilities, resolve_place
from .findings import Finding


def _ts(t) -> dt.datetime:
    return t.to_pydatetime() if isinstance(t, pd.Timestamp) else t


def refuel_candidates(plan, nation: str, kind: str) -> dict[str, Place]:
    """Places where an asset of ``nation`` may refuel: its own facilities, the partner's under
    the agreement, and the plan's ``friendly`` list; ports for warships, air bases for
    aircraft."""
    want = "port" if kind == "warship" else "airbase"
    partner = plan.agreement.partner_of(nation)
    allowed = {nation} | ({partner} if partner else set())
    out: dict[str, Place] = {}
    cat = facilities(kind=want)
    for fid, country in zip(cat["id"], cat["country"], strict=True):
        if country in allowed:
            out[fid] = resolve_place(fid)
    for fid, place in plan.facilities.items():
        if place.kind == want and place.country in allowed:
            out[fid] = place
    for fid in plan.friendly:
        place = resolve_place(fid, plan.facilities)
        if place.kind in (want, "point", "sea_area") or fid in plan.facilities:
            out[fid] = place
    return out


def range_findings(plan, schedule) -> list[Finding]:
    """``RANGE`` for legs longer than the asset's unrefuelled range, naming the fewest
    refuelling stops (then the shortest extra distance) that would make the leg."""
    from .legs import route_leg
    from .refuel import fewest_stops

    out = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.distance_km <= leg.range_km:
            continue
        asset = by_id[leg.asset]
        call_from = asset.itinerary[leg.seq - 1]
        call_to = asset.itinerary[leg.seq]
        unit = "nm" if leg.mode == "sea" else "km"
        scale = 1 / 1.852 if unit == "nm" else 1.0
        need = leg.distance_km * scale
        have = leg.range_km * scale
        candidates = refuel_candidates(plan, asset.nation, asset.kind)

        def route_fn(a: Place, b: Place, _asset=asset, _call=call_to):
            return route_leg(_asset, a, b, when=None, avoid=_call.avoid, deny=_call.deny)

        # geodesic_bound: skip hopeless pairs unrouted (issue 7: deny detours for every
        # candidate pair took minutes)
        stops = fewest_stops(call_from.place, call_to.place, leg.range_km, candidates,
                             route_fn, geodesic_bound=True)
        if stops is None:
            fix = ("no chain of refuelling stops at places this nation may use (own, partner, "
                   "plan's friendly list) makes it; add a friendly port/base or a tanker")
        else:
            ids, total_km = stops
            fix = (f"refuel at {', '.join(ids)} ({len(ids)} stop{'s' if len(ids) != 1 else ''}"
                   f", {total_km * scale:,.0f} {unit} in all, "
                   f"+{(total_km - leg.distance_km) * scale:,.0f} {unit})")
        out.append(Finding(
            "RANGE", "error",
            f"{leg.asset}: {call_from.at} -> {call_to.at} is {need:,.0f} {unit}, beyond its "
            f"range of {have:,.0f} {unit}; {fix}",
            nation=leg.nation, start=_ts(leg.depart), end=_ts(leg.arrive),
            value=round(need, 1), limit=round(have, 1), assets=[leg.asset], leg=i,
            extra={"stops": list(stops[0]) if stops else None}))
    return out


def leg_findings(plan, schedule, register=None) -> list[Finding]:
    """Every per-leg check; ``register`` overrides the clearance register."""
    from .crossing_checks import crossing_findings
    from .nsr_checks import nsr_findings

    return (range_findings(plan, schedule) + nsr_findings(plan, schedule, register)
            + crossing_findings(plan, schedule, register))
