"""The schedule: legs routed between calls, missing times computed, timing checked.

Warship legs are routed over water (:func:`planner.routing.sea.sea_route`, with the leg's
departure time, the ship's ice class, planning speed and nation and the call's ``avoid``,
``waters`` and ``escort``), aircraft legs along the geodesic
(:func:`planner.routing.air.air_route`). Absent arrival times are computed from the route and
the asset's planning speed; given ones that would need more than that speed are reported as
``SCHEDULE`` findings.

How an asset moves on a leg is decided here once, for every check that places it in time
(NSR seas, territorial seas and airspace, ``--transit`` presence): it sails at its planning
speed from the departure and, when the given arrival is later, waits at the end of the leg
(the leg's ``sail_kmh`` and ``sail_end`` columns; :func:`time_at_km`). Only an arrival the
planning speed cannot make takes the average speed it needs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.core.units import KM_PER_NM, KMH_PER_KN, fmt_minute, to_datetime, to_timestamp
from planner.layers.airspace_closures import closed_countries
from planner.layers.catalogue import Place
from planner.layers.nsr import sea_runs
from planner.layers.sea_network import NSR_PASSAGES
from planner.model.findings import Finding
from planner.model.objects import LATEST_TIME
from planner.model.problems import PlanError, Problem
from planner.routing.air import air_route
from planner.routing.hop_time import signature_piece
from planner.routing.route import Route
from planner.routing.sea import NoSeaRoute, sea_decision

#: A given arrival may beat the computed one by this much before it is called impossible
#: (rounding in hand-made plans).
SCHEDULE_TOLERANCE = dt.timedelta(minutes=30)

Router = Callable[..., Route]


def sea_options(asset, *, when: dt.datetime | None, avoid: tuple[str, ...] = (),
                waters: str | None = None, escort: str | None = None) -> dict:
    """The keyword arguments of :func:`~planner.routing.sea.sea_decision` for a warship leg
    leaving at ``when``: its ice class, planning speed, nation, the call's ``avoid``,
    ``waters`` and ``escort``. The schedule, the NSR check and refuelling advice route a leg
    with the same ones."""
    return {"avoid": tuple(avoid), "ice_class": asset.ice_class, "date": when,
            "speed_kn": asset.speed_kn, "nation": asset.nation, "waters": waters,
            "escort": escort is not None}


def route_leg(asset, origin: Place, destination: Place, *, when: dt.datetime | None,
              avoid: tuple[str, ...] = (), deny: tuple[str, ...] = (),
              waters: str | None = None, escort: str | None = None,
              hop: bool = False) -> Route:
    """Route one leg the way the asset travels, leaving at ``when``: warships over water by
    :func:`~planner.routing.sea.sea_decision` (the NSR only where the ice rules admit the
    ship's class, escorted or not, in the months it would be in each NSR sea at its planning
    speed; ``avoid`` passages closed; ``waters``), aircraft along the geodesic keeping out of
    the ``deny`` countries.

    ``hop=True`` routes a refuelling hop: the territorial seas are not worked out, and a hop
    that could only sail a closed NSR sea raises :class:`~planner.routing.sea.NoSeaRoute`
    (a leg of the plan is routed anyway, and ``NSR_ICE`` reports it)."""
    if asset.kind == "warship":
        decision = sea_decision(origin, destination, territory=not hop, **sea_options(
            asset, when=when, avoid=avoid, waters=waters, escort=escort))
        if hop and not decision.admissible:
            raise NoSeaRoute(decision.route.notes[-1])
        return decision.route
    # airspace closed to the asset's nation by NOTAM at the departure: routed round it
    closed = closed_countries(asset.nation, to_datetime(when) if when is not None else None)
    return air_route(origin, destination, deny=tuple(deny) + closed)


def sailing_speed_kmh(distance_km: float, depart, arrive, speed_kmh: float) -> float:
    """The speed an asset moves at on a leg, in km/h: its planning speed, so that with a
    later given arrival it sails at that speed and waits at the end; only an arrival the
    planning speed cannot make (a ``SCHEDULE`` error) takes the faster average speed it
    needs."""
    if type(depart) is dt.datetime and type(arrive) is dt.datetime and (
            depart.tzinfo is dt.UTC and arrive.tzinfo is dt.UTC):
        if distance_km <= 0:  # UTC datetimes: the same difference without pandas
            return speed_kmh
        hours = (arrive - depart).total_seconds() / 3600.0
    else:
        t0, t1 = to_timestamp(depart), to_timestamp(arrive)
        if t0 is None or t1 is None or distance_km <= 0:
            return speed_kmh
        hours = (t1 - t0).total_seconds() / 3600.0
    if hours <= 0:
        return speed_kmh
    return max(speed_kmh, distance_km / hours)


def time_at_km(depart, sail_kmh: float, km) -> pd.Timestamp:
    """When a leg that left at ``depart`` and sails at ``sail_kmh`` (the leg's ``sail_kmh``
    column) is ``km`` along its route (scalar or array of km)."""
    return to_timestamp(depart) + pd.to_timedelta(np.asarray(km, float) / sail_kmh, unit="h")


@dataclass
class Schedule:
    """Calls with their effective times, legs with their routes, and timing findings."""

    calls: gpd.GeoDataFrame
    legs: gpd.GeoDataFrame
    findings: list[Finding] = field(default_factory=list)


def _ceil_minute(t: dt.datetime) -> dt.datetime:
    """Round a computed time up to the whole minute."""
    if t.second or t.microsecond:
        return t.replace(second=0, microsecond=0) + _MINUTE
    return t


_MINUTE = dt.timedelta(minutes=1)


class _StaticRoutes:
    """The routes of :func:`route_leg` that do not depend on the departure, per template
    (asset routing figures, the two places, the call's options): aircraft legs, and sea legs
    whose way meets no NSR area (the ice rules never judge them). Probed once per template;
    legs of other templates are routed leg by leg."""

    def __init__(self):
        self._known: dict[tuple, Route | None] = {}
        # sea templates meeting the NSR: (runs of the shortest way and of the way round,
        # and the routes already decided: window starts, [(start, end, route)]), times in
        # epoch seconds
        self._timed: dict[tuple, tuple] = {}

    @staticmethod
    def key(figures: tuple, origin: Place, call) -> tuple:
        """The template of a leg: ``figures`` (:func:`_figures` of the asset), the two places
        (by identity: the plan resolves each place once and holds it while the schedule is
        built; hashing two Places per leg cost more than the rest of the key) and the call's
        options."""
        return (*figures, id(origin), id(call.place), tuple(call.avoid), tuple(call.deny),
                call.waters, call.escort)

    def get(self, key: tuple, asset, origin: Place, call, when: dt.datetime | None = None
            ) -> Route | None:
        """The leg's route leaving at ``when`` when it is the same at any departure, or was
        decided before for a departure with the same NSR signature; else None (``key``:
        :meth:`key` of the leg)."""
        try:
            route = self._known[key]
        except KeyError:
            route = self._known[key] = self._probe(key, asset, origin, call, when)
        if route is not None or key not in self._timed or not _is_utc(when):
            return route
        _, _, starts, pieces = self._timed[key]
        t_s = when.timestamp()
        k = bisect.bisect_right(starts, t_s) - 1
        if k >= 0 and pieces[k][0] <= t_s < pieces[k][1]:
            return pieces[k][2]
        return None

    def routed(self, key: tuple, asset, when: dt.datetime | None, route: Route) -> None:
        """Keep a route :func:`route_leg` gave for a leg of an NSR template (``key``) leaving
        at ``when``, for the departures with the same signature."""
        timed = self._timed.get(key)
        if timed is None or not _is_utc(when):
            return
        rs, ra, starts, pieces = timed
        router_kmh = float(asset.speed_kn) * KMH_PER_KN  # as sea_decision places NSR entries
        t_min = int(when.timestamp() // 60) * 60.0  # the router's departure minute
        lo_s, hi_s = -math.inf, math.inf
        for runs in (rs, ra):
            lo, hi = signature_piece(runs, router_kmh, t_min)
            lo_s, hi_s = max(lo_s, lo), min(hi_s, hi)
        if lo_s < hi_s:
            k = bisect.bisect_right(starts, lo_s)
            starts.insert(k, lo_s)
            pieces.insert(k, (lo_s, hi_s, route))

    def _probe(self, key: tuple, asset, origin: Place, call, when=None) -> Route | None:
        try:
            if asset.kind != "warship":  # the key holds the airspace closed at ``when``
                return route_leg(asset, origin, call.place, when=when, deny=call.deny)
            if asset.speed_kn is not None and not float(asset.speed_kn) > 0:
                return None  # refused at a departure: routed (and refused) leg by leg
            decision = sea_decision(origin, call.place, territory=True, **sea_options(
                asset, when=None, avoid=call.avoid, waters=call.waters, escort=call.escort))
        except ValueError:
            return None  # routed leg by leg, each saying why it cannot be
        # no NSR area on the shortest way: sea_decision returns it at any departure
        runs = sea_runs(decision.shortest)
        if decision.route is decision.shortest and not runs:
            return decision.route
        if runs and asset.speed_kn is not None:
            try:
                round_way = sea_decision(origin, call.place, territory=True, **sea_options(
                    asset, when=None, avoid=tuple(sorted(set(call.avoid) | set(NSR_PASSAGES))),
                    waters=call.waters, escort=call.escort))
                alt = sea_runs(round_way.shortest)
            except ValueError:
                alt = []
            self._timed[key] = (runs, alt, [], [])
        return None


def _figures(asset) -> tuple:
    """What of an asset its legs are routed by: kind, ice class, speed (kn), nation."""
    return (asset.kind, asset.ice_class, asset.speed_kn, asset.nation)


def _is_utc(when) -> bool:
    return type(when) is dt.datetime and when.tzinfo is dt.UTC


def build_schedule(plan, router: Router | None = None) -> Schedule:
    """Route every leg of every asset and work out when each call starts and ends.

    A last call without ``depart`` lasts until ``plan.horizon_end`` (default: the end of the
    agreement's term, CONTRACT section 1); an arrival after the horizon gives a stay of zero
    length. An intermediate call without ``depart`` is a call of zero length.
    """
    router = router or route_leg
    static = _StaticRoutes() if router is route_leg else None
    horizon = plan.horizon_end or plan.agreement.term_end
    call_rows: list[tuple] = []  # in the order of _CALL_COLUMNS
    leg_rows: list[tuple] = []  # in the order of _LEG_COLUMNS
    per_route: dict[int, tuple] = {}
    findings: list[Finding] = []

    for ai, asset in enumerate(plan.assets):
        prev_depart: dt.datetime | None = None
        prev_call = None
        figures = _figures(asset)
        speed_kmh = asset.speed_kmh
        for seq, call in enumerate(asset.itinerary):
            arrive = call.arrive
            if seq > 0:
                try:
                    key = static.key(figures, prev_call.place, call) if static else None
                    if key is not None and asset.kind != "warship":
                        key = (*key, closed_countries(asset.nation, prev_depart))
                    route = (static.get(key, asset, prev_call.place, call, prev_depart)
                             if static else None)
                    if route is None:
                        route = router(asset, prev_call.place, call.place, when=prev_depart,
                                       avoid=call.avoid, deny=call.deny, waters=call.waters,
                                       escort=call.escort)
                        if static:
                            static.routed(key, asset, prev_depart, route)
                except ValueError as exc:
                    findings.append(Finding(
                        "SCHEDULE", "error", f"{asset.id}: leg {prev_call.at} -> {call.at} "
                        f"cannot be routed: {exc}", nation=asset.nation, assets=[asset.id],
                        start=prev_depart, facility=call.at))
                    route = None
                hours = route.duration_h(speed_kmh=speed_kmh) if route is not None else 0
                # A computed time past LATEST_TIME would overflow datetime/pandas (issue 7
                # fuzzing): refuse the plan with a located problem instead of a traceback.
                if hours > (LATEST_TIME - prev_depart).total_seconds() / 3600:
                    raise PlanError([Problem(
                        plan.source, None,
                        f"assets[{ai}].itinerary[{seq}].at",
                        f"at {asset.speed_kn:,.1f} kn the schedule runs past "
                        f"{LATEST_TIME:%Y-%m-%d}; check the speed and the itinerary")])
                duration = dt.timedelta(hours=hours)
                earliest = _ceil_minute(prev_depart + duration)
                if arrive is None:
                    arrive = earliest
                elif arrive < prev_depart:
                    findings.append(Finding(
                        "SCHEDULE", "error",
                        f"{asset.id} arrives at {call.at} ({fmt_minute(arrive)}) before it leaves "
                        f"{prev_call.at} ({fmt_minute(prev_depart)})",
                        nation=asset.nation, assets=[asset.id], start=arrive, end=prev_depart,
                        facility=call.at, leg=len(leg_rows)))
                elif route is not None and arrive + SCHEDULE_TOLERANCE < earliest:
                    hours = (arrive - prev_depart).total_seconds() / 3600
                    need = route.distance_km / hours / KM_PER_NM if hours > 0 else float("inf")
                    findings.append(Finding(
                        "SCHEDULE", "error",
                        f"{asset.id}: {prev_call.at} -> {call.at} is {route.distance_nm:,.0f} nm;"
                        f" arriving {fmt_minute(arrive)} needs {need:,.1f} kn against a planning "
                        f"speed of {asset.speed_kn:,.1f} kn (earliest arrival "
                        f"{fmt_minute(earliest)})",
                        nation=asset.nation, assets=[asset.id], start=prev_depart, end=arrive,
                        value=round(need, 1), limit=round(asset.speed_kn, 1), unit="kn",
                        facility=call.at,
                        leg=len(leg_rows)))
                if route is not None:
                    sail = sailing_speed_kmh(route.distance_km, prev_depart, arrive,
                                             speed_kmh)
                    r = per_route.get(id(route))
                    if r is None:  # the route's columns, once per route object
                        r = per_route[id(route)] = (route, route.mode, route.distance_nm,
                                                    route.distance_km, route.passages,
                                                    route.countries, route.territorial_nm,
                                                    route.geometry)
                    leg_rows.append((
                        asset.id, asset.name, asset.nation, asset.kind, seq, prev_call.at,
                        call.at, r[1], r[2], r[3], prev_depart, arrive, speed_kmh, sail,
                        prev_depart + dt.timedelta(hours=route.distance_km / sail),
                        asset.range_km, list(r[4]), list(r[5]), dict(r[6]), route, r[7]))
            depart = call.depart
            open_ended = False
            if depart is None:
                if seq == len(asset.itinerary) - 1:
                    open_ended = True
                    start = arrive if arrive is not None else depart
                    depart = max(horizon, start) if (horizon and start) else start
                else:
                    depart = arrive
            if arrive is None:  # first call with depart only: present from departure
                arrive = depart
            if depart is not None and arrive is not None and depart < arrive:
                findings.append(Finding(
                    "SCHEDULE", "error",
                    f"{asset.id} must leave {call.at} at {fmt_minute(depart)} but cannot arrive "
                    f"before {fmt_minute(arrive)} at {asset.speed_kn:,.1f} kn",
                    nation=asset.nation, assets=[asset.id], start=depart, end=arrive,
                    facility=call.at))
                depart = arrive
            place = call.place
            call_rows.append((
                asset.id, asset.name, asset.nation, asset.kind, asset.crew, seq, call.at,
                place.name, place.kind, place.lat, place.lon, place.country, arrive, depart,
                call.arrive is not None, open_ended, call.purpose))
            prev_depart, prev_call = depart, call

    call_frame = pd.DataFrame(call_rows, columns=_CALL_COLUMNS[:-1])
    calls = gpd.GeoDataFrame(
        call_frame, geometry=gpd.points_from_xy(call_frame["lon"], call_frame["lat"]),
        crs="EPSG:4326")
    legs = gpd.GeoDataFrame(pd.DataFrame(leg_rows, columns=_LEG_COLUMNS),
                            geometry="geometry", crs="EPSG:4326")
    for frame in (calls, legs):
        for col in ("arrive", "depart", "sail_end"):
            if col in frame:
                frame[col] = pd.to_datetime(frame[col], utc=True)
    return Schedule(calls, legs, findings)


_CALL_COLUMNS = ["asset", "asset_name", "nation", "kind", "crew", "seq", "at", "name",
                 "facility_kind", "lat", "lon", "host", "arrive", "depart", "arrive_given",
                 "open_ended", "purpose", "geometry"]
_LEG_COLUMNS = ["asset", "asset_name", "nation", "kind", "seq", "from", "to", "mode",
                "distance_nm", "distance_km", "depart", "arrive", "speed_kmh", "sail_kmh",
                "sail_end", "range_km", "passages", "countries_crossed", "territorial_nm",
                "route", "geometry"]
