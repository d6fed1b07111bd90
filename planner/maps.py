"""Folium maps of a plan (facilities, territory, NSR seas, legs, findings, assets over time) and
of what is reachable from a place.

Every layer is fed by a compact GeoJSON-like payload built here (unit-testable, see the
``*_features`` functions) and drawn by the small runtime in :mod:`planner.mapstyle`; only
Leaflet itself is loaded. ``offline=True`` inlines Leaflet from ``planner/vendor`` so the HTML
needs no network at all; the default basemap is drawn from ``geodata/basemap_land.geojson``
(no tile server). Output is deterministic: :func:`map_html` renames folium's random element
ids in order of appearance.

Antimeridian: the map shows one 360-degree window of longitudes ``[west, west + 360)`` chosen
around the plan's data (:func:`display_west`); routes (unwrapped ``route.lons``), points and
polygons are all shifted into that window, so Chukotka/Kamchatka legs draw continuously.

All plan strings are HTML-escaped (:func:`esc`) before they reach a payload, and payloads are
embedded as JSON with ``<``, ``>`` and ``&`` escaped, so no plan text can close a script.
"""

from __future__ import annotations

import base64
import copy
import functools
import html
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template
from shapely.geometry import box, mapping, shape

from . import mapstyle as S
from .geo import GEOD
from .paths import geodata_path

VENDOR = Path(__file__).resolve().parent / "vendor"
LEAFLET_CDN = ("https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
               "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")
JQUERY_CDN = "https://code.jquery.com/jquery-3.7.1.min.js"
OSM = ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
       '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')
#: Coordinates are rounded to this many decimals (0.001 deg is about 110 m).
DECIMALS = 3
#: Findings about a whole leg, drawn along it when they carry no segment.
LEG_CODES = frozenset({"RANGE", "SCHEDULE", "NSR_ICE"})
#: CONTRACT section 4 caps, used only until ``planner.agreement`` is importable.
DEFAULT_CAPS = {"warships": 5, "aircraft": 10, "personnel": 3000}


# --------------------------------------------------------------------------- escaping


def esc(value: Any) -> str:
    """``value`` as text safe inside HTML (``html.escape`` with quotes)."""
    return html.escape("" if value is None else str(value), quote=True)


def js_json(obj: Any) -> str:
    """``obj`` as compact JSON that is safe inside an HTML ``<script>`` element."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _rows(pairs: Iterable[tuple[str, Any]]) -> str:
    """An escaped two-column HTML table for a popup, skipping empty values."""
    cells = []
    for k, v in pairs:
        if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, list | tuple):
            if not v:
                continue
            v = ", ".join(str(x) for x in v)
        cells.append(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>")
    return '<table class="relos-popup">' + "".join(cells) + "</table>"


def _utc(t: Any) -> str | None:
    """A timestamp as ``2026-03-10 08:00Z`` (None for missing)."""
    if t is None or (not isinstance(t, str) and pd.isna(t)):
        return None
    ts = pd.Timestamp(t)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").strftime("%Y-%m-%d %H:%MZ")


def _epoch_min(t: Any) -> int | None:
    """A timestamp as whole minutes since 1970-01-01 UTC (None for a missing time)."""
    if _present(t) is None:
        return None
    ts = pd.Timestamp(t)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return int(ts.timestamp() // 60)


# --------------------------------------------------------------------------- antimeridian


def display_west(lons: Iterable[float]) -> float:
    """West edge (degrees) of the 360-degree longitude window the map shows.

    -180 unless the data crosses the antimeridian; then the middle of the widest longitude gap
    free of data, so the data lies continuously inside ``[west, west + 360)``.
    """
    a = np.asarray([x for x in lons if np.isfinite(x)], float)
    if a.size == 0:
        return -180.0
    a = np.unique(((a + 180.0) % 360.0) - 180.0)
    gaps = np.diff(np.concatenate([a, [a[0] + 360.0]]))
    i = int(np.argmax(gaps))
    if i == len(a) - 1:  # the widest gap wraps through 180: the usual [-180, 180) window
        return -180.0
    mid = a[i] + gaps[i] / 2.0
    return float(((mid + 180.0) % 360.0) - 180.0)


def shift_lon(lon: float, west: float) -> float:
    """``lon`` moved by a multiple of 360 into ``[west, west + 360)``."""
    return float(west + ((lon - west) % 360.0))


def shift_line(lons: Iterable[float], west: float) -> np.ndarray:
    """Unwrapped longitudes moved as a whole so that the first lies in the window."""
    arr = np.asarray(lons if isinstance(lons, np.ndarray) else list(lons), float)
    if arr.size == 0:
        return arr
    return arr + (shift_lon(arr[0], west) - arr[0])


def shift_geometry(geom, west: float):
    """A lon/lat geometry in [-180, 180] (e.g. split at the antimeridian) redrawn inside the
    window ``[west, west + 360)``: parts beyond the edge are moved by 360 degrees and pieces
    that meet at 180 are merged, so polygons stay continuous. Returns None if empty."""
    if geom is None or geom.is_empty:
        return None
    if west == -180.0:
        return geom
    window = box(west, -90.0, west + 360.0, 90.0)
    pieces = []
    for k in (-1, 0, 1):
        g = shapely.affinity.translate(geom, xoff=360.0 * k)
        if not g.intersects(window):
            continue
        minx, _, maxx, _ = g.bounds
        if minx >= west and maxx <= west + 360.0:
            pieces.append(g)
        else:
            pieces.append(shapely.make_valid(g).intersection(window))
    if not pieces:
        return None
    out = shapely.union_all(pieces) if len(pieces) > 1 else pieces[0]
    return None if out.is_empty else out


def _round_coords(geom, decimals: int = DECIMALS):
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def _feature(geom, props: dict) -> dict | None:
    """A GeoJSON feature, polygons-only or lines-only parts kept, or None if empty."""
    if geom is None or geom.is_empty:
        return None
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _polygonal(geom):
    """Only the polygon parts of a geometry (intersections may leave lines/points)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def area_feature(geom, west: float, tolerance_deg: float, props: dict) -> dict | None:
    """A polygon layer feature: simplified (``tolerance_deg``), shifted into the window and
    rounded to :data:`DECIMALS`."""
    if geom is None or geom.is_empty:
        return None
    g = shapely.simplify(geom, tolerance_deg, preserve_topology=True) if tolerance_deg else geom
    g = _polygonal(shift_geometry(g, west))
    if g is None:
        return None
    return _feature(_round_coords(g), props)


