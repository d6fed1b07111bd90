"""The facility catalogue (planner.layers.catalogue): its sourced rows, aliases matched without
regard to case, and the ``relos facilities`` listing (CONTRACT sections 1 and 3)."""

from __future__ import annotations

import csv
import io
import json
import os

import airportsdata
import pytest
import searoute

from planner.layers.catalogue import (
    AmbiguousPlace,
    CatalogueQueryError,
    Place,
    UnknownPlace,
    _name_index,
    aliases_of,
    facilities,
    facility_attribute,
    name_key,
    resolve_place,
)
from planner.layers.geodesy import geodesic_km
from planner.model.plan import Plan, PlanError, load_csv

FT_M = 0.3048  # international foot, exactly (1959 agreement)


# --- the rows -------------------------------------------------------------------------------

def test_catalogue_size_and_attribute_counts():
    """Issue 14: at least 60 places, 15 runway lengths and 15 draughts, each row sourced."""
    cat = facilities()
    assert len(cat) >= 60
    assert cat["runway_m"].notna().sum() >= 15
    assert cat["max_draught_m"].notna().sum() >= 15
    assert cat["id"].is_unique
    assert all(s.strip() for s in cat["source"])
    filled = cat["runway_m"].notna() | cat["max_draught_m"].notna() | (cat["fuel"] != "")
    assert all(s.strip() for s in cat.loc[filled, "attr_source"])
    # runways belong to air bases and draughts to ports, never the other way round
    assert cat.loc[cat["kind"] == "port", "runway_m"].isna().all()
    assert cat.loc[cat["kind"] == "airbase", "max_draught_m"].isna().all()


# Fleet bases and air bases a RELOS plan would use, with the country they are in.
FLEET_AND_AIR_BASES = {
    # Baltic Fleet: Baltiysk (main base), Kronstadt; Kaliningrad; Chkalovsk naval air base
    "baltiysk": ("RUS", "port"), "kronstadt": ("RUS", "port"), "kaliningrad": ("RUS", "port"),
    "chkalovsk-kaliningrad": ("RUS", "airbase"),
    # Black Sea Fleet: Novorossiysk; naval aviation at Yeysk
    "novorossiysk": ("RUS", "port"), "yeysk": ("RUS", "airbase"),
    # Pacific Fleet: Vladivostok, Petropavlovsk-Kamchatsky, Sovetskaya Gavan; air bases
    "vladivostok": ("RUS", "port"), "petropavlovsk-kamchatsky": ("RUS", "port"),
    "sovetskaya-gavan": ("RUS", "port"), "yelizovo": ("RUS", "airbase"),
    "kamenny-ruchey": ("RUS", "airbase"), "khabarovsk": ("RUS", "airbase"),
    "kubinka": ("RUS", "airbase"),
    # Indian Navy air stations and Indian Air Force stations
    "ins-hansa": ("IND", "airbase"), "ins-rajali": ("IND", "airbase"),
    "ins-dega": ("IND", "airbase"), "ins-garuda": ("IND", "airbase"),
    "ins-utkrosh": ("IND", "airbase"), "hindon": ("IND", "airbase"),
    "jamnagar": ("IND", "airbase"), "pune-lohegaon": ("IND", "airbase"),
    "tambaram": ("IND", "airbase"), "thanjavur": ("IND", "airbase"),
    "sulur": ("IND", "airbase"), "yelahanka": ("IND", "airbase"),
    "kalaikunda": ("IND", "airbase"), "gwalior": ("IND", "airbase"),
    "agra": ("IND", "airbase"), "car-nicobar": ("IND", "airbase"),
}


@pytest.mark.parametrize("pid", sorted(FLEET_AND_AIR_BASES))
def test_fleet_and_air_bases_present(pid):
    cat = facilities()
    assert pid in cat.index, pid
    country, kind = FLEET_AND_AIR_BASES[pid]
    assert (cat.loc[pid, "country"], cat.loc[pid, "kind"]) == (country, kind)


# Hand readings of OurAirports runways.csv (davidmegginson/ourairports-data @1fb3eea): the
# longest open runway of each airport, in feet, converted here.
RUNWAYS_FT = [
    ("agatti", "VOAT runway 04/22", 4235),
    ("yelizovo", "UHPP runway 16R/34L (16L/34R is closed)", 11155),
    ("khabarovsk", "UHHH runway 05R/23L (05L/23R is 11,483 ft)", 13124),
    ("chkalovsk-kaliningrad", "RU-0028 runway 09/27", 9841),
    ("tambaram", "VOTX runway 12/30 (05/23 is 4,965 ft)", 5965),
    ("provideniya-airport", "UHMD runway 02/20", 7190),
]


