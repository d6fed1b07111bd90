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
#: Fastest planning speed accepted (km/h), any kind: the absolute speed record of a crewed
#: air-breathing aircraft, SR-71A, 3,529.56 km/h on 28 July 1976 (FAI). A speed
#: possible but not for that kind of asset is a ``UNITS`` finding of the check, not a refusal.
MAX_SPEED_KMH = 3529.56
#: Most people aboard one asset (``crew``: everyone aboard, counted against the personnel cap).
#: Warships: a Nimitz-class carrier, the largest warship afloat, carries about 5,680 (ship's
#: company 3,200 + air wing 2,480, US Navy fact file); aircraft: 1,088 on one El Al Boeing 747,
#: Operation Solomon, 24 May 1991 (Guinness World Records), the most ever flown at once.
MAX_CREW = {"warship": 6_000, "aircraft": 1_088}
MAX_CREW_WHY = {"warship": "a Nimitz-class carrier with its air wing carries about 5,680",
                "aircraft": "the record: an El Al 747, Operation Solomon, 1991"}
#: Longest unrefuelled range accepted (km). Aircraft: the longest flight without refuelling,
#: Virgin Atlantic GlobalFlyer, 41,467 km, 8-11 February 2006 (FAI absolute distance record);
#: warships: 25 times round the Equator (40,075 km, WGS84): a nuclear-powered ship's range is
#: bounded by its stores, so give the distance it sails between replenishments.
MAX_RANGE_KM = {"warship": 1_000_000.0, "aircraft": 41_467.0}
MAX_RANGE_WHY = {"warship": "25 times round the Equator; for a nuclear-powered ship give the "
                            "distance between replenishments of stores",
                 "aircraft": "the record: Virgin Atlantic GlobalFlyer, 2006"}
#: Unit words a plan may put in a key or a CSV unit column, and the unit they mean
#: (``speed_knots`` -> ``speed_kn``; ``NM`` -> ``nm``): refused with "did you mean".
SPEED_UNIT_WORDS = {"kn": "kn", "kns": "kn", "knot": "kn", "knots": "kn", "kt": "kt",
                    "kts": "kt", "kmh": "kmh", "kph": "kmh", "kmph": "kmh", "km/h": "kmh",
                    "km_h": "kmh", "kmhr": "kmh", "km/hr": "kmh"}
RANGE_UNIT_WORDS = {"nm": "nm", "nmi": "nm", "nms": "nm", "nautical_miles": "nm",
                    "nauticalmiles": "nm", "km": "km", "kms": "km", "kilometres": "km",
                    "kilometers": "km", "kilometre": "km", "kilometer": "km"}

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
