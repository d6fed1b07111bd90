"""The NSR admission criteria and the typical-ice calendar.

``geodata/nsr_admission.csv``: the criteria for admitting ships to the water area of the
Northern Sea Route (Rules of Navigation in the water area of the NSR, Ministry of Transport
Order No. 7 of 17 Jan 2013 as amended by Order No. 5 of 9 Jan 2017, Appendix 2; the 2020 Rules,
Government Decree No. 1487 of 18 Sep 2020, keep the seven areas and the three ice types): per
area (Kara Sea SW/NE, Laptev Sea W/E, East Siberian Sea SW/NE, Chukchi Sea), ice class (none,
Ice1-Ice3, Arc4-Arc9) and mode (independent / icebreaker escort), whether the class is admitted
in heavy, medium and light ice. Rows the public text did not give are planning assumptions with
``sourced = no``; every use of one is reported (:attr:`Admission.unsourced`), never silently.

``geodata/nsr_ice_calendar.csv``: the ice type to *assume* per area and month. A planning
assumption: the ice type in force is the one in the official ice forecast. A user's file with
columns ``area, month, ice`` (and optionally ``basis``) replaces it: :func:`set_ice_calendar`,
``relos ... --ice-calendar FILE``, ``Plan.check(ice_calendar=...)``,
``sea_route(..., ice_calendar=...)``.

Season (Appendix 2, footnote 1): ships of no ice class and of Ice1-Ice3 may sail the NSR only
from 1 July to 15 November.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from planner.core.caches import cached, clear_all, once
from planner.core.paths import geodata_path

ICE_CLASSES = ("none", "Ice1", "Ice2", "Ice3", "Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9")
ICE_TYPES = ("heavy", "medium", "light")
MODES = ("independent", "escort")
#: The seven areas of Appendix 2 and the sea each lies in.
AREAS = {"kara-sw": "kara", "kara-ne": "kara", "laptev-w": "laptev", "laptev-e": "laptev",
         "east-siberian-sw": "east-siberian", "east-siberian-ne": "east-siberian",
         "chukchi": "chukchi"}
#: Classes limited to the summer-autumn season (Appendix 2, footnote 1, 2017 wording).
SEASON_LIMITED = ("none", "Ice1", "Ice2", "Ice3")
SEASON_OPENS = (7, 1)    # 1 July (Appendix 2, footnote 1)
SEASON_CLOSES = (11, 15)  # 15 November, last day (footnote 1: prohibited from 16 November)
CALENDAR_NOTE = ("typical ice is a planning assumption (geodata/nsr_ice_calendar.csv or your "
                 "--ice-calendar file); the ice type in force is the one in the official ice "
                 "forecast")

_ORDER = {"no": 0, "escort": 1, "independent": 2}


class CalendarError(ValueError):
    """A user's ice calendar that cannot be used; the message names the file and row."""


class Admission(NamedTuple):
    """What the criteria say for one class in one area at one time: ``outcome``
    (``independent``, ``escort`` or ``no``), ``reason`` (``ice`` or ``season``), the ice type
    assumed and why, and ``unsourced``, the modes whose cell the outcome rests on that are
    planning assumptions (not found in the public text of the Rules)."""

    area: str
    month: int
    ice: str
    ice_class: str
    outcome: str
    reason: str = "ice"
    unsourced: tuple[str, ...] = ()
    basis: str = ""


def normalise_ice_class(ice_class: str | None) -> str:
    """``arc7`` -> ``Arc7``, ``ICE2`` -> ``Ice2``; ``None``/``""``/``none`` -> ``none``.
    Raises ValueError."""
    text = "none" if ice_class is None else str(ice_class).strip() or "none"
    for c in ICE_CLASSES:
        if text.lower() == c.lower():
            return c
    raise ValueError(f"unknown ice class {ice_class!r}; use one of {', '.join(ICE_CLASSES)}")


@once("layers.nsr_rules.admission_table")
def admission_table() -> pd.DataFrame:
    """The admission table: columns ``area, ice_class, mode, heavy, medium, light, sourced,
    source`` (one row per area, class and mode; cells ``yes``/``no``)."""
    return pd.read_csv(geodata_path("nsr_admission.csv"), dtype=str)