def line_coords(lons, lats, west: float, tolerance_deg: float) -> list[list[float]]:
    """An unwrapped polyline shifted into the window, simplified and rounded: ``[[lon, lat]]``."""
    x = shift_line(lons, west)
    y = np.asarray(lats, float)
    if len(x) >= 3 and tolerance_deg > 0:
        line = shapely.simplify(shapely.LineString(np.column_stack([x, y])), tolerance_deg,
                                preserve_topology=False)
        xy = np.asarray(line.coords)
    else:
        xy = np.column_stack([x, y]) if len(x) else np.zeros((0, 2))
    xy = np.round(xy, DECIMALS)
    if len(xy) > 1:
        keep = np.concatenate([[True], np.any(np.diff(xy, axis=0) != 0, axis=1)])
        xy = xy[keep]
    if len(xy) == 1:
        xy = np.vstack([xy, xy])
    return [[float(a), float(b)] for a, b in xy]


def midpoint_bearing(lons, lats) -> tuple[float, float, float]:
    """(lon, lat, bearing in degrees clockwise from north) at half the geodesic length of an
    unwrapped polyline; the bearing is the local direction of travel."""
    x = np.asarray(lons, float)
    y = np.asarray(lats, float)
    if len(x) < 2:
        return float(x[0]), float(y[0]), 0.0
    az, _, d = GEOD.inv(x[:-1], y[:-1], x[1:], y[1:])
    d = np.asarray(d, float)
    cum = np.concatenate([[0.0], np.cumsum(d)])
    half = cum[-1] / 2.0
    i = int(np.clip(np.searchsorted(cum, half) - 1, 0, len(d) - 1))
    if d[i] <= 0:
        return float(x[i]), float(y[i]), float(np.asarray(az)[i] % 360.0)
    az = np.asarray(az, float)
    lon, lat, _ = GEOD.fwd(x[i], y[i], az[i], half - cum[i])
    lon = x[i] + ((lon - x[i] + 180.0) % 360.0 - 180.0)  # keep it on the unwrapped line
    bearing = az[i]
    if cum[i + 1] - half > 1.0:  # direction from the midpoint on to the next vertex
        bearing = GEOD.inv(lon, lat, x[i + 1], y[i + 1])[0]
    return float(lon), float(lat), bearing % 360.0


def tolerance_for(lons: Iterable[float], lats: Iterable[float]) -> float:
    """Simplification tolerance in degrees for a view of the data: about a screen pixel at the
    zoom that fits it (span / 3000), clamped to [0.005, 0.05]."""
    x = np.asarray(list(lons), float)
    y = np.asarray(list(lats), float)
    if x.size == 0:
        return 0.05
    span = max(float(np.ptp(x)), float(np.ptp(y)) * 1.5, 1.0)
    return float(np.clip(span / 3000.0, 0.005, 0.05))


def area_tolerance(line_tolerance_deg: float) -> float:
    """Simplification tolerance (degrees) for territory and sea polygons: twice the line
    tolerance, within [0.01, 0.05] (at most about 5 km, well inside the 12 nm band)."""
    return float(np.clip(2.0 * line_tolerance_deg, 0.01, 0.05))


# --------------------------------------------------------------------------- layer payloads


