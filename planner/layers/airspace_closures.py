"""National airspace closed to another nation's aircraft by NOTAM, from
``geodata/airspace_closures.csv`` (one row per closing country and nations, with its period,
text and source).

Shipped: Pakistan's airspace closed to Indian aircraft, military flights included, since 24
Apr 2025, and India's to Pakistani aircraft since 30 Apr 2025, both extended month by month
(the last extension found runs to 24 Oct 2025; the rows stay open-ended: a planner checks the
NOTAM in force, and gives a row a ``to`` date when a closure is lifted). An aircraft of a
listed nation is routed round a closed country (:func:`planner.routing.schedule.route_leg`)
and told so (``OVERFLIGHT`` warning, :mod:`planner.checks.closures`).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.core.units import in_force, utc_day

CLOSURES_FILE = "airspace_closures.csv"


@dataclass(frozen=True)
class AirClosure:
    """``country`` (ISO3) closes its airspace to aircraft of ``nations`` from ``start`` to
    ``end`` (None: open); ``rule`` is a short key for the JSON."""

    country: str
    nations: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime | None
    rule: str
    text: str
    source: str


@once("layers.airspace_closures.closures")
def air_closures() -> tuple[AirClosure, ...]:
    """Every row of ``geodata/airspace_closures.csv``."""
    with geodata_path(CLOSURES_FILE).open(encoding="utf-8", newline="") as fh:
        return tuple(AirClosure(
            r["country"].strip().upper(),
            tuple(n.strip().upper() for n in r["nations"].split(";") if n.strip()),
            utc_day(r["from"]), utc_day(r["to"]), r["rule"], r["text"], r["source"])
            for r in csv.DictReader(fh))


def closed_to(nation: str | None, when: dt.datetime | None
              ) -> tuple[tuple[AirClosure, ...], float, float]:
    """The closures in force for an aircraft of ``nation`` leaving at ``when`` (UTC; None:
    those still in force), with the window of departures (epoch seconds) in which the same
    set holds."""
    if not nation:
        return (), -math.inf, math.inf
    lo, hi = -math.inf, math.inf
    t_s = when.timestamp() if when is not None else None
    out = []
    for c in air_closures():
        if nation not in c.nations:
            continue
        active, c_lo, c_hi = in_force(c.start, c.end, t_s)
        lo, hi = max(lo, c_lo), min(hi, c_hi)
        if active:
            out.append(c)
    return tuple(out), lo, hi


def closed_countries(nation: str | None, when: dt.datetime | None) -> tuple[str, ...]:
    """ISO3 of the countries closed to ``nation``'s aircraft at ``when`` (sorted)."""
    return tuple(sorted({c.country for c in closed_to(nation, when)[0]}))


__all__ = ["AirClosure", "air_closures", "closed_countries", "closed_to"]
