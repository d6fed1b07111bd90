"""The plan's objects: calls, assets, detachments, and the limits a plan's values must keep
(CONTRACT section 1). Speeds and ranges are held in km/h and km."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planner.core.units import KM_PER_NM, KMH_PER_KN
from planner.layers.catalogue import Place
from planner.layers.nsr import ICE_CLASSES
from planner.layers.sea_network import PASSAGES

#: Times a plan may give: [EARLIEST_TIME, LATEST_TIME). Computed times that would run past
#: LATEST_TIME (a very slow asset on many long legs) are refused by the schedule.
EARLIEST_TIME = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_TIME = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
#: Slowest planning speed accepted (km/h): 1 kn. Slower ones give legs lasting centuries.
MIN_SPEED_KMH = KMH_PER_KN

ASSET_KINDS = ("warship", "aircraft")
FACILITY_KINDS = ("port", "airbase", "sea_area")

TOP_KEYS = ("name", "agreement", "horizon_end", "friendly", "facilities", "assets",
            "detachments")
AGREEMENT_KEYS = ("in_force", "extended")
FACILITY_KEYS = ("id", "name", "kind", "lat", "lon", "country")
ASSET_KEYS = ("id", "name", "nation", "kind", "crew", "speed_kn", "speed_kt", "speed_kmh",
              "range_nm", "range_km", "ice_class", "draught_m", "runway_m", "itinerary")
CALL_KEYS = ("at", "arrive", "depart", "purpose", "avoid", "deny", "waters", "escort", "fixed",
             "refuel_by")
#: How a warship leg treats third countries' territorial seas (CONTRACT section 1).
WATERS = ("prefer", "avoid", "any")
#: Escorts a call may name for the NSR stretches of the leg into it.
ESCORTS = ("icebreaker",)
DETACHMENT_KEYS = ("id", "name", "nation", "strength", "at", "from", "to", "purpose")

__all__ = ["ASSET_KINDS", "FACILITY_KINDS", "ICE_CLASSES", "PASSAGES", "Asset", "Call",
           "Detachment"]


@dataclass
class Call:
    """One call of an itinerary. ``arrive``/``depart`` are as given (None when absent);
    the schedule fills the missing ones."""

    at: str
    place: Place
    arrive: dt.datetime | None = None
    depart: dt.datetime | None = None
    purpose: str | None = None
    avoid: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    #: warship legs: ``prefer``/``avoid``/``any`` third-country seas (None: the default)
    waters: str | None = None
    #: ``icebreaker``: the NSR stretches of the leg into this call are escorted
    escort: str | None = None
    #: ``relos resolve`` never moves this call's times
    fixed: bool = False
    #: aircraft: tanker asset ids refuelling this aircraft in flight on the leg into this call
    refuel_by: tuple[str, ...] = ()


@dataclass
class Asset:
    """A warship or aircraft with its itinerary. Speeds and ranges are held in km/h and km;
    ``speed_kn``/``range_nm`` give them in nautical units."""

    id: str
    name: str
    nation: str
    kind: str
    crew: int
    speed_kmh: float
    range_km: float
    ice_class: str = "none"
    itinerary: list[Call] = field(default_factory=list)
    #: warships: draught in metres, checked against a port's maximum draught
    draught_m: float | None = None
    #: aircraft: the shortest runway it can use, in metres
    runway_m: float | None = None

    @property
    def speed_kn(self) -> float:
        """Planning speed in knots."""
        return self.speed_kmh / KMH_PER_KN

    @property
    def range_nm(self) -> float:
        """Unrefuelled range in nautical miles."""
        return self.range_km / KM_PER_NM

    @property
    def mode(self) -> str:
        """``sea`` for warships, ``air`` for aircraft."""
        return "sea" if self.kind == "warship" else "air"


@dataclass
class Detachment:
    """Personnel ashore, apart from crews, present over [start, end)."""

    id: str
    nation: str
    strength: int
    at: str
    place: Place
    start: dt.datetime
    end: dt.datetime
    purpose: str | None = None
    name: str = ""
