"""The sovereign territory layer, country_at and crossings, checked against independent figures
(published areas, distances computed with pyproj's Geod.fwd from known coasts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from planner.layers.territory import country_at, crossings, crossings_table, load_territory
from planner.routing.route import Route

GEOD = Geod(ellps="WGS84")
NM_M = 1852.0  # international nautical mile in metres (BIPM)


def _route(lats, lons) -> Route:
    lons = np.asarray(lons, float)
    lats = np.asarray(lats, float)
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return Route("a", "b", "air", float(np.sum(d)) / 1000.0, lons, lats)


def test_layer_columns_and_crs():
    gdf = load_territory()  # its load time is measured in bench/bench_air.py
    assert gdf.crs.to_epsg() == 4326
    for col in ("iso3", "name", "land", "geometry"):
        assert col in gdf.columns
    assert gdf["iso3"].is_unique
    # the known ISO_A3 = -99 fixes of Natural Earth
    assert {"FRA", "NOR", "XKX", "IND", "RUS", "PAK"} <= set(gdf["iso3"])
    assert load_territory() is gdf  # cached


def test_all_geometries_valid_and_not_wrapped():
    gdf = load_territory()
    assert shapely.is_valid(gdf.geometry.values).all()
    assert shapely.is_valid(gdf["land"].values).all()
    b = gdf.geometry.bounds
    assert (b["minx"] >= -180).all() and (b["maxx"] <= 180).all()
    # no polygon part spans the world (a part wrapped across the antimeridian would);
    # Antarctica, which surrounds the pole, legitimately spans -180..180
    parts = shapely.get_parts(gdf.geometry.values[gdf["iso3"].values != "ATA"])
    widths = shapely.bounds(parts)[:, 2] - shapely.bounds(parts)[:, 0]
    assert widths.max() < 180.0


def test_russia_land_area_matches_published_figure():
    # Russia's total area is 17,098,246 km2 (Rosstat; CIA World Factbook 17,098,242 km2),
    # which includes inland water; the land polygon must be within 3 % of that.
    rus = load_territory().set_index("iso3").loc["RUS"]
    area_m2, _ = GEOD.geometry_area_perimeter(rus["land"])
    assert abs(abs(area_m2) / 1e6 / 17_098_246 - 1) < 0.03
    minx, miny, maxx, maxy = rus["land"].bounds
    assert 41 < miny < 42 and 81 < maxy < 82.5  # Dagestan to Franz Josef Land


def test_land_inside_sovereign_area():
    gdf = load_territory()
    outside = shapely.area(shapely.difference(gdf["land"].values, gdf.geometry.values))
    assert outside.max() < 1e-6  # deg2, i.e. nothing beyond numeric noise


def test_country_at_points():
    assert country_at(28.61, 77.21) == "IND"  # New Delhi
    assert country_at(55.75, 37.62) == "RUS"  # Moscow
    assert country_at(0.0, 70.0) is None  # central Indian Ocean, 380 km from the Maldives
    assert country_at(45.0, -40.0) is None  # mid-Atlantic


def test_country_at_5nm_off_kola_coast_is_russia():
    # Cape Teriberka, Barents Sea coast of the Kola peninsula; 5 nm due north is sea
    lon, lat, _ = GEOD.fwd(35.14, 69.20, 0.0, 5 * NM_M)
    assert country_at(lat, lon) == "RUS"


@pytest.mark.parametrize("offset_nm, expected", [(10, "IND"), (15, None), (5, "IND")])
def test_12nm_buffer_width_off_a_straight_coast(offset_nm, expected):
    # Chennai's Marina beach (13.05 N, 80.283 E) on the straight Coromandel coast, which runs
    # N-S here with no islands for 300 km offshore: 12 nm (22.2 km) out is the limit.
    lon, lat, _ = GEOD.fwd(80.283, 13.05, 90.0, offset_nm * NM_M)
    assert country_at(lat, lon) == expected


def test_crossings_delhi_to_moscow_order_and_times():
    # The Delhi -> Moscow geodesic heads NW (initial azimuth ~ 318 deg): over Indian Punjab
    # into Pakistan, across Khyber Pakhtunkhwa into north-east Afghanistan (Badakhshan),
    # over Tajikistan and the Tajik/Uzbek border folds near the Fergana valley, across
    # Uzbekistan, western Kazakhstan (the Aral Sea region) and into Russia near Orenburg.
    lons, lats = _geodesic(28.70579, 77.342137, 55.8783, 38.0617)
    r = _route(lats, lons)
    depart = pd.Timestamp("2026-03-01T06:00Z")
    c = crossings(r, depart=depart, speed_kmh=800.0)
    assert list(dict.fromkeys(c["iso3"])) == ["IND", "PAK", "AFG", "TJK", "UZB", "KAZ", "RUS"]
    assert c["entry_km"].iloc[0] == 0.0
    assert c["exit_km"].iloc[-1] == pytest.approx(r.distance_km, rel=1e-9)
    # all over land: the stays cover the whole route (border slivers < 0.1 %)
    assert c["distance_km"].sum() == pytest.approx(r.distance_km, rel=1e-3)
    assert c["in_land"].all()
    assert (np.diff(c["entry_km"]) > 0).all() and (c["exit_km"] >= c["entry_km"]).all()
    assert (c["entry"].diff().dropna() > pd.Timedelta(0)).all()
    hours = (c["exit"] - c["entry"]).dt.total_seconds() / 3600
    np.testing.assert_allclose(hours, c["distance_km"] / 800.0, rtol=1e-6)
    assert c["entry"].iloc[0] == depart
    total_h = r.distance_km / 800.0
    assert (c["exit"].iloc[-1] - depart).total_seconds() / 3600 == pytest.approx(total_h)
    # drawing points start/end at the entry/exit, and the ones between are the route's own
    # vertices inside the stay: against pyproj positions along the same geodesic
    az = GEOD.inv(77.342137, 28.70579, 38.0617, 55.8783)[0]
    for row in c.itertuples():
        assert len(row.lons) == len(row.lats) >= 2
        for km, (x, y) in ((row.entry_km, (row.lons[0], row.lats[0])),
                           (row.exit_km, (row.lons[-1], row.lats[-1]))):
            ex, ey, _ = GEOD.fwd(77.342137, 28.70579, az, km * 1000.0)
            assert GEOD.inv(ex, ey, x, y)[2] < 500.0  # chord of a 50 km step: < 0.5 km
        inner = [GEOD.inv(77.342137, 28.70579, x, y)[2] / 1000.0
                 for x, y in zip(row.lons[1:-1], row.lats[1:-1], strict=True)]
        assert all(row.entry_km - 0.5 <= k <= row.exit_km + 0.5 for k in inner)
        # one interior point per 50 km route vertex inside the stay
        assert abs(len(inner) - (row.exit_km - row.entry_km) / 50.0) <= 2


def test_crossings_without_times_are_nat():
    c = crossings(_route([28.6, 28.7], [77.2, 77.3]))
    assert list(c["iso3"]) == ["IND"]
    assert c["entry"].isna().all() and c["exit"].isna().all()


def test_crossings_open_sea_is_empty():
    c = crossings(_route([0.0, 0.0], [65.0, 70.0]))
    assert c.empty
    assert list(c.columns) == ["iso3", "entry_km", "exit_km", "distance_km", "entry", "exit",
                               "in_land", "lons", "lats"]


def test_crossings_territorial_sea_only_is_not_in_land():
    # parallel to the Coromandel coast, 6 nm offshore: inside India's territorial sea only
    lon0, lat0, _ = GEOD.fwd(80.283, 13.05, 90.0, 6 * NM_M)
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, 0.0, 20_000.0)
    c = crossings(_route([lat0, lat1], [lon0, lon1]))
    assert list(c["iso3"]) == ["IND"]
    assert not c["in_land"].iloc[0]


def test_crossings_with_unwrapped_longitudes_across_180():
    # Anadyr (177.7 E) to Provideniya (173.2 W) with longitudes unwrapped past 180
    lons, lats = _geodesic(64.7349, 177.741, 64.4167, -173.2333)
    assert lons.max() > 180.0
    r = _route(lats, lons)
    c = crossings(r)
    assert set(c["iso3"]) == {"RUS"}
    assert c["entry_km"].iloc[0] == 0.0
    assert c["exit_km"].iloc[-1] == pytest.approx(r.distance_km)
    # the same route written in [-180, 180] longitudes gives the same table
    r2 = _route(lats, np.where(lons > 180, lons - 360, lons))
    t1 = crossings_table([r])
    t2 = crossings_table([r2])
    np.testing.assert_allclose(t1["entry_km"], t2["entry_km"], atol=1e-6)


def test_crossings_table_many_routes_matches_single():
    routes = [_route(*_geodesic(28.70579, 77.342137, 55.8783, 38.0617)[::-1]),
              _route([0.0, 0.0], [65.0, 70.0]),
              _route([28.6, 28.7], [77.2, 77.3])]
    t = crossings_table(routes)
    assert sorted(set(t["leg"])) == [0, 2]
    one = crossings(routes[0])
    np.testing.assert_allclose(t[t["leg"] == 0]["exit_km"], one["exit_km"])


def _geodesic(lat1, lon1, lat2, lon2, step_km=50.0):
    from planner.layers.geodesy import geodesic_points

    return geodesic_points(lat1, lon1, lat2, lon2, step_km=step_km)


# ---------------------------------------------------------------- shipped crossing index
def _index_fields_equal(a, b) -> None:
    """Every array of two indexes equal (values and dtypes; geometries by their WKB)."""
    import dataclasses

    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, shapely.STRtree):
            assert (shapely.to_wkb(x.geometries).tolist()
                    == shapely.to_wkb(y.geometries).tolist()), f.name
        elif x.dtype == object and f.name != "iso3":
            assert shapely.to_wkb(x).tolist() == shapely.to_wkb(y).tolist(), f.name
        else:
            assert x.dtype == y.dtype and x.shape == y.shape, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)


def _real_routes() -> list[Route]:
    from planner.routing.sea import sea_route

    sea = [sea_route(a, b) for a, b in (("mumbai", "murmansk"), ("vladivostok", "anadyr"),
                                        ("kochi", "singapore"), ("chennai", "colombo"))]
    air = [_route(*_geodesic(*ends, step_km=20.0)[::-1]) for ends in (
        (28.70579, 77.342137, 55.8783, 38.0617),  # Hindon -> Chkalovsky
        (64.73, 177.74, 61.17, -150.0),  # Anadyr -> Anchorage, across 180
        (19.09, 72.87, 69.0, 33.1))]  # Mumbai -> Murmansk overland
    return sea + air


def test_shipped_index_equals_a_fresh_build_and_gives_the_same_crossings(monkeypatch):
    import planner.layers.territory as territory
    from planner.layers.territory_index import from_arrays, index_arrays, read_index

    shipped = read_index()
    assert shipped is not None, "geodata/territory_index.npz missing or stale: rebuild it"
    fresh = from_arrays(index_arrays(load_territory()))
    _index_fields_equal(shipped, fresh)
    routes = _real_routes()
    tables = []
    for idx in (shipped, fresh):
        monkeypatch.setattr(territory, "_index", lambda idx=idx: idx)
        tables.append((crossings_table(routes), [crossings(r) for r in routes]))
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0], check_exact=True)
    assert len(tables[0][0]) > 10 and tables[0][0]["leg"].nunique() == len(routes)
    for one, two in zip(tables[0][1], tables[1][1], strict=True):
        pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_stale_index_stamp_falls_back_to_building(tmp_path, monkeypatch):
    import planner.layers.territory as territory
    from planner.core.paths import geodata_path
    from planner.layers import territory_index as ti

    with np.load(geodata_path(ti.INDEX_FILE)) as z:
        arrays = {k: z[k] for k in z.files}
    assert str(arrays["stamp"]) == ti.stamp()
    stale = tmp_path / ti.INDEX_FILE
    np.savez(stale, **{**arrays, "stamp": np.array("sha256=0;grid=0.1;tile=5.0;format=1")})
    assert ti.read_index(stale) is None
    assert ti.read_land(stale) is None
    assert ti.read_index(tmp_path / "missing.npz") is None
    # a layer with other bytes has another stamp
    layer = tmp_path / ti.LAYER_FILE
    layer.write_bytes(geodata_path(ti.LAYER_FILE).read_bytes() + b"\0")
    assert ti.stamp(layer) != ti.stamp()
    built = []
    monkeypatch.setattr(territory, "read_index", lambda: ti.read_index(stale))
    monkeypatch.setattr(territory, "from_arrays", lambda a: built.append(1) or ti.from_arrays(a))
    territory._index.cache_clear()
    try:
        idx = territory._index()
        assert built == [1]
        _index_fields_equal(idx, ti.read_index())
        assert country_at(55.75, 37.62) == "RUS"
    finally:
        territory._index.cache_clear()


def test_land_polygons_are_the_layers_land():
    from planner.layers.territory import land_polygons

    land = land_polygons()
    layer = load_territory()["land"].values
    assert len(land) == len(layer)
    assert shapely.to_wkb(land).tolist() == shapely.to_wkb(np.asarray(layer)).tolist()