@pytest.mark.parametrize("pid, row, length_ft", RUNWAYS_FT)
def test_runway_lengths_match_ourairports(pid, row, length_ft):
    value, source = facility_attribute(pid, "runway_m")
    assert value == round(length_ft * FT_M), row
    assert "OurAirports" in source and str(length_ft) in source


# Hand readings of the NGA World Port Index (Pub. 150, UpdatedPub150.csv): "Maximum Vessel
# Draft (m)" of each record.
DRAUGHTS_M = [
    ("karwar", 48990, 8.2), ("kaliningrad", 28690, 9.4), ("sovetskaya-gavan", 60795, 9.5),
    ("duqm", 48235, 18.0), ("visakhapatnam", 49480, 18.1), ("kronstadt", 28400, 8.9),
]


@pytest.mark.parametrize("pid, wpi, draught_m", DRAUGHTS_M)
def test_draughts_match_world_port_index(pid, wpi, draught_m):
    value, source = facility_attribute(pid, "max_draught_m")
    assert value == pytest.approx(draught_m)
    assert f"WPI {wpi}" in source


def test_wpi_zero_draught_is_left_blank():
    """WPI 44200 Novorossiysk gives Maximum Vessel Draft 0 (not given) and Channel Depth
    12.5 m: a channel depth is not a draught limit, so the catalogue leaves the figure blank."""
    assert facility_attribute("novorossiysk", "max_draught_m") == (None, "")
    row = facilities().loc["novorossiysk"]
    assert "Channel Depth is 12.5 m" in row["attr_source"]


# Hand readings of WPI positions (Latitude, Longitude of the record): the catalogue's port
# lies within 5 km (the catalogue prefers the UN/LOCODE point where searoute has one).
WPI_POSITIONS = [
    ("sovetskaya-gavan", 48.973611, 140.268056), ("kronstadt", 59.983333, 29.783333),
    ("novorossiysk", 44.716667, 37.783333), ("karwar", 14.816667, 74.116667),
    ("duqm", 19.673253, 57.716909),
]


@pytest.mark.parametrize("pid, lat, lon", WPI_POSITIONS)
def test_port_positions_near_wpi(pid, lat, lon):
    row = facilities().loc[pid]
    assert geodesic_km(row["lat"], row["lon"], lat, lon) < 5.0


def test_air_base_positions_agree_with_airportsdata():
    """Every air base whose code is in PyPI airportsdata lies within 3 km of that record."""
    apd = airportsdata.load("ICAO")
    bases = facilities(kind="airbase")
    checked = 0
    for row in bases.itertuples():
        codes = [row.locode_icao, *aliases_of(row.aliases)]
        rec = next((apd[c] for c in codes if c in apd), None)
        if rec is None:
            continue
        checked += 1
        assert geodesic_km(row.lat, row.lon, rec["lat"], rec["lon"]) < 3.0, row.id
    assert checked >= 40


def test_port_positions_agree_with_searoute_locodes():
    """Every port whose source is the searoute UN/LOCODE point lies within 1 km of it."""
    path = os.path.join(os.path.dirname(searoute.__file__), "data", "ports.geojson")
    with open(path, encoding="utf-8") as fh:
        points: dict[str, list] = {}
        for f in json.load(fh)["features"]:
            points.setdefault(f["properties"]["port"], []).append(f["geometry"]["coordinates"])
    ports = facilities(kind="port")
    checked = 0
    for row in ports.itertuples():
        if "position as shipped in PyPI searoute" not in row.source:
            continue
        code = row.source.split("UN/LOCODE ")[1].split()[0]
        assert code == row.locode_icao
        d = min(geodesic_km(row.lat, row.lon, lat, lon) for lon, lat in points[code])
        assert d < 1.0, row.id
        checked += 1
    assert checked >= 30


def test_names_and_aliases_name_one_place_each():
    """No alias, name or code of one row matches another row (no ambiguity in the
    catalogue itself), and no alias is another row's id."""
    index = _name_index()
    assert all(len(ids) == 1 for ids in index.values())
    cat = facilities()
    ids = {name_key(i): i for i in cat.index}
    for row in cat.itertuples():
        for alias in aliases_of(row.aliases):
            assert ids.get(name_key(alias), row.id) == row.id, alias


