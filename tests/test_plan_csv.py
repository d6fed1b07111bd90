"""CSV import (CONTRACT §2): the same model as YAML, errors named by line and column."""

from __future__ import annotations

import textwrap

import pytest

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
