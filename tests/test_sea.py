"""Sea routing: published distances, passages, avoidance, land and the antimeridian."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from planner.core.paths import geodata_path
from planner.core.units import KM_PER_NM
from planner.routing.sea import NoSeaRoute, sea_route

YOKOHAMA = "35.44,139.64"  # UN/LOCODE JPYOK position as shipped in PyPI searoute 1.6

PUB151 = ("NGA Pub. 151 Distances Between Ports, 11th ed. (2001), text as reformatted in "
          "github.com/kaklin/sea-routes PUB151_raw.txt")
# Pub. 151 port positions (its "central positions"), lat,lon
BOMBAY = "18.9333,72.85"  # 18 56 00 N, 72 51 00 E
COLOMBO = "6.95,79.85"  # 6 57 00 N, 79 51 00 E
COCHIN = "9.9667,76.2556"  # 9 58 00 N, 76 15 20 E
VISHAKHAPATNAM = "17.6833,83.2833"  # 17 41 00 N, 83 17 00 E
VLADIVOSTOK = "43.1083,131.8833"  # 43 06 30 N, 131 53 00 E
# (origin, destination, avoid, published nm, source)
# (the NSR figures and the broad Pub. 151 sample are in tests/test_sea_network.py)
PUBLISHED = [
    ("murmansk", YOKOHAMA, ("nsr",), 12840,
     "Valdai Club infographic: Murmansk-Yokohama 12,840 nm via Suez"),
    (BOMBAY, COLOMBO, (), 895, f"{PUB151}: Bombay-Colombo 895 nm"),
    (BOMBAY, "singapore", (), 2441, f"{PUB151}: Bombay-Singapore 2,441 nm"),
    (BOMBAY, "chennai", (), 1482, f"{PUB151}: Bombay-Madras 1,482 nm"),
    (COLOMBO, "singapore", (), 1581, f"{PUB151}: Colombo-Singapore 1,581 nm"),
    (COLOMBO, "chennai", (), 611, f"{PUB151}: Colombo-Madras 611 nm"),
    (COLOMBO, COCHIN, (), 318, f"{PUB151}: Colombo-Cochin 318 nm"),
    (VISHAKHAPATNAM, COLOMBO, (), 880, f"{PUB151}: Vishakhapatnam-Colombo 880 nm"),
    (VISHAKHAPATNAM, "chennai", (), 332, f"{PUB151}: Vishakhapatnam-Madras 332 nm"),
    (VLADIVOSTOK, "singapore", (), 3004, f"{PUB151}: Vladivostok-Singapore 3,004 nm"),
    (VLADIVOSTOK, "petropavlovsk-kamchatsky", (), 1348,
     f"{PUB151}: Vladivostok-Petropavlovsk-Kamchatskiy 1,348 nm"),
    (VLADIVOSTOK, YOKOHAMA, (), 952, f"{PUB151}: Vladivostok-Yokohama 952 nm"),
]
# Press figures that are not shortest-route distances: both this router and searoute 1.6 give
# Chennai-Vladivostok ~4,610-4,640 nm and Mumbai-St Petersburg ~7,630 nm. Kept to show the gap.
PRESS_NOT_SHORTEST = [
    ("chennai", "vladivostok", 5647,
     "PIB / Ministry of Ports, Shipping and Waterways 2024: Eastern Maritime Corridor 5,647 nm"),
    ("mumbai", "59.93,30.2", 8675,
     "same statements: Mumbai (Nhava Sheva)-St Petersburg 8,675 nm via Suez"),
]


@pytest.mark.parametrize("o, d, avoid, nm, source", PUBLISHED)
def test_published_distances_within_3_percent(o, d, avoid, nm, source):
    r = sea_route(o, d, avoid=avoid)
    assert r.distance_nm == pytest.approx(nm, rel=0.03), source


@pytest.mark.parametrize("o, d, nm, source", PRESS_NOT_SHORTEST)
def test_press_figures_are_upper_bounds(o, d, nm, source):
    assert sea_route(o, d).distance_nm < nm, source


def test_nsr_route_exists_and_is_much_shorter_than_suez():
    nsr = sea_route("murmansk", "vladivostok")
    suez = sea_route("murmansk", "vladivostok", avoid=["nsr"])
    assert "nsr" in nsr.passages and "bering" in nsr.passages
    assert "suez" in suez.passages
    assert nsr.distance_km < 0.6 * suez.distance_km


def test_avoid_suez_goes_round_the_cape():
    r = sea_route("mumbai", "murmansk", avoid=["suez"], ice_class="none", date="2026-02-01")
    assert "cape-of-good-hope" in r.passages
    assert "suez" not in r.passages and "nsr" not in r.passages


def test_default_mumbai_murmansk_via_suez():
    r = sea_route("mumbai", "murmansk")
    assert r.passages[:3] == ("bab-el-mandeb", "suez", "gibraltar")


# lon/lat boxes around passages, drawn here from the charts (IHO S-23 limits, simplified):
# the Suez Canal from Port Said to Suez, the Bab-el-Mandeb between Perim and Ras Siyan, the
# Strait of Gibraltar between Cape Trafalgar/Spartel and Europa Point, the Strait of Malacca
# from One Fathom Bank to Singapore, and the Bering Strait between Cape Dezhnev and Cape Prince
# of Wales.
PASSAGE_BOXES = {
    "suez": (32.0, 29.6, 32.8, 31.5), "bab-el-mandeb": (43.0, 12.3, 43.7, 13.0),
    "gibraltar": (-6.05, 35.75, -5.25, 36.2), "malacca": (98.0, 1.0, 104.5, 4.0),
    "bering": (-171.0, 64.5, -167.0, 66.8),
}


def _first_km_in(route, box) -> float | None:
    x0, y0, x1, y1 = box
    lons = (np.asarray(route.lons) + 180.0) % 360.0 - 180.0
    inside = (lons >= x0) & (lons <= x1) & (route.lats >= y0) & (route.lats <= y1)
    hit = np.flatnonzero(inside)
    return float(route.cumulative_km()[hit[0]]) if hit.size else None


@pytest.mark.parametrize("o, d, expected", [
    ("mumbai", "murmansk", ["bab-el-mandeb", "suez", "gibraltar"]),
    ("murmansk", "mumbai", ["gibraltar", "suez", "bab-el-mandeb"]),
    ("vladivostok", "mumbai", ["malacca"]),
    ("chennai", "port-said", ["bab-el-mandeb", "suez"]),
])
def test_passages_in_route_order(o, d, expected):
    """Each named passage is one the path really goes through, in the order the path enters
    the passage's area on the chart."""
    r = sea_route(o, d, avoid=["nsr"])
    boxed = [p for p in r.passages if p in PASSAGE_BOXES]
    assert boxed == expected
    kms = [_first_km_in(r, PASSAGE_BOXES[p]) for p in boxed]
    assert None not in kms and kms == sorted(kms)
    for p, area in PASSAGE_BOXES.items():  # and none it does not go through
        if p not in r.passages:
            assert _first_km_in(r, area) is None, p


