"""Passages closed to warships by a coastal state's declared policy, from
``geodata/passage_closures.csv`` (one row per passage, nations, direction and period, each with
its legal basis and source).

Shipped: the Turkish Straits since the war in Ukraine. Türkiye applies art. 19 of the
Montreux Convention (1936) from 28 Feb 2022: the belligerents' (Russia's, Ukraine's) warships
may not pass, except returning to their Black Sea bases; and it has said it will let no
warship into the Black Sea while the war continues (1 Mar 2022, 2 Jan 2024).

A row's ``behind`` names the water the passage is the only sea way into (``black-sea``: the
Black Sea and the Sea of Azov, reached from the oceans only through the Dardanelles, the Sea
of Marmara and the Bosporus), so the direction of a leg or a refuelling hop follows from its
two ends: entering when only its destination lies behind the passage, leaving when only its
origin does. A row in force from ``from`` (inclusive) to ``to`` (exclusive; blank: still in
force) applies to the ``nations`` listed (``*``: every nation not listed in another row for
the same passage and direction).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from planner.core.caches import cached, once
from planner.core.paths import geodata_path
from planner.core.units import in_force, utc_day

CLOSURES_FILE = "passage_closures.csv"

#: Boxes (lon0, lat0, lon1, lat1) covering the Black Sea and the Sea of Azov: east of the
#: Bosporus's northern mouth (41.23 N, 29.12 E) and of Burgas Bay (27.45 E), west of Batumi
#: (41.6 E), north to Taganrog Bay (47.3 N); the Marmara shore and the Bosporus itself (south
#: of 41.22 N west of 29.2 E) are outside. Drawn round the shipped territory layer's coasts
#: (Natural Earth); tested against the positions of the Black Sea and Marmara ports.
BLACK_SEA_BOXES = ((29.2, 40.9, 42.0, 47.4), (27.3, 41.22, 29.2, 47.4))

BEHIND = {"black-sea": BLACK_SEA_BOXES}


@dataclass(frozen=True)
class Closure:
    """One row of the closures file: ``passage`` (a key of
    :data:`planner.layers.straits.STRAITS`), ``behind`` (the water it leads into),
    ``nations`` (ISO3; empty for every other nation), ``direction`` (``enter`` or ``leave``
    the water behind), ``severity`` of a leg that does so, in force from ``start`` to ``end``
    (None: open), ``rule`` (a short key for the JSON), ``text`` and ``source``."""

    passage: str
    behind: str
    nations: tuple[str, ...]
    direction: str
    severity: str
    start: dt.datetime
    end: dt.datetime | None
    rule: str
    text: str
    source: str


@once("layers.passage_closures.closures")
def closures() -> tuple[Closure, ...]:
    """Every row of ``geodata/passage_closures.csv``."""
    with geodata_path(CLOSURES_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        nations = () if r["nations"].strip() == "*" else tuple(
            n.strip().upper() for n in r["nations"].split(";") if n.strip())
        out.append(Closure(r["passage"], r["behind"], nations, r["direction"], r["severity"],
                           utc_day(r["from"]), utc_day(r["to"]), r["rule"], r["text"], r["source"]))
    return tuple(out)


@cached("layers.passage_closures.behind", maxsize=65536)
def behind(water: str, lat: float, lon: float) -> bool:
    """Whether a point lies in the water ``water`` (a key of :data:`BEHIND`)."""
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in BEHIND[water])


def behind_many(water: str, lats, lons):
    """:func:`behind` of many points at once (a bool array)."""
    lats, lons = np.asarray(lats, float), np.asarray(lons, float)
    out = np.zeros(len(lats), bool)
    for x0, y0, x1, y1 in BEHIND[water]:
        out |= (lons >= x0) & (lons <= x1) & (lats >= y0) & (lats <= y1)
    return out


def shut_side(nation: str | None, lat: float, lon: float, when: dt.datetime | None
              ) -> dict[str, bool]:
    """For each water behind a passage: True when a warship of ``nation`` at (``lat``,
    ``lon``) may not cross to the other side at ``when`` (an ``error`` closure: entering it
    from outside, or leaving it from inside)."""
    out = {}
    here = _Point(lat, lon)
    for w in _waters():
        x0, y0, x1, y1 = BEHIND[w][0]
        inside = _Point((y0 + y1) / 2, (x0 + x1) / 2)
        other = _Point(0.0, 0.0) if behind(w, lat, lon) else inside
        c, _, _ = closure_for(nation, here, other, when)
        out[w] = c is not None and c.severity == "error"
    return out


@dataclass(frozen=True)
class _Point:
    lat: float
    lon: float


#: How each water behind a passage is named in a message.
WATER_NAMES = {"black-sea": "the Black Sea"}


def closure_note(closure: Closure, nation: str | None) -> str:
    """The line ``relos route`` prints and ``sea_route`` notes for a way a warship of
    ``nation`` may not (or only under the coastal state's judgement) make."""
    way = "entering" if closure.direction == "enter" else "leaving"
    return (f"{closure.severity}: a warship{' of ' + nation if nation else ''} may not make "
            f"this passage ({way} {WATER_NAMES[closure.behind]}): {closure.text}")


@once("layers.passage_closures._waters")
def _waters() -> tuple[str, ...]:
    """The waters behind the passages of the rows."""
    return tuple(dict.fromkeys(c.behind for c in closures()))


def direction(water: str, a, b) -> str | None:
    """``enter`` or ``leave`` for a way from place ``a`` to place ``b`` (anything with
    ``lat`` and ``lon``) across the passage into ``water``; None when it does not cross."""
    ia, ib = behind(water, a.lat, a.lon), behind(water, b.lat, b.lon)
    if ia == ib:
        return None
    return "enter" if ib else "leave"


def closure_for(nation: str | None, a, b, when: dt.datetime | None
                ) -> tuple[Closure | None, float, float]:
    """The closure a warship of ``nation`` sailing from ``a`` to ``b`` meets leaving at
    ``when`` (UTC; None: any time, the rows in force now and later count), with the window
    of departures (epoch seconds) in which that answer holds. A nation's own row wins over
    the ``*`` row of the same passage and direction."""
    ways = {w: direction(w, a, b) for w in _waters()}
    if not any(ways.values()):  # the way crosses no closable passage: the common case
        return None, -math.inf, math.inf
    lo, hi = -math.inf, math.inf
    t_s = when.timestamp() if when is not None else None
    found = None
    for c in closures():
        if ways[c.behind] != c.direction:
            continue
        if c.nations and nation not in c.nations:
            continue
        if not c.nations and any(o.nations and nation in o.nations and o.passage == c.passage
                                 and o.direction == c.direction for o in closures()):
            continue
        active, c_lo, c_hi = in_force(c.start, c.end, t_s)
        lo, hi = max(lo, c_lo), min(hi, c_hi)
        if active and (found is None or (found.severity != "error" and c.severity == "error")):
            found = c
    return found, lo, hi


__all__ = ["BLACK_SEA_BOXES", "WATER_NAMES", "Closure", "behind", "behind_many", "closure_for",
           "closure_note", "closures", "direction", "shut_side"]
