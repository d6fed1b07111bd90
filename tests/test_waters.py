"""Routing by waters (``prefer`` / ``avoid`` / ``any``): third-country territorial seas, own
and host waters, straits and canals.

Third-country miles are measured here independently of the router's per-edge data: each
route is cut into ~1 km pieces and a piece counts as inside a country's territorial sea when
the nearest Natural Earth 10m coastline vertex (the land outlines of
``geodata/territory.parquet``, densified to 1 km) is that country's and lies within 12 nm
(UNCLOS art. 3; nearest coast wins, the median-line rule of art. 15), by more than the
layer's simplification (``MARGIN_KM``). In the straits with a high-seas or EEZ corridor
(UNCLOS art. 36) the breadth is what the coastal states keep there (``CORRIDOR_NM``, read from
their laws); pieces inside the straits where no such corridor exists and the canals
(``NO_CORRIDOR``), and within 30 km of either end (the harbour approaches), are not counted.
"""

from __future__ import annotations

import functools
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from planner.core.paths import geodata_path
from planner.core.units import KM_PER_NM
from planner.layers.geodesy import GEOD
from planner.layers.straits import STRAITS, strait_of
from planner.routing.sea import NoSeaRoute, sea_route

TERRITORIAL_SEA_NM = 12.0  # UNCLOS art. 3
EARTH_KM = 6371.0088  # mean Earth radius (IUGG)
END_KM = 30.0  # harbour approaches at either end are not counted
PIECE_DEG = 0.01  # routes and coastlines cut into pieces of ~1 km
# the territory layer's coastlines and 12 nm lines are simplified by a few hundred metres
# (geodata/SOURCES.md), so a route running along the 12 nm line may measure just inside it
MARGIN_KM = 0.5
STRAY_NM = 5.0  # issue 13: prefer routes spend at most this outside straits ...
DETOUR = 0.05  # ... while adding at most 5 % to the distance of ``any``
# Territorial seas narrower than 12 nm in straits with a high-seas corridor, (strait, state):
# Japan 3 nm in Soya, Tsugaru, Osumi and both Tsushima channels (Law on the Territorial Sea
# 1977, Supplementary Provisions para. 2), South Korea 3 nm in the Korea Strait (Territorial
# Sea Act 1977, Enforcement Decree art. 3), Greece and Turkey 6 nm in the Aegean (Greek Law
# 230/1936; Turkish Law 2674 of 1982).
CORRIDOR_NM = {("korea", "JPN"): 3.0, ("korea", "KOR"): 3.0, ("tsugaru", "JPN"): 3.0,
               ("soya", "JPN"): 3.0, ("osumi", "JPN"): 3.0, ("aegean", "GRC"): 6.0,
               ("aegean", "TUR"): 6.0}
# Straits used for international navigation with no high-seas or EEZ way through (every
# channel lies within the coasts' 12 nm seas), the Philippine archipelagic sea lanes and the
# canals: passed under their own regime, not counted.
NO_CORRIDOR = {"malacca", "bab-el-mandeb", "hormuz", "gibraltar", "dover", "danish-straits",
               "kattegat", "turkish-straits", "sunda", "lombok", "ombai-wetar", "bering", "surigao",
               "san-bernardino", "suez", "gulf-of-suez", "panama"}

# The nine warship routes of issue 13 (nation of the ship, from, to) and a wider set.
NINE = [
    ("RUS", "vladivostok", "visakhapatnam"), ("IND", "mumbai", "visakhapatnam"),
    ("RUS", "murmansk", "mumbai"), ("RUS", "severomorsk", "port-said"),
    ("RUS", "vladivostok", "mumbai"), ("IND", "chennai", "vladivostok"),
    ("IND", "kochi", "port-blair"), ("RUS", "severomorsk", "visakhapatnam"),
    ("IND", "visakhapatnam", "vladivostok"),
]
WIDER = [
    ("IND", "colombo", "singapore"), ("IND", "djibouti", "port-said"),
    ("IND", "cape-town", "mumbai"), ("RUS", "petropavlovsk-kamchatsky", "vladivostok"),
    ("RUS", "vladivostok", "singapore"), ("IND", "mumbai", "salalah"),
    ("IND", "visakhapatnam", "singapore"), ("IND", "port-blair", "singapore"),
    ("RUS", "murmansk", "arkhangelsk"), ("RUS", "severomorsk", "dikson"),
    ("IND", "mumbai", "djibouti"), ("RUS", "vladivostok", "petropavlovsk-kamchatsky"),
    ("IND", "kochi", "colombo"), ("RUS", "severomorsk", "cape-town"),
    ("IND", "chennai", "singapore"), ("RUS", "vladivostok", "port-blair"),
    ("IND", "karwar", "salalah"),
]
ROUTES = NINE + WIDER


