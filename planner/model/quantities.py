"""The limits of a plan's numbers and the words a planner writes around them: one place, used
by the YAML/dict validator (:mod:`planner.model.validate`), the careful CSV loader and the
vectorised CSV fast path (:mod:`planner.model.plan_csv_fast`), so all three accept and refuse
the same values (issue 12, item 17).

Bounds are held in the plan's internal units: persons, km/h and km (the constants and their
sources are in :mod:`planner.model.objects`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

import numpy as np

from planner.core.units import KM_PER_NM, KMH_PER_KN
from planner.model.objects import (
    MAX_CREW,
    MAX_CREW_WHY,
    MAX_RANGE_KM,
    MAX_RANGE_WHY,
    MAX_SPEED_KMH,
    MIN_SPEED_KMH,
    RANGE_UNIT_WORDS,
    SPEED_UNIT_WORDS,
)

#: Relative slack on the 1 kn floor, so 1 kn given in km/h (1.852) is not refused by rounding.
_FLOOR_SLACK = 1e-9
#: Per unit key: (quantity, factor to the internal unit, unit as written in messages).
UNIT_KEYS = {"speed_kn": ("speed", KMH_PER_KN, "kn"), "speed_kt": ("speed", KMH_PER_KN, "kt"),
             "speed_kmh": ("speed", 1.0, "km/h"), "range_nm": ("range", KM_PER_NM, "nm"),
             "range_km": ("range", 1.0, "km")}
SPEED_KEYS = ("speed_kn", "speed_kt", "speed_kmh")
RANGE_KEYS = ("range_nm", "range_km")


def _per_kind(table: dict[str, float], kind) -> np.ndarray:
    """The table's value for each kind (an unknown kind gets the largest, most lenient)."""
    kind = np.asarray(kind, dtype=object)
    loosest = max(table.values())
    out = np.full(kind.shape, loosest, dtype=float)
    for k, v in table.items():
        out[kind == k] = v
    return out


def within_limits(quantity: str, kind, value) -> np.ndarray:
    """Whether each ``value`` (persons, km/h or km) of an asset of ``kind`` is accepted;
    scalars or arrays (the fast CSV path passes whole columns). ``quantity`` is ``crew``,
    ``speed`` or ``range``."""
    v = np.asarray(value, dtype=float)
    if quantity == "crew":
        return (v >= 1) & (v <= _per_kind(MAX_CREW, kind))
    if quantity == "speed":
        return (v >= MIN_SPEED_KMH * (1 - _FLOOR_SLACK)) & (v <= MAX_SPEED_KMH)
    if quantity == "range":
        return (v > 0) & (v <= _per_kind(MAX_RANGE_KM, kind))
    raise ValueError(f"no limits for {quantity!r}")


def limit_problem(key: str, kind: str | None, value: float,
                  personnel_cap: int | None = None) -> str | None:
    """Why ``value`` given under ``key`` (``crew``, ``speed_kn`` ... ``range_km``, in that
    key's unit) is refused, or None. ``personnel_cap`` (the agreement's) puts a crew limit in
    context."""
    if key == "crew":
        if bool(within_limits("crew", kind, value)):
            return None
        what = kind if kind in MAX_CREW else "asset"
        limit = MAX_CREW.get(kind or "", max(MAX_CREW.values()))
        why = MAX_CREW_WHY.get(kind or "", MAX_CREW_WHY["warship"])
        cap = (f"; the agreement's personnel cap for a whole party is {personnel_cap:,}"
               if personnel_cap else "")
        return (f"{_shown(value)} people aboard one {what} is more than any {what} carries: "
                f"at most {limit:,} ({why}){cap}")
    quantity, factor, unit = UNIT_KEYS[key]
    internal = value * factor
    if bool(within_limits(quantity, kind, internal)):
        return None
    if quantity == "speed":
        if internal < MAX_SPEED_KMH:
            return "must be at least 1 kn (1.852 km/h)"
        return (f"{_shown(value)} {unit} is faster than any crewed aircraft has flown: at most "
                f"{MAX_SPEED_KMH / factor:,.0f} {unit} (the SR-71A record, 3,529.56 km/h); "
                "is the unit right?")
    what = kind if kind in MAX_RANGE_KM else "asset"
    limit = MAX_RANGE_KM.get(kind or "", max(MAX_RANGE_KM.values()))
    why = MAX_RANGE_WHY.get(kind or "", MAX_RANGE_WHY["warship"])
    return (f"{_shown(value)} {unit} is farther than any {what} goes without refuelling: at "
            f"most {limit / factor:,.0f} {unit} ({why}); is the unit right?")


