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
import math

import numpy as np
import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.checks.tankers import TankerIndex
from planner.core.units import KM_PER_NM, fmt_minute, iso_z, to_datetime
from planner.layers.airspace_closures import closed_to
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.layers.passage_closures import closure_for, closures, direction
from planner.layers.register import file_by, lead_days
from planner.model.findings import Finding
from planner.routing import hop_table
from planner.routing.hop_time import HopTiming
from planner.routing.refuel import Chain, chain_to
from planner.routing.schedule import route_leg
from planner.routing.sea import NoSeaRoute

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
        row = (hop_table.entry(a, b, asset.nation, call_to.avoid, call_to.waters)
               if asset.kind == "warship" else None)
        if row is not None:  # a hop between catalogue ports, routed when the data was built
            km = hop_table.hop_km(row, asset.ice_class, when, asset.speed_kn,
                                  call_to.escort is not None)
            if km is None:
                raise NoSeaRoute(f"no admissible sea way from {a.id} to {b.id}")
            return hop_table.HopLength(a.id, b.id, km)
        return route_leg(asset, a, b, when=when, avoid=call_to.avoid, deny=call_to.deny,
                         waters=call_to.waters, escort=call_to.escort, hop=True)
    return hop


def stop_clearances(chain: Chain, asset, depart: dt.datetime, register=None,
                    lead=None) -> list[dict]:
    """The port-call (warships) or landing (aircraft) clearance each stop of a chain needs
    outside the asset's own territory: country, event, authority, lead days, the time the
    asset gets there at its planning speed and the file-by date. ``lead`` is a memoised
    ``lead_days`` (default: the register's own lookup)."""
    if lead is None:
        def lead(country, kind, event):
            return lead_days(country, kind, event, register)
    return _stop_rows(_stop_parts(chain, asset, lead), depart)[0]


def _stop_parts(chain: Chain, asset, lead) -> list[tuple]:
    """What :func:`stop_clearances` needs of each stop that needs a clearance, independent of
    the departure: stop id, country, event, lead days (as the register gives them),
    authority and the hours from departure to the stop."""
    event = "port_call" if asset.kind == "warship" else "landing"
    out = []
    for stop, km in zip(chain.stops, chain.arrive_km(), strict=True):
        if not stop.country or stop.country == asset.nation:
            continue
        days, row = lead(stop.country, asset.kind, event)
        if not days or days <= 0:
            continue
        out.append((stop.id, stop.country, event, days, str(row["authority"]),
                    km / asset.speed_kmh))
    return out


def _stop_rows(parts: list[tuple], depart: dt.datetime) -> tuple[list[dict], list]:
    """:func:`stop_clearances`' rows for a departure, and each row's file-by time."""
    rows, dues = [], []
    for stop, country, event, days, authority, hours in parts:
        arrive = depart + dt.timedelta(hours=hours)
        # file_by's own arithmetic, kept a datetime for a UTC one (formatted faster)
        due = (arrive - dt.timedelta(days=days) if type(arrive) is dt.datetime
               and arrive.tzinfo is dt.UTC else file_by(arrive, days))
        rows.append({"stop": stop, "country": country, "event": event,
                     "lead_days": int(days), "authority": authority,
                     "arrive": iso_z(arrive), "file_by": iso_z(due)})
        dues.append(due)
    return rows, dues


def _chain_text(chain: Chain, leg_km: float, scale: float, unit: str) -> str:
    n = len(chain.stops)
    return (f"{', '.join(chain.stop_ids)} ({n} stop{'s' if n != 1 else ''}, "
            f"{chain.distance_km * scale:,.0f} {unit} in all, "
            f"{(chain.distance_km - leg_km) * scale:+,.0f} {unit})")


def _clearance_text(rows: list[dict], dues: list | None = None) -> str:
    """The stops' clearances in the RANGE advice; ``dues``: the rows' file-by times, when the
    caller has them (else read back from the rows)."""
    if not rows:
        return ""
    dues = dues if dues is not None else [r["file_by"] for r in rows]
    parts = [f"{r['event'].replace('_', ' ')} at {r['stop']} from {r['country']} "
             f"({r['authority']}, {r['lead_days']} days ahead: file by "
             f"{fmt_minute(due)})" for r, due in zip(rows, dues, strict=True)]
    return "; the stops need clearance: " + "; ".join(parts)


