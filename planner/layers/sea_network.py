"""The shipped maritime network (``geodata/sea_network.npz``, built from Eurostat MARNET by
``geodata/build_sea_network.py``): nodes, edges with their length in km, the passages (straits,
canals, the NSR) each edge belongs to, the NSR sea of each edge, and the waters each edge runs
in: one row per (edge, country) with the km of that edge inside the country's sovereign area
(land + 12 nm territorial sea, ``geodata/territory.parquet``), and the strait or canal of
:data:`planner.layers.straits.STRAITS` each edge lies in.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.layers.straits import strait_of

#: Passages named in ``avoid`` and reported in ``Route.passages``.
PASSAGES = (
    "suez", "bab-el-mandeb", "hormuz", "malacca", "sunda", "gibraltar", "cape-of-good-hope",
    "bering", "nsr", "kara-gate", "vilkitsky", "sannikov", "dmitry-laptev", "panama",
    "bosporus", "dardanelles", "magellan", "northwest",
)
#: Always avoided: the planner has no ice rules for the Canadian Arctic (as searoute's default).
ALWAYS_AVOID = ("northwest",)
#: The NSR and its straits: closed together when the ice rules close the NSR.
NSR_PASSAGES = ("nsr", "kara-gate", "vilkitsky", "sannikov", "dmitry-laptev")

PRETTY = {"suez": "Suez", "cape-of-good-hope": "the Cape of Good Hope", "bering": "Bering",
          "malacca": "Malacca", "sunda": "Sunda", "panama": "Panama", "nsr": "the NSR"}


@dataclass(frozen=True)
class SeaNetwork:
    """The maritime network as arrays (nodes lon/lat degrees, edges with km and passage bits)."""

    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray
    v: np.ndarray
    km: np.ndarray
    mask: np.ndarray
    sea: np.ndarray
    passages: tuple[str, ...]
    seas: tuple[str, ...]
    ts_edge: np.ndarray  # int64 edge index of each waters row (rows ordered by edge)
    ts_country: np.ndarray  # int index into ``countries``
    ts_km: np.ndarray  # km of that edge inside that country's sovereign area
    countries: tuple[str, ...]  # ISO3

    # built on first use (issue 16: a run whose routes all come from the store of
    # planner.core.disk_cache needs none of them; the edge dict alone takes a second)
    @functools.cached_property
    def kdtree(self) -> cKDTree:
        """Nodes on the unit sphere, for nearest-node queries."""
        return cKDTree(unit_xyz(self.lat, self.lon))

    @functools.cached_property
    def edge_of(self) -> dict[tuple[int, int], int]:
        """Edge index of each (node, node) pair, both directions."""
        u, v = self.u.tolist(), self.v.tolist()
        return {**{(a, b): i for i, (a, b) in enumerate(zip(u, v, strict=True))},
                **{(b, a): i for i, (a, b) in enumerate(zip(u, v, strict=True))}}

    @functools.cached_property
    def strait(self) -> np.ndarray:
        """int16 per edge: index into STRAITS of the strait holding its midpoint, -1 outside
        every strait."""
        out = strait_of(*_midpoints(self.lon, self.lat, self.u, self.v))
        out.flags.writeable = False
        return out

    def bit(self, name: str) -> int:
        """The mask bit of a passage name."""
        return 1 << self.passages.index(name)


_LOCK = threading.Lock()


def unit_xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@once("layers.sea_network._load")
def _load() -> SeaNetwork:
    with np.load(geodata_path("sea_network.npz")) as z:
        lon, lat = z["lon"], z["lat"]
        u, v = z["u"].astype(np.int64), z["v"].astype(np.int64)
        net = SeaNetwork(
            lon=lon, lat=lat, u=u, v=v, km=z["km"], mask=z["mask"], sea=z["sea"],
            passages=tuple(str(p) for p in z["passages"]), seas=tuple(str(s) for s in z["seas"]),
            ts_edge=z["ts_edge"].astype(np.int64), ts_country=z["ts_country"].astype(np.int64),
            ts_km=z["ts_km"].astype(float), countries=tuple(str(c) for c in z["countries"]),
        )
    for a in (net.lon, net.lat, net.u, net.v, net.km, net.mask, net.sea, net.ts_edge,
              net.ts_country, net.ts_km):
        a.flags.writeable = False
    return net


def _midpoints(lon: np.ndarray, lat: np.ndarray, u: np.ndarray, v: np.ndarray):
    """Lon/lat midpoint of each edge's straight segment (longitudes in [-180, 180))."""
    a, b = lon[u], lon[v]
    b = np.where(b - a > 180, b - 360, np.where(b - a < -180, b + 360, b))
    return ((a + b) / 2 + 180.0) % 360.0 - 180.0, (lat[u] + lat[v]) / 2


def network() -> SeaNetwork:
    """The shipped network, loaded once (thread-safe)."""
    with _LOCK:
        return _load()


def avoid_mask(avoid: Iterable[str] = ()) -> int:
    """Bit mask of the passages to avoid (plus :data:`ALWAYS_AVOID`). Raises ValueError for an
    unknown name."""
    net = network()
    m = 0
    for name in (*ALWAYS_AVOID, *avoid):
        key = str(name).strip().lower()
        if key not in net.passages:
            raise ValueError(f"unknown passage {name!r}; known: {', '.join(PASSAGES)}")
        m |= net.bit(key)
    return m