# --- aliases --------------------------------------------------------------------------------

# Former and common names (renamings: Bombay -> Mumbai 1995, Madras -> Chennai 1996, Cochin ->
# Kochi 1996, Calcutta -> Kolkata 2001, Pillau -> Baltiysk 1946, Koenigsberg -> Kaliningrad
# 1946), UN/LOCODEs and ICAO codes, in any case.
ALIASES = [
    ("Vizag", "visakhapatnam"), ("vizag", "visakhapatnam"), ("VIZAG", "visakhapatnam"),
    ("Visakhapatnam", "visakhapatnam"), ("Bombay", "mumbai"), ("bombay", "mumbai"),
    ("Madras", "chennai"), ("Cochin", "kochi"), ("Calcutta", "kolkata"),
    ("Pillau", "baltiysk"), ("Königsberg", "kaliningrad"), ("Leningrad", "saint-petersburg"),
    ("INBOM", "mumbai"), ("inmaa", "chennai"), ("RUVVO", "vladivostok"),
    ("VOGO", "ins-hansa"), ("vogo", "ins-hansa"), ("UHPP", "yelizovo"), ("VIDX", "hindon"),
    ("Port Blair", "port-blair"), ("severomorsk 1", "severomorsk-1"), ("Dabolim", "ins-hansa"),
]


@pytest.mark.parametrize("text, pid", ALIASES)
def test_alias_resolves(text, pid):
    assert resolve_place(text).id == pid


def test_unknown_place_suggests_through_aliases():
    with pytest.raises(UnknownPlace) as exc:
        resolve_place("Bombey")
    assert exc.value.suggestions[0] == "mumbai"
    assert "Bombay" in str(exc.value)
    with pytest.raises(UnknownPlace) as exc:
        resolve_place("Madrass")
    assert exc.value.suggestions[0] == "chennai"


def test_ambiguous_name_names_the_candidates():
    """A plan place whose id matches a catalogue alias only case-insensitively: both fit."""
    extra = {"Vizag": Place("Vizag", "Vizag anchorage", "sea_area", 17.6, 83.4)}
    assert resolve_place("Vizag", extra).name == "Vizag anchorage"  # exact id wins
    with pytest.raises(AmbiguousPlace) as exc:
        resolve_place("VIZAG", extra)
    assert set(exc.value.candidates) == {"Vizag", "visakhapatnam"}
    assert "Vizag anchorage" in str(exc.value) and "visakhapatnam" in str(exc.value)


def test_plan_calls_keep_the_catalogue_id(base_plan):
    base_plan["assets"][0]["itinerary"] = [
        {"at": "Bombay", "depart": "2026-03-01T00:00Z"},
        {"at": "Vizag", "purpose": "exercise", "depart": "2026-03-20T00:00Z"}]
    base_plan["friendly"] = ["Colombo"]
    base_plan["detachments"] = [{"id": "d", "nation": "RUS", "strength": 10, "at": "madras",
                                 "from": "2026-03-10", "to": "2026-03-12",
                                 "purpose": "exercise"}]
    plan = Plan.from_dict(base_plan)
    assert [c.at for c in plan.assets[0].itinerary] == ["mumbai", "visakhapatnam"]
    assert plan.detachments[0].at == "chennai"
    assert plan.friendly == ["colombo"]
    legs = plan.check().legs
    assert (legs.iloc[0]["from"], legs.iloc[0]["to"]) == ("mumbai", "visakhapatnam")


def test_plan_facility_id_that_is_an_alias_is_refused(base_plan):
    base_plan["facilities"] = [{"id": "Bombay", "kind": "sea_area", "lat": 18.0, "lon": 72.0}]
    with pytest.raises(PlanError) as exc:
        Plan.from_dict(base_plan)
    assert "already a catalogue name (of mumbai)" in str(exc.value)


@pytest.mark.parametrize("fast", [True, False])
def test_csv_plan_takes_aliases(tmp_path, fast):
    p = tmp_path / "plan.csv"
    p.write_text("asset,nation,kind,crew,speed,speed_unit,range,range_unit,ice_class,seq,at,"
                 "arrive,depart,purpose\n"
                 "a,RUS,warship,200,14,kn,4000,nm,none,0,Vladivostok,,2026-03-01T00:00Z,\n"
                 "a,RUS,warship,200,14,kn,4000,nm,none,1,Madras,,2026-04-01T00:00Z,exercise\n")
    plan = load_csv(p, fast=fast)
    assert [c.at for c in plan.assets[0].itinerary] == ["vladivostok", "chennai"]