@once("layers.nsr_rules._cells")
def _cells() -> dict[tuple[str, str, str, str], tuple[bool, bool]]:
    """``(area, class, mode, ice)`` -> (admitted, sourced)."""
    out = {}
    for r in admission_table().to_dict("records"):
        for ice in ICE_TYPES:
            out[(r["area"], r["ice_class"], r["mode"], ice)] = (r[ice] == "yes",
                                                                 r["sourced"] == "yes")
    return out


_calendar_path: Path | None = None


def load_ice_calendar(path: str | Path | None = None) -> pd.DataFrame:
    """An ice calendar (the shipped one unless ``path``): columns ``area, month, ice, basis``,
    one row per area and month. A user's row may name a sea (``kara``) for all its areas.
    Raises :class:`CalendarError` naming the file and row; every area and month must be given.
    """
    src = Path(path) if path is not None else geodata_path("nsr_ice_calendar.csv")
    try:
        df = pd.read_csv(src, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{src}: cannot read: {exc}") from None
    missing = [c for c in ("area", "month", "ice") if c not in df.columns]
    if missing:
        raise CalendarError(f"{src}: missing column(s) {', '.join(missing)}")
    rows, problems = {}, []
    default_basis = "planning assumption" if path is None else f"your ice calendar {src.name}"
    for i, r in enumerate(df.to_dict("records")):
        line = i + 2
        name = r["area"].strip().lower()
        areas = [name] if name in AREAS else [a for a, s in AREAS.items() if s == name]
        ice = r["ice"].strip().lower()
        try:
            month = int(r["month"])
            if not 1 <= month <= 12:
                raise ValueError
        except ValueError:
            problems.append(f"{src}:{line}: month {r['month']!r} is not 1-12")
            continue
        if not areas:
            problems.append(f"{src}:{line}: area {r['area']!r} is not one of "
                            f"{', '.join(AREAS)} (or a sea: kara, laptev, east-siberian)")
        if ice not in ICE_TYPES:
            problems.append(f"{src}:{line}: ice {r['ice']!r} is not one of "
                            f"{', '.join(ICE_TYPES)} (the Rules know no ice-free type)")
        basis = str(r.get("basis", "") or default_basis)
        for a in areas:
            rows[(a, month)] = (ice, basis)
    gaps = [f"{a} {m}" for a in AREAS for m in range(1, 13) if (a, m) not in rows]
    if gaps and not problems:
        problems.append(f"{src}: no ice type for {', '.join(gaps[:6])}"
                        + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else ""))
    if problems:
        raise CalendarError("\n".join(problems))
    return pd.DataFrame([{"area": a, "month": m, "ice": v[0], "basis": v[1]}
                         for (a, m), v in sorted(rows.items())])


@once("layers.nsr_rules._calendar")
def _calendar() -> dict[tuple[str, int], tuple[str, str]]:
    df = load_ice_calendar(_calendar_path)
    return {(r["area"], int(r["month"])): (r["ice"], r["basis"]) for r in df.to_dict("records")}


def ice_calendar() -> pd.DataFrame:
    """The ice calendar in force (the shipped one or the user's, :func:`set_ice_calendar`)."""
    return pd.DataFrame([{"area": a, "month": m, "ice": v[0], "basis": v[1]}
                         for (a, m), v in _calendar().items()])


def set_ice_calendar(path: str | Path | None) -> Path | None:
    """Use a user's ice calendar (``None``: the shipped one) for every NSR decision from now on;
    validates it first (:class:`CalendarError`) and empties every cache (routes decided under
    the old calendar). Returns the previous path."""
    global _calendar_path
    new = None if path is None else Path(path)
    if new is not None:
        load_ice_calendar(new)  # refuse a bad file before anything changes
    old = _calendar_path
    if new != old:
        _calendar_path = new
        clear_all()
    return old


def calendar_path() -> Path | None:
    """The user's ice calendar in force, or None for the shipped one."""
    return _calendar_path


