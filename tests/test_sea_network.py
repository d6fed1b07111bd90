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
from planner.layers.sea_network import network
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
