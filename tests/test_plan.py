"""Plan loading and validation: every bad input gives a located message (CONTRACT §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import IMPOSSIBLE_TIMES, REAL_TIMES

from planner.model.plan import Plan, PlanError, parse_time

GOOD = """
name: INDRA test
horizon_end: 2026-06-30
facilities:
  - id: bob-exercise-area
    name: Bay of Bengal exercise area
    kind: sea_area
    lat: 15.0
    lon: 86.0
assets:
  - id: gorshkov
    name: Admiral Gorshkov
    nation: RUS
    kind: warship
    crew: 210
    speed_kn: 14
    range_nm: 4000
    itinerary:
      - at: visakhapatnam
        arrive: 2026-03-05T08:00Z
        depart: 2026-03-20T08:00Z
        purpose: exercise
detachments:
  - id: rus-marines
    nation: RUS
    strength: 300
    at: visakhapatnam
    from: 2026-03-10
    to: 2026-03-20
    purpose: exercise
"""


def problems_of(write_plan, text):
    with pytest.raises(PlanError) as info:
        Plan.load(write_plan(text))
    return info.value.problems


def test_good_plan_loads_with_units_and_utc(write_plan):
    plan = Plan.load(write_plan(GOOD))
    a = plan.assets[0]
    assert a.speed_kn == pytest.approx(14)
    assert a.range_km == pytest.approx(4000 * 1.852)
    call = a.itinerary[0]
    assert call.arrive == dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)
    assert call.place.country == "IND"
    assert plan.detachments[0].start == dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    assert plan.facilities["bob-exercise-area"].country is None


def test_from_dict_round_trip_matches_yaml(write_plan, base_plan):
    p1 = Plan.from_dict(base_plan)
    text = GOOD
    p2 = Plan.load(write_plan(text))
    assert p1.assets[0].itinerary[0].arrive == p2.assets[0].itinerary[0].arrive
    assert p1.assets[0].speed_kmh == p2.assets[0].speed_kmh


def _one(problems, field_suffix):
    hits = [p for p in problems if p.field.endswith(field_suffix)]
    assert hits, [str(p) for p in problems]
    return hits[0]


def test_zero_speed_names_file_line_field(write_plan):
    probs = problems_of(write_plan, GOOD.replace("speed_kn: 14", "speed_kn: 0"))
    p = _one(probs, "assets[0].speed_kn")
    assert p.line == 15  # counted in GOOD: the speed_kn line
    assert "must be > 0" in p.message
    assert str(p).startswith(f"{p.file}:15: assets[0].speed_kn:")


@pytest.mark.parametrize("old,new,field,line,words", [
    ("crew: 210", "crew: -5", "assets[0].crew", 14, "> 0"),
    ("range_nm: 4000", "range_nm: 0", "assets[0].range_nm", 16, "> 0"),
    ("crew: 210", "crew: lots", "assets[0].crew", 14, "number"),
    ("nation: RUS", "nation: XYZ", "assets[0].nation", 12, "ISO 3166"),
    ("nation: RUS", "nation: rus", "assets[0].nation", 12, "did you mean 'RUS'"),
    ("lat: 15.0", "lat: 95.0", "facilities[0].lat", 7, "outside -90..90"),
    ("kind: warship", "kind: submarine", "assets[0].kind", 13, "not one of"),
    ("depart: 2026-03-20T08:00Z", "depart: 2026-03-01T08:00Z",
     "assets[0].itinerary[0].depart", 20, "before it arrives"),
    ("arrive: 2026-03-05T08:00Z", "arrive: 2026-03-05T08:00+05:30",
     "assets[0].itinerary[0].arrive", 19, "not in UTC; write it as 2026-03-05T02:30Z"),
    ("arrive: 2026-03-05T08:00Z", "arrive: next tuesday",
     "assets[0].itinerary[0].arrive", 19, "not an ISO 8601 time"),
    ("at: visakhapatnam\n        arrive", "at: vizakhapatnam\n        arrive",
     "assets[0].itinerary[0].at", 18, "did you mean visakhapatnam"),
    ("  - id: rus-marines", "  - id: gorshkov\n    idd: x", "detachments[0].idd", 24,
     "did you mean 'id'"),
])
def test_bad_field_is_located(write_plan, old, new, field, line, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    p = _one(problems_of(write_plan, text), field)
    assert p.line == line, str(p)
    assert words in p.message, str(p)


def test_unknown_key_suggests(write_plan):
    p = _one(problems_of(write_plan, GOOD.replace("speed_kn: 14", "sped_kn: 14")),
             "assets[0].sped_kn")
    assert "did you mean 'speed_kn'" in p.message
    assert p.line == 15


def test_duplicate_asset_ids(write_plan):
    text = GOOD.replace("detachments:", """  - id: gorshkov
    nation: RUS
    kind: warship
    crew: 10
    speed_kn: 10
    range_nm: 100
    itinerary:
      - at: mumbai
        depart: 2026-03-01
