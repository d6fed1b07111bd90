"""Plan loading and validation: every bad input gives a located message (CONTRACT §1)."""

from __future__ import annotations

import datetime as dt

import pytest

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
