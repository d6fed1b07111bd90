"""CSV import (CONTRACT §2): the same model as YAML, errors named by line and column."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from conftest import IMPOSSIBLE_TIMES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.model.plan import Plan, PlanError, load_csv

HEADER = ("asset,nation,kind,crew,speed,speed_unit,range,range_unit,ice_class,seq,at,arrive,"
          "depart,purpose\n")
ROWS = """\
tabar,IND,warship,300,14,kn,4850,nm,none,0,mumbai,,2026-07-01T00:00Z,
tabar,IND,warship,300,14,kn,4850,nm,none,1,severomorsk,2026-07-20T00:00Z,2026-07-28,exercise
il76,RUS,aircraft,7,750,kmh,4400,km,,0,chkalovsky,,2026-03-18T02:00Z,
il76,RUS,aircraft,7,750,kmh,4400,km,,1,hindon,2026-03-18T08:30Z,2026-03-19T02:00Z,humanitarian
"""
META = """\
name: CSV plan
horizon_end: 2026-09-01
detachments:
  - id: marcos
    nation: IND
    strength: 40
    at: severomorsk
    from: 2026-07-21
    to: 2026-07-27
    purpose: exercise
"""


@pytest.fixture
def csv_plan(tmp_path):
    def _make(rows: str = ROWS, meta: str | None = META):
        p = tmp_path / "plan.csv"
        p.write_text(HEADER + textwrap.dedent(rows))
        m = None
        if meta is not None:
            m = tmp_path / "meta.yaml"
            m.write_text(meta)
        return p, m
    return _make


def _summary(plan: Plan):
    return [(a.id, a.nation, a.kind, a.crew, round(a.speed_kmh, 6), round(a.range_km, 6),
             a.ice_class, [(c.at, c.arrive, c.depart, c.purpose, c.place.country)
                           for c in a.itinerary]) for a in plan.assets]


def test_fast_and_careful_loaders_agree(csv_plan):
    p, m = csv_plan()
    fast = Plan.load(p, meta=m)
    careful = load_csv(p, meta=m, fast=False)
    assert _summary(fast) == _summary(careful)
    assert fast.name == careful.name == "CSV plan"
    assert [d.id for d in fast.detachments] == ["marcos"]
    assert fast.assets[0].speed_kn == pytest.approx(14)
    assert fast.assets[1].range_km == pytest.approx(4400)


def test_rows_out_of_order_are_sorted_by_seq(csv_plan):
    lines = ROWS.splitlines()
    p, m = csv_plan("\n".join([lines[1], lines[0], lines[3], lines[2]]) + "\n")
    assert [c.at for c in Plan.load(p, meta=m).assets[0].itinerary] == ["mumbai", "severomorsk"]


@pytest.mark.parametrize("old,new,line,column,words", [
    ("tabar,IND,warship,300,14,kn,4850,nm,none,1", "tabar,IND,warship,300,0,kn,4850,nm,none,1",
     3, "speed", "differs"),
    (",severomorsk,", ",severomrsk,", 3, "at", "did you mean severomorsk"),
    ("2026-07-20T00:00Z", "2026-07-20T05:30+05:30", 3, "arrive", "not in UTC"),
    ("il76,RUS,aircraft,7,750,kmh,4400,km,,0", "il76,RUS,aircraft,7,750,mph,4400,km,,0", 4,
     "speed_unit", "kn, kt, kmh"),
    ("tabar,IND,warship,300,", "tabar,IND,warship,-3,", 2, "crew", "> 0"),
    ("1,hindon", "0,hindon", 5, "seq", "repeats seq 0"),
])
def test_bad_rows_are_located(csv_plan, old, new, line, column, words):
    rows = ROWS.replace(old, new)
    assert rows != ROWS
    p, m = csv_plan(rows)
    with pytest.raises(PlanError) as info:
        Plan.load(p, meta=m)
    hits = [q for q in info.value.problems if q.field == column]
    assert hits, str(info.value)
    assert any(q.line == line and words in q.message for q in hits), str(info.value)
    assert all(q.file == str(p) for q in hits)


def test_unknown_column_and_missing_column(csv_plan, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text(HEADER.replace("purpose", "purpse") + ROWS)
    with pytest.raises(PlanError, match="did you mean 'purpose'"):
        Plan.load(p)
    p.write_text(HEADER.replace("crew,", "") + ROWS)
    with pytest.raises(PlanError, match="crew: required column is missing"):
        Plan.load(p)


def test_csv_checks_like_yaml(csv_plan):
    p, m = csv_plan()
    plan = Plan.load(p, meta=m)
    yaml_plan = Plan.from_dict({
        "name": "CSV plan", "horizon_end": "2026-09-01",
        "detachments": [{"id": "marcos", "nation": "IND", "strength": 40, "at": "severomorsk",
                         "from": "2026-07-21", "to": "2026-07-27", "purpose": "exercise"}],
        "assets": [
            {"id": "tabar", "nation": "IND", "kind": "warship", "crew": 300, "speed_kn": 14,
             "range_nm": 4850, "itinerary": [
                 {"at": "mumbai", "depart": "2026-07-01T00:00Z"},
                 {"at": "severomorsk", "arrive": "2026-07-20T00:00Z", "depart": "2026-07-28",
                  "purpose": "exercise"}]},
            {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
             "range_km": 4400, "itinerary": [
                 {"at": "chkalovsky", "depart": "2026-03-18T02:00Z"},
                 {"at": "hindon", "arrive": "2026-03-18T08:30Z", "depart": "2026-03-19T02:00Z",
                  "purpose": "humanitarian"}]}]})
    a, b = plan.check(), yaml_plan.check()
    assert a.to_dict()["findings"] == b.to_dict()["findings"]
    assert a.to_dict()["legs"] == b.to_dict()["legs"]


def _problems(path, meta, fast: bool) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_csv(path, meta=meta, fast=fast)
    return [str(q) for q in info.value.problems]


@pytest.mark.parametrize("value,why", IMPOSSIBLE_TIMES)
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "careful"])
def test_impossible_time_in_csv_is_located(csv_plan, value, why, fast):
    """The same timestamp classes as in YAML (tests/conftest.py), in a CSV cell: one problem
    naming line 3 and the column, whichever loader reads the file."""
    p, m = csv_plan(ROWS.replace("2026-07-20T00:00Z", value))
    (msg,) = _problems(p, m, fast)
    assert msg.startswith(f"{p}:3: arrive: {value} does not exist: "), msg
    assert why in msg


@pytest.mark.parametrize("old,new,line,column,words", [
    # item 17: what the fast path used to accept
    ("300,14,kn", "300,0.5,kn", 2, "speed", "at least 1 kn"),
    ("2026-07-20T00:00Z", "1850-07-20T00:00Z", 3, "arrive", "outside the years 1900-2199"),
    ("2026-07-28,exercise", "2250-07-28,exercise", 3, "depart", "outside the years 1900-2199"),
    ("2026-07-01T00:00Z", "1899-12-31T23:59Z", 2, "depart", "outside the years 1900-2199"),
    # the limits and their reasons (planner/model/objects.py)
    ("tabar,IND,warship,300,", "tabar,IND,warship,1e12,", 2, "crew",
     "more than any warship carries"),
    ("7,750,kmh,4400,km", "7,750,kmh,41468,km", 4, "range", "at most 41,467 km"),
    ("7,750,kmh", "7,3600,kmh", 4, "speed", "faster than any crewed aircraft"),
    # item 14: numbers, purposes and units as written
    ("300,14,kn,4850,nm", '300,14,kn,"4,850",nm', 2, "range", "remove the thousands separator"),
    ("severomorsk,2026-07-20T00:00Z,2026-07-28,exercise",
     "severomorsk,2026-07-20T00:00Z,2026-07-28,excercise", 3, "purpose",
     "did you mean 'exercise'"),
    ("300,14,kn,", "300,14,knots,", 2, "speed_unit", "did you mean 'kn'"),
    ("4400,km,", "4400,kms,", 4, "range_unit", "did you mean 'km'"),
])
def test_both_csv_loaders_refuse_alike(csv_plan, old, new, line, column, words):
    """One validator for both CSV paths: the fast path declines what the careful path refuses,
    so the same problems come back, located, whichever path is asked for."""
    rows = ROWS.replace(old, new)
    assert rows != ROWS
    p, m = csv_plan(rows)
    fast, careful = _problems(p, m, True), _problems(p, m, False)
    assert fast == careful
    assert any(q.startswith(f"{p}:{line}: {column}: ") and words in q for q in fast), fast


def test_2250_csv_refused_at_load_not_at_check(csv_plan):
    """Issue 12: a 2250 CSV loaded on the fast path, then failed at check time with a
    misleading SCHEDULE message."""
    p, m = csv_plan(ROWS.replace("2026-07-01T00:00Z", "2250-07-01T00:00Z"))
    with pytest.raises(PlanError, match="outside the years"):
        Plan.load(p, meta=m)


# -- the two loaders agree on any file (issue 12, item 17) -------------------------------------
#: Values around every limit and format the loaders check, per column: valid ones at the edge
#: (1 kn, 1,088 aboard an aircraft, 41,467 km, 2028-02-29) and invalid ones just past it.
EDGES = {
    "nation": ["IND", "RUS", "rus", "XXX", ""],
    "kind": ["warship", "aircraft", "submarine"],
    "crew": ["1", "6000", "6001", "1088", "1089", "1e12", "300.0", "3e2", "300.5", "lots",
             "nan", "inf", "1_000", "0", "-3", ""],
    "speed": ["1", "0.5", "0.9999", "1.852", "1905", "1906", "3529.56", "3600", "0", "-1",
              "nan", "14,5", "1e3"],
    "speed_unit": ["kn", "kt", "kmh", "km/h", "KN", "knots", "mph"],
    "range": ["41467", "41468", "22391", "1e6", "1000001", "0", "4,850", "-5"],
    "range_unit": ["nm", "km", "NM", "nmi"],
    "ice_class": ["", "none", "Arc4", "arc7", "Ice1"],
    "seq": ["01", "1.0", "+1", "-1", "0"],
    "at": ["chennai", "hindon", "15.0,86.0", "Madras", "VOGO", "nowhere", "", "91,0"],
    "arrive": ["", "1850-01-01", "1899-12-31T23:59Z", "1900-01-01", "2199-12-31",
               "2200-01-01", "2250-06-01T00:00Z", "2026-13-01", "2026-02-30", "2026-02-29",
               "2028-02-29", "2026-03-01T24:00Z", "2026-03-01T23:60Z", "2026-3-5",
               "2026-03-05T08:00:00.1234567Z", "2026-03-05T08:00+05:30",
               "2026-03-05T08:00:00-00:00", "now"],
    "purpose": ["", "exercise", "excercise", "port_visit", "Training", "disaster relief"],
}
EDGES["depart"] = EDGES["arrive"]
_COLUMNS = HEADER.rstrip("\n").split(",")


def _time_text(draw, t: dt.datetime) -> str:
    how = draw(st.sampled_from(["z", "date", "naive", "space", "offset", "seconds"]))
    return {"z": t.strftime("%Y-%m-%dT%H:%MZ"), "date": t.strftime("%Y-%m-%d"),
            "naive": t.strftime("%Y-%m-%dT%H:%M"), "space": t.strftime("%Y-%m-%d %H:%M"),
            "offset": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "seconds": t.strftime("%Y-%m-%dT%H:%M:%SZ")}[how]


@st.composite
def csv_texts(draw) -> str:
    """A valid CSV plan of one to three assets (times near the agreement's term or the ends of
    the years the planner handles, every time format), then zero to two cells replaced by a
    value around a limit (:data:`EDGES`), and now and then a short row."""
    rows = []
    for n in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["warship", "aircraft"]))
        ship = kind == "warship"
        speed = draw(st.sampled_from(
            [("14", "kn"), ("1", "kn"), ("1.852", "kmh"), ("30.5", "kt")] if ship else
            [("750", "kmh"), ("400", "kt"), ("3529.56", "kmh"), ("1905", "kn")]))
        range_ = draw(st.sampled_from(
            [("4850", "nm"), ("10500", "km"), ("1", "nm")] if ship else
            [("4400", "km"), ("41467", "km"), ("22390", "nm")]))
        asset = [f"a{n}", draw(st.sampled_from(["IND", "RUS"])), kind,
                 str(draw(st.integers(1, 6000 if ship else 1088))), *speed, *range_,
                 draw(st.sampled_from(["", "none", "Arc4", "Arc7"] if ship else ["", "none"]))]
        places = ["mumbai", "chennai", "severomorsk", "15.0,86.0"] if ship else [
            "hindon", "chkalovsky", "ins-dega"]
        t = draw(st.sampled_from([dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 1),
                                  dt.datetime(1900, 1, 1), dt.datetime(2199, 12, 1),
                                  dt.datetime(2028, 2, 28)]))
        for seq in range(draw(st.integers(1, 3))):
            arrive = depart = ""
            if seq and draw(st.booleans()):
                t += dt.timedelta(hours=draw(st.integers(0, 300)))
                arrive = _time_text(draw, t)
            if seq == 0 or draw(st.booleans()):
                t += dt.timedelta(hours=draw(st.integers(0, 300)))
                depart = _time_text(draw, t)
            rows.append(asset + [str(seq), draw(st.sampled_from(places)), arrive, depart,
                                 draw(st.sampled_from(["", "exercise", "humanitarian"]))])
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        row = draw(st.sampled_from(rows))
        col = draw(st.sampled_from(list(EDGES)))
        i, value = _COLUMNS.index(col), draw(st.sampled_from(EDGES[col]))
        same_asset = i < _COLUMNS.index("seq") and draw(st.integers(0, 4)) > 0
        for other in [r for r in rows if r[0] == row[0]] if same_asset else [row]:
            other[i] = value
    if draw(st.integers(0, 19)) == 0:
        row = draw(st.sampled_from(rows))
        del row[draw(st.integers(1, len(row) - 1)):]
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    return HEADER + "\n".join(lines) + "\n"


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_texts())
def test_fast_and_careful_loaders_agree_on_any_file(tmp_path_factory, text):
    """For any CSV file the fast and the careful loaders give the same plan, or the same
    problems: the fast path may decline, never accept what the careful path refuses."""
    path = tmp_path_factory.mktemp("csv") / "plan.csv"
    path.write_text(text, encoding="utf-8")
    outcomes = []
    for fast in (True, False):
        try:
            outcomes.append(("plan", _summary(load_csv(path, fast=fast))))
        except PlanError as exc:
            outcomes.append(("problems", [str(q) for q in exc.problems]))
    assert outcomes[0] == outcomes[1], text