def range_findings(plan, schedule, register=None) -> list[Finding]:
    """``RANGE`` for legs longer than the asset's unrefuelled range, naming the fewest
    refuelling stops (then the shortest extra distance) that would make the leg, routed as
    the leg is, and the clearances those stops need; or, when none exists, the third-country
    places that added to ``friendly`` would make one.

    Worked per distinct thing (issue 16): the refuelling search is run once per (origin,
    destination, asset's routing figures, call options) and departure window
    (:class:`~planner.routing.hop_time.HopTiming`: the departures in which every hop it
    routed is routed the same way), and shared by the legs leaving in that window; lead
    times are looked up once per (country, kind, event)."""
    legs = schedule.legs
    if not len(legs):
        return []
    far = np.flatnonzero(legs["distance_km"].to_numpy(float) > legs["range_km"].to_numpy(float))
    if not far.size:
        return []
    out = []
    by_id = {a.id: a for a in plan.assets}
    searches = _Searches(plan)
    texts = _ChainTexts(_LeadTimes(register))
    tankers_of = TankerIndex(plan, schedule)
    fields = ["asset", "seq", "nation", "depart", "arrive", "distance_km", "range_km", "mode"]
    far_legs = legs[fields].iloc[far]
    # the times once for all far legs, as datetimes and floored to the second (to_datetime)
    departs, starts, ends = _times(far_legs)
    for i, leg, depart, start, end in zip(far.tolist(), far_legs.itertuples(index=False),
                                          departs, starts, ends, strict=True):
        asset = by_id[leg.asset]
        call_from = asset.itinerary[leg.seq - 1]
        call_to = asset.itinerary[leg.seq]
        tankers, refused = (tankers_of.topups(call_from.at, call_to.at, leg.depart, leg.asset,
                                              call_to.refuel_by)
                            if call_to.refuel_by else ([], []))
        if leg.distance_km <= leg.range_km * (1 + len(tankers)):
            continue  # in range with one full top-up per tanker flying the leg with it
        unit = "nm" if leg.mode == "sea" else "km"
        scale = 1 / KM_PER_NM if unit == "nm" else 1.0
        need = leg.distance_km * scale
        have = leg.range_km * scale
        found, opened = searches.advice(asset, call_from, call_to, leg.range_km, depart)
        extra: dict = {"stops": None}
        if found is not None:
            rows, needs = texts.clearances(found, asset, depart)
            fix = f"refuel at {texts.chain(found, leg.distance_km, scale, unit)}{needs}"
            extra = {"stops": found.stop_ids, "stop_clearances": rows,
                     "chain_km": round(found.distance_km, 3)}
        else:
            fix = ("no chain of refuelling stops at places this nation may use (own, partner, "
                   "plan's friendly list) makes it")
            if opened is not None:
                names = " and ".join(p.id for p in opened.added)
                fix += (f"; adding {names} to `friendly` gives "
                        f"{texts.chain(opened, leg.distance_km, scale, unit)}"
                        + texts.clearances(opened, asset, depart)[1])
                extra["friendly_to_add"] = [p.id for p in opened.added]
                extra["stops_if_added"] = opened.stop_ids
            else:
                fix += "; no third-country port or base in reach would either: add a tanker"
        if leg.mode == "air":
            fix += tankers_of.advice(call_from.at, call_to.at, leg.depart, leg.asset,
                                     asset.nation, leg.distance_km, leg.range_km)
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
            nation=leg.nation, start=start, end=end,
            value=round(need, 1), limit=round(have, 1), unit=unit, assets=[leg.asset], leg=i,
            extra=extra))
    return out


def _times(legs: pd.DataFrame) -> tuple[list, list, list]:
    """The legs' departures as datetimes, and departures and arrivals as
    :func:`~planner.core.units.to_datetime` gives them (floored to the second, None for
    NaT), a column at a time: a UTC datetime64 column in one pass, others value by value."""
    dep, arr = legs["depart"], legs["arrive"]
    if all(str(c.dtype) == "datetime64[ns, UTC]" for c in (dep, arr)):
        return (list(dep.dt.to_pydatetime()), _floored(dep), _floored(arr))
    return ([pd.Timestamp(t).to_pydatetime() for t in dep.tolist()],
            [to_datetime(t) for t in dep.tolist()], [to_datetime(t) for t in arr.tolist()])


