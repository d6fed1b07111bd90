"""Northern Sea Route checks on warship legs: ``NSR_ICE`` when a leg sails an NSR sea whose
ice rules do not admit the ship's class in a month it would be there (an error), or when the
rules sent the leg another way than its shortest route (a warning saying how much longer);
and the ``CLEARANCE`` a foreign warship needs before transiting the NSR.

The test of admissibility is :func:`planner.layers.nsr.closures` at the leg's own timing
(departure, ``sail_kmh``), the same the router applied when it routed the leg."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from planner.checks.crossings import clearance_finding
from planner.checks.registry import CheckContext, register
from planner.layers.nsr import closures, sea_name, sea_runs
from planner.model.findings import Finding
from planner.routing.schedule import sea_options
from planner.routing.sea import NoSeaRoute, sea_decision


def sea_entries(route, depart: dt.datetime, speed_kmh: float) -> list[tuple[str, dt.datetime]]:
    """Each NSR sea the route enters, in order, with the time the ship gets there at a
    constant ``speed_kmh`` from ``depart``."""
    return [(run.sea, depart + dt.timedelta(hours=run.start_km / speed_kmh))
            for run in sea_runs(route)]


def _where(closed) -> str:
    return "; ".join(f"{sea_name(c.sea)} in {calendar.month_name[c.month]} ({c.when:%Y-%m-%d})"
                     + (" (only under icebreaker escort)" if c.rule == "escort" else "")
                     for c in closed)


def _escort_hint(closed, escort: bool) -> str:
    if escort or not any(c.rule == "escort" for c in closed):
        return ""
    return ("; with `escort: icebreaker` on this call, seas the rules open to it under escort "
            "would be admissible")


def nsr_findings(plan, schedule, register=None) -> list[Finding]:
    """NSR_ICE and NSR-transit CLEARANCE findings for every warship leg through the NSR (or
    kept out of it by the ice rules)."""
    out: list[Finding] = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.kind != "warship":
            continue
        asset = by_id[leg.asset]
        frm, to = asset.itinerary[leg.seq - 1], asset.itinerary[leg.seq]
        depart = pd.Timestamp(leg.depart).to_pydatetime()
        arrive = pd.Timestamp(leg.arrive).to_pydatetime()
        escort = to.escort is not None
        bad = closures(leg.route, asset.ice_class, depart, leg.sail_kmh, escort)
        try:
            decision = sea_decision(frm.place, to.place, **sea_options(
                asset, when=depart, avoid=to.avoid, waters=to.waters, escort=to.escort))
        except (NoSeaRoute, ValueError):
            decision = None
        if bad:
            alt = decision.route if decision is not None else None
            same = alt is not None and alt.passages == tuple(leg.passages) and abs(
                alt.distance_km - leg.distance_km) < 1e-6
            if alt is not None and not same and not closures(
                    alt, asset.ice_class, depart, asset.speed_kmh, escort):
                extra_days = (alt.distance_km - leg.distance_km) / asset.speed_kmh / 24
                via = ", ".join(p for p in alt.passages) or "open water"
                alt_text = (f"the best alternative avoiding the NSR is {alt.distance_nm:,.0f} nm "
                            f"via {via} ({alt.distance_nm - leg.distance_nm:+,.0f} nm, "
                            f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn)")
                alt_extra = {"alternative_nm": round(alt.distance_nm, 1),
                             "alternative_passages": list(alt.passages)}
            else:
                alt_text, alt_extra = "no route avoiding the NSR exists", {}
            out.append(Finding(
                "NSR_ICE", "error",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} would sail "
                f"the {_where(bad)}: the NSR rules do not permit that ice class there then; "
                f"{alt_text}{_escort_hint(bad, escort)}",
                nation=leg.nation, start=bad[0].when, end=arrive, assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in bad], **alt_extra}))
        elif (decision is not None and decision.rerouted
              and tuple(leg.passages) == decision.route.passages
              and abs(leg.distance_km - decision.route.distance_km) < 1e-6):
            short = decision.shortest
            extra_days = (leg.distance_km - short.distance_km) / asset.speed_kmh / 24
            out.append(Finding(
                "NSR_ICE", "warning",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} is routed via "
                f"{', '.join(leg.passages) or 'by open water'} ({leg.distance_nm:,.0f} nm): "
                f"the NSR ({short.distance_nm:,.0f} nm) is closed to it in the "
                f"{_where(decision.closed)}; {leg.distance_nm - short.distance_nm:+,.0f} nm, "
                f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn"
                f"{_escort_hint(decision.closed, escort)}",
                nation=leg.nation, start=decision.closed[0].when, end=arrive,
                assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in decision.closed], "rerouted": True,
                       "nsr_nm": round(short.distance_nm, 1)}))
        entries = sea_entries(leg.route, depart, leg.sail_kmh)
        if entries and leg.nation != "RUS":
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
