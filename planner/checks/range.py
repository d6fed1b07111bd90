"""Checks on legs: ``SCHEDULE`` (timing found while routing) and ``RANGE`` (legs longer than
the asset's unrefuelled range, with the refuelling stops that would make them).

A refuelling chain is routed exactly as the leg itself (:func:`~planner.routing.schedule.
route_leg` with the leg's call options: ``avoid``, ``deny``, ``waters``, ``escort``; each hop
leaving at the time the asset gets there at its planning speed from the leg's departure, so
that the NSR ice rules judge every hop when it is sailed). Candidates are resolved places
(catalogue, plan facilities, ``"lat,lon"`` points). When the places the nation may use make no
chain, the advice names the third-country ports or bases that, added to ``friendly``, would.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.checks.tankers import tanker_advice, topups
from planner.core.units import KM_PER_NM, fmt_minute, iso_z, to_datetime
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.layers.register import file_by, lead_days
from planner.model.findings import Finding
from planner.routing.refuel import Chain, chains
from planner.routing.schedule import route_leg

#: Most refuelling stops a RANGE finding proposes.
MAX_STOPS = 4


def _kind_of(asset_kind: str) -> str:
    return "port" if asset_kind == "warship" else "airbase"


def refuel_candidates(plan, nation: str, kind: str) -> dict[str, Place]:
    """Places where an asset of ``nation`` may refuel: its own facilities, the partner's under
    the agreement, and the plan's ``friendly`` list (plan facilities and ``"lat,lon"`` points
    included); ports for warships, air bases for aircraft. Id -> resolved Place."""
    want = _kind_of(kind)
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
            out[place.id] = place
    return out


def third_country_candidates(plan, nation: str, kind: str,
                             usable: dict[str, Place]) -> list[Place]:
    """Third-country ports (warships) or air bases (aircraft), in the catalogue or the plan,
    that are not usable today: what adding to ``friendly`` could open."""
    want = _kind_of(kind)
    partner = plan.agreement.partner_of(nation)
    parties = {nation} | ({partner} if partner else set())
    out: dict[str, Place] = {}
    cat = facilities(kind=want)
    for fid, country in zip(cat["id"], cat["country"], strict=True):
        if fid not in usable and isinstance(country, str) and country not in parties:
            out[fid] = resolve_place(fid)
    for fid, place in plan.facilities.items():
        if (fid not in usable and place.kind == want and place.country
                and place.country not in parties):
            out[fid] = place
    return list(out.values())


def hop_router(asset, call_to, depart: dt.datetime):
    """``hop_fn`` for :func:`~planner.routing.refuel.chains`: a hop routed as the leg into
    ``call_to`` is, leaving when the asset gets ``after_km`` along at its planning speed."""
    def hop(a: Place, b: Place, after_km: float):
        when = depart + dt.timedelta(hours=after_km / asset.speed_kmh)
        return route_leg(asset, a, b, when=when, avoid=call_to.avoid, deny=call_to.deny,
                         waters=call_to.waters, escort=call_to.escort, hop=True)
    return hop


def stop_clearances(chain: Chain, asset, depart: dt.datetime, register=None) -> list[dict]:
    """The port-call (warships) or landing (aircraft) clearance each stop of a chain needs
    outside the asset's own territory: country, event, authority, lead days, the time the
    asset gets there at its planning speed and the file-by date."""
    event = "port_call" if asset.kind == "warship" else "landing"
    out = []
    for stop, km in zip(chain.stops, chain.arrive_km(), strict=True):
        if not stop.country or stop.country == asset.nation:
            continue
        days, row = lead_days(stop.country, asset.kind, event, register)
        if not days or days <= 0:
            continue
        arrive = depart + dt.timedelta(hours=km / asset.speed_kmh)
        out.append({"stop": stop.id, "country": stop.country, "event": event,
                    "lead_days": int(days), "authority": str(row["authority"]),
                    "arrive": iso_z(arrive), "file_by": iso_z(file_by(arrive, days))})
    return out


def _chain_text(chain: Chain, leg_km: float, scale: float, unit: str) -> str:
    n = len(chain.stops)
    return (f"{', '.join(chain.stop_ids)} ({n} stop{'s' if n != 1 else ''}, "
            f"{chain.distance_km * scale:,.0f} {unit} in all, "
            f"{(chain.distance_km - leg_km) * scale:+,.0f} {unit})")


def _clearance_text(rows: list[dict]) -> str:
    if not rows:
        return ""
    parts = [f"{r['event'].replace('_', ' ')} at {r['stop']} from {r['country']} "
             f"({r['authority']}, {r['lead_days']} days ahead: file by "
             f"{fmt_minute(r['file_by'])})" for r in rows]
    return "; the stops need clearance: " + "; ".join(parts)


def range_findings(plan, schedule, register=None) -> list[Finding]:
    """``RANGE`` for legs longer than the asset's unrefuelled range, naming the fewest
    refuelling stops (then the shortest extra distance) that would make the leg, routed as
    the leg is, and the clearances those stops need; or, when none exists, the third-country
    places that added to ``friendly`` would make one."""
    out = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.distance_km <= leg.range_km:
            continue
        asset = by_id[leg.asset]
        call_from = asset.itinerary[leg.seq - 1]
        call_to = asset.itinerary[leg.seq]
        tankers, refused = (topups(schedule, call_from.at, call_to.at, leg.depart, leg.asset,
                                   call_to.refuel_by) if call_to.refuel_by else ([], []))
        if leg.distance_km <= leg.range_km * (1 + len(tankers)):
            continue  # in range with one full top-up per tanker flying the leg with it
        unit = "nm" if leg.mode == "sea" else "km"
        scale = 1 / KM_PER_NM if unit == "nm" else 1.0
        need = leg.distance_km * scale
        have = leg.range_km * scale
        depart = pd.Timestamp(leg.depart).to_pydatetime()
        usable = refuel_candidates(plan, asset.nation, asset.kind)
        hop = hop_router(asset, call_to, depart)
        o, d = call_from.place, call_to.place
        found = chains(o, leg.range_km, list(usable.values()), hop, max_stops=MAX_STOPS,
                       targets=[d]).get(d.id)
        extra: dict = {"stops": None}
        if found is not None:
            rows = stop_clearances(found, asset, depart, register)
            fix = f"refuel at {_chain_text(found, leg.distance_km, scale, unit)}" + (
                _clearance_text(rows))
            extra = {"stops": found.stop_ids, "stop_clearances": rows,
                     "chain_km": round(found.distance_km, 3)}
        else:
            more = third_country_candidates(plan, asset.nation, asset.kind, usable)
            opened = chains(o, leg.range_km, list(usable.values()), hop, max_stops=MAX_STOPS,
                            targets=[d], extra=more).get(d.id) if more else None
            fix = ("no chain of refuelling stops at places this nation may use (own, partner, "
                   "plan's friendly list) makes it")
            if opened is not None:
                names = " and ".join(p.id for p in opened.added)
                fix += (f"; adding {names} to `friendly` gives "
                        f"{_chain_text(opened, leg.distance_km, scale, unit)}"
                        + _clearance_text(stop_clearances(opened, asset, depart, register)))
                extra["friendly_to_add"] = [p.id for p in opened.added]
                extra["stops_if_added"] = opened.stop_ids
            else:
                fix += "; no third-country port or base in reach would either: add a tanker"
        if leg.mode == "air":
            fix += tanker_advice(plan, schedule, call_from.at, call_to.at, leg.depart,
                                 leg.asset, asset.nation, leg.distance_km, leg.range_km)
        if call_to.refuel_by:
            inflight = (f"; in-flight refuelling from {', '.join(tankers)} gives "
                        f"{leg.range_km * (1 + len(tankers)) * scale:,.0f} {unit}"
                        if tankers else "")
            fix += inflight + "".join(f"; {why}" for why in refused)
            extra["tankers"] = tankers
        out.append(Finding(
            "RANGE", "error",
            f"{leg.asset}: {call_from.at} -> {call_to.at} is {need:,.0f} {unit}, beyond its "
            f"range of {have:,.0f} {unit}; {fix}",
            nation=leg.nation, start=to_datetime(leg.depart), end=to_datetime(leg.arrive),
            value=round(need, 1), limit=round(have, 1), unit=unit, assets=[leg.asset], leg=i,
            extra=extra))
    return out


@register("schedule")
def schedule_check(ctx: CheckContext) -> list[Finding]:
    """``SCHEDULE``: the timing problems found while the schedule was built."""
    return list(ctx.schedule.findings)


@register("range")
def range_check(ctx: CheckContext) -> list[Finding]:
    """``RANGE``."""
    return range_findings(ctx.plan, ctx.schedule, ctx.register)