def _floored(col: pd.Series) -> list:
    return [None if t is pd.NaT else t for t in col.dt.floor("s").dt.to_pydatetime()]


class _ChainTexts:
    """:func:`_chain_text`, :func:`stop_clearances` and :func:`_clearance_text` for the legs
    that share a chain (issue 16): what does not depend on the departure is worked out once
    per chain (and asset figures), only the times per leg."""

    def __init__(self, lead: _LeadTimes):
        self.lead = lead
        self._text: dict[tuple, tuple[Chain, str]] = {}
        self._stops: dict[tuple, tuple[Chain, list[tuple]]] = {}

    def chain(self, chain: Chain, leg_km: float, scale: float, unit: str) -> str:
        """:func:`_chain_text`."""
        key = (id(chain), leg_km, scale, unit)
        hit = self._text.get(key)
        if hit is None or hit[0] is not chain:  # the chain is kept: its id is not reused
            hit = self._text[key] = (chain, _chain_text(chain, leg_km, scale, unit))
        return hit[1]

    def clearances(self, chain: Chain, asset, depart: dt.datetime) -> tuple[list[dict], str]:
        """:func:`stop_clearances` of the chain for ``asset`` leaving at ``depart``, and their
        :func:`_clearance_text`."""
        key = (id(chain), asset.nation, asset.kind, asset.speed_kmh)
        hit = self._stops.get(key)
        if hit is None or hit[0] is not chain:
            hit = self._stops[key] = (chain, _stop_parts(chain, asset, self.lead))
        rows, dues = _stop_rows(hit[1], depart)
        return rows, _clearance_text(rows, dues)


class _LeadTimes:
    """``lead_days`` memoised per (country, asset kind, event) for one check run."""

    def __init__(self, register=None):
        self.register = register
        self._memo: dict[tuple[str, str, str], tuple] = {}

    def __call__(self, country: str, asset_kind: str, event: str):
        key = (country, asset_kind, event)
        if key not in self._memo:
            self._memo[key] = lead_days(country, asset_kind, event, self.register)
        return self._memo[key]


