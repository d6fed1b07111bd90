"""The facility catalogue (ports and air bases) and place resolution.

A *place* in a plan or on the command line is a catalogue id (``visakhapatnam``), a plan
facility id, ``"lat,lon"`` text, a ``(lat, lon)`` tuple, or a name of a catalogue place
matched without regard to case, spaces or hyphens: its id, its name (``Visakhapatnam``), an
alias from the catalogue's ``aliases`` column (former and common names such as ``Vizag``,
``Bombay``, ``Madras``; UN/LOCODEs such as ``INBOM``; ICAO codes such as ``VOGO``) or its
``locode_icao`` code. A name that fits several places is refused, naming them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from planner.core.caches import once
from planner.core.paths import geodata_path

REGIONS = ("indian_ocean", "arctic_nsr", "pacific", "other")
#: The kinds of catalogue place (plan facilities may also be ``sea_area``).
CATALOGUE_KINDS = ("port", "airbase")
#: Catalogue columns holding facility attributes (blank where no source gives a figure).
ATTRIBUTES = ("max_draught_m", "runway_m", "fuel")


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
    nearest known ids (aliases considered)."""

    def __init__(self, place: str, suggestions: list[str], hints: Mapping[str, str] | None = None):
        self.place = place
        self.suggestions = suggestions
        shown = [f"{s} ({hints[s]})" if hints and s in hints else s for s in suggestions]
        hint = f" (did you mean {', '.join(shown)}?)" if suggestions else ""
        super().__init__(f"unknown place {place!r}{hint}; `relos facilities` lists the ids "
                         "and their aliases")


class AmbiguousPlace(UnknownPlace):
    """A name that fits several places; ``candidates`` holds their ids."""

    def __init__(self, place: str, candidates: list[str], names: Mapping[str, str]):
        ValueError.__init__(
            self, f"place {place!r} is ambiguous: it may be "
            + ", ".join(f"{c} ({names.get(c, c)})" for c in candidates)
            + "; give the id")
        self.place = place
        self.suggestions = list(candidates)
        self.candidates = list(candidates)


class CatalogueQueryError(ValueError):
    """A ``facilities()`` filter that names no country or kind there is."""


@once("layers.catalogue._catalogue_frame")
def _catalogue_frame() -> pd.DataFrame:
    df = pd.read_csv(geodata_path("facilities.csv"), dtype={"locode_icao": str},
                     keep_default_na=False, na_values={"max_draught_m": [""], "runway_m": [""]})
    if "aliases" not in df.columns:
        df["aliases"] = ""
    return df


