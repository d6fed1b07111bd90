"""Build ``geodata/hop_table.json``: the sea hops between every ordered pair of catalogue
ports for the ships of each RELOS party, routed once (issue 16).

Run by developers after any change to the sea network, the catalogue or the router (the
table carries a stamp of those; a stale table is ignored at run time and
``tests/test_hop_table.py`` fails until it is rebuilt)::

    python geodata/build_hop_table.py

Each row is what :func:`planner.routing.hop_table.live_row` gives: the shortest way's length
and NSR runs with the default options (no passage avoided, ``waters: prefer``), and the same
with the five NSR passages closed. Source: the shipped sea network and catalogue (see
``geodata/SOURCES.md``); nothing new.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.layers.catalogue import facilities, resolve_place  # noqa: E402
from planner.model.agreement import RELOS  # noqa: E402
from planner.routing.hop_table import TABLE_FILE, build  # noqa: E402


def main() -> None:
    t0 = time.perf_counter()
    ports = [resolve_place(fid) for fid in facilities(kind="port")["id"]]
    doc = build(ports, RELOS.parties)
    out = Path(__file__).resolve().parent / TABLE_FILE
    out.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{len(doc['rows'])} hops between {len(ports)} ports for {', '.join(RELOS.parties)} "
          f"in {time.perf_counter() - t0:.0f} s -> {out} ({out.stat().st_size / 1e3:,.0f} kB)")


if __name__ == "__main__":
    main()
