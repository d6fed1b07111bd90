"""Northern Sea Route checks on warship legs: ``NSR_ICE`` when a leg sails an NSR area whose
admission criteria do not admit the ship's class in the typical ice of a month it would be
there (an error), when the rules sent the leg another way than its shortest route (a warning
saying how much longer), or when a decision rests on a cell of the criteria the public text did
not give (a warning: confirm with the NSR administration); each names the area, the ice type
assumed and what would make it (escort, a higher class, another month, the way round). The
``CLEARANCE`` (permission, 90 days, compulsory pilotage: 510-FZ) a foreign warship needs to
enter the NSR's internal waters is in :mod:`planner.checks.nsr_limit` with ``NSR_LIMIT``.

The test of admissibility is :func:`planner.layers.nsr.closures` at the leg's own timing
(departure, ``sail_kmh``), the same the router applied when it routed the leg."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.layers.nsr import closures, sea_name, sea_runs, unsourced_uses
from planner.layers.nsr_rules import CALENDAR_NOTE, ICE_CLASSES, lowest_class, open_months
from planner.model.findings import Finding
from planner.routing.schedule import sea_options
from planner.routing.sea import NoSeaRoute, sea_decision


def sea_entries(route, depart: dt.datetime, speed_kmh: float) -> list[tuple[str, dt.datetime]]:
    """Each NSR sea the route enters, in order, with the time the ship gets there at a
    constant ``speed_kmh`` from ``depart``."""
    return [(run.sea, depart + dt.timedelta(hours=run.start_km / speed_kmh))
            for run in sea_runs(route)]


def _month_span(months: list[int]) -> str:
    """[7, 8, 9, 11] -> ``July-September, November``."""
    spans: list[list[int]] = []
    for m in months:
        if spans and m == spans[-1][-1] + 1:
            spans[-1].append(m)
        else:
            spans.append([m])
    name = calendar.month_name
    return ", ".join(name[s[0]] if len(s) == 1 else f"{name[s[0]]}-{name[s[-1]]}"
                     for s in spans)


def _cell_text(ice_class: str, ice: str, area: str, modes) -> str:
    how = " and ".join("independently" if m == "independent" else "under escort"
                       for m in modes)
    return (f"admission of {ice_class} in {ice} ice in the {sea_name(area)} ({how}) not found in "
            "the public text of the Rules; confirm with the NSR administration")


def _where(closed) -> str:
    """Which area, when, the ice assumed, and what the Rules say there."""
    parts = []
    for c in closed:
        if c.reason == "season":
            why = (f"in {calendar.month_name[c.month]}, outside the 1 July - 15 November "
                   "season for its class")
        else:
            why = (f"in {c.ice} ice (typical for {calendar.month_name[c.month]})"
                   + (", only under icebreaker escort" if c.rule == "escort" else ""))
        parts.append(f"{sea_name(c.sea)} on {c.when:%Y-%m-%d} {why}")
    return "; ".join(parts)


def _remedies(closed, ice_class: str, escort: bool) -> tuple[str, list[str]]:
    """What would make it, per closed area: escort, a higher class, another month; and the
    unsourced cells the closures rest on."""
    out, doubts = [], []
    for c in closed:
        ways = []
        if c.rule == "escort" and not escort:
            ways.append("`escort: icebreaker` on this call")
        if c.reason == "ice":
            alone = lowest_class(c.sea, c.ice, False, c.when)
            helped = lowest_class(c.sea, c.ice, True, c.when)
            better = [f"ice class {k[0]} or higher{' (unsourced cell)' if not k[1] else ''}"
                      f"{' under escort' if mode else ''}"
                      for k, mode in ((alone, False), (helped, True))
                      if k is not None and ICE_CLASSES.index(k[0]) > ICE_CLASSES.index(
                          ice_class) and not (mode and alone and k[0] == alone[0])]
            ways += better
        months = open_months(ice_class, c.sea, escort)
        ways.append(f"sailing it in {_month_span(months)}" if months else
                    "no month of the ice calendar opens it to this class")
        out.append(f"{sea_name(c.sea)}: {' or '.join(ways)}")
        if c.unsourced:
            doubts.append(_cell_text(ice_class, c.ice, c.sea, c.unsourced))
    return "; ".join(out), doubts


def _escort_hint(closed, escort: bool) -> str:
    if escort or not any(c.rule == "escort" for c in closed):
        return ""
    return ("; with `escort: icebreaker` on this call, areas the rules open to it under escort "
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
            how, doubts = _remedies(bad, asset.ice_class, escort)
            out.append(Finding(
                "NSR_ICE", "error",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} would sail "
                f"the {_where(bad)}: the NSR admission criteria do not permit that ice class "
                f"there then; it would make it with {how}; or the way round: {alt_text}"
                f"{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
                nation=leg.nation, start=bad[0].when, end=arrive, assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in bad], "ice": [c.ice for c in bad],
                       "reasons": [c.reason for c in bad],
                       "unsourced": [list(c.unsourced) for c in bad], **alt_extra}))
        elif (decision is not None and decision.rerouted
              and tuple(leg.passages) == decision.route.passages
              and abs(leg.distance_km - decision.route.distance_km) < 1e-6):
            short = decision.shortest
            extra_days = (leg.distance_km - short.distance_km) / asset.speed_kmh / 24
            how, doubts = _remedies(decision.closed, asset.ice_class, escort)
            out.append(Finding(
                "NSR_ICE", "warning",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} is routed via "
                f"{', '.join(leg.passages) or 'by open water'} ({leg.distance_nm:,.0f} nm): "
                f"the NSR ({short.distance_nm:,.0f} nm) is closed to it in the "
                f"{_where(decision.closed)}; {leg.distance_nm - short.distance_nm:+,.0f} nm, "
                f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn; the NSR would open "
                f"with {how}{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
                nation=leg.nation, start=decision.closed[0].when, end=arrive,
                assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in decision.closed],
                       "ice": [c.ice for c in decision.closed], "rerouted": True,
                       "unsourced": [list(c.unsourced) for c in decision.closed],
                       "nsr_nm": round(short.distance_nm, 1)}))
        if not bad:
            out += _unsourced_findings(leg, i, asset, depart, arrive)
    return out


def _unsourced_findings(leg, i: int, asset, depart: dt.datetime, arrive: dt.datetime
                        ) -> list[Finding]:
    """An ``NSR_ICE`` warning for a leg through the NSR whose admission rests on cells of the
    criteria the public text did not give: never silently allowed."""
    uses = unsourced_uses(sea_runs(leg.route), asset.ice_class, depart, leg.sail_kmh)
    if not uses:
        return []
    planned = {"independent": "admitted", "escort": "escort only", "no": "not admitted"}
    texts = [f"{_cell_text(a.ice_class, a.ice, a.area, a.unsourced)} (planned as "
             f"{planned[a.outcome]}, {calendar.month_name[a.month]})" for _, a in uses]
    return [Finding(
        "NSR_ICE", "warning",
        f"{leg.asset} (ice class {asset.ice_class}) on the leg to {leg.to}: its NSR "
        f"passage rests on planning assumptions: {'; '.join(texts)} ({CALENDAR_NOTE})",
        nation=leg.nation, start=uses[0][0], end=arrive, assets=[leg.asset], leg=i,
        extra={"seas": [a.area for _, a in uses], "ice": [a.ice for _, a in uses],
               "unsourced": [list(a.unsourced) for _, a in uses]})]


@register("nsr")
def nsr_check(ctx: CheckContext) -> list[Finding]:
    """``NSR_ICE``."""
    return nsr_findings(ctx.plan, ctx.schedule, ctx.register)
