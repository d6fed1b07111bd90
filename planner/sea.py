"""Sea routing over the shipped maritime network (``geodata/sea_network.npz``, built from
Eurostat MARNET by ``geodata/build_sea_network.py``).

Shortest paths are scipy Dijkstra trees over the network, cached per (source node, avoided
passages), so a plan re-using a few dozen facilities routes thousands of legs from a handful
of trees. Catalogue ports and coastal facilities have their own node in the network, with
water-only approach edges (built by ``geodata/build_sea_network.py``); any other place is
joined by geodesic "snap" edges to its nearest nodes.
"""

from __future__ import annotations

import calendar
import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from .catalogue import Place, resolve_place
from .geo import geodesic_km, geodesic_km_many, unwrap_lons
from .paths import geodata_path
from .route import Route

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

SNAP_CANDIDATES = 10  # nearest network nodes considered for a port
SNAP_SLACK_KM = 30.0  # a candidate may be this much (plus 50 %) farther than the nearest
SNAP_EXACT_KM = 0.05  # a node this close is the place's own node (built for catalogue places)
SNAP_LAND_PENALTY_KM = 500.0  # per degree of land under a snap edge (steers snaps off land)
PRETTY = {"suez": "Suez", "cape-of-good-hope": "the Cape of Good Hope", "bering": "Bering",
          "malacca": "Malacca", "sunda": "Sunda", "panama": "Panama", "nsr": "the NSR"}


class NoSeaRoute(ValueError):
    """No sea route exists with the passages avoided."""


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
    kdtree: cKDTree
    edge_of: dict

    def bit(self, name: str) -> int:
        """The mask bit of a passage name."""
        return 1 << self.passages.index(name)


_LOCK = threading.Lock()


def _xyz(lat, lon) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@functools.lru_cache(maxsize=1)
def _load() -> SeaNetwork:
    with np.load(geodata_path("sea_network.npz")) as z:
        lon, lat = z["lon"], z["lat"]
        u, v = z["u"].astype(np.int64), z["v"].astype(np.int64)
        net = SeaNetwork(
            lon=lon, lat=lat, u=u, v=v, km=z["km"], mask=z["mask"], sea=z["sea"],
            passages=tuple(str(p) for p in z["passages"]), seas=tuple(str(s) for s in z["seas"]),
            kdtree=cKDTree(_xyz(lat, lon)),
            edge_of={**{(int(a), int(b)): i for i, (a, b) in enumerate(zip(u, v, strict=True))},
                     **{(int(b), int(a)): i for i, (a, b) in enumerate(zip(u, v, strict=True))}},
        )
    return net


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


@functools.lru_cache(maxsize=16)
def _graph(mask: int) -> csr_matrix:
    net = network()
    ok = (net.mask & mask) == 0
    u, v, w = net.u[ok], net.v[ok], net.km[ok]
    n = len(net.lon)
    return csr_matrix((np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))),
                      shape=(n, n))




@functools.lru_cache(maxsize=512)
def _tree(node: int, mask: int) -> tuple[np.ndarray, np.ndarray]:
    dist, pred = dijkstra(_graph(mask), directed=True, indices=node, return_predecessors=True)
    return dist, pred


@functools.lru_cache(maxsize=1)
def _land_tree():
    """STRtree over the territory layer's land polygons, or None without that layer."""
    try:
        from .territory import load_territory

        land = np.asarray(load_territory()["land"].values)
    except (ImportError, OSError, KeyError):
        return None
    land = land[~shapely.is_empty(land)]
    shapely.prepare(land)
    return shapely.STRtree(land), land


