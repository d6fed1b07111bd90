"""``FACILITY``: calls an asset cannot make at that place (CONTRACT section 4).

Rules, each an error on the call:

- a warship calling at an air base, or at a ``"lat,lon"`` point on land more than
  :data:`COAST_TOLERANCE_KM` from the sea (an inland point);
- an aircraft calling at a port, a sea area, or a ``"lat,lon"`` point at sea. A port is never
  taken to have an airfield (keep it simple: the catalogue lists the air base beside it, e.g.
  ``ins-dega`` beside ``visakhapatnam``, and the message names the nearest one);
- a warship whose ``draught_m`` exceeds the port's maximum vessel draught (World Port Index);
- an aircraft whose ``runway_m`` (the shortest runway it can use) exceeds the base's longest
  runway (OurAirports).

And a warning on a plan facility given no ``country`` (international waters, CONTRACT §1)
whose point lies inside a state's sovereign area (land + 12 nm territorial sea): the calls
and detachments there count towards no host's caps and owe no host clearance, as written;
the warning names the state so the planner can add ``country:``.

A place whose figure is blank in the catalogue (no public source gave one) is not checked for
that figure. Plan facilities carry no figures; only their kind is checked. A ``"lat,lon"``
point on land is accepted for an aircraft (an airstrip outside the catalogue).
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from planner.checks.registry import CheckContext, register
from planner.core.caches import once
from planner.core.units import to_datetime
from planner.layers.catalogue import Place, facilities, facility_attribute
from planner.layers.countries import country_name
from planner.layers.geodesy import GEOD
from planner.layers.territory import country_at, land_polygons
from planner.model.findings import Finding

#: A coordinate on land counts as inland only when every point this far round it (km) is on
#: land too: the shipped land layer's coastline is simplified by up to ~2 km (0.02 deg, see
#: geodata/SOURCES.md "Sovereign territory"), and a harbour berth given as "lat,lon" may fall
#: a little inside it.
COAST_TOLERANCE_KM = 5.0
#: Bearings (degrees) sampled on that circle.
RING_BEARINGS_DEG = tuple(range(0, 360, 30))

#: A message names the nearest catalogue place of the right kind only this close (km).
NEAREST_WITHIN_KM = 500.0
#: What each kind of asset may call at; the other kinds of place are refused.
_WRONG_KIND = {"warship": ("airbase",), "aircraft": ("port", "sea_area")}
_KIND_WORD = {"port": "a port", "airbase": "an air base", "sea_area": "a sea area"}


@once("checks.facility._land_tree")
def _land_tree() -> tuple[shapely.STRtree, np.ndarray]:
    """An STRtree over the land polygons' parts (territory layer) and the parts."""
    land = land_polygons()
    parts = shapely.get_parts(land[~shapely.is_empty(land)])
    shapely.prepare(parts)
    return shapely.STRtree(parts), parts