detachments:""")
    p = _one(problems_of(write_plan, text), "assets[1].id")
    assert "duplicate" in p.message and p.line == 22


def test_empty_itinerary(write_plan):
    text = GOOD.replace("""    itinerary:
      - at: visakhapatnam
        arrive: 2026-03-05T08:00Z
        depart: 2026-03-20T08:00Z
        purpose: exercise
""", "    itinerary: []\n")
    p = _one(problems_of(write_plan, text), "assets[0].itinerary")
    assert "non-empty" in p.message and p.line == 17


def test_every_problem_reported_at_once(write_plan):
    text = GOOD.replace("speed_kn: 14", "speed_kn: -1").replace("crew: 210", "crew: 0")
    fields = {p.field for p in problems_of(write_plan, text)}
    assert {"assets[0].speed_kn", "assets[0].crew"} <= fields


def test_malformed_yaml_has_line(write_plan):
    probs = problems_of(write_plan, "name: x\nassets:\n  - id: [unclosed\n    nation: RUS\n")
    assert len(probs) == 1 and "malformed YAML" in probs[0].message
    assert probs[0].line is not None and probs[0].line >= 3


def test_duplicate_yaml_key(write_plan):
    probs = problems_of(write_plan, GOOD.replace("crew: 210", "crew: 210\n    crew: 200"))
    assert "duplicate key" in probs[0].message and probs[0].line == 15


def test_missing_file_directory_binary(tmp_path):
    for path, words in [(tmp_path / "nope.yaml", "no such file"), (tmp_path, "folder")]:
        with pytest.raises(PlanError) as info:
            Plan.load(path)
        assert words in str(info.value)
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(PlanError, match="binary"):
        Plan.load(binary)


def test_alias_bomb_refused_quickly(write_plan):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines.append("name: bomb\nassets: *i")
    with pytest.raises(PlanError, match="alias bomb"):
        Plan.load(write_plan("\n".join(lines)))


def test_not_a_mapping(write_plan):
    with pytest.raises(PlanError, match="must be a mapping"):
        Plan.load(write_plan("- just\n- a list\n"))


def test_parse_time_rules():
    assert parse_time("2026-01-01") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert parse_time("2026-02-01T06:00Z") == dt.datetime(2026, 2, 1, 6, tzinfo=dt.UTC)
    assert parse_time("2026-02-01T06:00") == dt.datetime(2026, 2, 1, 6, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="UTC"):
        parse_time("2026-02-01T06:00-03:00")


def test_plan_coordinate_place_and_unknown_passage(write_plan):
    text = GOOD.replace("at: visakhapatnam\n        arrive", '"at": "17.0,84.5"\n        arrive')
    plan = Plan.load(write_plan(text))
    assert plan.assets[0].itinerary[0].place.country is None  # open sea off Andhra Pradesh
    bad = GOOD.replace("purpose: exercise\ndetachments",
                       "purpose: exercise\n        avoid: [suze]\ndetachments")
    p = _one(problems_of(write_plan, bad), "avoid[0]")
    assert "did you mean 'suez'" in p.message


def test_plan_passages_are_the_networks():
    """The names a plan may avoid are exactly the passages the shipped network marks."""
    from planner.layers.sea_network import PASSAGES, network

    assert set(PASSAGES) == set(network().passages)


def test_unknown_first_place_gives_one_message(write_plan):
    text = GOOD.replace("at: visakhapatnam\n        arrive: 2026-03-05T08:00Z\n"
                        "        depart: 2026-03-20T08:00Z",
                        "at: visakhapatnm\n        depart: 2026-03-20T08:00Z")
    probs = problems_of(write_plan, text)
    assert [p.field for p in probs] == ["assets[0].itinerary[0].at"]


NEW_KEYS = """\
name: contract keys
assets:
  - id: tributs
    nation: RUS
    kind: warship
    crew: 300
    speed_kn: 14
    range_nm: 5000
    draught_m: 7.5
    itinerary:
      - at: vladivostok
        depart: 2026-08-01T00:00Z
      - at: murmansk
        waters: prefer
        escort: icebreaker
        fixed: true
  - id: il78
    nation: IND
    kind: aircraft
    crew: 6
    speed_kt: 400
    range_km: 7000
    itinerary:
      - at: hindon
        depart: 2026-08-01T00:00Z
      - at: chkalovsky
  - id: su30
    nation: IND
    kind: aircraft
    crew: 2
    speed_kt: 450
    range_km: 3000
    runway_m: 2400
    itinerary:
      - at: hindon
        depart: 2026-08-01T00:00Z
      - at: chkalovsky
        refuel_by: [il78]
