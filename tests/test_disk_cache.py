"""The store of routing results kept between runs (planner.core.disk_cache, issue 16).

The suite runs with the store off (tests/conftest.py); here it is on in a temporary directory.
A result read back must equal the one computed (routes, their crossings, the errors a router
raises), a changed fingerprint must drop old entries, and a store that cannot be used must
change nothing but speed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from planner.core import caches, disk_cache
from planner.layers.territory import crossings_table
from planner.routing import sea


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The store on, in a fresh directory; closed afterwards."""
    monkeypatch.setenv("RELOS_CACHE", "on")
    monkeypatch.setenv("RELOS_CACHE_DIR", str(tmp_path / "cache"))
    disk_cache.reset()
    yield tmp_path / "cache"
    disk_cache.reset()


def _rows(db_dir) -> int:
    db = sqlite3.connect(db_dir / disk_cache.FILE_NAME)
    try:
        return db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    finally:
        db.close()


def test_value_round_trip_after_flush_and_reopen(store):
    disk_cache.put("t", ("a", 1), {"x": [1.5, None]})
    disk_cache.reset()  # flush, close: the next get reads the file
    assert disk_cache.get("t", ("a", 1)) == (True, {"x": [1.5, None]})
    assert disk_cache.get("t", ("a", 2)) == (False, None)
    assert disk_cache.get("u", ("a", 1)) == (False, None)


def test_new_fingerprint_drops_old_entries(store):
    disk_cache.put("t", (1,), "old")
    disk_cache.reset()
    assert _rows(store) == 1
    disk_cache._STATE["fingerprint"] = "another build"
    assert disk_cache.get("t", (1,)) == (False, None)
    assert _rows(store) == 0


def test_off_switch_and_unusable_store(tmp_path, monkeypatch):
    monkeypatch.setenv("RELOS_CACHE", "off")
    disk_cache.reset()
    disk_cache.put("t", (1,), "v")
    assert disk_cache.get("t", (1,)) == (False, None)
    # on, but the directory is a file: nothing is stored, nothing fails
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("RELOS_CACHE", "on")
    monkeypatch.setenv("RELOS_CACHE_DIR", str(blocker))
    disk_cache.reset()
    disk_cache.put("t", (1,), "v")
    assert disk_cache.get("t", (1,)) == (False, None)
    disk_cache.reset()


def test_corrupt_store_is_ignored(store):
    store.mkdir(parents=True)
    (store / disk_cache.FILE_NAME).write_bytes(b"this is not a database" * 100)
    disk_cache.put("t", (1,), "v")  # cannot open: not kept, no error
    assert disk_cache.get("t", (1,)) == (False, None)


def _route_state(r):
    return (r.distance_km, r.passages, r.straits, r.waters, r.lons.tolist(), r.lats.tolist())


def test_sea_route_read_back_equals_computed(store, monkeypatch):
    caches.clear_all()
    cold = sea.sea_route("mumbai", "vladivostok", nation="IND")
    disk_cache.reset()
    caches.clear_all()  # nothing in memory: the route must come from the file

    def no_tree(*_args, **_kw):
        raise AssertionError("a shortest-path tree was computed on a warm store")

    monkeypatch.setattr(sea, "_tree", no_tree)
    warm = sea.sea_route("mumbai", "vladivostok", nation="IND")
    assert _route_state(warm) == _route_state(cold)
    assert warm.countries == cold.countries and warm.territorial_km == cold.territorial_km
    assert not warm.lons.flags.writeable and not warm.lats.flags.writeable
    assert _rows(store) > 0


def test_no_route_error_is_kept_and_raised_again(store):
    caches.clear_all()
    with pytest.raises(sea.NoSeaRoute) as cold:
        sea.sea_route("novorossiysk", "mumbai", avoid=["dardanelles"])  # the Black Sea shut
    disk_cache.reset()
    caches.clear_all()
    with pytest.raises(sea.NoSeaRoute) as warm:
        sea.sea_route("novorossiysk", "mumbai", avoid=["dardanelles"])  # the Black Sea shut
    assert str(warm.value) == str(cold.value)


def test_crossings_table_read_back_equals_computed(store, tmp_path):
    routes = [sea.sea_route("kochi", "vladivostok", waters="any"),
              sea.sea_route("mumbai", "chennai"), sea.sea_route("chennai", "singapore")]
    cold = crossings_table(routes)
    disk_cache.reset()
    mixed = crossings_table([routes[1], routes[0], routes[2]])  # order changed: keys per path
    warm = mixed.assign(leg=mixed["leg"].map({0: 1, 1: 0, 2: 2}))
    warm = warm.sort_values(["leg", "entry_km"], kind="stable").reset_index(drop=True)
    assert len(cold) > 3
    assert warm["iso3"].tolist() == cold["iso3"].tolist()
    for col in ("leg", "entry_km", "exit_km", "distance_km", "in_land"):
        assert np.array_equal(warm[col].to_numpy(), cold[col].to_numpy()), col


def test_check_cold_and_warm_processes_print_the_same(store, tmp_path):
    """``relos check`` twice over one store: the second run reads routes and crossings
    from it and must print exactly what the first computed."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("""name: cache trial
assets:
  - id: talwar
    nation: IND
    kind: warship
    crew: 250
    speed_kn: 14
    range_nm: 12000
    itinerary:
      - {at: mumbai, depart: 2027-03-01T00:00Z}
      - {at: vladivostok, arrive: 2027-04-10T00:00Z, depart: 2027-04-15T00:00Z,
         purpose: exercise}
      - {at: kochi}
""")
    env = {**os.environ, "RELOS_CACHE": "on", "RELOS_CACHE_DIR": str(store)}
    runs = [subprocess.run([sys.executable, "-m", "planner.cli", "check", str(plan),
                            "--format", "json"], capture_output=True, text=True, env=env)
            for _ in range(2)]
    assert runs[0].returncode in (0, 1), runs[0].stderr
    assert runs[1].returncode == runs[0].returncode
    assert runs[0].stdout == runs[1].stdout
    assert json.loads(runs[0].stdout)["legs"][0]["distance_nm"] > 4850
    assert _rows(store) > 0