def _shown(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:g}"


# -- numbers written as text ---------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_THOUSANDS_SPACED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f'’]\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_WITH_UNIT = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\d\s].*)$")


def number_text_problem(text: str) -> str:
    """What is wrong with a number written as this text (``4,850``, ``14,5``, ``4850 nm``)."""
    t = text.strip()
    if _THOUSANDS.match(t) or _THOUSANDS_SPACED.match(t):
        fixed = re.sub(r"[,\s\u00a0\u202f'’]", "", t)
        return f"{text!r} is not a number: remove the thousands separator ({fixed})"
    if _DECIMAL_COMMA.match(t):
        return f"{text!r} is not a number: use a decimal point ({t.replace(',', '.')})"
    m = _WITH_UNIT.match(t)
    if m and m.group(2).strip():
        return (f"{text!r} is not a number: write the number alone ({m.group(1)}); the unit "
                "is given by the field")
    try:
        float(t)
    except ValueError:
        return "must be a number, got text"
    return f"{text!r} is text, not a number: write it without quotes"


# -- purposes -------------------------------------------------------------------------------
def _norm(word: str) -> str:
    return re.sub(r"[\s\-_]+", "_", word.strip().lower())


def near_purpose(purpose: str, permitted: Sequence[str]) -> str | None:
    """The permitted purpose ``purpose`` is a near-miss spelling of (``excercise``,
    ``Training``, ``disaster relief``), or None: for a permitted purpose itself, and for a
    genuinely different one (``port_visit``), which the ``PURPOSE`` check reports."""
    if purpose in permitted:
        return None
    norm = _norm(purpose)
    for p in permitted:
        if norm == _norm(p):
            return p
    hits = difflib.get_close_matches(norm, [_norm(p) for p in permitted], n=1, cutoff=0.8)
    if not hits:
        return None
    return next(p for p in permitted if _norm(p) == hits[0])


def purpose_problem(purpose: str, permitted: Sequence[str]) -> str | None:
    """The refusal of a near-miss purpose spelling, or None (see :func:`near_purpose`)."""
    hit = near_purpose(purpose, permitted)
    if hit is None:
        return None
    return (f"{purpose!r} is not a purpose the agreement names; did you mean {hit!r}? "
            f"(permitted: {', '.join(permitted)})")


# -- unit words in keys and unit columns ------------------------------------------------------
def unit_key_problem(key: str) -> tuple[str, str] | None:
    """For a key that names a speed or range in some unit (``speed_knots``, ``range_NM``,
    ``knots``, ``speed_mph``): the quantity and the one message to give, else None."""
    k = re.sub(r"[\s\-]+", "_", str(key).strip().lower())
    tokens = [t for t in k.split("_") if t]
    for quantity, words, keys in (("speed", SPEED_UNIT_WORDS, SPEED_KEYS),
                                  ("range", RANGE_UNIT_WORDS, RANGE_KEYS)):
        if quantity in tokens:
            rest = "_".join(t for t in tokens if t != quantity)
        elif k in words or (len(tokens) == 1 and tokens[0] in words):
            rest = k
        else:
            continue
        unit = words.get(rest) or words.get(rest.replace("_", ""))
        if unit is not None:
            return quantity, f"unknown key; did you mean {quantity + '_' + unit!r}?"
        given = f" in {rest!r}" if rest else " without a unit"
        return quantity, (f"unknown key: a {quantity}{given} is not accepted; give one of "
                          f"{', '.join(keys)}")
    return None


def unit_word_hint(word: str, units: Iterable[str]) -> str:
    """`` (did you mean 'kn'?)`` for a CSV unit such as ``knots`` or ``kts``, else ""."""
    w = word.strip().lower()
    table = SPEED_UNIT_WORDS if any(u in SPEED_UNIT_WORDS for u in units) else RANGE_UNIT_WORDS
    hit = table.get(w) or table.get(w.replace(" ", "_"))
    if hit is None:
        close = difflib.get_close_matches(w, list(units), n=1, cutoff=0.6)
        hit = close[0] if close else None
    return f" (did you mean {hit!r}?)" if hit else ""