@functools.lru_cache(maxsize=1)
def _catalogue_places() -> dict[str, dict]:
    """Catalogue rows by id (name, kind, country, lat, lon, ...), cached."""
    from .catalogue import facilities

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
    (``relos.legPopup``), as :func:`leg_popup` does here: 2,000 popups would otherwise be
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
        frm, to = str(leg.get("from", route.origin)), str(leg.get("to", route.destination))
        props: dict[str, Any] = {
            "i": pos, "a": a, "s": f"{mode}|{nation}",
            "t0": _epoch_min(leg.get("depart")), "t1": _epoch_min(leg.get("arrive")),
            "m": [round(mx, DECIMALS), round(my, DECIMALS)], "b": round(b, 1),
            "f": place_ix.setdefault(frm, len(place_ix)),
            "o": place_ix.setdefault(to, len(place_ix)),
            "d": [round(float(leg.get("distance_nm", route.distance_nm))),
                  round(float(leg.get("distance_km", route.distance_km)))],
        }
        for key, col in (("ps", "passages"), ("cc", "countries_crossed")):
            items = _present(leg.get(col))
            if items is not None and len(items):
                props[key] = esc(", ".join(str(x) for x in items))
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


def leg_popup(props: Mapping[str, Any], tables: Mapping[str, list[str]]) -> str:
    """The popup HTML of one leg feature, exactly as ``relos.legPopup`` builds it."""
    def row(k: str, v: str) -> str:
        return f"<tr><td>{k}</td><td>{v}</td></tr>"

    def when(t: int | None) -> str:
        return pd.Timestamp(t * 60, unit="s", tz="UTC").strftime("%Y-%m-%d %H:%MZ")

    html_ = tables["heads"][props["a"]] + '<table class="relos-popup">'
    html_ += row("leg", f'{tables["places"][props["f"]]} \u2192 {tables["places"][props["o"]]}')
    html_ += row("mode", props["s"].split("|")[0] if props["s"].startswith("air|") else "sea")
    html_ += row("depart", when(props["t0"])) if props["t0"] is not None else ""
    html_ += row("arrive", when(props["t1"])) if props["t1"] is not None else ""
    html_ += row("distance", f'{props["d"][0]:,} nm ({props["d"][1]:,} km)')
    html_ += row("passages", props["ps"]) if props.get("ps") else ""
    html_ += row("countries crossed", props["cc"]) if props.get("cc") else ""
    return html_ + "</table>"


def leg_tooltip(props: Mapping[str, Any], tables: Mapping[str, list[str]]) -> str:
    """The tooltip text (escaped HTML) of one leg feature, as ``relos.legTip`` builds it."""
    return (f'{tables["names"][props["a"]]}: {tables["places"][props["f"]]} \u2192 '
            f'{tables["places"][props["o"]]}')


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
        popup = f"<b>{esc(r.get('name', fid))}</b>" + _rows(
            [("id", fid)] + [(a, r.get(a)) for a in attrs if a in r.index])
        pts.append({
            "x": round(shift_lon(float(r["lon"]), west), 4), "y": round(float(r["lat"]), 4),
            "k": S.FACILITY_SHAPES.get(kind, "square"),
            "c": colours.get(str(r.get("country", "")), "#777777"),
            "z": 16 if str(fid) in used else 11,
            "p": popup, "t": esc(r.get("name", fid)),
        })
    return pts


def place_points(places: Mapping[str, Any], west: float, colours: Mapping[str, str]) -> list[dict]:
    """Marker payloads for plan facilities (``Place``-like objects: id, name, kind, lat, lon,
    country)."""
    pts = []
    for pid, p in places.items():
        kind = str(getattr(p, "kind", "point"))
        country = getattr(p, "country", None)
        popup = f"<b>{esc(getattr(p, 'name', pid))}</b>" + _rows([
            ("id", pid), ("kind", kind), ("country", country or "international waters"),
            ("position", f"{float(p.lat):.4f}, {float(p.lon):.4f}"), ("source", "plan file")])
        pts.append({"x": round(shift_lon(float(p.lon), west), 4), "y": round(float(p.lat), 4),
                    "k": S.FACILITY_SHAPES.get(kind, "square"),
                    "c": colours.get(str(country), "#555555"), "z": 16,
                    "p": popup, "t": esc(getattr(p, "name", pid))})
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


def _present(v: Any) -> Any:
    """``v``, or None for a missing value (None, NaN, NaT)."""
    if v is None or (not isinstance(v, list | tuple | np.ndarray) and pd.isna(v)):
        return None
    return v


def _segment_coords(segment, west: float) -> list[list[float]] | None:
    if segment is None or (isinstance(segment, float) and math.isnan(segment)):
        return None
    pts = list(segment)
    if len(pts) < 2:
        return None
    return line_coords([p[0] for p in pts], [p[1] for p in pts], west, 0.0)


