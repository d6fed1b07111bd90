"""Exports of a checked plan for GIS tools and calendars (CONTRACT section 3, ``relos export``).

By the file's extension: ``.geojson`` (one FeatureCollection: legs as lines, calls as points,
findings at their positions; a ``layer`` property says which), ``.gpkg`` (layers ``legs``,
``calls``, ``findings``, written by pyogrio), ``.kml`` (folders of placemarks and lines, for
Google Earth; written with an XML writer, so every name is escaped), ``.csv`` (legs and
findings, a ``record`` column says which) and ``.ics`` (one event per ``CLEARANCE`` finding, an
NSR permission included, on its file-by date with a reminder; written by ``icalendar``).

Times are ISO 8601 UTC text (``2026-03-10T00:00:00Z``), as in the JSON report. Every file is
written atomically (:mod:`planner.core.atomic`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from planner.core.atomic import atomic_path, atomic_write_text
from planner.core.units import iso_z, wrap_lon
from planner.layers.catalogue import facilities
from planner.render.export_files import calendar_bytes, kml_text

FORMATS = (".geojson", ".gpkg", ".kml", ".csv", ".ics")

LEG_COLUMNS = ["asset", "asset_name", "nation", "kind", "seq", "from", "to", "mode",
               "distance_nm", "distance_km", "depart", "arrive", "passages",
               "countries_crossed"]
CALL_COLUMNS = ["asset", "asset_name", "nation", "kind", "seq", "at", "name", "host", "lat",
                "lon", "arrive", "depart", "open_ended", "purpose"]
FINDING_COLUMNS = ["code", "severity", "host", "nation", "start", "end", "value", "limit",
                   "unit", "assets", "message", "leg", "facility", "event", "country",
                   "authority", "lead_days", "file_by"]


class ExportError(ValueError):
    """An export that cannot be made (unknown extension)."""


def _text_list(items: Any) -> str:
    if items is None or (not isinstance(items, list | tuple) and pd.isna(items)):
        return ""
    return ";".join(str(x) for x in items)


def legs_frame(report) -> gpd.GeoDataFrame:
    """One row per leg, in report order, with the leg's route line (split at 180)."""
    legs = report.legs
    rows = []
    for leg in legs.to_dict("records") if len(legs) else []:
        row = {c: leg.get(c) for c in LEG_COLUMNS}
        row["seq"] = int(row["seq"])
        row["distance_nm"] = round(float(row["distance_nm"]), 1)
        row["distance_km"] = round(float(row["distance_km"]), 1)
        row["depart"], row["arrive"] = iso_z(row["depart"]), iso_z(row["arrive"])
        row["passages"] = _text_list(row["passages"])
        row["countries_crossed"] = _text_list(row["countries_crossed"])
        row["geometry"] = leg["route"].geometry
        rows.append(row)
    return gpd.GeoDataFrame(rows, columns=[*LEG_COLUMNS, "geometry"], geometry="geometry",
                            crs="EPSG:4326")


def calls_frame(report) -> gpd.GeoDataFrame:
    """One row per call (place, host, arrive, depart), points."""
    calls = report.calls
    rows = []
    for c in calls.to_dict("records") if calls is not None and len(calls) else []:
        row = {k: c.get(k) for k in CALL_COLUMNS}
        row["seq"] = int(row["seq"])
        row["arrive"], row["depart"] = iso_z(row["arrive"]), iso_z(row["depart"])
        row["open_ended"] = bool(row["open_ended"])
        for k in ("purpose", "host", "name", "asset_name"):
            row[k] = None if row[k] is None or pd.isna(row[k]) else str(row[k])
        row["geometry"] = Point(float(c["lon"]), float(c["lat"]))
        rows.append(row)
    return gpd.GeoDataFrame(rows, columns=[*CALL_COLUMNS, "geometry"], geometry="geometry",
                            crs="EPSG:4326")


def _position(f, legs: pd.DataFrame, places: Mapping[str, Any]) -> Point | None:
    """Where a finding is: its lat/lon, its facility, the middle of its segment, or the middle
    of its leg (as on the map); None when it has no place."""
    from planner.render.maps.geometry import midpoint_bearing

    if f.lat is not None and f.lon is not None:
        return Point(wrap_lon(float(f.lon)), float(f.lat))
    if f.facility:
        if f.facility in places:
            p = places[f.facility]
            return Point(float(p.lon), float(p.lat))
        cat = facilities()
        if f.facility in cat.index:
            return Point(float(cat.loc[f.facility, "lon"]), float(cat.loc[f.facility, "lat"]))
    if f.segment and len(f.segment) >= 2:
        lon, lat, _ = midpoint_bearing([p[0] for p in f.segment], [p[1] for p in f.segment])
        return Point(wrap_lon(lon), lat)
    if f.leg is not None and 0 <= f.leg < len(legs):
        r = legs.iloc[f.leg]["route"]
        lon, lat, _ = midpoint_bearing(r.lons, r.lats)
        return Point(wrap_lon(lon), lat)
    return None