def on_land(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Whether each point (degrees) lies on land in the territory layer."""
    tree, _ = _land_tree()
    pts = shapely.points(np.asarray(lons, float), np.asarray(lats, float))
    hit = np.zeros(len(pts), bool)
    hit[tree.query(pts, predicate="intersects")[0]] = True
    return hit


def is_inland(lat: float, lon: float) -> bool:
    """Whether a point is on land and at least :data:`COAST_TOLERANCE_KM` from the sea."""
    n = len(RING_BEARINGS_DEG)
    lon2, lat2, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), np.array(RING_BEARINGS_DEG),
                             np.full(n, COAST_TOLERANCE_KM * 1000.0))
    return bool(on_land(np.r_[lat, lat2], np.r_[lon, lon2]).all())


def nearest(place: Place, kind: str) -> tuple[str, float] | None:
    """The catalogue place of ``kind`` nearest to ``place`` and its distance (km)."""
    cat = facilities(kind=kind)
    if cat.empty:
        return None
    n = len(cat)
    _, _, m = GEOD.inv(np.full(n, place.lon), np.full(n, place.lat),
                       cat["lon"].to_numpy(float), cat["lat"].to_numpy(float))
    i = int(np.argmin(m))
    return str(cat.index[i]), float(m[i]) / 1000.0


def _nearest_text(place: Place, kind: str) -> str:
    found = nearest(place, kind)
    if found is None or found[1] > NEAREST_WITHIN_KM:
        return ""
    pid, km = found
    word = "port" if kind == "port" else "air base"
    return f"; the nearest catalogue {word} is {pid} ({km:,.0f} km)"


class _CallTimes:
    """``get((asset, seq), default)``: the call's (arrive, depart) as :func:`to_datetime`
    gives them, converted only for the calls a finding names."""

    def __init__(self, schedule):
        calls = schedule.calls
        self._row = {(a, int(s)): i for i, (a, s) in enumerate(zip(
            calls["asset"].tolist(), calls["seq"].tolist(), strict=True))}
        self._arrive, self._depart = calls["arrive"].array, calls["depart"].array

    def get(self, key: tuple[str, int], default=None):
        i = self._row.get(key)
        if i is None:
            return default
        return to_datetime(self._arrive[i]), to_datetime(self._depart[i])


def _call_times(schedule) -> _CallTimes:
    return _CallTimes(schedule)


def _leg_index(schedule) -> dict[tuple[str, int], int]:
    legs = schedule.legs
    return {(a, int(s)): i for i, (a, s) in enumerate(zip(legs["asset"].tolist(),
                                                          legs["seq"].tolist(), strict=True))}


def _kind_problem(kind: str, place: Place) -> str | None:
    """Why an asset of ``kind`` cannot call at ``place`` (None: it can)."""
    if place.kind in _WRONG_KIND.get(kind, ()):
        want = "port" if kind == "warship" else "airbase"
        return (f"{place.id} is {_KIND_WORD[place.kind]}, not a "
                f"{'port' if kind == 'warship' else 'place to land'}"
                + _nearest_text(place, want))
    if place.kind != "point":
        return None
    if kind == "warship" and is_inland(place.lat, place.lon):
        return (f"{place.lat:.4f},{place.lon:.4f} is inland (on land, more than "
                f"{COAST_TOLERANCE_KM:g} km from the sea)" + _nearest_text(place, "port"))
    if kind == "aircraft" and not on_land(np.array([place.lat]), np.array([place.lon]))[0]:
        return (f"{place.lat:.4f},{place.lon:.4f} is at sea, with nowhere to land"
                + _nearest_text(place, "airbase"))
    return None


_OURAIRPORTS = re.compile(r"OurAirports runways\.csv .*?airport_ref \d+ \(([^)]+)\) longest runway "
                          r"id \d+ (\S+) (\d+) ft")


def short_source(source: str) -> str:
    """A figure's source as a message quotes it: an OurAirports runway reference shortened
    to the airport, the runway and its length in feet; anything else as it is."""
    m = _OURAIRPORTS.search(source)
    return (f"OurAirports runways.csv, {m.group(1)} runway {m.group(2)}, {m.group(3)} ft"
            if m else source)


def _figure_problem(asset, place: Place) -> tuple[str, float, float] | None:
    """(why, the asset's figure, the place's figure) when a draught or runway does not fit."""
    if asset.kind == "warship" and asset.draught_m is not None and place.kind == "port":
        limit, source = facility_attribute(place.id, "max_draught_m")
        if limit is not None and asset.draught_m > float(limit):
            return (f"its draught of {asset.draught_m:g} m exceeds {place.id}'s maximum vessel "
                    f"draught of {float(limit):g} m ({short_source(source)})",
                    float(asset.draught_m), float(limit))
    if asset.kind == "aircraft" and asset.runway_m is not None and place.kind == "airbase":
        limit, source = facility_attribute(place.id, "runway_m")
        if limit is not None and asset.runway_m > float(limit):
            return (f"it needs a runway of {asset.runway_m:,.0f} m; {place.id}'s longest is "
                    f"{float(limit):,.0f} m ({short_source(source)})",
                    float(asset.runway_m), float(limit))
    return None


def facility_findings(plan, schedule) -> list[Finding]:
    """``FACILITY`` errors for every call of every asset (module docstring)."""
    times = _call_times(schedule)
    legs = _leg_index(schedule)
    out: list[Finding] = []
    for asset in plan.assets:
        for seq, call in enumerate(asset.itinerary):
            place = call.place
            why = _kind_problem(asset.kind, place)
            figure = _figure_problem(asset, place)
            if why is None and figure is None:
                continue
            start, end = times.get((asset.id, seq), (None, None))
            common = dict(host=place.country, nation=asset.nation, start=start, end=end,
                          assets=[asset.id], leg=legs.get((asset.id, seq)), facility=call.at,
                          lat=place.lat, lon=place.lon)
            if why is not None:
                out.append(Finding(
                    "FACILITY", "error",
                    f"{asset.id} ({asset.kind}) cannot call at {call.at} (call {seq + 1}): "
                    f"{why}", extra={"rule": "kind", "facility_kind": place.kind}, **common))
            if figure is not None:
                why, value, limit = figure
                rule = "draught" if asset.kind == "warship" else "runway"
                out.append(Finding(
                    "FACILITY", "error",
                    f"{asset.id} cannot call at {call.at} (call {seq + 1}): {why}",
                    value=value, limit=limit, unit="m", extra={"rule": rule}, **common))
    return out + _stateless_findings(plan)


def _stateless_findings(plan) -> list[Finding]:
    """A ``FACILITY`` warning per plan facility without a country inside a sovereign area."""
    out = []
    for fid, place in plan.facilities.items():
        if place.country:
            continue
        state = country_at(place.lat, place.lon)
        if state is None:
            continue
        assets = sorted({a.id for a in plan.assets for c in a.itinerary
                         if c.place is place or c.at == fid})
        teams = sorted({d.id for d in plan.detachments if d.place is place or d.at == fid})
        users = assets + teams
        used = (f"; {', '.join(users)} {'is' if len(users) == 1 else 'are'} counted there as "
                "in no state's territory (no cap, no host clearance)" if users else "")
        out.append(Finding(
            "FACILITY", "warning",
            f"plan facility {fid} ({place.lat:.4f}, {place.lon:.4f}) has no country, so it is "
            f"taken as international waters, but it lies inside the sovereign area (land + "
            f"12 nm territorial sea) of {country_name(state)}{used}; give it "
            f"`country: {state}` if it is there",
            host=state, assets=assets, facility=fid, lat=place.lat, lon=place.lon,
            extra={"rule": "country", "inside": state, "detachments": teams}))
    return out


@register("facility")
def facility_check(ctx: CheckContext) -> list[Finding]:
    """``FACILITY``."""
    return facility_findings(ctx.plan, ctx.schedule)


__all__ = ["COAST_TOLERANCE_KM", "facility_findings", "is_inland", "nearest", "on_land"]