@contextlib.contextmanager
def ice_calendar_in_force(path: str | Path | None):
    """``with ice_calendar_in_force(path): ...``: the user's calendar inside the block only
    (``None`` leaves the calendar in force unchanged)."""
    if path is None:
        yield
        return
    old = set_ice_calendar(path)
    try:
        yield
    finally:
        set_ice_calendar(old)


def typical_ice(area: str, month: int) -> tuple[str, str]:
    """The ice type assumed in an area in a month, and its basis."""
    try:
        return _calendar()[(area, int(month))]
    except KeyError:
        raise ValueError(f"no typical ice for NSR area {area!r} month {month}") from None


def in_season(ice_class: str | None, when: dt.datetime | None) -> bool:
    """False for a class of :data:`SEASON_LIMITED` outside 1 July - 15 November (``when``
    None: the season is not tested)."""
    if when is None or normalise_ice_class(ice_class) not in SEASON_LIMITED:
        return True
    return SEASON_OPENS <= (when.month, when.day) <= SEASON_CLOSES


def cell(area: str, ice_class: str | None, mode: str, ice: str) -> tuple[bool, bool]:
    """(admitted, sourced) for one cell of the table."""
    return _cells()[(area, normalise_ice_class(ice_class), mode, ice)]


def admission(ice_class: str | None, area: str, month: int,
              when: dt.datetime | None = None, ice: str | None = None) -> Admission:
    """The criteria's answer for a class in an area in a month (``when``: the instant, for the
    15 November season end) in the typical ice of the calendar (or ``ice``). ``area`` may be a
    sea (``kara``): then the most restrictive of its areas."""
    c = normalise_ice_class(ice_class)
    if area not in AREAS:
        parts = [admission(c, a, month, when, ice) for a, s in AREAS.items() if s == area]
        if not parts:
            raise ValueError(f"no NSR area or sea {area!r}")
        worst = min(parts, key=lambda p: _ORDER[p.outcome])
        return worst._replace(unsourced=tuple(sorted({m for p in parts for m in p.unsourced})))
    kind, basis = (ice, "given") if ice is not None else typical_ice(area, month)
    if not in_season(c, when) or (when is None and c in SEASON_LIMITED
                                  and not 7 <= int(month) <= 11):
        return Admission(area, int(month), kind, c, "no", "season", (), basis)
    ind, ind_src = cell(area, c, "independent", kind)
    esc, esc_src = cell(area, c, "escort", kind)
    if ind:
        outcome, used = "independent", [("independent", ind_src)]
    else:
        outcome = "escort" if esc else "no"
        used = [("independent", ind_src), ("escort", esc_src)]
    return Admission(area, int(month), kind, c, outcome, "ice",
                     tuple(m for m, src in used if not src), basis)


def is_admissible(outcome: str, escort: bool) -> bool:
    """True when an outcome lets the ship sail as planned (``escort``: under an icebreaker)."""
    return outcome == "independent" or (escort and outcome == "escort")


def lowest_class(area: str, ice: str, escort: bool, when: dt.datetime | None = None
                 ) -> tuple[str, bool] | None:
    """The lowest class the table admits in an area in that ice (alone, or with ``escort``
    also under escort) at ``when``, and whether that cell is sourced; None if no class."""
    for c in ICE_CLASSES:
        if not in_season(c, when):
            continue
        for mode in (("independent", "escort") if escort else ("independent",)):
            ok, src = cell(area, c, mode, ice)
            if ok:
                return c, src
    return None


def open_months(ice_class: str | None, area: str, escort: bool) -> list[int]:
    """The months (1-12) in which the calendar's typical ice and the season let the class sail
    the area (alone, or with ``escort`` also under escort)."""
    return list(_open_months(normalise_ice_class(ice_class), area, bool(escort)))


@cached("layers.nsr_rules._open_months", maxsize=4096)
def _open_months(ice_class: str, area: str, escort: bool) -> tuple[int, ...]:
    return tuple(m for m in range(1, 13)
                 if is_admissible(admission(ice_class, area, m).outcome, escort))