def finding_features(findings: pd.DataFrame, legs: pd.DataFrame | None, west: float,
                     tolerance_deg: float, places: Mapping[str, Any] | None = None
                     ) -> tuple[list[dict], list[dict], list[str]]:
    """Where each finding is drawn, in red: ``(line features, point markers, unplaced)``.

    A finding with a ``segment`` (e.g. an overflight's part of a leg) is drawn along it; else
    a leg-level finding (:data:`LEG_CODES`, e.g. RANGE) along its leg; else at ``lat``/``lon``,
    its ``facility`` (e.g. cap violations at the host facility) or mid-leg (e.g. CLEARANCE).
    Errors get style ``finding``, warnings/info ``notice``. ``unplaced`` holds the escaped
    messages of findings with no place.
    """
    lines, points, unplaced = [], [], []
    extra = dict(places or {})
    cat = None
    for _, f in findings.iterrows():
        def val(key, f=f):
            return _present(f.get(key) if key in f.index else None)
        code, sev = val("code") or "", val("severity") or ""
        popup = (f"<b>{esc(code)}</b> ({esc(sev)})<br>{esc(val('message'))}" + _rows([
            ("host", val("host")), ("nation", val("nation")), ("start", _utc(val("start"))),
            ("end", _utc(val("end"))), ("value", val("value")), ("limit", val("limit")),
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
        if (lat is None or lon is None) and route is not None:  # e.g. a clearance: mid-leg
            lon, lat, _ = midpoint_bearing(route.lons, route.lats)
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


@functools.lru_cache(maxsize=4)
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


# --------------------------------------------------------------------------- cap charts


def _caps() -> dict[str, int]:
    try:
        from .agreement import RELOS
    except ImportError:
        return dict(DEFAULT_CAPS)
    return dict(RELOS.caps)


def cap_chart_png(presence: pd.DataFrame, host: str, caps: Mapping[str, int]) -> bytes:
    """A PNG (deterministic bytes) of the presence count per category over time in ``host``'s
    territory, one step line per nation, with the cap as a dashed red line."""
    from matplotlib.figure import Figure

    cats = ["warships", "aircraft", "personnel"]
    sub = presence[presence["host"] == host]
    fig = Figure(figsize=(4.2, 3.3), dpi=80)
    axes = fig.subplots(3, 1, sharex=True)
    t_all = pd.concat([pd.to_datetime(sub["start"], utc=True),
                       pd.to_datetime(sub["end"], utc=True)]).dropna()
    tmax = t_all.max() if len(t_all) else pd.Timestamp("1970-01-01", tz="UTC")
    for ax, cat in zip(axes, cats, strict=True):
        rows = sub[sub["category"] == cat]
        for nation in sorted(rows["nation"].astype(str).unique()):
            r = rows[rows["nation"].astype(str) == nation]
            starts = pd.to_datetime(r["start"], utc=True)
            ends = pd.to_datetime(r["end"], utc=True).fillna(tmax)
            ev = pd.concat([pd.Series(r["count"].to_numpy(), index=starts),
                            pd.Series(-r["count"].to_numpy(), index=ends)]).groupby(level=0).sum()
            ev = ev.sort_index().cumsum()
            xs = [t.tz_convert("UTC").tz_localize(None) for t in ev.index]
            ax.step(xs, ev.to_numpy(), where="post", label=nation, lw=1.4,
                    color=S.nation_colours([nation])[nation])
        if cat in caps:
            ax.axhline(caps[cat], color=S.FINDING, ls="--", lw=1)
        ax.set_ylabel(cat, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_ylim(bottom=0)
    axes[0].set_title(f"presence in {host} (cap dashed)", fontsize=8)
    if axes[0].get_legend_handles_labels()[0]:
        axes[0].legend(fontsize=6, loc="upper left")
    fig.autofmt_xdate(rotation=30)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def cap_panel_html(presence: pd.DataFrame | None, caps: Mapping[str, int]) -> str:
    """Side-panel HTML with one inline (base64) cap timeline chart per host, or ''."""
    if presence is None or len(presence) == 0:
        return ""
    parts = ["<details><summary><b>Cap timelines by host</b></summary>"]
    for host in sorted(presence["host"].astype(str).unique()):
        png = base64.b64encode(cap_chart_png(presence, host, caps)).decode()
        parts.append(f'<img alt="{esc("presence in " + host)}" '
                     f'src="data:image/png;base64,{png}">')
    parts.append("</details>")
    return "".join(parts)


# --------------------------------------------------------------------------- folium plumbing


class _JsonLayer(Layer):
    """A layer built in the browser by ``relos.<builder>(map, payload)``; the payload sits in
    a ``<script type="application/json">`` block (JSON.parse is much faster than parsing a
    large JS literal)."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_data">{{ this.payload }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = relos.{{ this.builder }}({{ this._parent.get_name() }},
            relos.data("{{ this.get_name() }}_data"));
        {% endmacro %}
    """)

    def __init__(self, builder: str, payload: Any, name: str, *, overlay: bool = True,
                 show: bool = True):
        super().__init__(name=esc(name), overlay=overlay, control=True, show=show)
        self._name = "RelosLayer"
        self.builder = builder
        self.payload = js_json(payload)


class _Call(MacroElement):
    """A one-off ``relos.<fn>(map, payload)`` call (setup, legend, panels)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        relos.{{ this.fn }}({{ this._parent.get_name() }}, {{ this.payload }});
        {% endmacro %}
    """)

    def __init__(self, fn: str, payload: Any):
        super().__init__()
        self._name = "RelosCall"
        self.fn = fn
        self.payload = js_json(payload)


class _Assets(MacroElement):
    """Leaflet and the relos runtime in the page header: CDN links, or inlined from
    ``planner/vendor`` when ``offline``."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        {{ this.head() }}
        {% endmacro %}
    """)

    def __init__(self, offline: bool, jquery: bool = False):
        super().__init__()
        self._name = "RelosAssets"
        self.offline = offline
        self.jquery = jquery  # folium's own popups need jQuery; the relos layers do not

    def head(self) -> str:
        runtime = f"<style>{S.CSS}</style>\n<script>{S.RUNTIME_JS}</script>"
        if self.offline:
            js, css = _vendored_leaflet()
            jq = f"<script>{_vendored('jquery/jquery.min.js')}</script>\n" if self.jquery else ""
            return f"<style>{css}</style>\n<script>{js}</script>\n{jq}{runtime}"
        jq = f'<script src="{JQUERY_CDN}"></script>\n' if self.jquery else ""
        return (f'<link rel="stylesheet" href="{LEAFLET_CDN[1]}"/>\n'
                f'<script src="{LEAFLET_CDN[0]}"></script>\n{jq}{runtime}')


@functools.lru_cache(maxsize=4)
def _vendored(name: str) -> str:
    """A vendored script's text (planner/vendor/NAME), checked safe to inline."""
    text = (VENDOR / name).read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"vendored {name} cannot be inlined as is")
    return text