def test_nsr_before_bering_eastbound():
    r = sea_route("murmansk", "vladivostok")
    assert r.passages.index("nsr") < r.passages.index("bering")
    assert _first_km_in(r, PASSAGE_BOXES["bering"]) > r.distance_km / 2


def test_hormuz_and_bab_el_mandeb_labelled():
    assert "hormuz" in sea_route("salalah", "26.2,50.6").passages  # Bahrain (Mina Salman)
    assert "bab-el-mandeb" in sea_route("djibouti", "port-said").passages


def test_unknown_passage_refused():
    with pytest.raises(ValueError, match="unknown passage"):
        sea_route("mumbai", "kochi", avoid=["panama-canal"])


def test_no_route_when_everything_closed():
    with pytest.raises(NoSeaRoute):
        sea_route("murmansk", "vladivostok",
                  avoid=["nsr", "suez", "cape-of-good-hope", "panama", "magellan"])


def test_mumbai_visakhapatnam_round_sri_lanka():
    r = sea_route("mumbai", "visakhapatnam")
    assert r.lats.min() < 6.0  # Dondra Head, the south tip of Sri Lanka, is at 5.92 N
    # geodesic lower bound via Cape Comorin and Dondra Head is ~1,600 nm; NGA Pub. 151 gives
    # Bombay-Colombo 895 + Colombo-Vishakhapatnam 880 = 1,775 nm calling at Colombo, an
    # upper bound for the direct passage
    assert 1650 < r.distance_nm < 1775


def test_antimeridian_split_no_world_jump():
    for o, d in [("petropavlovsk-kamchatsky", "provideniya"), ("anadyr", "pevek")]:
        r = sea_route(o, d)
        assert r.geometry.geom_type == "MultiLineString"
        for part in r.geometry.geoms:
            xs = np.array(part.coords)[:, 0]
            assert np.all(np.abs(np.diff(xs)) < 30)
        assert np.all(np.abs(np.diff(r.lons)) < 30)


def _land():
    gdf = gpd.read_parquet(geodata_path("territory.parquet"))  # shipped: no skip
    return shapely.union_all(gpd.GeoSeries(gdf["land"]).dropna().values)


