"""Routing by waters: what third-country territorial seas cost on the sea network
(CONTRACT section 1, ``waters: prefer | avoid | any``).

Every network edge carries the km it runs inside each country's sovereign area (land + 12 nm
territorial sea; :mod:`planner.layers.sea_network`), so a mode is only a vector of edge weights
and routing stays a plain Dijkstra:

* ``any``: the edge's length.
* ``prefer``: the length plus ``PREFER_FACTOR - 1`` times the km inside third-country seas:
  a nm inside costs ``PREFER_FACTOR`` nm of open sea. The rule: a detour of up to
  ``PREFER_FACTOR - 1`` times the third-country miles it saves is taken, a longer one is not.
  Keeping 12 nm off a coast costs a few percent at most (a few nm per cape), so it is always
  taken; a detour of half the voyage would pay off only if the shortcut ran through a third
  country's sea for more than a sixth of the voyage, which only narrow inter-island passages
  do. Measured in ``tests/test_waters.py`` and ``bench/bench_sea.py``; see the README.
* ``avoid``: edges inside third-country seas are closed.

Own and host waters are free: the nation's own, and those of the origin's and destination's
country. Straits used for international navigation where no high-seas or EEZ corridor exists,
and the canals (:data:`planner.layers.straits.FREE`), are free and open in every mode; in the
``corridor`` straits (UNCLOS art. 36: Korea-Tsushima, Tsugaru, Soya, Osumi, the Aegean, Taiwan,
Luzon) third-country seas cost as on any coast, over the breadth the coastal states actually
keep there (3 nm, 6 nm; the network's waters are built that way). A route is the best join
of a tree from the origin (its country free) and one from the destination (its country free),
so trees depend on (place, nation, mode) only and a plan over a few dozen places needs a few
dozen trees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.core.caches import cached, frozen, once
from planner.core.units import KM_PER_NM
from planner.layers.sea_network import network
from planner.layers.straits import FREE, STRAITS, strait_of

#: Cost of one nm inside a third country's territorial sea in ``prefer``, in nm of open sea.
PREFER_FACTOR = 4.0
#: A ``prefer`` route with more third-country nm than this outside straits says why.
STRAY_NM = 5.0


@dataclass(frozen=True)
class Mode:
    """A weighting of the network: ``waters`` and the countries whose seas are ``free``."""

    waters: str
    free: frozenset[str] = frozenset()


ANY = Mode("any")


def mode_for(waters: str, nation: str | None, country: str | None) -> Mode:
    """The mode of a tree grown from a place in ``country`` for a ship of ``nation``."""
    if waters == "any":
        return ANY
    return Mode(waters, frozenset(c for c in (nation, country) if c))


def _third_rows(free: frozenset[str]) -> np.ndarray:
    """Waters rows (edge, country) inside a third country's sea and outside every free strait
    (:data:`planner.layers.straits.FREE`; corridor straits are not free)."""
    net = network()
    codes = np.array([c in free for c in net.countries], bool)
    return ~codes[net.ts_country] & ~FREE[net.strait[net.ts_edge]]


@cached("routing.waters.edge_weights", maxsize=64)
def edge_weights(mode: Mode) -> np.ndarray:
    """Weight of every network edge in ``mode`` (km; inf where ``avoid`` closes the edge).
    Read-only."""
    net = network()
    if mode.waters == "any":
        return net.km
    rows = _third_rows(mode.free)
    inside = np.bincount(net.ts_edge[rows], weights=net.ts_km[rows], minlength=len(net.km))
    if mode.waters == "prefer":
        w = net.km + (PREFER_FACTOR - 1.0) * inside
    else:
        w = np.where(inside > 0.0, np.inf, net.km)
    w.flags.writeable = False
    return w


@dataclass(frozen=True)
class Waters:
    """Third-country seas along a path of edges: ``countries`` in order of entry,
    ``territorial_nm`` (nm inside each, straits included, canals not: a canal is passed under
    its own convention, so a canal's state is listed with the nm of its territorial sea
    outside the canal, possibly 0), ``outside_straits_nm`` (the part outside the free straits
    of :data:`planner.layers.straits.FREE`: corridor straits count as open coast),
    ``straits`` (keys of :data:`STRAITS` passed, canals included, in order) with
    ``strait_nm`` (third-country nm inside each; 0 for a canal)."""

    countries: tuple[str, ...]
    territorial_nm: dict[str, float]
    outside_straits_nm: dict[str, float]
    straits: tuple[str, ...]
    strait_nm: dict[str, float]


def path_waters(edges: list[int], free: frozenset[str]) -> Waters:
    """The third-country waters crossed along ``edges`` (network edge indices in path
    order); ``free`` are the own and host countries."""
    net = network()
    e = np.asarray(edges, np.int64)
    s = net.strait[e].astype(np.int64) if e.size else np.zeros(0, np.int64)
    passed = list(dict.fromkeys(s[s >= 0].tolist()))  # distinct, in order of passage
    straits = [STRAITS[i].key for i in passed]
    first_row, row_count = _rows_of_edges()
    lo, cnt = first_row[e], row_count[e]
    n = int(cnt.sum())
    if not n:
        return Waters((), {}, {}, tuple(straits), dict.fromkeys(straits, 0.0))
    start = np.cumsum(cnt) - cnt
    rows = np.repeat(lo - start, cnt) + np.arange(n)
    row_s = np.repeat(s, cnt)
    country = net.ts_country[rows]
    keep = ~_free_codes(free)[country]
    country, row_s = country[keep], row_s[keep]
    # a canal's state is crossed (its sovereign area), but not its territorial sea: the
    # canal is passed under its own convention, so its miles count for nothing
    nm = np.where(_CANAL[row_s], 0.0, net.ts_km[rows[keep]] / KM_PER_NM)
    codes, first, inv = np.unique(country, return_index=True, return_inverse=True)
    rank = np.argsort(first)
    total = np.bincount(inv, weights=nm, minlength=len(codes))
    out = np.bincount(inv, weights=np.where(FREE[row_s], 0.0, nm), minlength=len(codes))
    names = [net.countries[int(c)] for c in codes]
    inside = {names[i]: round(float(total[i]), 1) for i in rank}
    outside = {names[i]: round(float(out[i]), 1) for i in rank if out[i] > 0}
    per = np.bincount(row_s[row_s >= 0], weights=nm[row_s >= 0], minlength=len(STRAITS))
    strait_nm = {STRAITS[i].key: round(float(per[i]), 1) for i in passed}
    return Waters(tuple(inside), inside, outside, tuple(straits), strait_nm)


@once("routing.waters._rows_of_edges")
def _rows_of_edges() -> tuple[np.ndarray, np.ndarray]:
    """Per network edge: its first row in the waters table and how many rows it has."""
    net = network()
    edges = np.arange(len(net.km))
    lo = np.searchsorted(net.ts_edge, edges, side="left")
    return frozen(lo, np.searchsorted(net.ts_edge, edges, side="right") - lo)


#: canal regime per strait index, and False for -1 (outside every strait)
_CANAL = np.array([st.regime == "canal" for st in STRAITS] + [False])


@cached("routing.waters._free_codes", maxsize=256)
def _free_codes(free: frozenset[str]) -> np.ndarray:
    """Per country index of the network's waters rows: True for the ``free`` ones."""
    return np.array([c in free for c in network().countries], bool)


