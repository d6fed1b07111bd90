"""Offshore nodes and per-edge territorial waters for ``build_sea_network.py`` (build time).

* **Open-water lattice** (``open_water_nodes``): water nodes on the fixed global lattice over
  the project's seas (``OPEN_BOXES``: the Indian Ocean with the Red Sea and the Gulf, South-East
  Asia and the western and northern Pacific to Hawaii, the Arctic from Norway to the Chukchi
  Sea, European waters and the Atlantic route round Africa), spaced by distance from land
  (``BANDS``): dense near coasts, where routes turn, sparse in mid-ocean, where they are
  straight. Linked like every lattice node (``LINK_STEPS``), paths over it stay within ~2 % of
  the geodesic.
* **Offshore ring** (``ring_nodes``): nodes just outside the 12 nm territorial sea of every
  country (the outer edge of the sovereign areas in ``geodata/territory.parquet``, pushed
  ``RING_OFFSET_DEG`` further out), every ``RING_STEP_KM`` along it, so that a route can keep
  out of a third country's sea while hugging it.
* **Rivers** (``RIVERS``): the river passages to up-river ports that Natural Earth draws as
  land, as waypoint polylines (sources next to each).
* **Waters per edge** (``edge_waters``): for every edge, whose sovereign area (land + 12 nm) it
  runs in and for how many km, from :func:`planner.layers.territory.crossings_many` (one
  two-point leg per edge), so the router weights edges without any geometry at run time.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import cKDTree
from sea_lattice import EARTH_KM, key, lattice, unit

# (lon0, lat0, lon1, lat1): where the open-water lattice and the offshore ring are laid
OPEN_BOXES = [
    (30.0, -42.0, 122.0, 31.0),  # Indian Ocean, Red Sea, Gulf, Andaman Sea, Java Sea
    (98.0, -12.0, 180.0, 62.0),  # South-East Asia, the China seas, Japan, Okhotsk, NW Pacific
    (-180.0, 15.0, -150.0, 66.0),  # North Pacific east of 180 to Hawaii, Bering Sea
    # Norwegian and Barents seas to Svalbard (80.5 N, open in summer west of 60 E); the White
    # and Kara seas to the Vilkitsky Strait (78 N); east of it the NSR's summer tracks keep
    # south of 75.5 N, through the straits of the New Siberian Islands (the high Arctic beyond
    # is ice-covered; EXTRA_PATHS in build_sea_network.py hold the routes north of it)
    (-12.0, 55.0, 60.0, 80.5),
    (60.0, 55.0, 110.0, 78.0),
    (110.0, 55.0, 180.0, 75.5),
    (-180.0, 64.0, -165.0, 75.0),  # Chukchi Sea east of 180
    (-12.0, 34.0, 32.0, 66.0),  # North Sea, Baltic, Channel, Bay of Biscay
    (-7.0, 30.0, 42.0, 47.5),  # Mediterranean and Black Sea
    (-25.0, -42.0, 30.0, 36.0),  # the Atlantic route round Africa
]
# (up to km from land, lattice step km): the nearest band wins
BANDS = [(60.0, 40.0), (300.0, 80.0), (np.inf, 160.0)]
RING_STEP_KM = 25.0  # spacing of offshore-ring nodes
RING_OFFSET_DEG = 0.03  # ring pushed this far beyond the 12 nm line (~1.8 nm in latitude)
COAST_SAMPLE_DEG = 0.05  # coastline sampled this finely for distance-to-land

# River passages: (port facility id, [(lon, lat), ...] from the berth down to open water).
RIVERS = {
    # Hooghly: Kolkata Dock System 22 32'53"N 88 18'05"E, Haldia Dock Complex 22 02'N 88 06'E,
    # Sagar lighthouse 21 39'N 88 03'E, Upper and Lower Gasper light floats, Eastern Channel
    # light vessel 21 02'55"N 88 11'30"E, the port limit at the Sandheads 20 45'N (Syama
    # Prasad Mookerjee Port, Kolkata: "Location" and "Navigational Aids",
    # smportkolkata.shipping.gov.in); bends at Budge Budge, Uluberia,
    # Hooghly Point, Diamond Harbour and Kulpi read off the river's course (approximate).
    "kolkata": [(88.3014, 22.5481), (88.18, 22.48), (88.10, 22.46), (88.06, 22.22),
                (88.19, 22.19), (88.20, 22.07), (88.10, 22.02), (88.07, 21.80),
                (88.0500, 21.6500), (88.1101, 21.4975), (88.1594, 21.3650),
                (88.1903, 21.2833), (88.1917, 21.0485), (88.20, 20.75)],
    # Yenisei: Dudinka 69 24'N 86 11'E (the Dudinka river mouth, river km 433), Ust-Port
    # 69 39'N 84 24'E, Karaul 70 06'N 83 10'E, Sopochnaya Karga 71 52'N 82 42'E, then the
    # Yenisei Gulf to the Dikson roads 73 30'N 80 31'E (positions of the settlements on the
    # river; the fairway follows the river between them).
    # Igarka 67 28'N 86 35'E, upstream of Dudinka, the river's bends between them approximate.
    "dudinka": [(86.58, 67.47), (86.45, 68.00), (86.25, 68.60), (86.05, 69.10),
                (86.18, 69.40), (85.20, 69.55), (84.40, 69.65), (83.80, 69.90),
                (83.17, 70.10), (82.90, 70.80), (82.70, 71.87), (81.60, 72.60),
                (80.60, 73.35)],
    # Rivers and sea canals below, with the port's position at the head: ends and named
    # places as printed (Pub. 151 central positions; NGA World Port Index); the bends between
    # them read off the river's course on Natural Earth / OpenStreetMap (approximate, a few km).
    # Huangpu from the Bund past Wusongkou (31 23'N 121 30'E) and the Yangtze South Channel.
    "shanghai": [(121.4917, 31.2333), (121.535, 31.31), (121.505, 31.39), (121.70, 31.33),
                 (121.95, 31.20), (122.25, 31.08)],
    # Saigon River from Ho Chi Minh City past Nha Be and Can Gio to Vung Tau (10 20'N 107 04'E).
    "ho-chi-minh": [(106.7042, 10.7667), (106.76, 10.68), (106.80, 10.58), (106.90, 10.50),
                    (106.95, 10.42), (107.05, 10.30)],
    # Rangoon River from Yangon to Elephant Point (16 29'N 96 19'E).
    "yangon": [(96.1667, 16.7667), (96.26, 16.71), (96.29, 16.58), (96.32, 16.45),
               (96.35, 16.35)],
    # Elbe from Hamburg past Wedel, Stade, Glueckstadt, Brunsbuettel and Cuxhaven to Elbe 1.
    "hamburg": [(9.9694, 53.5477), (9.70, 53.575), (9.49, 53.62), (9.42, 53.78),
                (9.14, 53.885), (8.95, 53.90), (8.72, 53.88), (8.45, 53.96), (8.10, 54.00)],
    # Nieuwe Maas and Nieuwe Waterweg from Rotterdam past Vlaardingen and Maassluis to Hoek van
    # Holland (51 59'N 4 07'E).
    "rotterdam": [(4.4667, 51.90), (4.34, 51.90), (4.25, 51.915), (4.13, 51.98),
                  (4.02, 52.00)],
    # Isfjorden from Longyearbyen (Adventfjorden) down the middle of the fjord past
    # Festningen to the sea off Kapp Linne (78 04'N 13 37'E); the fjord's course read off
    # Natural Earth (approximate, a few km), every point in water.
    "longyearbyen": [(15.5667, 78.2417), (15.30, 78.26), (14.60, 78.20), (13.90, 78.12),
                     (13.30, 78.00)],
    # Kaliningrad Sea Canal from Kaliningrad along the Vistula Lagoon to Baltiysk and its
    # strait (54 38'N 19 53'E).
    "kaliningrad": [(20.4667, 54.7083), (20.33, 54.68), (20.15, 54.66), (19.95, 54.64),
                    (19.88, 54.64), (19.80, 54.645)],
}


def coast_tree(land) -> cKDTree:
    """KD-tree (unit vectors) of points along the simplified land outline, every
    ``COAST_SAMPLE_DEG``, for distance-to-land queries."""
    simp = shapely.simplify(land, 0.02)
    pts = shapely.get_coordinates(shapely.segmentize(shapely.boundary(simp), COAST_SAMPLE_DEG))
    return cKDTree(unit(pts))


def km_to_land(tree: cKDTree, xy: np.ndarray) -> np.ndarray:
    """Approximate km from each (lon, lat) point to the nearest coastline sample."""
    d, _ = tree.query(unit(xy))
    return 2 * np.arcsin(np.minimum(d / 2, 1.0)) * EARTH_KM


def open_water_nodes(land, tree: cKDTree) -> tuple[np.ndarray, np.ndarray]:
    """Lattice water nodes over :data:`OPEN_BOXES`: (lon, lat) array and each node's step km
    (from :data:`BANDS`)."""
    pts, steps = [], []
    lo = 0.0
    for hi, step in BANDS:
        cand = np.unique(np.vstack([lattice(*b, step) for b in OPEN_BOXES]), axis=0)
        cand = cand[~shapely.contains_xy(land, cand[:, 0], cand[:, 1])]
        d = km_to_land(tree, cand)
        sel = cand[(d >= lo) & (d < hi)]
        pts.append(sel)
        steps.append(np.full(len(sel), step))
        lo = hi
    return np.vstack(pts), np.concatenate(steps)


def in_boxes(xy: np.ndarray) -> np.ndarray:
    """Whether each (lon, lat) point lies in one of :data:`OPEN_BOXES`."""
    out = np.zeros(len(xy), bool)
    for x0, y0, x1, y1 in OPEN_BOXES:
        out |= (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    return out


def ring_nodes(sovereign, land) -> np.ndarray:
    """Points (lon, lat) every ~:data:`RING_STEP_KM` just outside the union of all sovereign
    areas (land + 12 nm), in water, inside :data:`OPEN_BOXES`."""
    grown = shapely.buffer(shapely.simplify(sovereign, 0.01), RING_OFFSET_DEG, quad_segs=2)
    line = shapely.simplify(shapely.boundary(grown), 0.01)
    step_deg = np.degrees(RING_STEP_KM / EARTH_KM)
    xy = shapely.get_coordinates(shapely.segmentize(line, step_deg))
    xy = xy[(np.abs(xy[:, 1]) < 85) & (xy[:, 0] >= -180) & (xy[:, 0] < 180)]
    xy = xy[in_boxes(xy)]
    # thin to one point per RING_STEP_KM (greedy on a KD-tree)
    tree = cKDTree(unit(xy))
    chord = 2 * np.sin(0.6 * RING_STEP_KM / EARTH_KM / 2)
    keep = np.ones(len(xy), bool)
    for i, nbrs in enumerate(tree.query_ball_point(unit(xy), chord)):
        if keep[i]:
            for j in nbrs:
                if j > i:
                    keep[j] = False
    xy = xy[keep]
    ok = ~shapely.contains_xy(sovereign, xy[:, 0], xy[:, 1])
    ok &= ~shapely.contains_xy(land, xy[:, 0], xy[:, 1])
    return np.array(sorted({key(p) for p in xy[ok]}), float).reshape(-1, 2)


def river_paths() -> list[list[tuple[float, float]]]:
    """The :data:`RIVERS` polylines as lists of keyed (lon, lat) points (head first)."""
    return [[key(p) for p in pts] for pts in RIVERS.values()]


def river_mouths() -> list[tuple[str, str, float, float]]:
    """The seaward end of each river passage as a place (id, kind, lon, lat): it gets a
    harbour lattice and water edges like a port."""
    return [(f"{name}-mouth", "river_mouth", *pts[-1]) for name, pts in RIVERS.items()]


def edge_waters(lon: np.ndarray, lat: np.ndarray, u: np.ndarray, v: np.ndarray):
    """Whose sovereign area (land + 12 nm) each edge u-v runs in: arrays ``ts_edge`` (edge
    index), ``ts_country`` (index into the returned ``countries``), ``ts_km`` (km of that
    edge inside that country), one row per (edge, country), ordered by edge then along it."""
    from planner.layers.territory import crossings_many

    a_lon, b_lon = lon[u], lon[v].copy()
    b_lon = np.where(b_lon - a_lon > 180, b_lon - 360, np.where(b_lon - a_lon < -180,
                                                                b_lon + 360, b_lon))
    xs = np.empty(2 * len(u))
    ys = np.empty(2 * len(u))
    xs[0::2], xs[1::2] = a_lon, b_lon
    ys[0::2], ys[1::2] = lat[u], lat[v]
    leg = np.repeat(np.arange(len(u)), 2)
    out = []
    chunk = 200_000  # legs per call (memory)
    for s in range(0, len(u), chunk):
        sl = slice(2 * s, 2 * min(s + chunk, len(u)))
        t = crossings_many(xs[sl], ys[sl], leg[sl] - s)
        t["leg"] += s
        out.append(t)
    import pandas as pd

    t = pd.concat(out, ignore_index=True)
    t = t[t["distance_km"] > 1e-3]
    t = t.groupby(["leg", "iso3"], sort=False, as_index=False).agg(
        km=("distance_km", "sum"), first=("entry_km", "min")).sort_values(["leg", "first"])
    countries = np.array(sorted(t["iso3"].unique()))
    code = {c: i for i, c in enumerate(countries)}
    return (t["leg"].to_numpy(np.int32), t["iso3"].map(code).to_numpy(np.int16),
            t["km"].to_numpy(np.float32), countries)


def split_at_straits(edges: dict) -> dict:
    """The edges ``{(a, b): labels}`` with every edge that crosses the side of a strait area
    (:data:`planner.layers.straits.STRAITS`) cut where it crosses, so that each edge lies
    wholly inside or wholly outside each area (the router tells a strait by an edge's
    midpoint)."""
    from planner.layers.straits import STRAITS

    out: dict = {}
    cut = 0
    for (a, b), labels in edges.items():
        x0, y0 = a
        shift = -360.0 if b[0] - a[0] > 180 else 360.0 if b[0] - a[0] < -180 else 0.0
        x1, y1 = b[0] + shift, b[1]
        ts = set()
        for st in STRAITS:
            bx0, by0, bx1, by1 = st.box
            for v, p0, p1, lo, hi, q0, q1 in ((bx0, x0, x1, by0, by1, y0, y1),
                                              (bx1, x0, x1, by0, by1, y0, y1),
                                              (by0, y0, y1, bx0, bx1, x0, x1),
                                              (by1, y0, y1, bx0, bx1, x0, x1)):
                if p0 == p1:
                    continue
                t = (v - p0) / (p1 - p0)
                if 1e-9 < t < 1 - 1e-9 and lo <= q0 + t * (q1 - q0) <= hi:
                    ts.add(round(t, 9))
        if not ts:
            out[(a, b)] = labels
            continue
        cut += 1
        pts = [a, *[key((x0 + t * (x1 - x0), y0 + t * (y1 - y0))) for t in sorted(ts)], b]
        for p, q in zip(pts[:-1], pts[1:], strict=True):
            if p != q:
                out[(min(p, q), max(p, q))] = set(labels)
    print(f"  {cut} edges cut at the sides of strait areas", flush=True)
    return out
