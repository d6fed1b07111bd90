"""Air routes: geodesic lengths against published figures, countries crossed, the antimeridian,
and deny-routing checked geometrically."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.affinity import translate

from planner.layers.geodesy import geodesic_km
from planner.layers.territory import load_territory
from planner.routing.air import NoRoute, air_route, geodesic_paths

GEOD = Geod(ellps="WGS84")

# city centres
DELHI = (28.6139, 77.2090)
MOSCOW = (55.7558, 37.6173)
# airports (the flights quoted below used Vnukovo, Barajas and Athens Eleftherios Venizelos)
VKO = (55.5915, 37.2615)
MAD = (40.4722, -3.5608)
ATH = (37.9364, 23.9445)


@pytest.mark.parametrize("a, b, published_km", [
    # ~4,344 km Delhi-Moscow (tv9hindi.com, 2025, "India to Russia distance")
    (DELHI, MOSCOW, 4344.0),
    # great-circle figures quoted in abbeyblog.me "Russian Roundabout" (2022), airport to
    # airport
    (VKO, MAD, 3409.0),
    (MAD, ATH, 2383.0),
    (ATH, VKO, 2203.0),
])
def test_air_route_length_matches_published_and_pyproj(a, b, published_km):
    r = air_route(a, b)
    _, _, d_m = GEOD.inv(a[1], a[0], b[1], b[0])
    assert r.distance_km == pytest.approx(d_m / 1000.0, rel=1e-3)
    assert r.distance_km == pytest.approx(published_km, rel=0.01)
    assert r.mode == "air"


def test_equator_quarter_and_meridian_quadrant():
    # along the equator a quarter turn is a * pi / 2 with a = 6378.137 km (WGS84):
    # 10,018.754 km; the WGS84 meridian quadrant is 10,001.966 km (published constant)
    assert geodesic_km(0, 0, 0, 90) == pytest.approx(6378.137 * np.pi / 2, rel=1e-6)
    assert geodesic_km(0, 0, 90, 0) == pytest.approx(10001.966, rel=1e-6)
    r = air_route((0.0, 0.0), (0.0, 90.0))
    assert r.distance_km == pytest.approx(6378.137 * np.pi / 2, rel=1e-6)


def test_geodesic_paths_are_densified_and_end_exactly():
    lons, lats, leg = geodesic_paths([28.7, 64.7], [77.3, 177.7], [55.9, 64.4], [38.1, -173.2],
                                     step_km=50.0)
    for i, (lat2, lon2) in enumerate([(55.9, 38.1), (64.4, -173.2)]):
        x, y = lons[leg == i], lats[leg == i]
        assert y[-1] == lat2 and (x[-1] - lon2) % 360 == pytest.approx(0.0, abs=1e-9)
        _, _, d = GEOD.inv(x[:-1], y[:-1], x[1:], y[1:])
        assert d.max() <= 50_000.0 + 1e-6
        assert np.abs(np.diff(x)).max() < 5.0  # unwrapped: no jump of 360


def test_hindon_to_chkalovsky_countries_in_order():
    # Hindon (Ghaziabad) -> Chkalovsky (Shchyolkovo): the geodesic runs NW over Indian
    # Punjab, Pakistan (Lahore - Peshawar side), north-east Afghanistan, Tajikistan,
    # Uzbekistan, western Kazakhstan and enters Russia near Orenburg.
    r = air_route("hindon", "chkalovsky")
    assert r.countries == ("IND", "PAK", "AFG", "TJK", "UZB", "KAZ", "RUS")
    assert r.origin == "hindon" and r.destination == "chkalovsky"


def test_chukotka_flight_across_the_antimeridian():
    r = air_route("anadyr-ugolny", "provideniya")
    geom = r.geometry
    assert geom.geom_type == "MultiLineString"  # split at 180
    xy = shapely.get_coordinates(geom)
    assert xy[:, 0].min() >= -180 and xy[:, 0].max() <= 180
    # never heads west across Asia and the Atlantic: every point is within 10 deg of 180
    assert (np.abs(xy[:, 0]) > 170).all()
    for part in geom.geoms:
        x = np.asarray(part.coords)[:, 0]
        assert np.abs(np.diff(x)).max() < 3.0
    assert r.distance_km == pytest.approx(geodesic_km(64.7349, 177.741, 64.4167, -173.2333),
                                          rel=1e-3)
    assert r.countries == ("RUS",)


def test_flight_to_65n_170w_stays_in_the_bering_region():
    r = air_route("anadyr-ugolny", (65.0, -170.0))
    xy = shapely.get_coordinates(r.geometry)
    assert (np.abs(xy[:, 0]) > 169.9).all()
    assert r.distance_km < 900


def _denied(codes):
    gdf = load_territory()
    g = shapely.union_all(gdf.geometry.values[gdf["iso3"].isin(codes).values])
    return [g, translate(g, xoff=360.0), translate(g, xoff=-360.0)]


def test_deny_pak_afg_avoids_them_and_is_longer():
    r = air_route("hindon", "chkalovsky", deny=["PAK", "AFG"])  # timed in bench/bench_air.py
    direct = air_route("hindon", "chkalovsky")
    assert r.distance_km >= direct.distance_km
    for g in _denied(["PAK", "AFG"]):
        assert shapely.intersection(r.geometry, g).is_empty
        assert not shapely.intersects(r.line, g)
    assert "PAK" not in r.countries and "AFG" not in r.countries
    assert r.countries[0] == "IND" and r.countries[-1] == "RUS"
    # the length reported is the geodesic length of the path drawn
    _, _, d = GEOD.inv(r.lons[:-1], r.lats[:-1], r.lons[1:], r.lats[1:])
    assert r.distance_km == pytest.approx(d.sum() / 1000.0, rel=1e-9)


def test_deny_not_on_the_way_gives_the_direct_route():
    r = air_route("hindon", "chkalovsky", deny=["CHN"])
    direct = air_route("hindon", "chkalovsky")
    assert r.distance_km == pytest.approx(direct.distance_km)
    assert r.countries == direct.countries


def test_deny_with_origin_or_destination_inside_raises():
    with pytest.raises(NoRoute, match="origin hindon"):
        air_route("hindon", "chkalovsky", deny=["IND"])
    with pytest.raises(NoRoute, match="destination"):
        air_route("hindon", "chkalovsky", deny=["rus"])
    assert issubclass(NoRoute, ValueError)


def test_deny_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown country code"):
        air_route("hindon", "chkalovsky", deny=["XXX"])


def test_deny_enclosed_destination_has_no_route():
    # Lesotho is enclosed by South Africa: denying ZAF leaves no way in from outside
    with pytest.raises(NoRoute, match="no air route"):
        air_route((-30.0, 40.0), (-29.6, 28.3), deny=["ZAF"])