@functools.lru_cache(maxsize=1)
def _coast() -> tuple[cKDTree, np.ndarray]:
    """KD-tree of every country's coastline vertices (densified) and their ISO3."""
    gdf = gpd.read_parquet(geodata_path("territory.parquet"))
    pts, iso = [], []
    for iso3, land in zip(gdf["iso3"], gdf["land"], strict=True):
        if land is None or land.is_empty:
            continue
        xy = shapely.get_coordinates(shapely.segmentize(shapely.boundary(land), PIECE_DEG))
        pts.append(xy)
        iso.append(np.full(len(xy), iso3, dtype=object))
    xy = np.vstack(pts)
    return cKDTree(_unit(xy[:, 1], xy[:, 0])), np.concatenate(iso)


def _unit(lat, lon) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def third_country_nm(route, free: set[str]) -> dict[str, float]:
    """nm of ``route`` inside third-country territorial seas, outside the straits without a
    corridor and the harbour approaches, by the nearest-coastline measure of the module
    docstring (corridor straits counted with the breadth kept there)."""
    line = shapely.segmentize(route.line, PIECE_DEG)
    xy = shapely.get_coordinates(line)
    lon, lat = xy[:, 0], xy[:, 1]
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    km = np.asarray(d) / 1000.0
    along = np.r_[0.0, np.cumsum(km)]
    mid_lon = ((lon[:-1] + lon[1:]) / 2 + 180.0) % 360.0 - 180.0
    mid_lat = (lat[:-1] + lat[1:]) / 2
    mid_along = (along[:-1] + along[1:]) / 2
    tree, iso = _coast()
    chord, idx = tree.query(_unit(mid_lat, mid_lon))
    dist_km = 2 * np.arcsin(np.minimum(chord / 2, 1.0)) * EARTH_KM
    area = np.array([STRAITS[i].key if i >= 0 else "" for i in strait_of(mid_lon, mid_lat)])
    breadth_km = np.array([CORRIDOR_NM.get((a, c), TERRITORIAL_SEA_NM) for a, c in
                           zip(area, iso[idx], strict=True)]) * KM_PER_NM
    inside = dist_km < breadth_km - MARGIN_KM
    inside &= ~np.isin(area, list(NO_CORRIDOR))
    inside &= (mid_along > END_KM) & (mid_along < along[-1] - END_KM)
    inside &= ~np.isin(iso[idx], list(free))
    out: dict[str, float] = {}
    for c, k in zip(iso[idx][inside], km[inside], strict=True):
        out[c] = out.get(c, 0.0) + k / KM_PER_NM
    return out


def _free(nation: str, route) -> set[str]:
    from planner.layers.catalogue import resolve_place

    return {nation, resolve_place(route.origin).country, resolve_place(route.destination).country}


@pytest.mark.parametrize("nation, a, b", ROUTES)
def test_prefer_keeps_out_at_a_modest_detour(nation, a, b):
    prefer = sea_route(a, b, nation=nation, waters="prefer")
    shortest = sea_route(a, b, nation=nation, waters="any")
    stray = third_country_nm(prefer, _free(nation, prefer))
    no_way = any("no way through international waters" in n for n in prefer.notes)
    assert sum(stray.values()) <= STRAY_NM or no_way, (stray, prefer.notes)
    assert prefer.distance_km <= (1 + DETOUR) * shortest.distance_km


@pytest.mark.parametrize("nation, a, b", ROUTES)
def test_avoid_never_enters(nation, a, b):
    try:
        r = sea_route(a, b, nation=nation, waters="avoid")
    except NoSeaRoute as exc:
        assert "waters=avoid" in str(exc)
        return
    assert sum(third_country_nm(r, _free(nation, r)).values()) == 0.0