class _Searches:
    """Refuelling searches shared by the legs they hold for: keyed by (asset kind, nation,
    routing figures, range, origin, destination, call options), each with the window of
    departures (epoch seconds) it is valid in."""

    def __init__(self, plan):
        self.plan = plan
        self._groups: dict[tuple, list[tuple[float, float, object, object]]] = {}
        self._timing: dict[tuple, HopTiming] = {}
        self._usable: dict[tuple[str, str], list[Place]] = {}
        self._more: dict[tuple[str, str], list[Place]] = {}
        self._open_memo: dict[tuple, tuple[list[Place], list[Place]]] = {}
        self._crossing: dict[tuple[str, str], bool] = {}
        self._floors: dict[tuple, dict[tuple[str, str], float | None]] = {}

    def _candidates(self, asset) -> tuple[list[Place], list[Place]]:
        key = (asset.nation, asset.kind)
        if key not in self._usable:
            usable = refuel_candidates(self.plan, asset.nation, asset.kind)
            self._usable[key] = list(usable.values())
            self._more[key] = third_country_candidates(self.plan, asset.nation, asset.kind,
                                                       usable)
        return self._usable[key], self._more[key]

    def _floor_fn(self, asset, call_to):
        """A lower bound (km) of any hop between two catalogue ports for ``asset`` with the
        call's options: the hop table's shortest sea way (no way: infinite), None for a
        pair the table does not hold (:func:`~planner.routing.refuel.chain_to`)."""
        key = (asset.nation, tuple(call_to.avoid), call_to.waters)
        memo = self._floors.setdefault(key, {})

        def floor(a: Place, b: Place) -> float | None:
            pair = (a.id, b.id)
            if pair not in memo:
                row = hop_table.entry(a, b, asset.nation, call_to.avoid, call_to.waters)
                memo[pair] = None if row is None else (math.inf if row.km is None else row.km)
            return memo[pair]
        return floor

    def _crosses(self, a: Place, b: Place) -> bool:
        """Whether a way from ``a`` to ``b`` crosses a passage some closure row names."""
        key = (a.id, b.id)
        hit = self._crossing.get(key)
        if hit is None:
            hit = self._crossing[key] = any(direction(w, a, b) for w in
                                            {c.behind for c in closures()})
        return hit

    def _open(self, nation: str, o: Place, d: Place, depart: dt.datetime, usable: list,
              more: list, window: list) -> tuple[list, list]:
        """The stops a warship of ``nation`` sailing ``o -> d`` can use by the passage
        closures in force at ``depart`` for good (no end date): a stop behind a passage it
        may not enter (coming from outside), or leave (going on outside), is a dead end.
        Only pruning: a hop is still refused on its own (``advice``). ``window`` is narrowed
        to the departures with the same closures in force."""
        t_s = depart.timestamp()
        rows = tuple(c for c in closures() if c.end is None and c.start.timestamp() <= t_s)
        later = [c.start.timestamp() for c in closures() if c.start.timestamp() > t_s]
        window[0] = max([window[0]] + [c.start.timestamp() for c in rows])
        window[1] = min([window[1]] + later)
        if not rows:
            return usable, more
        key = (nation, o.id, d.id, rows)
        if key not in self._open_memo:
            def dead(stop: Place) -> bool:
                return any(c is not None and c.severity == "error" and c.end is None for c in (
                    closure_for(nation, o, stop, depart)[0],
                    closure_for(nation, stop, d, depart)[0]))
            self._open_memo[key] = ([p for p in usable if not dead(p)],
                                    [p for p in more if not dead(p)])
        return self._open_memo[key]

    def advice(self, asset, call_from, call_to, range_km: float, depart: dt.datetime):
        """``(chain at usable places or None, chain opened by third-country places or
        None)`` for a leg leaving at ``depart``."""
        o, d = call_from.place, call_to.place
        # an aircraft's hops keep out of the airspace closed to its nation at the departure:
        # hops are shared only between departures with the same closures in force
        shut, shut_lo, shut_hi = (closed_to(asset.nation, depart) if asset.kind != "warship"
                                  else ((), -math.inf, math.inf))
        route_key = (asset.kind, asset.nation, asset.ice_class, asset.speed_kmh,
                     tuple(call_to.avoid), tuple(call_to.deny), call_to.waters,
                     call_to.escort is not None, shut)
        key = (*route_key, float(range_km), o.id, d.id)
        t_s = (depart - _EPOCH).total_seconds()
        entries = self._groups.setdefault(key, [])
        for lo, hi, found, opened in entries:
            if lo <= t_s < hi:
                return found, opened
        if route_key not in self._timing:
            self._timing[route_key] = HopTiming(asset, call_to.avoid, call_to.waters,
                                                call_to.escort)
        timing = self._timing[route_key]
        window = [shut_lo, shut_hi]
        routed = hop_router(asset, call_to, depart)

        def hop(a: Place, b: Place, after_km: float):
            off_s = after_km / asset.speed_kmh * 3600.0
            if asset.kind == "warship" and self._crosses(a, b):  # a passage closed to it
                shut, lo, hi = closure_for(asset.nation, a, b, _EPOCH + dt.timedelta(
                    seconds=t_s + off_s))
                window[0], window[1] = max(window[0], lo - off_s), min(window[1], hi - off_s)
                if shut is not None and shut.severity == "error":
                    raise NoSeaRoute(f"{a.id} -> {b.id}: {shut.text}")
            r, lo, hi = timing.hop(a, b, t_s + off_s, lambda: routed(a, b, after_km))
            window[0], window[1] = max(window[0], lo - off_s), min(window[1], hi - off_s)
            if isinstance(r, ValueError):
                raise r
            return r

        usable, more = self._candidates(asset)
        if asset.kind == "warship":
            usable, more = self._open(asset.nation, o, d, depart, usable, more, window)
        floor = self._floor_fn(asset, call_to) if asset.kind == "warship" else None
        found = chain_to(o, d, range_km, usable, hop, max_stops=MAX_STOPS, floor_fn=floor)
        opened = None
        if found is None and more:
            opened = chain_to(o, d, range_km, usable, hop, max_stops=MAX_STOPS, extra=more,
                              floor_fn=floor)
        if window[0] < window[1]:
            entries.append((window[0], window[1], found, opened))
        return found, opened


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@register("schedule")
def schedule_check(ctx: CheckContext) -> list[Finding]:
    """``SCHEDULE``: the timing problems found while the schedule was built."""
    return list(ctx.schedule.findings)


@register("range")
def range_check(ctx: CheckContext) -> list[Finding]:
    """``RANGE``."""
    return range_findings(ctx.plan, ctx.schedule, ctx.register)