def name_key(text: str) -> str:
    """The form names are matched in: accents dropped, case folded, runs of spaces, hyphens
    and underscores made one hyphen (``"Port  Blair"`` and ``port_blair`` -> ``port-blair``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-]+", "-", ascii_text.strip().casefold())


def aliases_of(row_aliases: str) -> list[str]:
    """The aliases of one catalogue row (its ``aliases`` cell, ``;``-separated)."""
    return [a.strip() for a in str(row_aliases).split(";") if a.strip()]


@once("layers.catalogue._name_index")
def _name_index() -> dict[str, tuple[str, ...]]:
    """Matching key (:func:`name_key`) -> the catalogue ids it names, from each row's id,
    name (whole, and before a parenthesis), ``locode_icao`` and aliases."""
    index: dict[str, list[str]] = {}
    for r in _catalogue_frame().itertuples(index=False):
        names = [r.id, r.name, r.name.split(" (")[0], r.locode_icao, *aliases_of(r.aliases)]
        for key in {name_key(n) for n in names if n}:
            index.setdefault(key, []).append(r.id)
    return {k: tuple(v) for k, v in index.items()}


@once("layers.catalogue._suggestion_keys")
def _suggestion_keys() -> dict[str, tuple[str, str]]:
    """Matching key -> (catalogue id, the name as written) for "did you mean"."""
    out: dict[str, tuple[str, str]] = {}
    for r in _catalogue_frame().itertuples(index=False):
        for n in (r.id, r.name.split(" (")[0], *aliases_of(r.aliases)):
            out.setdefault(name_key(n), (r.id, n))
    return out


def _check_country(country: str) -> str:
    import pycountry

    code = country.strip().upper()
    if pycountry.countries.get(alpha_3=code) is not None or code in set(
            _catalogue_frame()["country"]):
        return code
    hint = ""
    try:
        match = pycountry.countries.lookup(country.strip())
        hint = f" (did you mean {match.alpha_3}, {match.name}?)"
    except LookupError:
        pass
    raise CatalogueQueryError(f"no such country {country!r}: give an ISO 3166-1 alpha-3 code"
                              f"{hint}")


def facilities(country: str | None = None, kind: str | None = None) -> gpd.GeoDataFrame:
    """The catalogue as a GeoDataFrame (EPSG:4326), one row per facility, indexed by ``id``.

    Columns: name, kind (port|airbase), waterway (``sea`` or ``river:<name>`` for ports),
    country (ISO3), region, lat, lon (degrees), source, locode_icao (UN/LOCODE or ICAO),
    max_draught_m (port: maximum vessel draught, m), runway_m (air base: longest runway, m),
    fuel (``;``-separated: fuel oil, diesel), ice_free_months (e.g. ``6-10``), attr_source
    (where each attribute comes from), aliases (``;``-separated other names and codes).

    Parameters
    ----------
    country : str, optional
        ISO 3166-1 alpha-3 code (any case). A code that is no country raises
        :class:`CatalogueQueryError`; a country with no catalogue places gives no rows.
    kind : str, optional
        ``port`` or ``airbase``; anything else raises :class:`CatalogueQueryError`.
    """
    df = _catalogue_frame()
    if country:
        df = df[df["country"] == _check_country(country)]
    if kind:
        if kind not in CATALOGUE_KINDS:
            hint = suggest(kind, list(CATALOGUE_KINDS), n=1)
            raise CatalogueQueryError(
                f"no such kind {kind!r}" + (f" (did you mean {hint[0]}?)" if hint else "")
                + f"; the catalogue has {', '.join(CATALOGUE_KINDS)}")
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


@once("layers.catalogue._attributes")
def _attributes() -> dict[str, dict]:
    df = _catalogue_frame()
    return {r["id"]: r for r in df[["id", *ATTRIBUTES, "attr_source"]].to_dict("records")}


def facility_attribute(place_id: str, attribute: str) -> tuple[float | str | None, str]:
    """A catalogue place's attribute (``max_draught_m``, ``runway_m`` or ``fuel``) and the
    source of that figure (the matching part of its ``attr_source``); ``(None, "")`` for a
    place outside the catalogue or a blank cell."""
    row = _attributes().get(place_id)
    if row is None:
        return None, ""
    value = row[attribute]
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None, ""
    parts = [p.strip() for p in str(row["attr_source"]).split("; ") if p.strip()]
    mine = [p.split(":", 1)[1].strip() for p in parts if p.startswith(f"{attribute}:")]
    return value, (mine[0] if mine else (parts[0] if parts else "geodata/facilities.csv"))


def catalogue_ids() -> list[str]:
    """Every catalogue id, in catalogue order."""
    return list(_catalogue_places())


def suggest(name: str, known: list[str], n: int = 3) -> list[str]:
    """The nearest known ids to a misspelt one."""
    return difflib.get_close_matches(name, known, n=n, cutoff=0.5)


def _suggest_place(text: str, extra: Mapping[str, Place] | None) -> tuple[list[str], dict]:
    """Up to 3 ids near ``text``, aliases considered; and, for an id found through an alias,
    that alias (shown beside it)."""
    keys = dict(_suggestion_keys())
    for fid in extra or {}:
        keys.setdefault(name_key(fid), (fid, fid))
    out: list[str] = []
    hints: dict[str, str] = {}
    for k in difflib.get_close_matches(name_key(text), list(keys), n=8, cutoff=0.6):
        pid, written = keys[k]
        if pid not in out:
            out.append(pid)
            if name_key(written) != name_key(pid):
                hints[pid] = written
    return out[:3], hints


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
    """Resolve a place given as catalogue id, plan facility id (``extra``), ``"lat,lon"``,
    ``(lat, lon)``, or a name or code of a catalogue place (module docstring).

    Exact ids win (plan facility first, then catalogue); then ``"lat,lon"``; then names
    matched without regard to case, spaces and hyphens, among the plan's facility ids and the
    catalogue's ids, names, codes and aliases. A coordinate place gets the country whose
    sovereign territory contains it (None at sea). Raises :class:`AmbiguousPlace` for a name
    of several places, :class:`UnknownPlace` for an unknown one (with suggestions that
    consider aliases), ValueError for a bad coordinate.
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
    key = name_key(text)
    found = [fid for fid in (extra or {}) if name_key(fid) == key]
    found += [pid for pid in _name_index().get(key, ()) if pid not in found]
    if len(found) == 1:
        return extra[found[0]] if extra and found[0] in extra else known[found[0]]
    if found:
        names = {p: (extra[p].name if extra and p in extra else known[p].name) for p in found}
        raise AmbiguousPlace(text, found, names)
    raise UnknownPlace(text, *_suggest_place(text, extra))


def call_id(text: str, place: Place) -> str:
    """The id a plan keeps for a call or stay written ``text`` that resolved to ``place``:
    the catalogue or plan id for a named place (so ``Vizag`` is kept as ``visakhapatnam``),
    the text as written for a coordinate."""
    return text if place.kind == "point" else place.id


def _coordinate_place(lat: float, lon: float) -> Place:
    from planner.layers.territory import (
        country_at,  # deferred: the territory layer is only loaded if needed
    )

    return Place(f"{lat:.4f},{lon:.4f}", f"{lat:.4f},{lon:.4f}", "point", lat, lon,
                 country_at(lat, lon))
