"""``TERRITORIAL_SEA`` findings for warship legs through a passage closed by a coastal state's
declared policy (:mod:`planner.layers.passage_closures`): the Turkish Straits under art. 19 of
the Montreux Convention since 28 Feb 2022.

Each leg that enters or leaves the water behind the passage while a closure for its nation is
in force gets the row's severity: an error where the passage is refused (a Russian warship
leaving the Black Sea; any warship entering it, by Türkiye's word of 2 Jan 2024), a warning
where it hangs on the coastal state's judgement (a belligerent's warship returning to its
Black Sea base). ``extra.rule`` names the row (``montreux-art19``, ``turkey-black-sea``).
There is no other sea way: no route avoids the passage, and the refuelling advice never
offers a stop behind it (:func:`planner.checks.range.hop_router`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.core.units import fmt_minute, to_datetime
from planner.layers.geodesy import geodesic_km_many
from planner.layers.passage_closures import WATER_NAMES, closure_for, closures, direction
from planner.layers.straits import STRAITS
from planner.model.findings import Finding

_STRAITS = {s.key: s for s in STRAITS}
_WAYS = {"enter": "enters", "leave": "leaves"}


def passage_findings(plan, schedule) -> list[Finding]:
    """The findings of every warship leg across a closed passage (see the module)."""
    legs = schedule.legs
    if not len(legs):
        return []
    by_id = {a.id: a for a in plan.assets}
    waters = {c.behind for c in closures()}
    # the warship legs between places on the two sides of a passage, found per pair of
    # place ids (a plan resolves each id to one place) before any row is read
    ship = np.flatnonzero(legs["kind"].to_numpy() == "warship")
    if not len(ship) or not waters:
        return []
    pairs = pd.MultiIndex.from_arrays([legs["from"].to_numpy()[ship], legs["to"].to_numpy()[ship]])
    codes, uniques = pd.factorize(pairs)
    first = np.full(len(uniques), -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # a row of each pair
    assets, seqs = legs["asset"].to_numpy(), legs["seq"].to_numpy()
    crosses = np.zeros(len(uniques), bool)
    for k, row in enumerate(ship[first].tolist()):
        asset = by_id[assets[row]]
        frm, to = asset.itinerary[seqs[row] - 1], asset.itinerary[seqs[row]]
        crosses[k] = any(direction(w, frm.place, to.place) for w in waters)
    rows = ship[crosses[codes]]
    if not len(rows):
        return []
    sub = legs.iloc[rows]
    cols = [sub[c].tolist() for c in ("asset", "seq", "depart", "route", "sail_kmh")]
    out: list[Finding] = []
    for i, aid, seq, depart, route, sail_kmh in zip(rows.tolist(), *cols, strict=True):
        asset = by_id[aid]
        frm, to = asset.itinerary[seq - 1], asset.itinerary[seq]
        when = to_datetime(depart)
        closure, _, _ = closure_for(asset.nation, frm.place, to.place, when)
        if closure is None:
            continue
        strait = _STRAITS[closure.passage]
        start, end, lat, lon = _strait_times(route, strait.box, when, sail_kmh)
        out.append(Finding(
            "TERRITORIAL_SEA", closure.severity,
            f"{asset.id} ({asset.nation}) on {frm.at} -> {to.at} {_WAYS[closure.direction]} "
            f"{WATER_NAMES[closure.behind]} by {strait.name} (reaching them "
            f"{fmt_minute(start)}): {closure.text}; no other sea way leads "
            f"{'into' if closure.direction == 'enter' else 'out of'} "
            f"{WATER_NAMES[closure.behind]}",
            host=strait.states[0], nation=asset.nation, start=start, end=end,
            assets=[asset.id], leg=i, facility=to.at, lat=lat, lon=lon,
            extra={"rule": closure.rule, "strait": closure.passage, "closed_by": strait.states[0],
                   "direction": closure.direction, "source": closure.source}))
    return out


def _strait_times(route, box, depart: dt.datetime, sail_kmh: float
                  ) -> tuple[dt.datetime, dt.datetime, float | None, float | None]:
    """When a leg leaving at ``depart`` at ``sail_kmh`` is first and last inside a strait's
    area ``box`` (lon0, lat0, lon1, lat1), at the route's first and last vertex there by the
    geodesic length along the route, and where it first is (lat, lon); the departure and no
    point when no vertex falls inside."""
    lons, lats = np.asarray(route.lons, float), np.asarray(route.lats, float)
    x0, y0, x1, y1 = box
    inside = np.flatnonzero((lons >= x0) & (lons <= x1) & (lats >= y0) & (lats <= y1))
    if not len(inside) or not sail_kmh > 0:
        return depart, depart, None, None
    cum_km = np.r_[0.0, np.cumsum(geodesic_km_many(lats[:-1], lons[:-1], lats[1:], lons[1:]))]
    start, end = (to_datetime(depart + dt.timedelta(hours=km / sail_kmh)).replace(second=0)
                  for km in (cum_km[inside[0]], cum_km[inside[-1]]))
    return start, end, float(lats[inside[0]]), float(lons[inside[0]])


@register("passage")
def passage_check(ctx: CheckContext) -> list[Finding]:
    """``TERRITORIAL_SEA`` for closed passages."""
    return passage_findings(ctx.plan, ctx.schedule)