#: How each passage regime is named in ``Route.straits``.
REGIME_NAMES = {"transit": "transit passage", "montreux": "Montreux Convention",
                "corridor": "high-seas/EEZ corridor, UNCLOS art. 36",
                "archipelagic": "archipelagic sea lanes passage",
                "canal": "canal convention"}


def regime_text(strait) -> str:
    """The passage regime of a :class:`~planner.layers.straits.Strait` in words; a corridor
    with the breadth of the territorial seas kept there (``high-seas/EEZ corridor, UNCLOS
    art. 36; territorial seas KOR 3 nm, JPN 3 nm``)."""
    text = REGIME_NAMES[strait.regime]
    if strait.regime == "corridor":
        seas = ", ".join(f"{c} {strait.breadth_nm(c):g} nm" for c in strait.states)
        text += f"; territorial seas {seas}"
    return text


def strait_names(w: Waters) -> tuple[str, ...]:
    """The straits and canals passed, each named with its passage regime."""
    return _names(w.straits)


@cached("routing.waters._names", maxsize=4096)
def _names(keys: tuple[str, ...]) -> tuple[str, ...]:
    by_key = {s.key: s for s in STRAITS}
    return tuple(f"{by_key[k].name} ({regime_text(by_key[k])})" for k in keys)


def in_canal(route, entry_km: np.ndarray, exit_km: np.ndarray) -> np.ndarray:
    """Whether each stretch of ``route`` (from ``entry_km`` to ``exit_km`` along it) lies in a
    canal of :data:`STRAITS` (by its midpoint): a canal is not territorial sea."""
    mid = (np.asarray(entry_km, float) + np.asarray(exit_km, float)) / 2
    if not mid.size:
        return np.zeros(0, bool)
    cum = route.cumulative_km()
    lon = (np.interp(mid, cum, route.lons) + 180.0) % 360.0 - 180.0
    lat = np.interp(mid, cum, route.lats)
    idx = strait_of(lon, lat)
    canal = np.array([s.regime == "canal" for s in STRAITS] + [False])
    return canal[idx]
