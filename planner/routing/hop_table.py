"""Sea hops between catalogue ports, routed once when the data is built (issue 16).

A ``RANGE`` finding's refuelling search routes hops between the catalogue's ports: the same
few thousand pairs for every plan. What the search needs of a hop is its length and the NSR
seas it sails, both on its shortest way and on its way round the NSR (the ice rules choose
between them by the month, :func:`~planner.routing.sea.sea_decision`). For the default
options (no passage avoided, ``waters: prefer``) and each party's ships these are routed by
``geodata/build_hop_table.py`` into ``geodata/hop_table.json``, stamped with a hash of the
data and code the router reads (:func:`stamp`); a table whose stamp differs from the
installed data and code is not used (every hop is routed live, as before).

:func:`entry` gives a pair's row when the table holds it; :func:`hop_km` makes the router's
decision for one departure from the row alone, by the same rules (``closures_of_runs`` on
the same runs), so a search gets the same lengths with or without the table
(``tests/test_hop_table.py`` compares them with live routing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

from planner.core.paths import geodata_path
from planner.core.units import KMH_PER_KN, to_timestamp
from planner.layers import nsr
from planner.layers.catalogue import Place
from planner.layers.sea_network import NSR_PASSAGES, avoid_mask

TABLE_FILE = "hop_table.json"
#: Data files the sea router reads for a hop between catalogue ports.
STAMP_DATA = ("sea_network.npz", "facilities.csv", "sea_ports.csv", "nsr_seas.geojson")
#: Modules whose code decides a hop's way and length (relative to ``planner/``).
STAMP_CODE = ("routing/sea.py", "routing/waters.py", "routing/route.py",
              "layers/sea_network.py", "layers/nsr.py", "layers/straits.py",
              "layers/geodesy.py", "layers/catalogue.py", "routing/hop_table.py")
_PLANNER = Path(__file__).resolve().parent.parent
#: Set to ``off`` to route every hop live (the reference path of the tests and the bench).
SWITCH = "RELOS_HOP_TABLE"


class HopRow(NamedTuple):
    """One ordered pair of ports for one nation's ships: the shortest way's length (km, None
    when no sea way exists), its NSR runs as the router judges them (``runs``, empty when the
    ice rules never look at it) and as :func:`planner.layers.nsr.sea_runs` measures them
    (``sea_runs``); the same for the way with the five NSR passages closed (``alt_*``)."""

    km: float | None
    runs: tuple[nsr.SeaRun, ...]
    sea_runs: tuple[nsr.SeaRun, ...]
    alt_km: float | None
    alt_runs: tuple[nsr.SeaRun, ...]
    alt_sea_runs: tuple[nsr.SeaRun, ...]


class HopLength(NamedTuple):
    """A refuelling hop as the search needs it: its ends and its routed length (km)."""

    origin: str
    destination: str
    distance_km: float


def stamp() -> str:
    """sha256 over the data files and modules the router reads for these hops."""
    h = hashlib.sha256()
    for name in STAMP_DATA:
        h.update(name.encode())
        h.update(geodata_path(name).read_bytes())
    for name in STAMP_CODE:
        h.update(name.encode())
        h.update((_PLANNER / name).read_bytes())
    return h.hexdigest()


def live_row(a: Place, b: Place, nation: str) -> HopRow:
    """Route the pair now, as the router does for a hop with the default options."""
    from planner.routing.sea import NoSeaRoute, _runs, _shortest

    nsr_mask = avoid_mask(tuple(sorted(NSR_PASSAGES)))
    out = []
    for mask in (0, nsr_mask):
        try:
            route = _shortest(a, b, mask, "prefer", nation)
        except NoSeaRoute:
            out += [None, (), ()]
            continue
        out += [float(route.distance_km), tuple(_runs(a, b, mask, "prefer", nation)),
                tuple(nsr.sea_runs(route))]
    return HopRow(*out)


def _runs_of(items) -> tuple[nsr.SeaRun, ...]:
    return tuple(nsr.SeaRun(str(s), float(k0), float(k1)) for s, k0, k1 in items)


@cache
def _table() -> tuple[dict, dict] | None:
    """(places id -> (lat, lon, country), (a, b, nation) -> HopRow), or None when the table
    is missing, switched off or stale."""
    if os.environ.get(SWITCH, "").strip().lower() == "off":
        return None
    path = geodata_path(TABLE_FILE)
    if not path.is_file():
        return None
    doc = json.loads(path.read_text())
    if doc.get("stamp") != stamp():
        return None
    places = {pid: (lat, lon, country) for pid, lat, lon, country in doc["places"]}
    rows = {}
    for a, b, nation, km, runs, sea_runs, alt_km, alt_runs, alt_sea_runs in doc["rows"]:
        rows[(a, b, nation)] = HopRow(km, _runs_of(runs), _runs_of(sea_runs), alt_km,
                                      _runs_of(alt_runs), _runs_of(alt_sea_runs))
    return places, rows


def _same(place: Place, known: dict) -> bool:
    row = known.get(place.id)
    return row is not None and (place.lat, place.lon, place.country) == tuple(row)


def entry(a: Place, b: Place, nation: str | None, avoid: Iterable[str] = (),
          waters: str | None = None) -> HopRow | None:
    """The table's row for a hop ``a -> b`` of a ship of ``nation`` with these call options,
    or None when the hop must be routed live (options not the default, a place not the
    catalogue's own, no table)."""
    if tuple(avoid) or (waters is not None and str(waters).strip().lower() != "prefer"):
        return None
    table = _table()
    if table is None or nation is None:
        return None
    places, rows = table
    if not (_same(a, places) and _same(b, places)):
        return None
    return rows.get((a.id, b.id, str(nation).strip().upper()))


def hop_km(row: HopRow, ice_class: str | None, when: dt.datetime, speed_kn: float,
           escort: bool) -> float | None:
    """The hop's length (km) leaving at ``when`` as :func:`~planner.routing.schedule.
    route_leg` with ``hop=True`` gives it: the shortest way unless the ice rules close an NSR
    sea on it then, else the way round the NSR; None where that raises (no sea way, or only
    one through a closed NSR sea)."""
    if row.km is None:
        return None
    if not row.runs:
        return row.km
    ic = nsr.normalise_ice_class(ice_class)
    depart_min = int(to_timestamp(when).timestamp() // 60)
    depart = dt.datetime.fromtimestamp(depart_min * 60, dt.UTC)
    kmh = float(speed_kn) * KMH_PER_KN
    if not nsr.closures_of_runs(list(row.runs), ic, depart, kmh, escort):
        return row.km
    if row.alt_km is None or nsr.closures_of_runs(list(row.alt_runs), ic, depart, kmh, escort):
        return None
    return row.alt_km


def build(ports: list[Place], nations: Iterable[str]) -> dict:
    """The table document for ``ports`` (catalogue places) and ``nations`` (ISO3)."""
    rows = []
    for nation in nations:
        for a in ports:
            for b in ports:
                if a.id == b.id:
                    continue
                r = live_row(a, b, nation)
                rows.append([a.id, b.id, nation, r.km, [list(x) for x in r.runs],
                             [list(x) for x in r.sea_runs], r.alt_km,
                             [list(x) for x in r.alt_runs], [list(x) for x in r.alt_sea_runs]])
    return {"stamp": stamp(), "places": [[p.id, p.lat, p.lon, p.country] for p in ports],
            "rows": rows}
