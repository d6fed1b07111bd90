"""The plan map and the reach map, assembled from the layer payloads."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.layers import nsr
from planner.layers.catalogue import facilities, resolve_place
from planner.layers.territory import load_territory
from planner.render.maps import style as S
from planner.render.maps.elements import (
    _bounds,
    _Call,
    _JsonLayer,
    _legend_html,
    _new_map,
    _shape_item,
    _sw,
)
from planner.render.maps.escape import esc, popup_rows
from planner.render.maps.geometry import (
    area_feature,
    area_tolerance,
    display_west,
    shift_geometry,
    shift_lon,
    tolerance_for,
)
from planner.render.maps.layers import (
    facility_points,
    finding_features,
    leg_features,
    leg_styles,
    nsr_features,
    place_points,
    territory_features,
)
from planner.render.maps.panel import cap_panel_html


def _load_territory() -> gpd.GeoDataFrame:
    """The territory layer drawn on a plan map (tests substitute a small one)."""
    return load_territory()


def _load_nsr():
    """``(seas GeoDataFrame, permitted(ice_class, sea, month))`` for the NSR layer."""
    return nsr.nsr_seas(), nsr.permitted


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




def plan_map(plan, report, *, offline: bool = True, tiles: str | None = None) -> folium.Map:
    """The plan's map: basemap, facilities, territory of the countries involved, NSR seas
    shaded for the plan's ships and months, sea legs (solid) and air legs (dashed) coloured by
    nation with direction arrows, findings in red, a time slider moving each asset along its
    legs, a legend and the cap timeline charts. Every layer is toggleable.

    Self-contained by default (Leaflet inlined, no network needed); ``offline=False`` links
    Leaflet from a CDN instead; ``tiles="osm"`` adds OpenStreetMap (needs network).
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
    territory_drawn = False
    if len(territory):
        feats = territory_features(territory, {c for c in countries if c}, west,
                                   area_tolerance(tol))
        m.add_child(_JsonLayer("geo", {
            "fc": {"type": "FeatureCollection", "features": feats}, "pane": "relosAreas",
            "z": 350, "styles": {"territory": {"color": S.TERRITORY, "weight": 1,
                                               "fillOpacity": 0.12, "dashArray": "4 3"}}},
            "Sovereign territory and 12 nm territorial seas"))
        territory_drawn = bool(feats)

    # NSR seas: only when the plan comes near the Northern Sea Route
    ships = [(str(a.name), getattr(a, "ice_class", None)) for a in assets
             if str(a.kind) == "warship"]
    nsr_drawn: set[str] = set()  # the NSR statuses drawn, for the legend
    if ships and len(legs):
        seas, permitted = _load_nsr()
        if near_nsr(legs, seas):
            sea_legs = legs[(legs["mode"] == "sea")] if "mode" in legs else legs
            months = _months(sea_legs.get("depart", []), sea_legs.get("arrive", []))
            feats = nsr_features(seas, ships, months, permitted, west, area_tolerance(tol))
            styles = {f"nsr|{k}": {"color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.3}
                      for k, (c, _) in S.NSR_STATUS.items()}
            m.add_child(_JsonLayer("geo", {
                "fc": {"type": "FeatureCollection", "features": feats}, "pane": "relosAreas",
                "z": 350, "styles": styles}, "Northern Sea Route seas (ice class, plan months)"))
            nsr_drawn = {f["properties"]["s"].split("|", 1)[1] for f in feats}

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
    lines, points, unplaced = finding_features(findings, legs, west, tol, extra,
                                               getattr(report, "calls", None)) \
        if len(findings) else ([], [], [])
    if lines or points:
        m.add_child(_JsonLayer("findings", {
            "lines": {"type": "FeatureCollection", "features": lines},
            # findings along a line are a translucent halo: the leg (solid or dashed) shows
            "styles": {"finding": {"color": S.FINDING, "weight": 9, "opacity": 0.4},
                       "notice": {"color": S.FINDING, "weight": 6, "opacity": 0.3}},
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

    # legend and charts: what is drawn, and only that
    kinds = set(fac.loc[[u for u in used if u in fac.index], "kind"].astype(str))
    items = [_shape_item(k, label) for k, label in (("port", "port"), ("airbase", "air base"))
             if k in kinds or len(fac[fac["kind"] == k])]
    if extra:
        items.append(_shape_item("sea_area", "plan place"))
    if feats["sea"]:
        items.append('<span class="ln"></span>sea leg')
    if feats["air"]:
        items.append('<span class="ln dash"></span>air leg')
    parties = set(getattr(getattr(plan, "agreement", None), "parties", ()) or ())
    items += nation_items(legs, colours, sorted({str(a.nation) for a in assets}), parties)
    if lines or points:
        items.append(_sw(S.FINDING, f"finding ({len(findings)})"))
    if territory_drawn:
        items.append(_sw("#e8e0cc", "territory + 12 nm sea"))
    if nsr_drawn:
        items += [_sw(c, f"NSR: {label}") for k, (c, label) in S.NSR_STATUS.items()
                  if k in nsr_drawn]
    items += [f"unplaced: {u}" for u in unplaced]
    title = str(getattr(plan, "name", "plan"))
    m.add_child(_Call("panel", {"pos": "topright", "cls": "relos-title-panel",
                                "html": title_html(title, legs)}))
    m.add_child(_Call("panel", {"pos": "bottomright",
                                "html": _legend_html(str(getattr(plan, "name", "plan")),
                                                     items)}))
    chart = cap_panel_html(presence, plan.agreement.caps)
    if chart:
        m.add_child(_Call("panel", {"pos": "topleft", "html": chart}))
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def near_nsr(legs: pd.DataFrame, seas: gpd.GeoDataFrame, margin_deg: float = 5.0) -> bool:
    """Whether any leg passes within ``margin_deg`` (about 550 km of latitude) of a Northern
    Sea Route sea."""
    if not len(seas) or "geometry" not in legs:
        return False
    zone = shapely.union_all(shapely.simplify(np.asarray(seas.geometry), 0.2)).buffer(margin_deg)
    return any(g is not None and zone.intersects(g) for g in legs.geometry)


def nation_items(legs: pd.DataFrame, colours: dict[str, str], nations: list[str],
                 parties: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Legend rows: each nation's colour and the third-country seas and airspace its legs
    cross (``countries_crossed``, as the legs carry them, less the agreement's parties)."""
    items = []
    for n in nations:
        if n not in colours:
            continue
        crossed: list[str] = []
        if "nation" in legs and "countries_crossed" in legs:
            for cc in legs.loc[legs["nation"].astype(str) == n, "countries_crossed"]:
                for c in (cc if cc is not None and not isinstance(cc, float) else []):
                    if c not in crossed and c != n and c not in parties:
                        crossed.append(str(c))
        label = f"{n} legs" + (f", crossing {', '.join(crossed)}" if crossed else "")
        items.append(_sw(colours[n], label))
    return items


def title_html(title: str, legs: pd.DataFrame) -> str:
    """The map's title block: the plan's name and the date range of its legs (UTC)."""
    span = ""
    if len(legs) and "depart" in legs and "arrive" in legs:
        t0 = pd.to_datetime(legs["depart"], utc=True).min()
        t1 = pd.to_datetime(legs["arrive"], utc=True).max()
        if not pd.isna(t0) and not pd.isna(t1):
            span = f"{t0:%d %b %Y} to {t1:%d %b %Y} (UTC)"
    return (f'<div class="relos-title">{esc(title)}<small>{esc(span)}</small>'
            f'<small>relos-planner map</small></div>')


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
    return pd.DataFrame(facilities().drop(columns="geometry"))


@once("render.maps.build._land")
def _land():
    """The shipped basemap land as one geometry (lon/lat)."""
    data = json.loads(geodata_path("basemap_land.geojson").read_text(encoding="utf-8"))
    return shapely.union_all([shape(f["geometry"]) for f in data["features"]])


def reach_region(area_geometry, mode: str | None, close_deg: float = 2.5):
    """The reach area as a planner reads it: a sea network isochrone (buffered edges) closed
    into one area (dilated and eroded by ``close_deg`` degrees, holes filled: the open sea
    between network lanes is reachable too) and cut back to the sea; an air range ring as it
    is."""
    if area_geometry is None or area_geometry.is_empty or mode != "sea":
        return area_geometry
    g = shapely.simplify(area_geometry, close_deg / 30)
    closed = g.buffer(close_deg, quad_segs=4).buffer(-close_deg, quad_segs=4)
    closed = shapely.union_all([closed, g]).intersection(shapely.box(-180, -90, 180, 90))
    closed = shapely.union_all([shapely.Polygon(p.exterior) for p in
                                getattr(closed, "geoms", [closed]) if p.geom_type == "Polygon"])
    sea = closed.difference(_land())
    return sea if not sea.is_empty else area_geometry


def reach_map(origin_place, reachable_gdf, area_geometry, *, offline: bool = True,
              tiles: str | None = None, mode: str | None = None) -> folium.Map:
    """What is reachable from ``origin_place`` (a Place, catalogue id, "lat,lon" or (lat, lon)):
    the reachable facilities (``reachable_gdf``: point geometry; every other column goes in the
    popup, each labelled from zoom 6) and the reach area (a shapely geometry in lon/lat, or
    None), drawn as one area (:func:`reach_region`, for ``mode="sea"``)."""
    origin = resolve_place(origin_place)
    area_geometry = reach_region(area_geometry, mode)
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
                        "p": f"<b>{esc(name)}</b>" + popup_rows(cols), "t": esc(name),
                        "l": esc(name), "lz": 0 if len(reachable_gdf) <= 25 else 6})
        m.add_child(_JsonLayer("points", {"pts": pts},
                               f"Reachable facilities ({len(pts)})"))
    m.add_child(_JsonLayer("points", {"pts": [{
        "x": round(shift_lon(origin.lon, west), 4), "y": round(origin.lat, 4), "k": "square",
        "c": "#000", "z": 18, "t": esc(origin.name), "l": esc(origin.name), "lz": 0,
        "p": f"<b>{esc(origin.name)}</b>" + popup_rows([("id", origin.id), ("kind", origin.kind),
                                                   ("country", origin.country)])}]},
        "Origin"))
    items = [_sw("#1f77b4", "reach area"), _shape_item("point", "origin", "#000"),
             _shape_item("port", "reachable port"), _shape_item("airbase", "reachable air base")]
    m.add_child(_Call("panel", {"pos": "bottomright",
                                "html": _legend_html(f"Reach from {origin.name}", items)}))
    folium.LayerControl(collapsed=False).add_to(m)
    return m
