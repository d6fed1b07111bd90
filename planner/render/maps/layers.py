"""Layer payloads: compact GeoJSON-like data for each map layer (legs, facilities, territory,
NSR seas, findings, basemap), built here and drawn by the runtime in ``runtime.js``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import shape

from planner.core.caches import cached, once
from planner.core.paths import geodata_path
from planner.core.units import epoch_minutes
from planner.layers.catalogue import facilities
from planner.render.maps import style as S
from planner.render.maps.escape import esc, popup_rows, present, when
from planner.render.maps.geometry import (
    DECIMALS,
    _feature,
    _polygonal,
    _round_coords,
    area_feature,
    line_coords,
    midpoint_bearing,
    shift_geometry,
    shift_lon,
)

#: Findings about a whole leg, drawn along it when they carry no segment.
LEG_CODES = frozenset({"RANGE", "SCHEDULE", "NSR_ICE"})


@once("render.maps.layers._catalogue_places")
def _catalogue_places() -> dict[str, dict]:
    """Catalogue rows by id (name, kind, country, lat, lon, ...), cached."""
    fac = pd.DataFrame(facilities().drop(columns="geometry"))
    return {str(i): r for i, r in zip(fac.index, fac.to_dict("records"), strict=True)}


def _place_name(pid: str, extra: Mapping[str, Any]) -> str:
    if pid in extra:
        return str(getattr(extra[pid], "name", pid))
    row = _catalogue_places().get(pid)
    return str(row["name"]) if row else str(pid)


def leg_features(legs: pd.DataFrame, west: float, tolerance_deg: float, *,
                 asset_names: Mapping[str, str] | None = None,
                 asset_index: Mapping[str, int] | None = None,
                 places: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """GeoJSON features of the legs by mode, and the tables their popups refer to:
    ``{"sea": [...], "air": [...], "tables": {...}}``.

    Each feature is a LineString along ``route.lons/lats`` (unwrapped, shifted into the
    window, simplified, rounded) with compact properties: ``i`` leg number (row position),
    ``a`` asset index, ``s`` style key (``mode|nation``), ``t0``/``t1`` depart/arrive in epoch
    minutes (None if unknown), ``m`` mid-leg point and ``b`` bearing there (degrees) for the
    direction arrow, ``f``/``o`` from/to indices into ``tables["places"]``, ``d`` distance
    ``[nm, km]`` (whole numbers), ``ps``/``cc`` passages and countries crossed (escaped text).
    ``tables`` holds escaped text only: ``heads`` (popup title per asset index), ``names``
    (asset names), ``places`` (place names). The browser builds the popup from these
    (``relos.legPopup`` in ``runtime.js``): 2,000 popups would otherwise be
    most of the page.
    """
    names = dict(asset_names or {})
    index = dict(asset_index or {})
    extra = dict(places or {})
    rows = legs.drop(columns=legs.geometry.name if isinstance(legs, gpd.GeoDataFrame) else [])
    out: dict[str, Any] = {"sea": [], "air": []}
    place_ix: dict[str, int] = {}
    heads: dict[int, str] = {}
    for pos, leg in enumerate(rows.to_dict("records")):
        route = leg["route"]
        mode = str(leg.get("mode", getattr(route, "mode", "sea")))
        nation = str(leg.get("nation", ""))
        asset = str(leg.get("asset", ""))
        a = index.setdefault(asset, len(index))
        heads.setdefault(a, f"<b>{esc(names.get(asset, asset))}</b> ({esc(nation)}, "
                            f"{esc(leg.get('kind', ''))})")
        coords = line_coords(route.lons, route.lats, west, tolerance_deg)
        xy = np.asarray(coords)  # the arrow sits on the line as drawn
        mx, my, b = midpoint_bearing(xy[:, 0], xy[:, 1])
        # a dashed line drawn both ways (out and back) fills its own gaps: draw every air
        # leg west to east (``r`` marks a reversed one; the time slider turns it back)
        flip = mode == "air" and (coords[0][0], coords[0][1]) > (coords[-1][0], coords[-1][1])
        if flip:
            coords = coords[::-1]
        frm, to = str(leg.get("from", route.origin)), str(leg.get("to", route.destination))
        props: dict[str, Any] = {
            "i": pos, "a": a, "s": f"{mode}|{nation}",
            "t0": epoch_minutes(leg.get("depart")), "t1": epoch_minutes(leg.get("arrive")),
            "m": [round(mx, DECIMALS), round(my, DECIMALS)], "b": round(b, 1),
            "f": place_ix.setdefault(frm, len(place_ix)),
            "o": place_ix.setdefault(to, len(place_ix)),
            "d": [round(float(leg.get("distance_nm", route.distance_nm))),
                  round(float(leg.get("distance_km", route.distance_km)))],
        }
        if flip:
            props["r"] = 1
        for key, col in (("ps", "passages"), ("cc", "countries_crossed")):
            items = present(leg.get(col))
            if items is not None and len(items):
                props[key] = esc(", ".join(_crossed(x, leg, route) if key == "cc" else str(x)
                                           for x in items))
        out["air" if mode == "air" else "sea"].append(
            {"type": "Feature", "properties": props,
             "geometry": {"type": "LineString", "coordinates": coords}})
    n_assets = max(index.values(), default=-1) + 1
    inv = {v: k for k, v in index.items()}
    out["tables"] = {
        "heads": [heads.get(i, f"<b>{esc(names.get(inv.get(i, ''), inv.get(i, '')))}</b>")
                  for i in range(n_assets)],
        "names": [esc(names.get(inv.get(i, ""), inv.get(i, ""))) for i in range(n_assets)],
        "places": [esc(_place_name(pid, extra)) for pid in place_ix],
    }
    return out


def _crossed(iso3, leg: Mapping[str, Any], route) -> str:
    """A country crossed, with the nm inside its territorial sea for a sea leg
    (``KOR 55 nm``)."""
    nm = leg.get("territorial_nm")
    if not isinstance(nm, Mapping):
        nm = getattr(route, "territorial_nm", None)
    if isinstance(nm, Mapping) and iso3 in nm:
        return f"{iso3} {float(nm[iso3]):,.0f} nm"
    return str(iso3)


def leg_styles(nations: Iterable[str], colours: Mapping[str, str]) -> dict[str, dict]:
    """Leaflet path styles keyed ``mode|nation``: solid sea legs, dashed air legs."""
    styles = {}
    for n in nations:
        c = colours.get(n, "#333333")
        styles[f"sea|{n}"] = {"color": c, "weight": 3, "opacity": 0.85}
        styles[f"air|{n}"] = {"color": c, "weight": 2.5, "opacity": 0.85, "dashArray": "8 6"}
    return styles


def facility_points(facilities: pd.DataFrame, west: float, colours: Mapping[str, str],
                    used: Iterable[str] = ()) -> list[dict]:
    """Marker payloads for catalogue facilities: ``x``/``y`` (lon shifted into the window,
    lat), ``k`` shape by kind, ``c`` colour by country, ``z`` size (larger if the plan uses
    it), ``p`` escaped popup with the catalogue attributes and source, ``t`` tooltip."""
    used = set(used)
    pts = []
    attrs = ("kind", "country", "region", "locode_icao", "max_draught_m", "runway_m", "fuel",
             "ice_free_months", "source", "attr_source")
    for fid, r in facilities.iterrows():
        kind = str(r.get("kind", "port"))
        popup = f"<b>{esc(r.get('name', fid))}</b>" + popup_rows(
            [("id", fid)] + [(a, r.get(a)) for a in attrs if a in r.index])
        pts.append({
            "x": round(shift_lon(float(r["lon"]), west), 4), "y": round(float(r["lat"]), 4),
            "k": S.FACILITY_SHAPES.get(kind, "square"),
            "c": colours.get(str(r.get("country", "")), "#777777"),
            "z": 16 if str(fid) in used else 11,
            "p": popup, "t": esc(r.get("name", fid)),
            # a label: always for places the plan uses, from zoom 6 for the rest
            "l": esc(r.get("name", fid)), "lz": 0 if str(fid) in used else 6,
        })
    return pts


def place_points(places: Mapping[str, Any], west: float, colours: Mapping[str, str]) -> list[dict]:
    """Marker payloads for plan facilities (``Place``-like objects: id, name, kind, lat, lon,
    country)."""
    pts = []
    for pid, p in places.items():
        kind = str(getattr(p, "kind", "point"))
        country = getattr(p, "country", None)
        popup = f"<b>{esc(getattr(p, 'name', pid))}</b>" + popup_rows([
            ("id", pid), ("kind", kind), ("country", country or "international waters"),
            ("position", f"{float(p.lat):.4f}, {float(p.lon):.4f}"), ("source", "plan file")])
        pts.append({"x": round(shift_lon(float(p.lon), west), 4), "y": round(float(p.lat), 4),
                    "k": S.FACILITY_SHAPES.get(kind, "square"),
                    "c": colours.get(str(country), "#555555"), "z": 16,
                    "p": popup, "t": esc(getattr(p, "name", pid)),
                    "l": esc(getattr(p, "name", pid)), "lz": 0})
    return pts


def territory_features(territory: pd.DataFrame, iso3s: Iterable[str], west: float,
                       tolerance_deg: float = 0.05) -> list[dict]:
    """Features of the sovereign territory (land + 12 nm) of the given countries, simplified,
    shifted into the window; properties ``s`` style key, ``p`` popup, ``t`` tooltip."""
    wanted = {str(c) for c in iso3s if c}
    feats = []
    for _, r in territory.iterrows():
        iso = str(r["iso3"])
        if iso not in wanted:
            continue
        name = r.get("name", iso)
        f = area_feature(r.geometry, west, tolerance_deg, {
            "s": "territory", "t": esc(f"{name} ({iso})"),
            "p": f"<b>{esc(name)}</b> ({esc(iso)})<br>sovereign territory: land and "
                 "12 nm territorial sea (airspace above)"})
        if f:
            feats.append(f)
    return feats


def nsr_status(sea: str, ships: list[tuple[str, str | None]], months: list[int],
               permitted) -> tuple[str, list[str]]:
    """Whether ``ships`` (name, ice class) may sail ``sea`` in ``months``: ``all``, ``some``,
    ``none`` (or ``n/a`` without ships/months), plus one escaped line per ship."""
    if not ships or not months:
        return "n/a", []
    oks, lines = [], []
    memo: dict[tuple[str, int], bool] = {}
    for name, ice in ships:
        row = []
        for mo in months:
            key = (ice or "none", mo)
            if key not in memo:
                try:
                    memo[key] = bool(permitted(key[0], sea, mo))
                except (KeyError, ValueError):
                    memo[key] = False
            ok = memo[key]
            oks.append(ok)
            row.append(f"{mo:02d}:{'yes' if ok else 'no'}")
        lines.append(f"{esc(name)} ({esc(ice or 'no ice class')}): {' '.join(row)}")
    return ("all" if all(oks) else "some" if any(oks) else "none"), lines


def nsr_features(seas: pd.DataFrame, ships: list[tuple[str, str | None]], months: list[int],
                 permitted, west: float, tolerance_deg: float = 0.05) -> list[dict]:
    """Features of the NSR seas, style key ``nsr|<status>`` from :func:`nsr_status`."""
    feats = []
    for _, r in seas.iterrows():
        sea = str(r["sea"])
        status, lines = nsr_status(sea, ships, months, permitted)
        label = S.NSR_STATUS[status][1]
        popup = (f"<b>{esc(sea)}</b> (Northern Sea Route)<br>{esc(label)}"
                 + ("<br>" + "<br>".join(lines) if lines else ""))
        f = area_feature(r.geometry, west, tolerance_deg,
                         {"s": f"nsr|{status}", "p": popup, "t": esc(f"{sea}: {label}")})
        if f:
            feats.append(f)
    return feats


def _segment_coords(segment, west: float) -> list[list[float]] | None:
    if segment is None or (isinstance(segment, float) and math.isnan(segment)):
        return None
    pts = list(segment)
    if len(pts) < 2:
        return None
    return line_coords([p[0] for p in pts], [p[1] for p in pts], west, 0.0)


def _lat_lon(text: Any) -> tuple[float, float] | None:
    """``"lat,lon"`` (a plan's point call) as numbers, or None."""
    try:
        a, b = str(text).split(",")
        lat, lon = float(a), float(b)
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 360 else None


def _call_position(calls: pd.DataFrame | None, assets: Any, start: Any
                   ) -> tuple[float, float] | None:
    """Where the first of ``assets`` is at ``start`` by its calls (the call it is at, or the
    last it left), or None."""
    if calls is None or not len(calls) or not assets or start is None:
        return None
    rows = calls[calls["asset"].astype(str) == str(list(assets)[0])]
    if not len(rows):
        return None
    t = pd.Timestamp(start)
    t = t.tz_localize("UTC") if t.tzinfo is None else t
    before = rows[pd.to_datetime(rows["arrive"], utc=True) <= t]
    row = (before if len(before) else rows).iloc[-1 if len(before) else 0]
    return float(row["lat"]), float(row["lon"])


def finding_features(findings: pd.DataFrame, legs: pd.DataFrame | None, west: float,
                     tolerance_deg: float, places: Mapping[str, Any] | None = None,
                     calls: pd.DataFrame | None = None
                     ) -> tuple[list[dict], list[dict], list[str]]:
    """Where each finding is drawn, in red: ``(line features, point markers, unplaced)``.

    A finding with a ``segment`` (e.g. an overflight's part of a leg) is drawn along it; else
    a leg-level finding (:data:`LEG_CODES`, e.g. RANGE) along its leg; else at ``lat``/``lon``,
    its ``facility`` (e.g. cap violations at the host facility; a ``"lat,lon"`` point), mid-leg
    (e.g. CLEARANCE) or where its first asset is at its start (by ``calls``).
    Errors get style ``finding``, warnings/info ``notice``. ``unplaced`` holds the escaped
    messages of findings with no place.
    """
    lines, points, unplaced = [], [], []
    extra = dict(places or {})
    cat = None
    for _, f in findings.iterrows():
        def val(key, f=f):
            return present(f.get(key) if key in f.index else None)
        code, sev = val("code") or "", val("severity") or ""
        popup = (f"<b>{esc(code)}</b> ({esc(sev)})<br>{esc(val('message'))}" + popup_rows([
            ("host", val("host")), ("nation", val("nation")), ("start", when(val("start"))),
            ("end", when(val("end"))), ("value", val("value")), ("limit", val("limit")),
            ("assets", list(val("assets") or [])), ("facility", val("facility"))]))
        tip = esc(f"{code}: {val('message') or ''}"[:160])
        error = sev == "error"
        props = {"s": "finding" if error else "notice", "p": popup, "t": tip}
        seg = _segment_coords(val("segment"), west)
        leg = val("leg")
        route = None
        if leg is not None and legs is not None and len(legs):
            k = int(leg)
            route = (legs.loc[k] if k in legs.index else legs.iloc[k])["route"]
        if seg is not None:
            lines.append({"type": "Feature", "properties": props,
                          "geometry": {"type": "LineString", "coordinates": seg}})
            continue
        if route is not None and code in LEG_CODES:
            coords = line_coords(route.lons, route.lats, west, tolerance_deg)
            lines.append({"type": "Feature", "properties": props,
                          "geometry": {"type": "LineString", "coordinates": coords}})
            continue
        lat, lon = val("lat"), val("lon")
        fac = val("facility")
        if (lat is None or lon is None) and fac is not None:
            if fac in extra:
                lat, lon = float(extra[fac].lat), float(extra[fac].lon)
            else:
                cat = cat if cat is not None else _catalogue_places()
                if fac in cat:
                    lat, lon = float(cat[fac]["lat"]), float(cat[fac]["lon"])
        if (lat is None or lon is None) and fac is not None and _lat_lon(fac):
            lat, lon = _lat_lon(fac)
        if (lat is None or lon is None) and route is not None:  # e.g. a clearance: mid-leg
            lon, lat, _ = midpoint_bearing(route.lons, route.lats)
        if lat is None or lon is None:  # e.g. a cap finding: where its first asset is
            hit = _call_position(calls, val("assets"), val("start"))
            if hit:
                lat, lon = hit
        if lat is None or lon is None:
            unplaced.append(f"<b>{esc(code)}</b> {esc(val('message'))}")
            continue
        points.append({"x": round(shift_lon(float(lon), west), 4), "y": round(float(lat), 4),
                       "k": "square", "c": S.FINDING, "o": "#000", "z": 18 if error else 12,
                       "p": popup, "t": tip})
    return lines, points, unplaced


def basemap_features(west: float) -> list[dict]:
    """The shipped land polygons (``geodata/basemap_land.geojson``) shifted into the window."""
    return _basemap_cached(west)


@cached("render.maps.layers._basemap_cached", maxsize=4)
def _basemap_cached(west: float) -> list[dict]:
    data = json.loads(geodata_path("basemap_land.geojson").read_text(encoding="utf-8"))
    feats = []
    for f in data["features"]:
        geom = shape(f["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            g = _polygonal(shift_geometry(poly, west))
            if g is not None:
                feats.append(_feature(_round_coords(g, 2), {}))
    return feats
