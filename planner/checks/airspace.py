"""``OVERFLIGHT`` warnings for aircraft legs routed round airspace closed to their nation by
NOTAM (:mod:`planner.layers.airspace_closures`: Pakistan's to Indian aircraft since 24 Apr
2025): the leg is routed round the closed country (:func:`planner.routing.schedule.route_leg`)
and the warning says so, with the way over it and the detour, so that a planner who expects the
direct way sees why the leg is longer and which countries it crosses instead.
``extra``: ``rule`` (the closure's key), ``closed_by`` (its country), ``direct_km`` and
``routed_km``, ``source``.
"""

from __future__ import annotations

import numpy as np

from planner.checks.registry import CheckContext, register
from planner.core.units import to_datetime
from planner.layers.airspace_closures import air_closures, closed_to
from planner.layers.countries import country_name
from planner.model.findings import Finding
from planner.routing.air import air_route


def airspace_findings(plan, schedule) -> list[Finding]:
    """A warning for every aircraft leg whose direct way (the call's own ``deny`` only) would
    cross a country closed to its nation at its departure."""
    legs = schedule.legs
    if not len(legs):
        return []
    by_id = {a.id: a for a in plan.assets}
    rows = np.flatnonzero(legs["kind"].to_numpy() == "aircraft")
    if not len(rows) or not air_closures():
        return []
    sub = legs.iloc[rows]
    cols = [sub[c].tolist() for c in ("asset", "seq", "depart", "arrive", "route")]
    memo: dict[tuple, tuple] = {}
    out: list[Finding] = []
    for i, aid, seq, depart, arrive, route in zip(rows.tolist(), *cols, strict=True):
        asset = by_id[aid]
        when = to_datetime(depart)
        shut, _, _ = closed_to(asset.nation, when)
        if not shut:
            continue
        frm, to = asset.itinerary[seq - 1], asset.itinerary[seq]
        key = (id(frm.place), id(to.place), tuple(to.deny), shut)
        if key not in memo:
            try:
                direct = air_route(frm.place, to.place, deny=to.deny)
            except ValueError:
                direct = None
            over = [c for c in shut if direct is not None and c.country in direct.countries]
            memo[key] = (direct, over)
        direct, over = memo[key]
        for c in over:
            via = [x for x in route.countries if x not in (frm.place.country, to.place.country)]
            out.append(Finding(
                "OVERFLIGHT", "warning",
                f"{asset.id} ({asset.nation}) on {frm.at} -> {to.at} is routed round "
                f"{c.country} ({country_name(c.country)}): {c.text}; "
                f"{route.distance_km:,.0f} km ({route.distance_nm:,.0f} nm)"
                f"{' via ' + ', '.join(via) if via else ''} instead of "
                f"{direct.distance_km:,.0f} km over it "
                f"({route.distance_km - direct.distance_km:+,.0f} km); to keep out of others "
                "too, give the call `deny`",
                host=c.country, nation=asset.nation, start=when, end=to_datetime(arrive),
                assets=[asset.id], leg=i, facility=to.at,
                extra={"rule": c.rule, "closed_by": c.country,
                       "direct_km": round(direct.distance_km, 1),
                       "routed_km": round(route.distance_km, 1), "source": c.source}))
    return out


@register("airspace")
def airspace_check(ctx: CheckContext) -> list[Finding]:
    """``OVERFLIGHT`` warnings for airspace closed by NOTAM."""
    return airspace_findings(ctx.plan, ctx.schedule)


__all__ = ["airspace_findings"]
