"""The shipped table of sea hops between catalogue ports (issue 16) against live routing.

``geodata/hop_table.json`` holds, per ordered pair of catalogue ports and RELOS party, what
the router gives for a refuelling hop with the default options. These tests route pairs live
and compare, make the router's decision from a row at random departures and ice classes and
compare it with :func:`~planner.routing.schedule.route_leg`, and check a whole plan's
``RANGE`` findings with the table and with it switched off (every hop routed live).
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import Plan
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.model.findings import finding_json
from planner.routing import hop_table
from planner.routing.schedule import route_leg
from planner.routing.sea import NoSeaRoute

PORTS = [resolve_place(fid) for fid in facilities(kind="port")["id"]]
CLASSES = ["none", "Ice1", "Arc4", "Arc5", "Arc7", "Arc9"]


@pytest.fixture
def table_off(monkeypatch):
    """Every hop routed live for the duration of a test."""
    monkeypatch.setenv(hop_table.SWITCH, "off")
    hop_table._table.cache_clear()
    yield
    monkeypatch.delenv(hop_table.SWITCH)
    hop_table._table.cache_clear()


def test_shipped_table_is_current():
    """A stale table is silently ignored at run time (every hop routed live, slowly):
    rebuild it with ``python geodata/build_hop_table.py`` after changing the network, the
    catalogue or the router."""
    assert hop_table._table() is not None, "geodata/hop_table.json is missing or stale"
    places, rows = hop_table._table()
    assert set(places) == {p.id for p in PORTS}
    assert len(rows) == len(PORTS) * (len(PORTS) - 1) * 2


def test_rows_equal_live_routing():
    rng = random.Random(5)
    _, rows = hop_table._table()
    nsr_pairs = [k for k, r in rows.items() if r.runs]
    keys = rng.sample(sorted(rows), 30) + rng.sample(sorted(nsr_pairs), 10)
    by_id = {p.id: p for p in PORTS}
    for a, b, nation in keys:
        assert rows[(a, b, nation)] == hop_table.live_row(by_id[a], by_id[b], nation), (a, b)


def test_rows_are_real_sea_distances():
    """Independent figures: Mumbai-Chennai round India ~1,400 nm (Kanyakumari), never shorter
    than the geodesic; Murmansk-Vladivostok by the NSR ~5,800 nm, the way round (Suez) far
    longer (US NGA Pub. 151 gives 5,770 nm via the NSR; 12,800 nm via Suez)."""
    by_id = {p.id: p for p in PORTS}
    row = hop_table.entry(by_id["mumbai"], by_id["chennai"], "IND")
    assert 1_250 < row.km / 1.852 < 1_600 and not row.runs
    row = hop_table.entry(by_id["murmansk"], by_id["vladivostok"], "RUS")
    assert row.runs and 5_300 < row.km / 1.852 < 6_500
    assert row.alt_km / 1.852 > 11_000 and not row.alt_runs


def test_entry_only_for_default_options_and_catalogue_places():
    a, b = resolve_place("murmansk"), resolve_place("dikson")
    assert hop_table.entry(a, b, "RUS") is not None
    assert hop_table.entry(a, b, "rus ", waters="Prefer") is not None
    assert hop_table.entry(a, b, "RUS", avoid=("suez",)) is None
    assert hop_table.entry(a, b, "RUS", waters="avoid") is None
    assert hop_table.entry(a, b, "FRA") is None  # a party of another agreement
    moved = Place(a.id, a.name, a.kind, a.lat + 0.2, a.lon, a.country)  # a plan's own place
    assert hop_table.entry(moved, b, "RUS") is None


def test_stale_table_is_not_used(monkeypatch):
    monkeypatch.setattr(hop_table, "stamp", lambda: "not the data")
    hop_table._table.cache_clear()
    try:
        assert hop_table.entry(resolve_place("murmansk"), resolve_place("dikson"), "RUS") is None
    finally:
        monkeypatch.undo()
        hop_table._table.cache_clear()


_, _ROWS = hop_table._table() or (None, {})
_NSR_KEYS = sorted(k for k, r in _ROWS.items() if r.runs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(_NSR_KEYS or [("x", "y", "IND")]),
       hours=st.integers(0, 24 * 365 * 4), minute_s=st.integers(0, 3599),
       ice=st.sampled_from(CLASSES), escort=st.booleans(), speed=st.sampled_from([9, 14, 18]))
def test_decision_from_row_equals_route_leg(key, hours, minute_s, ice, escort, speed):
    """The length a row gives at a departure is route_leg's with ``hop=True`` (None where it
    raises), over the NSR pairs, in and out of season, every ice class, escorted or not."""
    a, b, nation = key
    by_id = {p.id: p for p in PORTS}
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=hours, seconds=minute_s)
    asset = SimpleNamespace(kind="warship", ice_class=ice, speed_kn=speed, nation=nation)
    got = hop_table.hop_km(_ROWS[key], ice, when, speed, escort)
    try:
        want = route_leg(asset, by_id[a], by_id[b], when=when, hop=True,
                         escort="icebreaker" if escort else None).distance_km
    except NoSeaRoute:
        want = None
    assert got == want


def _plan() -> Plan:
    """Warships of both parties, 8 calls each, between Indian Ocean and Arctic ports (legs
    beyond a 4,000 nm range: refuelling advice, some over the NSR in and out of season)."""
    rng = random.Random(8)
    ports = ["mumbai", "chennai", "kochi", "vladivostok", "severomorsk", "murmansk", "dikson",
             "petropavlovsk_kamchatsky"]
    ports = [p for p in ports if p in {q.id for q in PORTS}]
    assets = []
    for a in range(16):
        t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=rng.randrange(0, 24 * 900))
        at = rng.choice(ports)
        itinerary = []
        for _ in range(8):
            itinerary.append({"at": at, "arrive": t.isoformat(),
                              "depart": (t + dt.timedelta(hours=24)).isoformat(),
                              "purpose": "exercise"})
            t += dt.timedelta(days=rng.randrange(25, 45))
            at = rng.choice([p for p in ports if p != at])
        assets.append({"id": f"w{a}", "nation": "IND" if a % 2 else "RUS", "kind": "warship",
                       "crew": 150, "speed_kn": 14, "range_nm": 4000,
                       "ice_class": rng.choice(["none", "Arc4", "Arc7"]),
                       "itinerary": itinerary})
    return Plan.from_dict({"name": "hop table", "assets": assets})


def _range_findings(plan: Plan) -> list[dict]:
    return [finding_json(f) for f in plan.check().finding_list if f.code == "RANGE"]


def test_range_findings_same_with_and_without_table(request):
    with_table = _range_findings(_plan())
    assert any(f["stops"] for f in with_table), "the plan should need refuelling stops"
    request.getfixturevalue("table_off")
    assert hop_table._table() is None
    assert with_table == _range_findings(_plan())
