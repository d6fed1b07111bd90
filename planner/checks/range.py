"""Checks on legs: range and refuelling stops, NSR ice rules, third-country airspace and
territorial seas, and the clearances they call for."""

from __future__ import annotations

from planner.checks.registry import CheckContext, register
from planner.core.units import KM_PER_NM, to_datetime
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.model.findings import Finding
from planner.routing.refuel import fewest_stops
from planner.routing.schedule import route_leg


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
    out = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.distance_km <= leg.range_km:
            continue
        asset = by_id[leg.asset]
        call_from = asset.itinerary[leg.seq - 1]
        call_to = asset.itinerary[leg.seq]
        unit = "nm" if leg.mode == "sea" else "km"
        scale = 1 / KM_PER_NM if unit == "nm" else 1.0
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
            nation=leg.nation, start=to_datetime(leg.depart), end=to_datetime(leg.arrive),
            value=round(need, 1), limit=round(have, 1), unit=unit, assets=[leg.asset], leg=i,
            extra={"stops": list(stops[0]) if stops else None}))
    return out


@register("schedule")
def schedule_check(ctx: CheckContext) -> list[Finding]:
    """``SCHEDULE``: the timing problems found while the schedule was built."""
    return list(ctx.schedule.findings)


@register("range")
def range_check(ctx: CheckContext) -> list[Finding]:
    """``RANGE``."""
    return range_findings(ctx.plan, ctx.schedule)
