"""The facility catalogue (ports and air bases) and place resolution.

A *place* in a plan or on the command line is a catalogue id (``visakhapatnam``), a plan
facility id, ``"lat,lon"`` text, or a ``(lat, lon)`` tuple.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from planner.core.caches import once
from planner.core.paths import geodata_path

REGIONS = ("indian_ocean", "arctic_nsr", "pacific", "other")


@dataclass(frozen=True)
class Place:
    """A resolved place: where it is and whose territory it is in (``country`` ISO3 or None
    for international waters)."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str | None = None


class UnknownPlace(ValueError):
    """A place id that is neither in the catalogue nor in the plan; ``suggestions`` holds the
    nearest known ids."""

    def __init__(self, place: str, suggestions: list[str]):
        self.place = place
        self.suggestions = suggestions
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown place {place!r}{hint}; `relos facilities` lists the ids")


@once("layers.catalogue._catalogue_frame")
def _catalogue_frame() -> pd.DataFrame:
    df = pd.read_csv(geodata_path("facilities.csv"), dtype={"locode_icao": str},
                     keep_default_na=False, na_values={"max_draught_m": [""], "runway_m": [""]})
    return df


def facilities(country: str | None = None, kind: str | None = None) -> gpd.GeoDataFrame:
    """The catalogue as a GeoDataFrame (EPSG:4326), one row per facility, indexed by ``id``.

    Columns: name, kind (port|airbase), waterway (``sea`` or ``river:<name>`` for ports),
    country (ISO3), region, lat, lon, source, locode_icao,
    max_draught_m, runway_m, fuel, ice_free_months (e.g. ``6-10``), attr_source.
    """
    df = _catalogue_frame()
    if country:
        df = df[df["country"] == country.upper()]
    if kind:
        df = df[df["kind"] == kind]
    gdf = gpd.GeoDataFrame(df.copy(), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                           crs="EPSG:4326")
    return gdf.set_index("id", drop=False).rename_axis(None)


@once("layers.catalogue._catalogue_places")
def _catalogue_places() -> dict[str, Place]:
    df = _catalogue_frame()
    return {
        r.id: Place(r.id, r.name, r.kind, float(r.lat), float(r.lon), r.country or None)
        for r in df.itertuples(index=False)
    }


def catalogue_ids() -> list[str]:
    """Every catalogue id, in catalogue order."""
    return list(_catalogue_places())


def suggest(name: str, known: list[str], n: int = 3) -> list[str]:
    """The nearest known ids to a misspelt one."""
    return difflib.get_close_matches(name, known, n=n, cutoff=0.5)


def parse_latlon(text: str) -> tuple[float, float] | None:
    """``"lat,lon"`` as floats, or None if the text is not of that form. Raises ValueError for
    a pair that is out of range."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    check_latlon(lat, lon)
    return lat, lon


def check_latlon(lat: float, lon: float) -> None:
    """Raise ValueError unless -90 <= lat <= 90 and -180 <= lon <= 180 (finite)."""
    if not (-90.0 <= lat <= 90.0):
        raise ValueError(f"latitude {lat} is outside -90..90")
    if not (-180.0 <= lon <= 180.0):
        raise ValueError(f"longitude {lon} is outside -180..180")


def resolve_place(place: str | tuple[float, float] | Place,
                  extra: Mapping[str, Place] | None = None) -> Place:
    """Resolve a place given as catalogue id, plan facility id (``extra``), ``"lat,lon"`` or
    ``(lat, lon)``.

    A coordinate place gets the country whose sovereign territory contains it (None at sea).
    Raises :class:`UnknownPlace` for an unknown id, ValueError for a bad coordinate.
    """
    if isinstance(place, Place):
        return place
    if isinstance(place, tuple | list):
        lat, lon = float(place[0]), float(place[1])
        check_latlon(lat, lon)
        return _coordinate_place(lat, lon)
    text = str(place).strip()
    if extra and text in extra:
        return extra[text]
    known = _catalogue_places()
    if text in known:
        return known[text]
    latlon = parse_latlon(text)
    if latlon is not None:
        return _coordinate_place(*latlon)
    ids = list(known) + list(extra or {})
    raise UnknownPlace(text, suggest(text, ids))


def _coordinate_place(lat: float, lon: float) -> Place:
    from planner.layers.territory import (
        country_at,  # deferred: the territory layer is only loaded if needed
    )

    return Place(f"{lat:.4f},{lon:.4f}", f"{lat:.4f},{lon:.4f}", "point", lat, lon,
                 country_at(lat, lon))