def _land_deg(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Length (degrees) of land under each straight snap segment (wrapped near +-180)."""
    idx = _land_tree()
    out = np.zeros(len(lats))
    if idx is None:
        return out
    tree, land = idx
    for i, (y, x) in enumerate(zip(lats, lons, strict=True)):
        x = x - 360 if x - lon > 180 else x + 360 if x - lon < -180 else x
        seg = shapely.LineString([(lon, lat), (x, y)])
        shifts = [0.0] + ([-360.0] if max(x, lon) > 180 else []) + (
            [360.0] if min(x, lon) < -180 else [])
        for dx in shifts:
            moved = shapely.affinity.translate(seg, dx) if dx else seg
            hits = tree.query(moved, predicate="intersects")
            out[i] += sum(land[h].intersection(moved).length for h in hits)
    return out


@functools.lru_cache(maxsize=4096)
def _snap(lat: float, lon: float) -> tuple[tuple[int, float], ...]:
    """Network nodes a point is joined to, with the geodesic snap distance in km: the nearest
    nodes whose straight snap edge crosses the least land (territory layer)."""
    net = network()
    _, idx = net.kdtree.query(_xyz([lat], [lon])[0], k=SNAP_CANDIDATES)
    idx = np.atleast_1d(idx)
    km = geodesic_km_many(np.full(idx.size, lat), np.full(idx.size, lon),
                          net.lat[idx], net.lon[idx])
    if km.min() <= SNAP_EXACT_KM:  # a catalogue facility: the network has its own approach
        i = int(np.argmin(km))
        return ((int(idx[i]), float(km[i])),)
    score = km + SNAP_LAND_PENALTY_KM * _land_deg(lat, lon, net.lat[idx], net.lon[idx])
    best = float(score.min())
    return tuple((int(i), float(k)) for i, k, c in zip(idx, km, score, strict=True)
                 if c <= 1.5 * best + SNAP_SLACK_KM)


def _path(pred: np.ndarray, target: int) -> list[int]:
    out = [target]
    while pred[out[-1]] >= 0:
        out.append(int(pred[out[-1]]))
    return out[::-1]


def _route(o: Place, d: Place, mask: int) -> Route:
    net = network()
    so, sd = _snap(o.lat, o.lon), _snap(d.lat, d.lon)
    direct = geodesic_km(o.lat, o.lon, d.lat, d.lon)
    best = (np.inf, None, None)
    for n_o, k_o in so:
        dist, _ = _tree(n_o, mask)
        for n_d, k_d in sd:
            c = k_o + dist[n_d] + k_d
            if c < best[0]:
                best = (c, n_o, n_d)
    if direct <= min(k for _, k in so) + min(k for _, k in sd):  # same harbour
        return _make(o, d, [o.lon, d.lon], [o.lat, d.lat], direct, [])
    if not np.isfinite(best[0]):
        raise NoSeaRoute(f"no sea route from {o.id} to {d.id} with those passages avoided")
    _, n_o, n_d = best
    _, pred = _tree(n_o, mask)
    nodes = _path(pred, n_d)
    lons = [o.lon, *net.lon[nodes], d.lon]
    lats = [o.lat, *net.lat[nodes], d.lat]
    edges = [net.edge_of[(a, b)] for a, b in zip(nodes[:-1], nodes[1:], strict=True)]
    return _make(o, d, lons, lats, float(best[0]), edges)


def _make(o: Place, d: Place, lons, lats, km: float, edges: list[int]) -> Route:
    net = network()
    seen: list[str] = []
    if edges:
        masks = net.mask[np.asarray(edges)]
        first = []
        for i, name in enumerate(net.passages):
            hit = np.flatnonzero((masks >> i) & 1)
            if hit.size:
                first.append((int(hit[0]), i, name))
        seen = [name for _, _, name in sorted(first)]
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    keep = np.ones(len(lons), bool)
    keep[1:] = (np.diff(lons) != 0) | (np.diff(lats) != 0)
    if keep.sum() < 2:
        keep[:] = True
    return Route(o.id, d.id, "sea", km, unwrap_lons(lons[keep]), lats[keep], tuple(seen))


def month_of(when) -> int | None:
    """Month 1-12 of a date given as ISO text, date, datetime or Timestamp (None -> None)."""
    if when is None:
        return None
    if isinstance(when, datetime | Date):
        return when.month
    if isinstance(when, int):
        return when
    return datetime.fromisoformat(str(when).strip().replace("Z", "+00:00")).month


def _via(route: Route) -> str:
    major = [PRETTY[p] for p in route.passages if p in PRETTY]
    return "via " + ", ".join(major) if major else "by open water"


@functools.lru_cache(maxsize=65536)
def _sea_route_cached(o: Place, d: Place, avoid: tuple[str, ...], ice_class: str | None,
                      month: int | None) -> Route:
    from . import nsr  # the ice rules

    mask = avoid_mask(avoid)
    route = _route(o, d, mask)
    if ice_class is None or month is None or "nsr" not in route.passages:
        return route
    bad = nsr.nsr_violations(route, ice_class, month)
    if not bad:
        return route
    seas = ", ".join(nsr.sea_name(s) for s, _ in bad)
    why = f"NSR closed to ice class {ice_class} in {calendar.month_name[month]} ({seas})"
    nsr_mask = mask
    for p in NSR_PASSAGES:
        nsr_mask |= network().bit(p)
    try:
        alt = _route(o, d, nsr_mask)
    except NoSeaRoute:
        return _with_notes(route, f"{why}; no route avoids it")
    return _with_notes(alt, f"{why}; routed {_via(alt)}")


def _with_notes(route: Route, note: str) -> Route:
    return Route(route.origin, route.destination, route.mode, route.distance_km, route.lons,
                 route.lats, route.passages, route.countries, (*route.notes, note))


@functools.lru_cache(maxsize=4096)
def _resolve_cached(place) -> Place:
    return resolve_place(place)


def _resolve(place) -> Place:
    """resolve_place, cached for hashable catalogue ids and coordinates."""
    if isinstance(place, Place):
        return place
    if isinstance(place, list):
        place = tuple(place)
    try:
        return _resolve_cached(place)
    except TypeError:
        return resolve_place(place)


def sea_route(origin, destination, *, avoid: Iterable[str] = (), ice_class: str | None = None,
              date=None) -> Route:
    """Shortest sea route between two places (catalogue id, ``"lat,lon"``, ``(lat, lon)`` or a
    :class:`~planner.catalogue.Place`).

    ``avoid`` names passages from :data:`PASSAGES`. With ``ice_class`` (``none``, ``Arc4`` ...
    ``Arc9``) and ``date``, a Northern Sea Route closed to that class in that month is avoided
    and ``route.notes`` says why. Results are cached on (origin, destination, avoid, ice_class,
    month). Raises :class:`NoSeaRoute` if the avoided passages leave no route.
    """
    o, d = _resolve(origin), _resolve(destination)
    key = tuple(sorted({str(a).strip().lower() for a in avoid}))
    ic = None if ice_class is None else str(ice_class)
    return _sea_route_cached(o, d, key, ic, month_of(date))


def sea_distance_km(origin, destination, *, avoid: Iterable[str] = ()) -> float:
    """Sea route length in km (cached)."""
    return sea_route(origin, destination, avoid=avoid).distance_km


def clear_caches() -> None:
    """Forget cached routes and shortest-path trees."""
    _sea_route_cached.cache_clear()
    _tree.cache_clear()
