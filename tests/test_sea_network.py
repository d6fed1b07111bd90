"""The sea network against NGA Pub. 151 and other published distances: every figure is
compared with a route over the network (in ``prefer`` and in ``any``), never looked up.

Data: ``tests/data/pub151_pairs.csv`` and ``tests/data/nsr_published.csv`` (sources and the
selection rules in ``tests/data/README.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.core.units import KM_PER_NM
from planner.layers.geodesy import geodesic_km, geodesic_points
from planner.layers.sea_network import network, unit_xyz
from planner.routing.sea import sea_route

DATA = Path(__file__).resolve().parent / "data"
TOLERANCE = 0.04  # the goal of issue 13: within 4 % ...
TOLERANCE_NSR = 0.06  # ... 6 % for NSR legs, whose tracks vary with the ice
# of the pairs: issue 13's goal. The network reaches 95.1 % in both prefer and any on 347
# pairs; the misses are listed in the README (river bends, inner leads, published NSR tracks
# longer than ours, suspect Copenhagen figures).
SHARE_WITHIN = 0.95
MEAN_ABS_ERROR = 0.02
# Dondra Head, the south tip of Sri Lanka: 5 55'N 80 35'E (NGA Pub. 173, Sailing Directions
# India and the Bay of Bengal)
DONDRA = (5.9167, 80.5833)
# Bab-el-Mandeb (Perim, 12 38'N 43 25'E) and the Suez Canal's south entrance at Port Tewfik
# (29 56'N 32 34'E); the canal is 193.30 km long (Suez Canal Authority, canal characteristics)
BAB_EL_MANDEB = (12.6333, 43.4167)
SUEZ = (29.9333, 32.5667)
SUEZ_CANAL_KM = 193.30
# Route notes naming passages the network does not hold (so the figure is not a shortest
# route over it): the Corinth Canal (beam limit 17.6 m) and the Seto Inland Sea (Naikai),
# which a route "via Shimonoseki Kaikyo" (the Kanmon Strait) to the Pacific also sails
# (Suo Nada and Iyo Nada to the Bungo Suido).
NOT_IN_NETWORK = ("Corinth Canal", "Naikai", "Shimonoseki Kaikyo")


def _side_of_sri_lanka(lat: float, lon: float) -> str:
    """``west`` (Arabian Sea, Gulf of Mannar, Sri Lanka's west and south coasts) or ``east``
    (Bay of Bengal and beyond) for a port in the northern Indian Ocean."""
    if lat > 9.5:
        return "west" if lon < 79.0 else "east"
    return "west" if lon < DONDRA[1] else "east"


def _through_palk(row) -> bool:
    """A figure shorter than the geodesic via Dondra Head between ports on opposite sides of
    Sri Lanka can only be a route through the Pamban Channel and the Palk Strait, which is
    closed to ships of more than about 3 m draught (so to warships, and to this network)."""
    a, b = (row.from_lat, row.from_lon), (row.to_lat, row.to_lon)
    if not all(-15 < p[0] < 30 and 40 < p[1] < 100 for p in (a, b)):
        return False
    if _side_of_sri_lanka(*a) == _side_of_sri_lanka(*b):
        return False
    lons, lats = geodesic_points(*a, *b, step_km=10.0)
    cross = np.flatnonzero(np.diff(np.sign(np.asarray(lons) - DONDRA[1])) != 0)
    if len(cross) and lats[cross[0]] < DONDRA[0]:  # the geodesic passes south of Dondra
        return False
    via = (geodesic_km(*a, *DONDRA) + geodesic_km(*DONDRA, *b)) / KM_PER_NM
    return row.distance_nm < via


def _shorter_than_the_red_sea(row) -> bool:
    """A Port Said - Indian Ocean figure shorter than the geodesic through Bab-el-Mandeb and
    Suez plus the canal cannot be a sea distance (a misprint: Muscat - Port Said 2,289)."""
    if "Bab-el-Mandeb and the Red Sea" not in str(row.route_note):
        return False
    other = (row.to_lat, row.to_lon) if row.from_name == "Port Said" else (
        row.from_lat, row.from_lon)
    km = geodesic_km(*other, *BAB_EL_MANDEB) + geodesic_km(*BAB_EL_MANDEB, *SUEZ)
    return row.distance_nm < (km + SUEZ_CANAL_KM) / KM_PER_NM


def _longer_than_via_a_third(rows: pd.DataFrame) -> pd.Series:
    """Figures more than 2 % longer than the sum of two other figures through a third port:
    not a shortest route (or a misprint), so not a test of a shortest-route router."""
    d = {}
    for r in rows.itertuples(index=False):
        d[(r.from_name, r.to_name)] = d[(r.to_name, r.from_name)] = r.distance_nm
    ports = {p for pair in d for p in pair}
    bad = []
    for r in rows.itertuples(index=False):
        a, b = r.from_name, r.to_name
        via = [d[(a, c)] + d[(c, b)] for c in ports
               if c not in (a, b) and (a, c) in d and (c, b) in d]
        bad.append(bool(via) and r.distance_nm > 1.02 * min(via))
    return pd.Series(bad, index=rows.index)


def published_pairs() -> pd.DataFrame:
    """One row per port pair: the shortest published figure (Pub. 151 lists some pairs by
    several routes; the router finds the shortest), with the exclusions of the README."""
    pub = pd.read_csv(DATA / "pub151_pairs.csv")
    nsr = pd.read_csv(DATA / "nsr_published.csv")
    rows = pd.concat([pub, nsr], ignore_index=True)
    note = rows["route_note"].fillna("")
    rows = rows[~note.str.contains("|".join(NOT_IN_NETWORK))]
    rows = rows[~rows.apply(_through_palk, axis=1)]
    rows = rows[~rows.apply(_shorter_than_the_red_sea, axis=1)]
    a = rows[["from_name", "to_name"]].min(axis=1)
    b = rows[["from_name", "to_name"]].max(axis=1)
    rows = rows.assign(pair=a + " - " + b).sort_values("distance_nm")
    rows = rows.drop_duplicates("pair")
    return rows[~_longer_than_via_a_third(rows)].reset_index(drop=True)


def _errors(waters: str) -> pd.DataFrame:
    pairs = published_pairs()
    got = []
    for r in pairs.itertuples(index=False):
        route = sea_route(f"{r.from_lat},{r.from_lon}", f"{r.to_lat},{r.to_lon}", waters=waters)
        got.append(route.distance_nm)
    out = pairs.assign(routed_nm=got)
    out["error"] = out["routed_nm"] / out["distance_nm"] - 1.0
    out["tolerance"] = np.where(out["region"] == "nsr", TOLERANCE_NSR, TOLERANCE)
    out["ok"] = out["error"].abs() <= out["tolerance"]
    return out


def _report(df: pd.DataFrame) -> str:
    by = df.groupby("region").agg(pairs=("ok", "size"), within=("ok", "mean"),
                                  mean_abs_error=("error", lambda e: e.abs().mean()),
                                  bias=("error", "mean"))
    worst = df.loc[df["error"].abs().sort_values(ascending=False).index].head(15)
    cols = ["from_name", "to_name", "region", "distance_nm", "routed_nm", "error", "route_note"]
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        return (f"\nper region:\n{by.to_string(float_format=lambda x: f'{x:.3f}')}\n"
                f"worst:\n{worst[cols].to_string(float_format=lambda x: f'{x:.3f}')}")


def test_the_sample_is_broad():
    pairs = published_pairs()
    assert len(pairs) >= 150
    counts = pairs["region"].value_counts()
    for region in ("indian_ocean", "red_sea", "pacific", "nsr", "europe"):
        assert counts.get(region, 0) >= 10, region


@pytest.mark.parametrize("waters", ["prefer", "any"])
def test_pub151_distances(waters):
    df = _errors(waters)
    share = df["ok"].mean()
    mae = df["error"].abs().mean()
    assert share >= SHARE_WITHIN and mae < MEAN_ABS_ERROR, (
        f"{waters}: {share:.1%} within tolerance, mean absolute error {mae:.2%}" + _report(df))


def test_river_ports_include_the_river():
    """Pub. 151 measures Calcutta from the city, 80+ nm up the Hooghly, and Haldia from its
    docks: the published Calcutta figures exceed the Haldia ones by 56-58 nm (Colombo 1,258 vs
    1,202; Bombay 2,128 vs 2,070). The Syama Prasad Mookerjee Port gives the pilotage distance
    as 223 km to Kolkata and 115 km to Haldia, so 108 km (58 nm) of river between them."""
    kolkata, haldia, colombo = "22.55,88.31667", "22.00833,88.05", "6.95,79.85"
    gap = sea_route(kolkata, colombo).distance_nm - sea_route(haldia, colombo).distance_nm
    assert 45 < gap < 70


def test_every_edge_is_attributed_once():
    """The per-edge waters rows are sorted by edge, inside the edge's length."""
    net = network()
    assert np.all(np.diff(net.ts_edge) >= 0)
    per_edge = np.bincount(net.ts_edge, weights=net.ts_km, minlength=len(net.km))
    assert np.all(per_edge <= net.km + 1e-3)


def test_no_edge_runs_along_the_antimeridian_over_land():
    """Land polygons are cut at 180 degrees, so a network edge lying on that meridian must be
    tested beside it (Chukotka lies across it between 64.7 and 69.7 N)."""
    import shapely

    from planner.layers.territory import load_territory

    net = network()
    on = (net.lon[net.u] == -180.0) & (net.lon[net.v] == -180.0)
    land = shapely.union_all(np.asarray(load_territory()["land"].values))
    for i in np.flatnonzero(on):
        lats = np.linspace(net.lat[net.u[i]], net.lat[net.v[i]], 200)[1:-1]
        for x in (-179.99, 179.99):
            assert not shapely.contains_xy(land, np.full(lats.size, x), lats).any(), i


# Every passage of the network, with a way the shortest route takes through it and a small box
# (lon0, lat0, lon1, lat1) round its gate, from the chart, not from the network's masks: the
# narrows of a strait, the canal between its ends, a strip across the sea a route round a cape
# or along the NSR must cross. Places are catalogue ids; where no catalogue place lies beyond
# the passage, a position at sea ("lat,lon"): Bahrain (Mina Salman) in the Gulf, the
# Caribbean north of Colon and the Gulf of Panama (outside the canal's labelled approaches),
# the Pacific off Chiloe and the Atlantic off the Rio de la Plata.
AVOID_CASES = {
    "suez": ("djibouti", "port-said", (32.2, 30.0, 32.6, 31.0)),
    "bab-el-mandeb": ("salalah", "port-said", (43.15, 12.35, 43.75, 12.85)),
    "hormuz": ("salalah", "26.2,50.6", (56.0, 26.0, 56.9, 26.9)),
    "malacca": ("singapore", "colombo", (100.3, 2.2, 101.3, 3.6)),
    "sunda": ("vladivostok", "port-louis", (105.6, -6.2, 106.1, -5.7)),
    "gibraltar": ("port-said", "baltiysk", (-5.8, 35.7, -5.4, 36.2)),
    "cape-of-good-hope": ("cape-town", "port-louis", (19.8, -40.0, 20.2, -34.9)),
    "bering": ("pevek", "provideniya", (-170.2, 65.4, -167.6, 66.3)),
    "nsr": ("murmansk", "vladivostok", (120.0, 70.0, 125.0, 80.0)),  # across the Laptev Sea
    "kara-gate": ("severomorsk", "sabetta", (57.8, 70.2, 58.8, 70.8)),
    "vilkitsky": ("dikson", "tiksi", (103.5, 77.5, 105.5, 78.4)),
    "sannikov": ("dikson", "pevek", (140.3, 74.2, 140.7, 75.0)),
    "dmitry-laptev": ("tiksi", "pevek", (141.2, 72.7, 141.8, 73.3)),
    "panama": ("11.0,-80.0", "7.0,-79.0", (-79.9, 8.95, -79.6, 9.25)),
    "bosporus": ("novorossiysk", "mumbai", (29.0, 41.05, 29.1, 41.13)),
    "dardanelles": ("novorossiysk", "port-said", (26.33, 40.08, 26.45, 40.2)),
    "magellan": ("-42.0,-76.0", "-36.0,-54.0", (-70.5, -61.0, -69.5, -52.0)),  # 70 W
}
# Barrow Strait, which a route from Baffin Bay to the Beaufort Sea takes (always avoided)
NORTHWEST_CASE = ("72.0,-65.0", "71.0,-140.0", (-90.5, 73.8, -89.5, 74.8))


def _meets(route, box) -> bool:
    """Whether the route's path (its straight lon/lat segments, as the network's edges are
    tested against gates) enters the box, at any longitude wrap."""
    import shapely

    line = shapely.LineString(np.column_stack([route.lons, route.lats]))
    x0, y0, x1, y1 = box
    return any(line.intersects(shapely.box(x0 + dx, y0, x1 + dx, y1))
               for dx in (-360.0, 0.0, 360.0))


def test_every_passage_has_an_avoid_case():
    assert set(AVOID_CASES) | {"northwest"} == set(network().passages)


@pytest.mark.parametrize("waters", ["any", "prefer"])
@pytest.mark.parametrize("passage", sorted(AVOID_CASES))
def test_an_avoided_passage_is_not_sailed(passage, waters):
    """The class of defect where a passage is marked on some of the edges through its gate
    and a parallel edge slips past (the Bosporus had searoute's labelled chain plus corridor
    edges beside it): the way through the gate box lists the passage, and with the passage
    avoided the route never enters the box, or there is none."""
    from planner.routing.sea import NoSeaRoute

    o, d, box = AVOID_CASES[passage]
    shortest = sea_route(o, d, waters=waters)
    assert _meets(shortest, box), f"{o}-{d} does not take {passage}: a bad case"
    assert passage in shortest.passages
    try:
        avoided = sea_route(o, d, avoid=[passage], waters=waters)
    except NoSeaRoute:
        return
    assert passage not in avoided.passages
    assert not _meets(avoided, box), f"{o}-{d} avoiding {passage} still goes through"
    assert avoided.distance_km > shortest.distance_km


def test_the_black_sea_has_no_other_exit():
    """Novorossiysk - Mumbai goes through both Turkish Straits; with either avoided there is
    no way out of the Black Sea."""
    from planner.routing.sea import NoSeaRoute

    r = sea_route("novorossiysk", "mumbai")
    assert r.passages[:2] == ("bosporus", "dardanelles")
    for p in ("bosporus", "dardanelles"):
        with pytest.raises(NoSeaRoute):
            sea_route("novorossiysk", "mumbai", avoid=[p])


def test_the_northwest_passage_is_never_sailed():
    """The Northwest Passage is always avoided (no ice rules for the Canadian Arctic), though
    the plain shortest path over the network (scipy Dijkstra over every edge's km, nothing
    closed) takes it from Baffin Bay to the Beaufort Sea."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    from planner.routing.route import Route
    from planner.routing.sea import NoSeaRoute

    o, d, box = NORTHWEST_CASE
    net = network()
    lat_lon = np.array([[float(x) for x in p.split(",")] for p in (o, d)])
    ends = [int(i) for i in net.kdtree.query(unit_xyz(lat_lon[:, 0], lat_lon[:, 1]))[1]]
    n = len(net.lon)
    g = coo_matrix((np.r_[net.km, net.km], (np.r_[net.u, net.v], np.r_[net.v, net.u])),
                   shape=(n, n)).tocsr()
    _, pred = dijkstra(g, indices=ends[0], return_predecessors=True)
    path = [ends[1]]
    while path[-1] != ends[0]:
        path.append(int(pred[path[-1]]))
    plain = Route(o, d, "sea", 0.0, np.unwrap(net.lon[path], period=360.0), net.lat[path])
    assert _meets(plain, box)
    try:
        r = sea_route(o, d, waters="any")
    except NoSeaRoute:
        return
    assert "northwest" not in r.passages and not _meets(r, box)