@functools.lru_cache(maxsize=1)
def _vendored_leaflet() -> tuple[str, str]:
    """Leaflet JS and CSS from planner/vendor, the CSS images inlined as data URIs."""
    base = VENDOR / "leaflet"
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match) -> str:
        png = (base / "images" / m.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ValueError("vendored Leaflet cannot be inlined as is")
    return js, css


def _new_map(tiles: str | None, offline: bool, west: float,
             bounds: list[list[float]] | None) -> folium.Map:
    m = folium.Map(location=[20.0, 80.0], zoom_start=3, tiles=None, prefer_canvas=True,
                   control_scale=True, minZoom=1, maxZoom=12, worldCopyJump=False)
    m.default_js = []
    m.default_css = []
    assets = _Assets(offline)
    m.add_child(assets, name="relos_assets")
    m._relos_assets = assets  # noqa: SLF001 - read by map_html
    m.add_child(_Call("setup", {"sea": S.SEA, "bounds": bounds}))
    land = _JsonLayer("base", {"fc": {"type": "FeatureCollection",
                                      "features": basemap_features(west)}, "fill": S.LAND},
                      "Land and sea (offline basemap)", overlay=False)
    if tiles:
        if tiles.lower() not in ("osm", "openstreetmap"):
            raise ValueError(f"unknown tiles {tiles!r}: use None or 'osm'")
        folium.TileLayer(OSM[0], attr=OSM[1], name="OpenStreetMap", max_zoom=12,
                         overlay=False).add_to(m)
        land.show = False
    m.add_child(land)
    return m


def _bounds(lons: list[float], lats: list[float]) -> list[list[float]] | None:
    if not lons:
        return None
    return [[round(min(lats), 3), round(min(lons), 3)], [round(max(lats), 3),
                                                         round(max(lons), 3)]]


def _legend_html(title: str, items: list[str]) -> str:
    return f"<h4>{esc(title)}</h4>" + "<br>".join(items)


def _sw(colour: str, label: str, cls: str = "sw") -> str:
    style = (f"border-top-color:{colour}" if cls.startswith("ln")
             else f"background:{colour}")
    return f'<span class="{cls}" style="{style}"></span>{esc(label)}'


def _shape_item(kind: str, label: str, colour: str = "#777") -> str:
    shp = S.FACILITY_SHAPES.get(kind, "square")
    return (f'<span style="display:inline-block;vertical-align:middle;margin-right:5px">'
            f'<svg width="12" height="12">{_svg_shape(shp, colour)}</svg></span>{esc(label)}')


def _svg_shape(shp: str, colour: str) -> str:
    if shp == "triangle":
        return f'<polygon points="6,1 11,11 1,11" fill="{colour}" stroke="#222"/>'
    if shp == "square":
        return f'<rect x="2" y="2" width="8" height="8" fill="{colour}" stroke="#222"/>'
    if shp == "ring":
        return f'<circle cx="6" cy="6" r="4.5" fill="none" stroke="{colour}" stroke-width="2"/>'
    return f'<circle cx="6" cy="6" r="4.5" fill="{colour}" stroke="#222"/>'


# --------------------------------------------------------------------------- loaders


def _load_territory() -> pd.DataFrame | None:
    """The territory layer, or None while ``planner.territory`` or its data file is missing
    (the map is then drawn without that layer)."""
    try:
        from .territory import load_territory

        return load_territory()
    except (ImportError, FileNotFoundError):
        return None


def _load_nsr():
    """``(seas GeoDataFrame, permitted(ice_class, sea, month))`` or None if unavailable."""
    try:
        from . import nsr

        fn = getattr(nsr, "permitted", None) or getattr(nsr, "nsr_permitted", None)
        return None if fn is None else (nsr.nsr_seas(), fn)
    except (ImportError, FileNotFoundError):
        return None


def _months(starts: Iterable[Any], ends: Iterable[Any]) -> list[int]:
    """Calendar months (1-12) touched by the intervals [start, end]."""
    out: set[int] = set()
    for a, b in zip(starts, ends, strict=True):
        if pd.isna(a) or pd.isna(b):
            continue
        for p in pd.period_range(pd.Timestamp(a).tz_convert("UTC").tz_localize(None),
                                 pd.Timestamp(b).tz_convert("UTC").tz_localize(None), freq="M"):
            out.add(p.month)
    return sorted(out)


# --------------------------------------------------------------------------- public maps


def plan_map(plan, report, *, offline: bool = False, tiles: str | None = None) -> folium.Map:
    """The plan's map: basemap, facilities, territory of the countries involved, NSR seas
    shaded for the plan's ships and months, sea legs (solid) and air legs (dashed) coloured by
    nation with direction arrows, findings in red, a time slider moving each asset along its
    legs, a legend and the cap timeline charts. Every layer is toggleable.

    ``offline=True`` inlines Leaflet (no network needed); ``tiles="osm"`` adds OpenStreetMap.
    """
    legs = report.legs if report.legs is not None else pd.DataFrame()
    findings = report.findings if report.findings is not None else pd.DataFrame()
    presence = getattr(report, "presence", None)
    assets = list(getattr(plan, "assets", []))
    extra = dict(getattr(plan, "facilities", {}) or {})
    fac = _catalogue_frame()

    used: list[str] = []
    for col in ("from", "to"):
        if col in legs:
            used += [str(x) for x in legs[col]]
    used = list(dict.fromkeys(used))
    routes = list(legs["route"]) if "route" in legs else []
    lons: list[float] = []  # a sample of every route (ends and extremes kept)
    lats: list[float] = []
    for r in routes:
        x = np.asarray(r.lons, float)
        k = np.unique(np.r_[np.linspace(0, len(x) - 1, min(len(x), 50)).astype(int),
                            np.argmin(x), np.argmax(x)])
        lons += x[k].tolist()
        lats += [float(np.min(r.lats)), float(np.max(r.lats))]
    points = [(float(fac.loc[pid, "lon"]), float(fac.loc[pid, "lat"])) for pid in used
              if pid in fac.index]
    points += [(float(p.lon), float(p.lat)) for p in extra.values()]
    west = display_west(lons + [x for x, _ in points])
    shown_lons = [shift_lon(x, west) for x, _ in points]
    for r in routes:  # a route moves as a whole (continuous across 180)
        shift = shift_lon(float(r.lons[0]), west) - float(r.lons[0])
        shown_lons += [float(np.min(r.lons)) + shift, float(np.max(r.lons)) + shift]
    lats += [y for _, y in points]
    tol = tolerance_for(shown_lons, lats)
    m = _new_map(tiles, offline, west, _bounds(shown_lons, lats))

    nations = sorted({str(a.nation) for a in assets} | set(legs.get("nation", pd.Series(
        dtype=str)).astype(str)) | set(fac["country"].astype(str)))
    colours = S.nation_colours(nations)

    # territory of the countries involved
    countries = set(a.nation for a in assets) | set(fac.loc[[u for u in used if u in
                                                              fac.index], "country"])
    countries |= {getattr(p, "country", None) for p in extra.values()}
    for cc in legs.get("countries_crossed", []):
        countries |= set(cc or [])
    if "host" in findings:
        countries |= set(findings["host"].dropna().astype(str))
    territory = _load_territory()
    if territory is not None:
        feats = territory_features(territory, {c for c in countries if c}, west,
                                   area_tolerance(tol))
        m.add_child(_JsonLayer("geo", {
            "fc": {"type": "FeatureCollection", "features": feats}, "pane": "relosAreas",
            "z": 350, "styles": {"territory": {"color": S.TERRITORY, "weight": 1,
                                               "fillOpacity": 0.12, "dashArray": "4 3"}}},
            "Sovereign territory and 12 nm territorial seas"))

    # NSR seas
    ships = [(str(a.name), getattr(a, "ice_class", None)) for a in assets
             if str(a.kind) == "warship"]
    nsr = _load_nsr() if ships else None
    if nsr is not None:
        sea_legs = legs[(legs["mode"] == "sea")] if "mode" in legs else legs
        months = _months(sea_legs.get("depart", []), sea_legs.get("arrive", []))
        seas, permitted = nsr
        feats = nsr_features(seas, ships, months, permitted, west, area_tolerance(tol))
        styles = {f"nsr|{k}": {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.3}
                  for k, (c, _) in S.NSR_STATUS.items()}
        m.add_child(_JsonLayer("geo", {
            "fc": {"type": "FeatureCollection", "features": feats}, "pane": "relosAreas",
            "z": 350, "styles": styles}, "Northern Sea Route seas (ice class, plan months)"))

    # facilities
    for kind, label in (("port", "Ports"), ("airbase", "Air bases")):
        sub = fac[fac["kind"] == kind]
        if len(sub):
            m.add_child(_JsonLayer("points", {"pts": facility_points(sub, west, colours, used)},
                                   label))
    if extra:
        m.add_child(_JsonLayer("points", {"pts": place_points(extra, west, colours)},
                               "Plan places"))

    # legs
    names = {str(a.id): str(a.name) for a in assets}
    index = {str(a.id): i for i, a in enumerate(assets)}
    if "asset" in legs:
        for a in legs["asset"].astype(str):
            index.setdefault(a, len(index))
    feats = leg_features(legs, west, tol, asset_names=names,
                         asset_index=index, places=extra) if len(legs) else {"sea": [],
                                                                             "air": []}
    styles = leg_styles(nations, colours)
    for mode, label in (("sea", "Sea legs"), ("air", "Air legs")):
        if feats[mode]:
            m.add_child(_JsonLayer("geo", {
                "fc": {"type": "FeatureCollection", "features": feats[mode]},
                "pane": "relosLines", "z": 400, "styles": styles,
                "legs": feats["tables"]}, label))

    # findings
    lines, points, unplaced = finding_features(findings, legs, west, tol, extra) \
        if len(findings) else ([], [], [])
    if lines or points:
        m.add_child(_JsonLayer("findings", {
            "lines": {"type": "FeatureCollection", "features": lines},
            "styles": {"finding": {"color": S.FINDING, "weight": 6, "opacity": 0.7},
                       "notice": {"color": S.FINDING, "weight": 4, "opacity": 0.45}},
            "pts": points}, f"Findings ({len(findings)})"))

    # time slider
    timed = [f["properties"] for mode in ("sea", "air") for f in feats[mode]
             if f["properties"]["t0"] is not None and f["properties"]["t1"] is not None]
    if timed:
        t0 = min(q["t0"] for q in timed) * 60
        t1 = max(q["t1"] for q in timed) * 60
        step = 3600 if t1 - t0 <= 60 * 86400 else 86400
        order = sorted(index, key=index.get)
        payload = {"t0": t0, "t1": max(t1, t0 + step), "step": step,
                   "assets": [{"n": esc(names.get(a, a)),
                               "c": colours.get(_nation_of(a, assets, legs), "#333")}
                              for a in order]}
        m.add_child(_JsonLayer("timeline", payload, "Assets over time (slider)"))

    # legend and charts
    items = [_shape_item("port", "port"), _shape_item("airbase", "air base"),
             _shape_item("sea_area", "plan place"),
             '<span class="ln"></span>sea leg', '<span class="ln dash"></span>air leg']
    items += [_sw(colours[n], n) for n in sorted({str(a.nation) for a in assets})
              if n in colours]
    items.append(_sw(S.FINDING, f"finding ({len(findings)})"))
    if territory is not None:
        items.append(_sw("#e8e0cc", "territory + 12 nm sea"))
    if nsr is not None:
        items += [_sw(c, f"NSR: {label}") for c, label in S.NSR_STATUS.values()]
    items += [f"unplaced: {u}" for u in unplaced]
    m.add_child(_Call("panel", {"pos": "bottomright",
                                "html": _legend_html(str(getattr(plan, "name", "plan")),
                                                     items)}))
    chart = cap_panel_html(presence, _caps())
    if chart:
        m.add_child(_Call("panel", {"pos": "topleft", "html": chart}))
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _nation_of(asset_id: str, assets: list, legs: pd.DataFrame) -> str:
    for a in assets:
        if str(a.id) == asset_id:
            return str(a.nation)
    if "asset" in legs and "nation" in legs:
        hit = legs.loc[legs["asset"].astype(str) == asset_id, "nation"]
        if len(hit):
            return str(hit.iloc[0])
    return ""


def _catalogue_frame() -> pd.DataFrame:
    from .catalogue import facilities

    return pd.DataFrame(facilities().drop(columns="geometry"))


def reach_map(origin_place, reachable_gdf, area_geometry, *, offline: bool = False,
              tiles: str | None = None) -> folium.Map:
    """What is reachable from ``origin_place`` (a Place, catalogue id, "lat,lon" or (lat, lon)):
    the reachable facilities (``reachable_gdf``: point geometry; every other column goes in the
    popup) and the reach area (a shapely geometry in lon/lat, or None)."""
    from .catalogue import resolve_place

    origin = resolve_place(origin_place)
    pts_geo = [] if reachable_gdf is None else [g for g in reachable_gdf.geometry]
    lons = [origin.lon] + [g.x for g in pts_geo]
    lats = [origin.lat] + [g.y for g in pts_geo]
    has_area = area_geometry is not None and not area_geometry.is_empty
    if has_area:  # the window must hold every vertex of the area (it may be split at 180)
        xy = shapely.get_coordinates(area_geometry)
        west = display_west(lons + xy[::max(len(xy) // 2000, 1), 0].tolist())
    else:
        west = display_west(lons)
    bl = [shift_lon(x, west) for x in lons]
    if has_area:
        shown = shift_geometry(area_geometry, west)
        if shown is not None:
            bx = shown.bounds
            bl += [bx[0], bx[2]]
            lats += [bx[1], bx[3]]
    tol = tolerance_for(bl, lats)
    m = _new_map(tiles, offline, west, _bounds(bl, lats))
    if has_area:
        f = area_feature(area_geometry, west, tol, {"s": "reach", "t": "reach area"})
        m.add_child(_JsonLayer("geo", {
            "fc": {"type": "FeatureCollection", "features": [f] if f else []},
            "pane": "relosAreas", "z": 350,
            "styles": {"reach": {"color": "#1f77b4", "weight": 1.5, "fillOpacity": 0.15}}},
            "Reach area"))
    colours = S.nation_colours([] if reachable_gdf is None or "country" not in reachable_gdf
                               else reachable_gdf["country"].dropna().astype(str))
    if reachable_gdf is not None and len(reachable_gdf):
        pts = []
        for idx, r in reachable_gdf.iterrows():
            g = r.geometry
            name = r.get("name", idx)
            cols = [(c, r[c]) for c in reachable_gdf.columns if c != reachable_gdf.geometry.name]
            pts.append({"x": round(shift_lon(g.x, west), 4), "y": round(g.y, 4),
                        "k": S.FACILITY_SHAPES.get(str(r.get("kind", "port")), "square"),
                        "c": colours.get(str(r.get("country", "")), "#555"), "z": 13,
                        "p": f"<b>{esc(name)}</b>" + _rows(cols), "t": esc(name)})
        m.add_child(_JsonLayer("points", {"pts": pts},
                               f"Reachable facilities ({len(pts)})"))
    m.add_child(_JsonLayer("points", {"pts": [{
        "x": round(shift_lon(origin.lon, west), 4), "y": round(origin.lat, 4), "k": "square",
        "c": "#000", "z": 18, "t": esc(origin.name),
        "p": f"<b>{esc(origin.name)}</b>" + _rows([("id", origin.id), ("kind", origin.kind),
                                                   ("country", origin.country)])}]},
        "Origin"))
    items = [_sw("#1f77b4", "reach area"), _shape_item("point", "origin", "#000"),
             _shape_item("port", "reachable port"), _shape_item("airbase", "reachable air base")]
    m.add_child(_Call("panel", {"pos": "bottomright",
                                "html": _legend_html(f"Reach from {origin.name}", items)}))
    folium.LayerControl(collapsed=False).add_to(m)
    return m


# --------------------------------------------------------------------------- output

_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-z])")


def deterministic_ids(text: str) -> str:
    """Folium's random 32-hex element ids renamed ``0001``, ``0002``... in order of first
    appearance, so the same map gives byte-identical HTML."""
    seen: dict[str, str] = {}

    def sub(mt: re.Match) -> str:
        return seen.setdefault(mt.group(0), f"{len(seen) + 1:04d}")

    return _ID.sub(sub, text)


_EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
                       r"(?:https?:)?//", re.I)


def map_html(m: folium.Map, offline: bool | None = None) -> str:
    """The map as one HTML document (deterministic ids).

    ``offline`` None keeps what the map was built with; True inlines Leaflet and raises
    ValueError if any script, stylesheet or image would still be loaded over the network.
    For a folium map not made by this module, folium's CDN links are replaced by Leaflet and
    jQuery only (Bootstrap, Font Awesome and awesome-markers are dropped).
    A copy is rendered (folium's render is not idempotent), so ``m`` is left as it was.
    """
    m = copy.deepcopy(m)
    assets = getattr(m, "_relos_assets", None)
    if offline is not None:
        if assets is None:  # a map not made here: Leaflet (+ jQuery) replace folium's links
            jquery = any(name == "jquery" for name, _ in m.default_js)
            m.default_js, m.default_css = [], []
            assets = _Assets(offline, jquery=jquery)
            m.add_child(assets, name="relos_assets")
            m._relos_assets = assets  # noqa: SLF001
        assets.offline = offline
    text = deterministic_ids(m.get_root().render())
    if assets is not None and assets.offline:
        bad = _EXTERNAL.search(text)
        if bad:
            raise ValueError(f"offline map still loads {bad.group(0)!r}")
    return text


def save_map(m: folium.Map, path: str | os.PathLike, *, offline: bool | None = None) -> str:
    """Write the map's HTML to ``path`` atomically (temp file + rename); returns the HTML."""
    text = map_html(m, offline)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return text


__all__ = ["plan_map", "reach_map", "map_html", "save_map", "esc", "js_json", "display_west",
           "shift_lon", "shift_line", "shift_geometry", "leg_features", "facility_points",
           "territory_features", "nsr_features", "finding_features", "basemap_features",
           "cap_chart_png"]
