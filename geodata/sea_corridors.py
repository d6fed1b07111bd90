"""Corridor straits for ``build_sea_network.py`` (build time): territorial seas narrower than
12 nm, and the nodes a route needs to keep to the corridor between them.

The territory layer (``geodata/territory.parquet``) draws every country's sea 12 nm wide. In
the ``corridor`` straits of :data:`planner.layers.straits.STRAITS` with a ``sea_nm`` (Japan
and South Korea 3 nm in the Korea-Tsushima, Tsugaru, Soya and Osumi straits, Greece and Turkey
6 nm in the Aegean) the coastal states keep less, and a high-seas or EEZ corridor runs between
(UNCLOS art. 36). Here:

* ``narrow_seas``: each state's sea of the real breadth inside each such area: its land
  buffered by the breadth (metres, in an azimuthal equidistant projection centred on the
  area), cut to its 12 nm sovereign area (so the median lines between neighbours hold) and
  to the area's box; states keeping 12 nm there keep their sovereign area.
* ``corridor_nodes``: a lattice every ``CORRIDOR_STEP_KM`` over the water of those areas and a
  ring every ``CORRIDOR_RING_KM`` just outside the narrow seas, so that paths can run down the
  corridor (Tsugaru is 10 nm wide at its narrowest: 4 nm of corridor between two 3 nm seas).
* ``narrow_waters``: the per-edge waters rows of the edges inside those areas recomputed from
  the narrow seas (the rows outside are the 12 nm layer's, from ``sea_waters.edge_waters``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from build_territory import _from_aeqd, _to_aeqd
from sea_lattice import EARTH_KM, GEOD, key, lattice

CORRIDOR_STEP_KM = 8.0  # lattice step over the corridor areas
CORRIDOR_RING_KM = 4.0  # spacing of the nodes just outside the narrow seas
RING_OUT_NM = 0.6  # the ring lies this far outside the narrow sea's limit
KM_PER_NM = 1.852  # international nautical mile (BIPM SI brochure, 9th ed.)
CLIP_PAD_DEG = 0.6  # land this far round an area is buffered (more than 6 nm + slack)


def narrow_areas():
    """The corridor straits with a narrower sea: list of :class:`Strait` (planner.layers)."""
    from planner.layers.straits import STRAITS

    return [s for s in STRAITS if s.regime == "corridor" and s.sea_nm]


def narrow_seas(territory: gpd.GeoDataFrame) -> dict[str, list[tuple[str, object]]]:
    """Per narrow corridor area (strait key): (ISO3, sea polygon in lon/lat) of every state
    whose sovereign area reaches into the box, the sea of the breadth it keeps there (land
    included, as in the territory layer)."""
    out: dict[str, list[tuple[str, object]]] = {}
    for st in narrow_areas():
        x0, y0, x1, y1 = st.box
        box = shapely.box(x0, y0, x1, y1)
        pad = shapely.box(x0 - CLIP_PAD_DEG, y0 - CLIP_PAD_DEG, x1 + CLIP_PAD_DEG,
                          y1 + CLIP_PAD_DEG)
        lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
        seas = []
        for iso3, land, sov in zip(territory["iso3"], territory["land"],
                                   territory["geometry"], strict=True):
            if sov is None or not shapely.intersects(sov, box):
                continue
            breadth = st.breadth_nm(iso3)
            sov_box = shapely.intersection(shapely.make_valid(sov), box)
            if breadth < 12.0 and land is not None and not land.is_empty:
                near = shapely.intersection(shapely.make_valid(land), pad)
                grown = shapely.buffer(_to_aeqd(near, lon0, lat0), breadth * KM_PER_NM * 1000.0,
                                       quad_segs=8)
                sea = shapely.intersection(shapely.make_valid(_from_aeqd(grown, lon0, lat0)),
                                           sov_box)
            else:
                sea = sov_box
            if not sea.is_empty:
                seas.append((str(iso3), shapely.make_valid(sea)))
        out[st.key] = seas
    return out


def corridor_nodes(land, seas: dict) -> tuple[np.ndarray, np.ndarray]:
    """Lattice nodes and ring nodes (each a (lon, lat) array) over the water of the narrow
    corridor areas (see the module docstring)."""
    grids, rings = [], []
    for st in narrow_areas():
        x0, y0, x1, y1 = st.box
        grid = lattice(x0, y0, x1, y1, CORRIDOR_STEP_KM)
        union = shapely.union_all([g for _, g in seas[st.key]])
        out_deg = np.degrees(RING_OUT_NM * KM_PER_NM / EARTH_KM)
        ring = shapely.boundary(shapely.buffer(union, out_deg, quad_segs=4))
        step_deg = np.degrees(CORRIDOR_RING_KM / EARTH_KM)
        xy = shapely.get_coordinates(shapely.segmentize(shapely.simplify(ring, out_deg / 4),
                                                        step_deg))
        inside = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
        xy = xy[inside]
        # thin to one point per ~CORRIDOR_RING_KM along the ring
        if len(xy):
            keep = [0]
            for i in range(1, len(xy)):
                if np.hypot(*(xy[i] - xy[keep[-1]])) >= 0.8 * step_deg:
                    keep.append(i)
            xy = xy[keep]
        rings.append(xy)
        # no lattice inside the narrow seas (the ring holds their edge), but over the rest of
        # the water, 12 nm seas of states keeping the full breadth included
        narrow = shapely.union_all([g for c, g in seas[st.key] if st.breadth_nm(c) < 12.0])
        grids.append(grid[~shapely.contains_xy(narrow, grid[:, 0], grid[:, 1])])

    def wet(parts: list) -> np.ndarray:
        xy = np.vstack(parts) if parts else np.zeros((0, 2))
        xy = xy[~shapely.contains_xy(land, xy[:, 0], xy[:, 1])]
        return np.array(sorted({key(p) for p in xy}), float).reshape(-1, 2)

    return wet(grids), wet(rings)


def narrow_waters(lon, lat, u, v, ts_edge, ts_country, ts_km, countries, seas: dict):
    """The waters rows (``ts_edge``, ``ts_country``, ``ts_km``, ``countries``; as
    ``sea_waters.edge_waters`` returns them) with the rows of every edge whose midpoint lies
    in a narrow corridor area replaced by its km inside each state's narrow sea."""
    from planner.layers.straits import KEYS, strait_of

    a_lon, b_lon = lon[u], lon[v].copy()
    b_lon = np.where(b_lon - a_lon > 180, b_lon - 360,
                     np.where(b_lon - a_lon < -180, b_lon + 360, b_lon))
    mid = strait_of(((a_lon + b_lon) / 2 + 180.0) % 360.0 - 180.0, (lat[u] + lat[v]) / 2)
    names = list(countries)
    new_e, new_c, new_km, new_at = [], [], [], []
    redo = np.zeros(len(u), bool)
    for skey, st_seas in seas.items():
        edges = np.flatnonzero(mid == KEYS.index(skey))
        redo[edges] = True
        if not len(edges):
            continue
        lines = shapely.linestrings(np.stack([np.column_stack([a_lon[edges], lat[u][edges]]),
                                              np.column_stack([b_lon[edges], lat[v][edges]])],
                                             axis=1))
        km = np.asarray(GEOD.inv(a_lon[edges], lat[u][edges], b_lon[edges],
                                 lat[v][edges])[2]) / 1000.0
        length = shapely.length(lines)
        for iso3, sea in st_seas:
            shapely.prepare(sea)
            hit = shapely.intersects(lines, sea)
            if not hit.any():
                continue
            part = shapely.intersection(lines[hit], sea)
            frac = shapely.length(part) / np.maximum(length[hit], 1e-12)
            first = shapely.line_locate_point(lines[hit], shapely.get_point(
                shapely.get_geometry(part, 0), 0))
            first = np.nan_to_num(np.asarray(first, float))
            ok = frac * km[hit] > 1e-3
            if iso3 not in names:
                names.append(iso3)
            new_e.append(edges[hit][ok])
            new_c.append(np.full(int(ok.sum()), names.index(iso3)))
            new_km.append((frac * km[hit])[ok])
            new_at.append(np.asarray(first)[ok])
    keep = ~redo[ts_edge]
    order_key = np.r_[np.zeros(int(keep.sum())), *new_at] if new_at else np.zeros(int(keep.sum()))
    e = np.r_[ts_edge[keep], *new_e].astype(np.int32)
    c = np.r_[ts_country[keep], *new_c].astype(np.int64)
    k = np.r_[ts_km[keep], *new_km].astype(np.float32)
    # rows ordered by edge, then along it; kept rows keep their order (stable sort)
    pos = np.r_[np.arange(int(keep.sum())), np.zeros(len(e) - int(keep.sum()))]
    order = np.lexsort((pos, order_key, e))
    # the countries sorted again (the router reads them by name)
    names_arr = np.array(names)
    sorted_names = np.array(sorted(names))
    remap = np.searchsorted(sorted_names, names_arr)
    print(f"  corridor waters: {int(redo.sum())} edges in narrow corridor areas, "
          f"{len(e) - int(keep.sum())} rows from the narrow seas", flush=True)
    return e[order], remap[c[order]].astype(np.int16), k[order], sorted_names