"""


def test_contract_call_and_asset_keys_load(write_plan):
    """CONTRACT section 1: waters, escort, fixed, refuel_by, draught_m, runway_m."""
    plan = Plan.load(write_plan(NEW_KEYS))
    ship, _, fighter = plan.assets
    call = ship.itinerary[1]
    assert (call.waters, call.escort, call.fixed) == ("prefer", "icebreaker", True)
    assert ship.itinerary[0].fixed is False and ship.itinerary[0].waters is None
    assert ship.draught_m == 7.5 and fighter.runway_m == 2400
    assert fighter.itinerary[1].refuel_by == ("il78",)


def test_contract_keys_refused_with_line_and_hint(write_plan):
    bad = (NEW_KEYS.replace("waters: prefer", "waters: prefr")
           .replace("refuel_by: [il78]", "refuel_by: [il87]")
           .replace("    runway_m: 2400", "    draught_m: 5"))
    with pytest.raises(PlanError) as exc:
        Plan.load(write_plan(bad))
    by_field = {p.field: p for p in exc.value.problems}
    # lines counted by hand in NEW_KEYS
    assert by_field["assets[0].itinerary[1].waters"].line == 14
    assert "did you mean 'prefer'" in by_field["assets[0].itinerary[1].waters"].message
    assert by_field["assets[2].itinerary[1].refuel_by[0]"].line == 38
    assert "did you mean 'il78'" in by_field["assets[2].itinerary[1].refuel_by[0]"].message
    assert "warships only" in by_field["assets[2].draught_m"].message


# -- impossible times (issue 12, item 2) ------------------------------------------------------
TIME_FIELDS = [  # (text in GOOD, field, line counted in GOOD)
    ("depart: 2026-03-20T08:00Z", "depart: {}", "assets[0].itinerary[0].depart", 20),
    ("horizon_end: 2026-06-30", "horizon_end: {}", "horizon_end", 2),
    ("from: 2026-03-10", "from: {}", "detachments[0].from", 27),
    ("horizon_end: 2026-06-30", "agreement:\n  in_force: {}", "agreement.in_force", 3),
]


@pytest.mark.parametrize("value,why", IMPOSSIBLE_TIMES)
@pytest.mark.parametrize("old,new,field,line", TIME_FIELDS,
                         ids=[f[2] for f in TIME_FIELDS])
@pytest.mark.parametrize("quoted", [False, True], ids=["bare", "quoted"])
def test_impossible_time_is_one_located_problem(write_plan, value, why, old, new, field, line,
                                                quoted):
    """Every timestamp-shaped value that names no real moment, bare (where PyYAML's timestamp
    constructor used to raise a bare ValueError: exit 3) or quoted, in every place a plan gives
    a time: one problem at its line, saying the date does not exist and why."""
    text = GOOD.replace(old, new.format(f'"{value}"' if quoted else value), 1)
    (p,) = problems_of(write_plan, text)
    assert (p.field, p.line) == (field, line), str(p)
    assert "does not exist" in p.message and why in p.message, str(p)
    assert "ISO 8601" not in p.message


@pytest.mark.parametrize("value,why", IMPOSSIBLE_TIMES)
def test_impossible_time_in_python_dict(base_plan, value, why):
    base_plan["assets"][0]["itinerary"][0]["depart"] = value
    with pytest.raises(PlanError) as info:
        Plan.from_dict(base_plan)
    (p,) = info.value.problems
    assert p.field == "assets[0].itinerary[0].depart" and why in p.message


@pytest.mark.parametrize("value,parts", REAL_TIMES)
def test_real_times_of_the_same_shapes_load(write_plan, value, parts):
    plan = Plan.load(write_plan(GOOD.replace("depart: 2026-03-20T08:00Z", f"depart: {value}")
                                .replace("arrive: 2026-03-05T08:00Z", "arrive: 1999-01-01")))
    assert plan.assets[0].itinerary[0].depart == dt.datetime(*parts, tzinfo=dt.UTC)


def test_time_not_iso_says_how_to_write_it():
    with pytest.raises(ValueError, match="write it as 2026-03-05"):
        parse_time("2026-3-5")
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        parse_time("next tuesday")


# -- numbers (issue 12, item 14) --------------------------------------------------------------
@pytest.mark.parametrize("old,new,field,words", [
    ("range_nm: 4000", "range_nm: 4,850", "range_nm", "remove the thousands separator (4850)"),
    ("range_nm: 4000", "range_nm: 4 850", "range_nm", "remove the thousands separator (4850)"),
    ("speed_kn: 14", "speed_kn: 14,5", "speed_kn", "use a decimal point (14.5)"),
    ("range_nm: 4000", "range_nm: 4850 nm", "range_nm", "write the number alone (4850)"),
    ("crew: 210", 'crew: "210"', "crew", "without quotes"),
    # YAML 1.2 reads 1e12 as a number (PyYAML read it as text): refused with the reason
    ("crew: 210", "crew: 1e12", "crew", "more than any warship carries: at most 6,000"),
    ("crew: 210", "crew: 6001", "crew", "personnel cap for a whole party is 3,000"),
    # 3,600 km/h is past the SR-71A's 3,529.56 km/h; 1,906 kn is 3,529.9 km/h
    ("speed_kn: 14", "speed_kmh: 3600", "speed_kmh", "faster than any crewed aircraft"),
    ("speed_kn: 14", "speed_kn: 1906", "speed_kn", "at most 1,906 kn"),
    ("speed_kn: 14", "speed_kn: 0.5", "speed_kn", "at least 1 kn"),
    ("range_nm: 4000", "range_km: 1.1e6", "range_km", "25 times round the Equator"),
])
def test_bad_number_is_one_problem_saying_why(write_plan, old, new, field, words):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    (p,) = problems_of(write_plan, text)
    assert p.field == f"assets[0].{field}" and p.line is not None, str(p)
    assert words in p.message, str(p)


AIRCRAFT = """
name: airlift
assets:
  - id: an124
    nation: RUS
    kind: aircraft
    crew: {crew}
    speed_kmh: 800
    range_km: {range_km}
    itinerary:
      - at: chkalovsky
        depart: 2026-03-01T00:00Z
      - at: hindon
        purpose: humanitarian