PORT_PAIRS = [
    ("mumbai", "visakhapatnam"), ("murmansk", "vladivostok"), ("chennai", "vladivostok"),
    ("kochi", "chennai"), ("mumbai", "murmansk"), ("colombo", "singapore"),
    ("severomorsk", "dikson"), ("djibouti", "port-said"), ("cape-town", "mumbai"),
    ("kochi", "port-blair"), ("severomorsk", "tiksi"), ("chennai", "campbell-bay"),
    ("vladivostok", "petropavlovsk-kamchatsky"),
]
# canals and the port approaches are land at 10m scale
CANALS = [box(32.0, 29.6, 32.8, 31.5)]
TOLERANCE_DEG = 0.02  # ~2 km


def test_routes_do_not_cross_land():
    land = shapely.prepared.prep(_land().buffer(-TOLERANCE_DEG))
    for o, d in PORT_PAIRS:
        r = sea_route(o, d)
        line = r.line
        for end in (Point(r.lons[0], r.lats[0]), Point(r.lons[-1], r.lats[-1])):
            line = line.difference(end.buffer(0.3))  # port approach (~30 km)
        for c in CANALS:
            line = line.difference(c)
        for dx in (0.0, -360.0, 360.0):
            moved = shapely.affinity.translate(line, dx)
            assert not land.intersects(moved), f"{o}->{d} crosses land"


def test_kochi_port_blair_round_sri_lanka_and_into_port_blair():
    r = sea_route("kochi", "port-blair")
    assert r.lats.min() < 6.0  # round Dondra Head; Palk Strait is not navigable
    # geodesic lower bound Kochi-Dondra Head-Port Blair is ~1,150 nm; the great circle
    # Kochi-Port Blair (over India) is 980 nm
    assert 1100 < r.distance_nm < 1300


RIVER_PORTS = {"kolkata", "dudinka", "kaliningrad"}  # up rivers the land layer draws as land


def test_every_port_has_a_close_approach():
    """Each catalogue port's route leaves it by a short water edge (no 100+ km snaps)."""
    from planner.layers.catalogue import facilities
    from planner.layers.geodesy import geodesic_km

    land = shapely.prepared.prep(_land().buffer(-TOLERANCE_DEG))
    for pid, row in facilities(kind="port").iterrows():
        if pid in RIVER_PORTS:
            continue
        other = "colombo" if pid != "colombo" else "singapore"
        if row["lat"] > 60 or pid in ("vladivostok", "petropavlovsk-kamchatsky"):
            other = "murmansk" if pid != "murmansk" else "arkhangelsk"
        r = sea_route(pid, other)
        first = geodesic_km(row["lat"], row["lon"], r.lats[1], r.lons[1])
        leg = shapely.LineString([(r.lons[0], r.lats[0]), (r.lons[1], r.lats[1])])
        # a short edge, or a longer one over open water (MARNET's Anadyr estuary edge)
        assert first < 15.0 or not land.intersects(leg), f"{pid}: first leg {first:.0f} km"


def test_distance_units():
    r = sea_route("mumbai", "kochi")
    assert r.distance_km == pytest.approx(r.distance_nm * KM_PER_NM)


# -- third countries' territorial seas on a sea route (CONTRACT section 4) ---------------
SUEZ_CANAL_KM = 193.3  # Suez Canal Authority: canal length 193.30 km, all of it Egyptian


def test_suez_route_crosses_egypt_but_the_canal_is_not_territorial_sea():
    r = sea_route("mumbai", "murmansk", nation="IND", waters="any")
    assert "EGY" in r.countries
    # issue 13: the canal (and the Gulf of Suez approach) is passed under the Constantinople
    # Convention (1888), not innocent passage: none of its length is territorial sea
    assert r.territorial_nm["EGY"] < SUEZ_CANAL_KM / KM_PER_NM / 2
    assert any(s.startswith("Suez Canal") for s in r.straits)
    # the Bab-el-Mandeb is 14 nm wide at Perim (Admiralty chart 1925): inside YEM, DJI or ERI
    assert {"YEM", "DJI", "ERI"} & set(r.countries)
    # Gibraltar is 7.7 nm wide at its narrowest (13 km, Britannica): inside ESP or MAR
    assert {"ESP", "MAR"} & set(r.countries)
    # own and host waters are not third-country waters
    assert "IND" not in r.countries and "RUS" not in r.countries
    assert list(r.territorial_nm) == list(r.countries)
    assert r.to_json()["countries"] == list(r.countries)
    assert set(r.to_json()["territorial_nm"]) == set(r.countries)