def findings_frame(report, places: Mapping[str, Any] | None = None) -> gpd.GeoDataFrame:
    """One row per finding, in report order; the point where the map draws it (None when
    the finding has no place). ``event``, ``country``, ``authority``, ``lead_days`` and
    ``file_by`` are filled for ``CLEARANCE`` findings."""
    rows = []
    for f in report.finding_list:
        e = f.extra or {}
        rows.append({
            "code": f.code, "severity": f.severity, "host": f.host, "nation": f.nation,
            "start": iso_z(f.start), "end": iso_z(f.end),
            "value": None if f.value is None else float(f.value),
            "limit": None if f.limit is None else float(f.limit), "unit": f.unit,
            "assets": _text_list(f.assets), "message": f.message, "leg": f.leg,
            "facility": f.facility, "event": e.get("event"), "country": e.get("country"),
            "authority": e.get("authority"), "lead_days": e.get("lead_days"),
            "file_by": e.get("file_by"),
            "geometry": _position(f, report.legs, places or {})})
    df = gpd.GeoDataFrame(rows, columns=[*FINDING_COLUMNS, "geometry"], geometry="geometry",
                          crs="EPSG:4326")
    for col in ("leg", "lead_days"):
        df[col] = pd.array(df[col], dtype="Int64")
    return df


def layers_of(plan, report) -> dict[str, gpd.GeoDataFrame]:
    """The three layers: ``legs``, ``calls``, ``findings``."""
    places = dict(getattr(plan, "facilities", {}) or {})
    return {"legs": legs_frame(report), "calls": calls_frame(report),
            "findings": findings_frame(report, places)}


def geojson_text(layers: Mapping[str, gpd.GeoDataFrame], name: str) -> str:
    """One FeatureCollection of every layer; each feature's ``layer`` property names its
    layer (``legs``, ``calls``, ``findings``)."""
    feats = []
    for layer, gdf in layers.items():
        if not len(gdf):
            continue
        fc = json.loads(gdf.to_json(drop_id=True, ensure_ascii=False))
        for feat in fc["features"]:
            feat["properties"] = {"layer": layer, **feat["properties"]}
            feats.append(feat)
    doc = {"type": "FeatureCollection", "name": name, "features": feats}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def csv_text(layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    """Legs and findings in one table; ``record`` is ``leg`` or ``finding``; findings carry
    the ``lat``/``lon`` of their position."""
    legs = pd.DataFrame(layers["legs"].drop(columns="geometry"))
    legs["seq"] = pd.array(legs["seq"], dtype="Int64")
    legs.insert(0, "record", "leg")
    fnd = layers["findings"]
    pts = fnd.geometry
    fdf = pd.DataFrame(fnd.drop(columns="geometry"))
    fdf["lat"] = [None if g is None else round(g.y, 5) for g in pts]
    fdf["lon"] = [None if g is None else round(g.x, 5) for g in pts]
    fdf.insert(0, "record", "finding")
    return pd.concat([legs, fdf], ignore_index=True, sort=False).to_csv(index=False)


def _write_gpkg(layers: Mapping[str, gpd.GeoDataFrame], path: Path) -> Path:
    with atomic_path(path) as tmp:
        side = tmp.with_name(tmp.name + ".gpkg")  # the GPKG driver wants its extension
        try:
            for layer, gdf in layers.items():
                kind = {"legs": "MultiLineString", "calls": "Point", "findings": "Point"}[layer]
                out = gdf.copy()
                if layer == "legs":
                    out["geometry"] = [_multi(g) for g in out.geometry]
                out.to_file(side, layer=layer, driver="GPKG", engine="pyogrio",
                            geometry_type=kind)
            os.replace(side, tmp)
        finally:
            for extra in (side, side.with_name(side.name + "-journal"),
                          side.with_name(side.name + "-wal"), side.with_name(side.name + "-shm")):
                extra.unlink(missing_ok=True)
    return path


def _multi(g):
    from shapely.geometry import MultiLineString

    if g is None or g.geom_type == "MultiLineString":
        return g
    return MultiLineString([g])


def export_plan(plan, report, path: str | os.PathLike, *, remind_days: int = 7) -> Path:
    """Write ``plan``'s legs, calls and findings to ``path``, the format chosen by its
    extension (:data:`FORMATS`). ``remind_days``: the ICS reminder, days before each file-by
    date. Raises :class:`ExportError` for another extension. Returns the path."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ExportError(f"{path}: unknown export format {ext or '(none)'!r}; use one of "
                          + ", ".join(FORMATS))
    name = str(getattr(plan, "name", report.plan_name))
    if ext == ".ics":
        with atomic_path(path) as tmp:
            tmp.write_bytes(calendar_bytes(report, name, remind_days=remind_days))
        return path
    layers = layers_of(plan, report)
    if ext == ".gpkg":
        return _write_gpkg(layers, path)
    if ext == ".geojson":
        return atomic_write_text(path, geojson_text(layers, name))
    if ext == ".kml":
        return atomic_write_text(path, kml_text(layers, name))
    return atomic_write_text(path, csv_text(layers))
