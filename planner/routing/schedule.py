"""The schedule: legs routed between calls, missing times computed, timing checked.

Warship legs are routed over water (:func:`planner.sea.sea_route`), aircraft legs along the
geodesic (:func:`planner.air.air_route`). Absent arrival times are computed from the route and
the asset's planning speed; given ones that would need more than that speed are reported as
``SCHEDULE`` findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from planner.core.units import KM_PER_NM, fmt_minute
from planner.layers.catalogue import Place
from planner.model.findings import Finding
from planner.model.objects import LATEST_TIME
from planner.model.problems import PlanError, Problem
from planner.routing.air import air_route
from planner.routing.route import Route
from planner.routing.sea import sea_route

#: A given arrival may beat the computed one by this much before it is called impossible
#: (rounding in hand-made plans).
SCHEDULE_TOLERANCE = dt.timedelta(minutes=30)

Router = Callable[..., Route]


def route_leg(asset, origin: Place, destination: Place, *, when: dt.datetime | None,
              avoid: tuple[str, ...] = (), deny: tuple[str, ...] = (),
              waters: str | None = None) -> Route:
    """Route one leg the way the asset travels: over water for warships (shortest route; the
    NSR rules are checked separately), along the geodesic for aircraft."""
    if asset.kind == "warship":
        return sea_route(origin, destination, avoid=avoid, nation=asset.nation, waters=waters)

    return air_route(origin, destination, deny=deny)


@dataclass
class Schedule:
    """Calls with their effective times, legs with their routes, and timing findings."""

    calls: gpd.GeoDataFrame
    legs: gpd.GeoDataFrame
    findings: list[Finding] = field(default_factory=list)


def _ceil_minute(t: dt.datetime) -> dt.datetime:
    """Round a computed time up to the whole minute."""
    floor = t.replace(second=0, microsecond=0)
    return floor if floor == t else floor + dt.timedelta(minutes=1)


def build_schedule(plan, router: Router | None = None) -> Schedule:
    """Route every leg of every asset and work out when each call starts and ends.

    A last call without ``depart`` lasts until ``plan.horizon_end`` (default: the latest time
    in the plan). An intermediate call without ``depart`` is a call of zero length.
    """
    router = router or route_leg
    horizon = plan.horizon_end or plan.latest_time()
    call_rows: list[dict] = []
    leg_rows: list[dict] = []
    findings: list[Finding] = []

    for ai, asset in enumerate(plan.assets):
        prev_depart: dt.datetime | None = None
        prev_call = None
        for seq, call in enumerate(asset.itinerary):
            arrive = call.arrive
            if seq > 0:
                try:
                    route = router(asset, prev_call.place, call.place, when=prev_depart,
                                   avoid=call.avoid, deny=call.deny, waters=call.waters)
                except ValueError as exc:
                    findings.append(Finding(
                        "SCHEDULE", "error", f"{asset.id}: leg {prev_call.at} -> {call.at} "
                        f"cannot be routed: {exc}", nation=asset.nation, assets=[asset.id],
                        start=prev_depart, facility=call.at))
                    route = None
                hours = route.duration_h(speed_kmh=asset.speed_kmh) if route is not None else 0
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
                    leg_rows.append({
                        "asset": asset.id, "asset_name": asset.name, "nation": asset.nation,
                        "kind": asset.kind, "seq": seq, "from": prev_call.at, "to": call.at,
                        "mode": route.mode, "distance_nm": route.distance_nm,
                        "distance_km": route.distance_km, "depart": prev_depart,
                        "arrive": arrive, "speed_kmh": asset.speed_kmh,
                        "range_km": asset.range_km, "passages": list(route.passages),
                        "countries_crossed": list(route.countries), "route": route,
                        "geometry": route.geometry,
                    })
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
            call_rows.append({
                "asset": asset.id, "asset_name": asset.name, "nation": asset.nation,
                "kind": asset.kind, "crew": asset.crew, "seq": seq, "at": call.at,
                "name": call.place.name, "facility_kind": call.place.kind,
                "lat": call.place.lat, "lon": call.place.lon, "host": call.place.country,
                "arrive": arrive, "depart": depart, "arrive_given": call.arrive is not None,
                "open_ended": open_ended, "purpose": call.purpose,
            })
            prev_depart, prev_call = depart, call

    call_frame = pd.DataFrame(call_rows, columns=_CALL_COLUMNS[:-1])
    calls = gpd.GeoDataFrame(
        call_frame, geometry=gpd.points_from_xy(call_frame["lon"], call_frame["lat"]),
        crs="EPSG:4326")
    legs = gpd.GeoDataFrame(pd.DataFrame(leg_rows, columns=_LEG_COLUMNS),
                            geometry="geometry", crs="EPSG:4326")
    for frame in (calls, legs):
        for col in ("arrive", "depart"):
            frame[col] = pd.to_datetime(frame[col], utc=True)
    return Schedule(calls, legs, findings)


_CALL_COLUMNS = ["asset", "asset_name", "nation", "kind", "crew", "seq", "at", "name",
                 "facility_kind", "lat", "lon", "host", "arrive", "depart", "arrive_given",
                 "open_ended", "purpose", "geometry"]
_LEG_COLUMNS = ["asset", "asset_name", "nation", "kind", "seq", "from", "to", "mode",
                "distance_nm", "distance_km", "depart", "arrive", "speed_kmh", "range_km",
                "passages", "countries_crossed", "route", "geometry"]