"""


@pytest.mark.parametrize("crew,range_km,field,words", [
    (1088, 41467, None, None),  # the records themselves: 1,088 aboard, 41,467 km unrefuelled
    (1089, 41467, "crew", "at most 1,088 (the record: an El Al 747"),
    (20, 41468, "range_km", "at most 41,467 km (the record: Virgin Atlantic GlobalFlyer"),
])
def test_aircraft_limits_are_the_published_records(write_plan, crew, range_km, field, words):
    path = write_plan(AIRCRAFT.format(crew=crew, range_km=range_km))
    if field is None:
        assert Plan.load(path).assets[0].crew == crew
        return
    (p,) = problems_of(write_plan, AIRCRAFT.format(crew=crew, range_km=range_km))
    assert p.field == f"assets[0].{field}" and words in p.message, str(p)


# -- purposes (issue 12, item 14) -------------------------------------------------------------
@pytest.mark.parametrize("given,meant", [
    ("excercise", "exercise"), ("exercises", "exercise"), ("Training", "training"),
    ("trainig", "training"), ("humanitarain", "humanitarian"),
    ("disaster relief", "disaster_relief"), ("Disaster-Relief", "disaster_relief"),
    ("mutualy_agreed", "mutually_agreed"),
])
@pytest.mark.parametrize("where,line", [("assets[0].itinerary[0]", 21), ("detachments[0]", 29)])
def test_misspelt_purpose_refused_with_did_you_mean(write_plan, given, meant, where, line):
    text = GOOD.replace("purpose: exercise", f"purpose: {given}")
    problems = problems_of(write_plan, text)
    p = _one(problems, f"{where}.purpose")
    assert p.line == line and f"did you mean {meant!r}" in p.message, str(p)
    assert len(problems) == 2  # the call's and the detachment's, nothing else


@pytest.mark.parametrize("purpose", ["port_visit", "tourism", "sightseeing", "refuelling"])
def test_other_purpose_loads_and_is_a_purpose_finding(write_plan, purpose):
    """CONTRACT: a purpose the agreement does not permit is a PURPOSE finding of the check,
    not bad input; only near-miss spellings are refused at load."""
    plan = Plan.load(write_plan(GOOD.replace("purpose: exercise", f"purpose: {purpose}", 1)))
    assert plan.assets[0].itinerary[0].purpose == purpose
    codes = [f.code for f in plan.check().findings.itertuples()]
    assert "PURPOSE" in codes


def test_near_miss_follows_the_agreement_in_use(write_plan):
    import dataclasses

    from planner.model.agreement import RELOS

    sar = dataclasses.replace(RELOS, purposes=("search_and_rescue",))
    text = GOOD.replace("purpose: exercise", "purpose: search and rescue")
    with pytest.raises(PlanError, match="did you mean 'search_and_rescue'"):
        Plan.load(write_plan(text), agreement=sar)
    # under RELOS the same words are no near miss of a permitted purpose: they load
    assert Plan.load(write_plan(text)).assets[0].itinerary[0].purpose == "search and rescue"


# -- unit-like keys (issue 12, item 14) -------------------------------------------------------
@pytest.mark.parametrize("key,meant", [
    ("speed_knots", "speed_kn"), ("knots", "speed_kn"), ("speed_KN", "speed_kn"),
    ("speed_kts", "speed_kt"), ("speed_kph", "speed_kmh"), ("Speed_km/h", "speed_kmh"),
    ("range_NM", "range_nm"), ("range_nmi", "range_nm"), ("NM", "range_nm"),
    ("range_kms", "range_km"), ("range_kilometres", "range_km"),
])
def test_unit_key_gets_one_did_you_mean(write_plan, key, meant):
    """A speed or range under a unit-like key: one problem naming the key it means, not
    "unknown key" plus "give exactly one of ..." (a cascade)."""
    quantity = meant.split("_")[0]
    old = "speed_kn: 14" if quantity == "speed" else "range_nm: 4000"
    value = old.split(": ")[1]
    (p,) = problems_of(write_plan, GOOD.replace(old, f"{key}: {value}"))
    assert p.field == f"assets[0].{key}" and f"did you mean {meant!r}" in p.message, str(p)
    assert p.line == (15 if quantity == "speed" else 16)


@pytest.mark.parametrize("key,words", [("speed_mph", "speed in 'mph' is not accepted"),
                                       ("speed", "speed without a unit"),
                                       ("range_miles", "range in 'miles' is not accepted")])
def test_unit_key_without_a_plan_unit_is_one_problem(write_plan, key, words):
    quantity = key.split("_")[0]
    old = "speed_kn: 14" if quantity == "speed" else "range_nm: 4000"
    (p,) = problems_of(write_plan, GOOD.replace(old, f"{key}: 14"))
    assert words in p.message, str(p)
    assert ("speed_kn" if quantity == "speed" else "range_nm") in p.message, str(p)