def _coast_distance_nm(route, box, iso3: str) -> np.ndarray:
    """nm from each ~1 km piece of ``route`` inside ``box`` (lon0, lat0, lon1, lat1) to the
    nearest coastline vertex of ``iso3``."""
    xy = shapely.get_coordinates(shapely.segmentize(route.line, PIECE_DEG))
    lon = (xy[:, 0] + 180.0) % 360.0 - 180.0
    x0, y0, x1, y1 = box
    sel = (lon >= x0) & (lon <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    tree, iso = _coast()
    pts = tree.data[iso == iso3]
    chord, _ = cKDTree(pts).query(_unit(xy[sel, 1], lon[sel]))
    return 2 * np.arcsin(np.minimum(chord / 2, 1.0)) * EARTH_KM / KM_PER_NM


# Korea Strait, Busan - Tsushima - Kyushu (the area between 128.5 E and 130.5 E, 33.8 N and
# 35.3 N, read off the chart)
KOREA_STRAIT = (128.5, 33.8, 130.5, 35.3)


@pytest.mark.parametrize("nation, a, b", [("RUS", "vladivostok", "visakhapatnam"),
                                           ("IND", "visakhapatnam", "vladivostok")])
def test_korea_strait_by_its_corridor(nation, a, b):
    """Japan and South Korea keep 3 nm in the Korea Strait so that a corridor remains: a
    warship in ``prefer`` keeps more than 3 nm off both coasts (the issue-13 defect ran
    along the Korean coast off Busan, inside 12 nm)."""
    r = sea_route(a, b, nation=nation, waters="prefer")
    for iso3 in ("KOR", "JPN"):
        d = _coast_distance_nm(r, KOREA_STRAIT, iso3)
        assert d.size > 50 and d.min() > 3.0, (iso3, d.min())
    assert any("Korea Strait" in s and "UNCLOS art. 36" in s and "3 nm" in s
               for s in r.straits)


# Tsugaru Strait (Tappi-zaki - Shirakami-misaki, 10 nm at the narrowest) and Osumi Strait
# (Sata-misaki - Tanegashima), the areas read off the chart; Honolulu 21 18'N 157 52'W
TSUGARU, OSUMI = (139.9, 41.1, 141.8, 41.9), (130.5, 30.6, 131.2, 31.1)
HONOLULU = "21.3,-157.87"


@pytest.mark.parametrize("a, box, name", [("vladivostok", TSUGARU, "Tsugaru Strait"),
                                           ("31.23,121.49", OSUMI, "Osumi Strait")])
def test_japanese_straits_by_their_corridor(a, box, name):
    """Japan keeps 3 nm in the Tsugaru and Osumi straits: a third country's warship in
    ``prefer`` and ``avoid`` sails the corridor, more than 3 nm off Japan's coasts."""
    for waters in ("prefer", "avoid"):
        r = sea_route(a, HONOLULU, nation="IND", waters=waters)
        assert any(name in s and "JPN 3 nm" in s for s in r.straits), r.straits
        d = _coast_distance_nm(r, box, "JPN")
        assert d.size > 20 and d.min() > 3.0, (waters, d.min())


def test_taiwan_strait_keeps_out_of_the_12_nm_seas():
    """The Taiwan Strait is about 70 nm wide at its narrowest (Fujian - Changhua): an EEZ
    corridor runs through it, so transit passage does not apply (UNCLOS art. 36) and a
    warship keeps out of the Taiwanese and Chinese 12 nm seas; ``any`` runs down Taiwan's
    west coast (off Hsinchu, 120.9 E 24.8 N)."""
    box = (118.0, 23.0, 121.2, 26.0)
    prefer = sea_route("vladivostok", "visakhapatnam", nation="RUS", waters="prefer")
    shortest = sea_route("vladivostok", "visakhapatnam", nation="RUS", waters="any")
    assert _coast_distance_nm(shortest, box, "TWN").min() < TERRITORIAL_SEA_NM
    for iso3 in ("TWN", "CHN"):
        d = _coast_distance_nm(prefer, box, iso3)
        assert d.size == 0 or d.min() > TERRITORIAL_SEA_NM - MARGIN_KM / KM_PER_NM, iso3
    assert "TWN" not in prefer.countries and "CHN" not in prefer.countries
    assert any("Taiwan Strait" in s and "UNCLOS art. 36" in s for s in prefer.straits)


def test_shortest_route_round_sri_lanka_enters_its_sea():
    """``any`` cuts close round Dondra Head (inside Sri Lanka's 12 nm); ``prefer`` stays
    outside at the cost of a few miles (the 12 nm arc round a cape adds little)."""
    shortest = sea_route("mumbai", "visakhapatnam", nation="IND", waters="any")
    prefer = sea_route("mumbai", "visakhapatnam", nation="IND", waters="prefer")
    assert "LKA" in shortest.countries and shortest.territorial_nm["LKA"] > 10
    assert third_country_nm(shortest, {"IND"}).get("LKA", 0.0) > 10
    assert prefer.territorial_nm.get("LKA", 0.0) <= STRAY_NM
    assert shortest.distance_km < prefer.distance_km < 1.02 * shortest.distance_km


def test_host_waters_are_free():
    """A Russian ship into Colombo may use Sri Lanka's sea (the host's) but an Indian ship
    from Colombo to Chennai is in its own and the host's waters all the way."""
    r = sea_route("chennai", "colombo", nation="IND", waters="avoid")
    assert "LKA" not in r.countries and "IND" not in r.countries


def test_own_waters_are_free_and_third_ones_listed():
    r = sea_route("vladivostok", "visakhapatnam", nation="RUS", waters="any")
    assert "RUS" not in r.countries and "IND" not in r.countries
    assert list(r.territorial_nm) == list(r.countries)
    assert all(v > 0 for v in r.territorial_nm.values())


def test_straits_are_open_in_avoid_and_named():
    r = sea_route("vladivostok", "mumbai", nation="RUS", waters="avoid")
    assert "malacca" in r.passages
    assert any("Strait of Malacca" in n and "transit passage" in n for n in r.straits)
    r = sea_route("severomorsk", "port-said", nation="RUS", waters="avoid")
    assert any("Strait of Gibraltar" in n for n in r.straits)


def test_canals_are_their_own_kind():
    r = sea_route("murmansk", "mumbai", nation="RUS", waters="avoid")
    assert "suez" in r.passages
    assert any("Suez Canal (canal convention)" in n for n in r.straits)
    # the canal is ~160 km long inside Egypt's land and 12 nm sea (Suez Canal Authority:
    # 193.3 km Port Said - Suez); none of it is Egypt's territorial sea
    assert r.territorial_nm.get("EGY", 0.0) <= STRAY_NM
    shortest = sea_route("murmansk", "mumbai", nation="RUS", waters="any")
    assert "suez" in shortest.passages
    assert shortest.territorial_nm.get("EGY", 0.0) < 60.0


def test_avoid_refuses_when_no_international_way():
    """The Sea of Azov is reached only through the Kerch Strait, which is not a strait used
    for international navigation between two parts of the high seas (UNCLOS art. 37) and
    lies in the territorial seas of its coasts: ``avoid`` refuses for a third nation."""
    azov = "46.0,36.6"
    with pytest.raises(NoSeaRoute, match="waters=avoid"):
        sea_route("port-said", azov, nation="IND", waters="avoid")
    r = sea_route("port-said", azov, nation="IND", waters="prefer")
    assert r.distance_nm > 0
    assert any("no way through international waters" in n for n in r.notes)


def test_route_json_has_the_waters_keys():
    r = sea_route("mumbai", "visakhapatnam", nation="IND", waters="any")
    doc = json.loads(json.dumps(r.to_json()))
    assert doc["waters"] == "any"
    assert doc["countries"] == list(r.countries)
    assert set(doc["territorial_nm"]) == set(r.countries)


def test_unknown_waters_refused():
    with pytest.raises(ValueError, match="unknown waters"):
        sea_route("mumbai", "kochi", waters="sometimes")
    assert sea_route("mumbai", "kochi").waters == "prefer"  # CONTRACT section 1 default


def test_straits_table_is_consistent():
    keys = [s.key for s in STRAITS]
    assert len(keys) == len(set(keys))
    for s in STRAITS:
        x0, y0, x1, y1 = s.box
        assert x0 < x1 and y0 < y1
        assert s.regime in {"transit", "montreux", "corridor", "archipelagic", "canal"}
    # a high-seas or EEZ corridor runs through these (UNCLOS art. 36), none through the rest
    corridor = {s.key for s in STRAITS if s.regime == "corridor"}
    assert corridor == {"korea", "tsugaru", "osumi", "soya", "aegean", "taiwan", "luzon"}
    assert not corridor & NO_CORRIDOR and corridor | NO_CORRIDOR == set(keys)


def test_cli_route_json(relos):
    res = relos("route", "mumbai", "visakhapatnam", "--nation", "IND", "--waters", "any",
                  "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["waters"] == "any" and "LKA" in doc["countries"]
    assert doc["territorial_nm"]["LKA"] > 0


def test_brief_words_each_strait_by_its_regime():
    """The brief names the passage regime of each strait: the Turkish Straits under the
    Montreux Convention (arts. 13-14: warships' transit notified to Turkey through diplomatic
    channels), not transit passage; Malacca transit passage (UNCLOS Part III, no notice);
    the Korea Strait a corridor (UNCLOS art. 36)."""
    from planner.render.brief import strait_passage

    turkish = strait_passage("turkish-straits")
    assert "Montreux" in turkish and "transit passage" not in turkish
    assert "no notice" not in turkish and "notice" in turkish
    assert strait_passage("malacca").startswith("transit passage of the Strait of Malacca")
    assert "art. 36" in strait_passage("korea") and "transit" not in strait_passage("korea")
    assert "the the" not in strait_passage("danish-straits")
    assert "archipelagic sea lanes" in strait_passage("surigao")
