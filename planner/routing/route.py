"""The route object returned by sea and air routing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields

import numpy as np
from shapely.geometry import LineString, MultiLineString, mapping

from planner.core.caches import frozen
from planner.core.units import KM_PER_NM, KMH_PER_KN
from planner.layers.geodesy import GEOD, split_antimeridian


@dataclass(frozen=True)
class Route:
    """One routed leg.

    ``lons``/``lats`` hold the path with longitudes unwrapped (continuous across 180 degrees),
    which is what interpolation and display want; ``geometry`` is the same path in
    [-180, 180], split at the antimeridian (GeoJSON-ready).
    """

    origin: str
    destination: str
    mode: str  # "sea" | "air"
    distance_km: float
    lons: np.ndarray
    lats: np.ndarray
    passages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    #: sea routes: (ISO3, km inside) for each third country in ``countries``
    territorial_km: tuple[tuple[str, float], ...] = ()
    #: sea routes: the waters mode routed in (``prefer``, ``avoid``, ``any``)
    waters: str | None = None
    #: sea routes: straits used for international navigation and canals passed, each named
    #: with its passage regime, in order
    straits: tuple[str, ...] = ()

    def __post_init__(self):
        # routes are cached and shared between legs and callers: their paths are read-only
        lons = np.array(self.lons, dtype=float)
        lats = np.array(self.lats, dtype=float)
        object.__setattr__(self, "lons", frozen(lons))
        object.__setattr__(self, "lats", frozen(lats))

    def __reduce__(self):
        # copied by its fields only and rebuilt by the constructor, so the paths stay
        # read-only and the cached geometry is not carried along
        return (type(self), tuple(getattr(self, f.name) for f in fields(self)))

    @property
    def distance_nm(self) -> float:
        """Route length in nautical miles."""
        return self.distance_km / KM_PER_NM

    @property
    def territorial_nm(self) -> dict[str, float]:
        """Nautical miles inside each third country's territorial sea (sea routes), in the
        order of ``countries``."""
        return {iso3: km / KM_PER_NM for iso3, km in self.territorial_km}

    @functools.cached_property
    def geometry(self) -> LineString | MultiLineString:
        """The path in lon/lat, split at the antimeridian."""
        return split_antimeridian(self.lons, self.lats)

    @property
    def line(self) -> LineString:
        """The continuous path (longitudes unwrapped), for interpolation and display."""
        if len(self.lons) == 1:
            return LineString([(self.lons[0], self.lats[0])] * 2)
        return LineString(np.column_stack([self.lons, self.lats]))

    def duration_h(self, speed_kn: float | None = None, *, speed_kt: float | None = None,
                   speed_kmh: float | None = None) -> float:
        """Time in hours at a constant speed (knots for ships, ``speed_kt`` or ``speed_kmh``
        for aircraft; a knot is a knot)."""
        if speed_kmh is None:
            kn = speed_kn if speed_kn is not None else speed_kt
            if kn is None:
                raise ValueError("duration_h needs speed_kn, speed_kt or speed_kmh")
            speed_kmh = kn * KMH_PER_KN
        if speed_kmh <= 0:
            raise ValueError("speed must be > 0")
        return self.distance_km / speed_kmh

    def cumulative_km(self) -> np.ndarray:
        """Distance from the origin to each vertex, in km (computed once per route; routes
        are cached and shared, so the array is read-only)."""
        return self._cumulative_km

    @functools.cached_property
    def _cumulative_km(self) -> np.ndarray:
        if len(self.lons) < 2:
            cum = np.zeros(len(self.lons))
        else:
            _, _, d = GEOD.inv(self.lons[:-1], self.lats[:-1], self.lons[1:], self.lats[1:])
            cum = np.concatenate([[0.0], np.cumsum(d) / 1000.0])
        cum.flags.writeable = False
        return cum

    def to_json(self) -> dict:
        """The ``relos route --format json`` document (CONTRACT §4)."""
        return {
            "from": self.origin,
            "to": self.destination,
            "mode": self.mode,
            "distance_nm": round(self.distance_nm, 1),
            "distance_km": round(self.distance_km, 1),
            "passages": list(self.passages),
            "countries": list(self.countries),
            "territorial_nm": {k: round(v, 1) for k, v in self.territorial_nm.items()},
            "waters": self.waters,
            "straits": list(self.straits),
            "geometry": mapping(self.geometry),
        }