def test_csv_plan_unknown_alias_suggests(tmp_path):
    p = tmp_path / "plan.csv"
    p.write_text("asset,nation,kind,crew,speed,speed_unit,range,range_unit,ice_class,seq,at,"
                 "arrive,depart,purpose\n"
                 "a,RUS,warship,200,14,kn,4000,nm,none,0,Vladivostok,,2026-03-01T00:00Z,\n"
                 "a,RUS,warship,200,14,kn,4000,nm,none,1,Madrass,,2026-04-01T00:00Z,exercise\n")
    with pytest.raises(PlanError) as exc:
        load_csv(p)
    assert "chennai (Madras)" in str(exc.value)


# --- facilities() and `relos facilities` ----------------------------------------------------

def test_facilities_filters_refuse_unknown_country_and_kind():
    with pytest.raises(CatalogueQueryError, match="no such country 'XYZ'"):
        facilities(country="XYZ")
    with pytest.raises(CatalogueQueryError, match="did you mean IND"):
        facilities(country="India")
    with pytest.raises(CatalogueQueryError, match="did you mean port"):
        facilities(kind="ports")
    assert facilities(country="DEU").empty  # a country, with no catalogue places
    assert set(facilities(country="lka")["id"]) >= {"colombo", "trincomalee", "hambantota"}


def test_cli_facilities_unknown_country_or_kind_exit_2(relos):
    res = relos("facilities", "--country", "XYZ")
    assert res.returncode == 2
    assert "'XYZ' is no country" in res.stderr and "Empty DataFrame" not in res.stdout
    res = relos("facilities", "--kind", "helipad")
    assert res.returncode == 2 and "invalid choice: 'helipad'" in res.stderr


def test_cli_facilities_country_without_places(relos):
    res = relos("facilities", "--country", "DEU")
    assert res.returncode == 0
    assert res.stdout == "" and "no places in DEU" in res.stderr


def test_cli_facilities_table_shows_aliases_and_attributes(relos):
    res = relos("facilities", "--country", "IND")
    assert res.returncode == 0, res.stderr
    header, *lines = res.stdout.splitlines()
    assert header.split() == ["id", "name", "kind", "country", "lat", "lon", "runway_m",
                              "max_draught_m", "fuel", "aliases"]
    vizag = next(line for line in lines if line.startswith("visakhapatnam "))
    assert "18.1" in vizag and "Vizag" in vizag and "INVTZ" in vizag
    hansa = next(line for line in lines if line.startswith("ins-hansa "))
    assert "3458" in hansa and "VOGO" in hansa  # 11,345 ft (OurAirports 08/26)


def test_cli_facilities_csv_and_geojson_carry_aliases_and_attributes(relos):
    res = relos("facilities", "--format", "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert "Bombay" in rows["mumbai"]["aliases"].split(";")[0]
    assert float(rows["mumbai"]["max_draught_m"]) == pytest.approx(9.8)  # WPI 48840
    assert rows["mumbai"]["fuel"] == "fuel oil;diesel"
    res = relos("facilities", "--kind", "airbase", "--format", "geojson")
    gj = json.loads(res.stdout)
    props = {f["properties"]["id"]: f["properties"] for f in gj["features"]}
    assert "VOAR" in props["ins-rajali"]["aliases"]
    assert props["ins-rajali"]["runway_m"] == round(13460 * FT_M)  # OurAirports 06/24


def test_cli_route_and_reach_take_aliases(relos):
    by_alias = relos("route", "Bombay", "Cochin", "--format", "json")
    by_id = relos("route", "mumbai", "kochi", "--format", "json")
    assert by_alias.returncode == 0, by_alias.stderr
    a, b = json.loads(by_alias.stdout), json.loads(by_id.stdout)
    assert (a["from"], a["to"]) == ("mumbai", "kochi")
    assert a["distance_nm"] == pytest.approx(b["distance_nm"])
    res = relos("reach", "vizag", "--range-nm", "700", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "chennai" in res.stdout  # Visakhapatnam - Chennai is ~ 340 nm by sea
    res = relos("route", "Bombey", "kochi")
    assert res.returncode == 2 and "mumbai (Bombay)" in res.stderr