def test_a_coastal_route_in_own_waters_crosses_no_third_country():
    # Mumbai to Kochi runs down India's west coast: no other state borders it
    r = sea_route("mumbai", "kochi", nation="IND")
    assert r.countries == () and r.territorial_nm == {}
    # without a nation, the two ends' state (India) is still not third
    assert sea_route("mumbai", "kochi").countries == ()


# -- one route for a leg, everywhere (issue 12 items 8 and 19) -----------------------------
# (origin, destination, departure, ice class or None, escort): late-summer and autumn NSR
# voyages for a ship of no ice class (the Chukchi Sea closes to it in October), a January
# date without an ice class, an escorted Arc4 ship in July, and a voyage with no NSR at all.
AGREEMENT_CASES = [
    ("severomorsk", "vladivostok", "2026-09-01", "none", False),
    ("severomorsk", "vladivostok", "2026-10-01", "Arc4", True),
    ("severomorsk", "vladivostok", "2026-10-25", "Arc4", True),
    ("murmansk", "vladivostok", "2026-01-15", None, False),
    ("murmansk", "tiksi", "2026-10-01", "Arc4", True),
    ("mumbai", "murmansk", "2026-02-01", "none", False),
]


def test_route_check_map_reach_and_api_take_the_same_way(tmp_path, capsys):
    import json

    import yaml

    from planner.cli import main
    from planner.render.maps.layers import leg_features
    from planner.routing.reach import reach

    assets = []
    for k, (o, d, date, ice, escort) in enumerate(AGREEMENT_CASES):
        to = {"at": d, "purpose": "exercise", **({"escort": "icebreaker"} if escort else {})}
        assets.append({"id": f"s{k}", "nation": "IND", "kind": "warship", "crew": 180,
                       "speed_kn": 14, "range_nm": 20000,
                       **({"ice_class": ice} if ice else {}),
                       "itinerary": [{"at": o, "depart": f"{date}T00:00Z"}, to]})
    path = tmp_path / "agree.yaml"
    path.write_text(yaml.safe_dump({"name": "agree", "assets": assets}), encoding="utf-8")
    assert main(["check", str(path), "--format", "json"]) in (0, 1)
    checked = json.loads(capsys.readouterr().out)["legs"]
    report = __import__("planner").Plan.load(path).check()
    features = leg_features(report.legs, -180.0, 0.0)["sea"]
    seen = set()
    for k, (o, d, date, ice, escort) in enumerate(AGREEMENT_CASES):
        args = ["route", o, d, "--date", date, "--speed-kn", "14", "--nation", "IND",
                "--format", "json"] + (["--ice-class", ice] if ice else []) + (
                    ["--escort"] if escort else [])
        assert main(args) == 0
        cli = json.loads(capsys.readouterr().out)
        api = sea_route(o, d, date=date, ice_class=ice, escort=escort, speed_kn=14,
                        nation="IND")
        leg = checked[k]
        feat = next(f for f in features if f["properties"]["i"] == k)
        reached = reach(o, range_km=1e5, candidates=[d], date=date, ice_class=ice,
                        escort=escort)
        case = (o, d, date, ice)
        assert cli["passages"] == list(api.passages) == leg["passages"], case
        assert feat["properties"].get("ps", "") == ", ".join(api.passages), case
        assert cli["distance_nm"] == round(api.distance_nm, 1) == leg["distance_nm"], case
        assert feat["properties"]["d"][0] == round(api.distance_nm), case
        assert reached.iloc[0]["distance_km"] == pytest.approx(api.distance_km, rel=1e-12)
        assert cli["countries"] == list(api.countries) == leg["countries_crossed"], case
        assert cli["territorial_nm"] == leg["territorial_nm"], case
        seen.add("nsr" in api.passages)
    # the cases cover both answers: NSR open and NSR closed
    assert seen == {True, False}
    ways = {c[:4]: "nsr" in checked[k]["passages"] for k, c in enumerate(AGREEMENT_CASES)}
    # no ice class: never on its own (Appendix 2); Arc4 escorted: October yes, not into
    # November's heavy ice (calendar)
    assert not ways[("severomorsk", "vladivostok", "2026-09-01", "none")]
    assert ways[("severomorsk", "vladivostok", "2026-10-01", "Arc4")]
    assert not ways[("severomorsk", "vladivostok", "2026-10-25", "Arc4")]
    assert not ways[("murmansk", "vladivostok", "2026-01-15", None)]
    assert ways[("murmansk", "tiksi", "2026-10-01", "Arc4")]
