"""Validation: a mapping shaped like the YAML plan file becomes the plan's fields, or every
problem found is recorded with the field it concerns (CONTRACT section 1). The YAML and CSV
loaders share these readers, so both refuse the same values with the same words."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from planner.core.caches import once
from planner.core.units import iso_minute
from planner.layers.catalogue import (
    Place,
    UnknownPlace,
    call_id,
    check_latlon,
    resolve_place,
    suggest,
)
from planner.model.agreement import Agreement
from planner.model.objects import (
    AGREEMENT_KEYS,
    ASSET_KEYS,
    ASSET_KINDS,
    CALL_KEYS,
    DETACHMENT_KEYS,
    ESCORTS,
    FACILITY_KEYS,
    FACILITY_KINDS,
    ICE_CLASSES,
    PASSAGES,
    TOP_KEYS,
    WATERS,
    Asset,
    Call,
    Detachment,
)
from planner.model.problems import Problems
from planner.model.quantities import (
    RANGE_KEYS,
    SPEED_KEYS,
    UNIT_KEYS,
    limit_problem,
    number_text_problem,
    purpose_problem,
    unit_key_problem,
)
from planner.model.times import parse_time, year_problem

__all__ = ["build_fields", "nation_codes", "parse_time", "valid_nation"]


@once("model.validate.nation_codes")
def nation_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code (pycountry)."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def valid_nation(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-3 country code."""
    return code in nation_codes()


class _V:
    """Small typed readers that record a problem and return None on failure."""

    def __init__(self, problems: Problems):
        self.p = problems

    def mapping(self, value, path, keys: tuple[str, ...], units: bool = False) -> dict | None:
        """``value`` as a dict, each unknown key refused (with a "did you mean"; ``units``:
        a key naming a speed or range in some unit gets the unit key it means)."""
        if not isinstance(value, Mapping):
            self.p.add(path, f"must be a mapping, got {_tname(value)}")
            return None
        for k in value:
            if k not in keys:
                unit = unit_key_problem(str(k)) if units else None
                if unit is not None:
                    self.p.add(path + (k,), unit[1], key=True)
                    continue
                hint = suggest(str(k), list(keys), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.p.add(path + (k,), f"unknown key{extra}; allowed: {', '.join(keys)}",
                           key=True)
        return dict(value)

    def string(self, d, path, key, required=True, pattern_ok=None) -> str | None:
        if key not in d or d[key] is None:
            if required:
                self.p.add(path + (key,), "is required")
            return None
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            self.p.add(path + (key,), f"must be text, got {_tname(v)}")
            return None
        v = str(v).strip()
        if not v:
            self.p.add(path + (key,), "must not be empty")
            return None
        if len(v) > 200:
            self.p.add(path + (key,), f"is {len(v)} characters long; at most 200")
            return None
        return v

    def number(self, d, path, key, *, positive=True, integer=False,
               limit: Callable[[float], str | None] | None = None) -> float | None:
        """A finite number (``limit(value)`` says why one is refused; without it, values
        past 1e9 are)."""
        v = d.get(key)
        if isinstance(v, str):
            self.p.add(path + (key,), number_text_problem(v))
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.p.add(path + (key,), f"must be a number, got {_tname(v)}")
            return None
        if not math.isfinite(v):
            self.p.add(path + (key,), "must be a finite number")
            return None
        if integer and v != int(v):
            self.p.add(path + (key,), "must be a whole number")
            return None
        if positive and v <= 0:
            self.p.add(path + (key,), "must be > 0")
            return None
        why = limit(v) if limit is not None else (
            "is implausibly large (over 1,000,000,000)" if abs(v) > 1e9 else None)
        if why is not None:
            self.p.add(path + (key,), why)
            return None
        return int(v) if integer else float(v)

    def time(self, d, path, key, required=False) -> dt.datetime | None:
        if key not in d or d[key] is None:
            if required:
                self.p.add(path + (key,), "is required")
            return None
        try:
            t = parse_time(d[key])
        except ValueError as exc:
            self.p.add(path + (key,), str(exc))
            return None
        why = year_problem(t)
        if why is not None:
            self.p.add(path + (key,), why)
            return None
        return t

    def nation(self, d, path, key="nation") -> str | None:
        v = self.string(d, path, key)
        if v is None:
            return None
        if not valid_nation(v):
            up = v.upper()
            hint = f" (did you mean {up!r}?)" if valid_nation(up) else ""
            self.p.add(path + (key,), f"{v!r} is not an ISO 3166-1 alpha-3 code{hint}")
            return None
        return v

    def choice(self, d, path, key, choices, default=None, required=True) -> str | None:
        if key not in d or d[key] is None:
            if default is None and required:
                self.p.add(path + (key,), f"is required; one of {', '.join(choices)}")
            return default
        v = d[key]
        if v not in choices:
            hint = suggest(str(v), list(choices), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.p.add(path + (key,), f"{v!r} is not one of {', '.join(choices)}{extra}")
            return None
        return v

    def str_list(self, d, path, key) -> list[str] | None:
        v = d.get(key)
        if v is None:
            return []
        if isinstance(v, str):
            v = [s.strip() for s in v.split(",") if s.strip()]
        if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
            self.p.add(path + (key,), "must be a list of names")
            return None
        return v


def _tname(v: Any) -> str:
    if v is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(v), type(v).__name__)


def _place(v: _V, d, path, key, places: Mapping[str, Place]) -> tuple[str, Place] | None:
    raw = d.get(key)
    if isinstance(raw, list | tuple) and len(raw) == 2:
        raw = f"{raw[0]},{raw[1]}"
    at = v.string(d, path, key)
    if at is None:
        return None
    try:
        place = resolve_place(at, places)
        return call_id(at, place), place
    except UnknownPlace as exc:
        v.p.add(path + (key,), str(exc))
    except ValueError as exc:
        v.p.add(path + (key,), str(exc))
    return None


def build_fields(data: Any, problems: Problems, source: str, base: Agreement) -> dict:
    """The keyword arguments of :class:`planner.model.plan.Plan` from a plan mapping; every
    problem goes to ``problems`` (which raises at once only when ``data`` is no mapping)."""
    v = _V(problems)
    if not isinstance(data, Mapping):
        problems.add((), f"a plan must be a mapping with name and assets, got {_tname(data)}")
        problems.raise_if_any()
    top = v.mapping(data, (), TOP_KEYS) or {}
    name = v.string(top, (), "name") or "plan"

    agreement = base
    if top.get("agreement") is not None:
        ag = v.mapping(top["agreement"], ("agreement",), AGREEMENT_KEYS)
        if ag is not None:
            in_force = v.time(ag, ("agreement",), "in_force")
            extended = ag.get("extended")
            if extended is not None and not isinstance(extended, bool):
                problems.add(("agreement", "extended"), "must be true or false")
                extended = None
            agreement = base.with_overrides(in_force=in_force, extended=extended)

    horizon_end = v.time(top, (), "horizon_end")

    places: dict[str, Place] = {}
    facs = top.get("facilities") or []
    if not isinstance(facs, list):
        problems.add(("facilities",), "must be a list")
        facs = []
    for i, fd in enumerate(facs):
        path = ("facilities", i)
        f = v.mapping(fd, path, FACILITY_KEYS)
        if f is None:
            continue
        fid = v.string(f, path, "id")
        fname = v.string(f, path, "name", required=False)
        kind = v.choice(f, path, "kind", FACILITY_KINDS)
        lat = v.number(f, path, "lat", positive=False)
        lon = v.number(f, path, "lon", positive=False)
        country = None
        if f.get("country") is not None:
            country = v.nation(f, path, "country")
        if lat is not None and lon is not None:
            try:
                check_latlon(lat, lon)
            except ValueError as exc:
                problems.add(path + ("lat",), str(exc))
                lat = None
        if fid is None or kind is None or lat is None or lon is None:
            continue
        if fid in places:
            problems.add(path + ("id",), f"duplicate facility id {fid!r}")
            continue
        try:
            known = resolve_place(fid)
            what = "id" if known.id == fid else f"name (of {known.id})"
            problems.add(path + ("id",), f"{fid!r} is already a catalogue {what}; pick another id")
            continue
        except (UnknownPlace, ValueError):
            pass
        places[fid] = Place(fid, fname or fid, kind, lat, lon, country)

    friendly = list(v.str_list(top, (), "friendly") or [])
    for i, fr in enumerate(friendly):
        try:
            friendly[i] = call_id(fr, resolve_place(fr, places))
        except (UnknownPlace, ValueError) as exc:
            problems.add(("friendly", i), str(exc))

    assets: list[Asset] = []
    seen_assets: set[str] = set()
    raw_assets = top.get("assets")
    if raw_assets is None:
        raw_assets = []
    if not isinstance(raw_assets, list):
        problems.add(("assets",), "must be a list")
        raw_assets = []
    raw_index: list[int] = []
    for i, ad in enumerate(raw_assets):
        asset = _asset(v, ad, ("assets", i), places, agreement)
        if asset is None:
            continue
        if asset.id in seen_assets:
            problems.add(("assets", i, "id"), f"duplicate asset id {asset.id!r}")
            continue
        seen_assets.add(asset.id)
        assets.append(asset)
        raw_index.append(i)

    kinds = {a.id: a.kind for a in assets}
    for i, asset in enumerate(assets):
        for j, call in enumerate(asset.itinerary):
            for k, tanker in enumerate(call.refuel_by):
                if kinds.get(tanker) != "aircraft" or tanker == asset.id:
                    why = ("is this aircraft itself" if tanker == asset.id else
                           "is not an aircraft of this plan" if tanker not in kinds else
                           "is a warship, not a tanker")
                    hint = suggest(tanker, [a for a, kd in kinds.items() if kd == "aircraft"],
                                   n=1)
                    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                    problems.add(("assets", raw_index[i], "itinerary", j, "refuel_by", k),
                                 f"{tanker!r} {why}{extra}")

    detachments: list[Detachment] = []
    seen_det: set[str] = set()
    raw_det = top.get("detachments") or []
    if not isinstance(raw_det, list):
        problems.add(("detachments",), "must be a list")
        raw_det = []
    for i, dd in enumerate(raw_det):
        path = ("detachments", i)
        d = v.mapping(dd, path, DETACHMENT_KEYS)
        if d is None:
            continue
        did = v.string(d, path, "id")
        nation = v.nation(d, path)
        strength = v.number(d, path, "strength", integer=True)
        at = _place(v, d, path, "at", places)
        start = v.time(d, path, "from", required=True)
        end = v.time(d, path, "to", required=True)
        purpose = _purpose(v, d, path, agreement)
        if start and end and end <= start:
            problems.add(path + ("to",), f"ends ({iso_minute(end)}) before it starts")
            continue
        if None in (did, nation, strength, at, start, end):
            continue
        if did in seen_det:
            problems.add(path + ("id",), f"duplicate detachment id {did!r}")
            continue
        seen_det.add(did)
        detachments.append(Detachment(did, nation, int(strength), at[0], at[1], start, end,
                                      purpose, v.string(d, path, "name", required=False) or did))

    return dict(name=name, agreement=agreement, horizon_end=horizon_end, friendly=friendly,
                facilities=places, assets=assets, detachments=detachments, source=source)


def _purpose(v: _V, d, path, agreement: Agreement) -> str | None:
    """A call's or detachment's purpose; a near-miss spelling of a permitted one is refused
    with "did you mean" (a genuinely different purpose stays, for the ``PURPOSE`` check)."""
    purpose = v.string(d, path, "purpose", required=False)
    if purpose is not None:
        why = purpose_problem(purpose, agreement.purposes)
        if why is not None:
            v.p.add(path + ("purpose",), why)
            return None
    return purpose


def _unit_value(v: _V, a: dict, path, keys: tuple[str, ...], kind: str | None,
                misnamed: set[str]) -> float | None:
    """The one speed (or range) an asset gives under ``keys``, in km/h (or km)."""
    quantity = UNIT_KEYS[keys[0]][0]
    given = [k for k in keys if k in a]
    if len(given) != 1:
        if given or quantity not in misnamed:  # a misnamed key already has its one message
            v.p.add(path + ((given[1],) if given else (keys[0],)),
                    f"give exactly one of {', '.join(keys)}")
        return None
    key = given[0]
    value = v.number(a, path, key, limit=lambda x: limit_problem(key, kind, x))
    return None if value is None else value * UNIT_KEYS[key][1]


def _asset(v: _V, ad, path, places, agreement: Agreement) -> Asset | None:
    problems = v.p
    a = v.mapping(ad, path, ASSET_KEYS, units=True)
    if a is None:
        return None
    misnamed = {u[0] for k in a if k not in ASSET_KEYS
                for u in [unit_key_problem(str(k))] if u is not None}
    aid = v.string(a, path, "id")
    name = v.string(a, path, "name", required=False) or aid
    nation = v.nation(a, path)
    kind = v.choice(a, path, "kind", ASSET_KINDS)
    cap = agreement.caps.get("personnel")
    crew = v.number(a, path, "crew", integer=True,
                    limit=lambda x: limit_problem("crew", kind, x, cap)) if "crew" in a else 0
    if "crew" not in a:
        problems.add(path + ("crew",), "is required (people aboard, counted against the "
                                       "personnel cap)")

    speed_kmh = _unit_value(v, a, path, SPEED_KEYS, kind, misnamed)
    range_km = _unit_value(v, a, path, RANGE_KEYS, kind, misnamed)
    ice = v.choice(a, path, "ice_class", ICE_CLASSES, default="none")
    if kind == "aircraft" and a.get("ice_class") not in (None, "none"):
        problems.add(path + ("ice_class",), "applies to warships only")
    draught_m = v.number(a, path, "draught_m") if a.get("draught_m") is not None else None
    if draught_m is not None and kind == "aircraft":
        problems.add(path + ("draught_m",), "applies to warships only")
    runway_m = v.number(a, path, "runway_m") if a.get("runway_m") is not None else None
    if runway_m is not None and kind == "warship":
        problems.add(path + ("runway_m",), "applies to aircraft only")

    calls: list[Call] = []
    itin = a.get("itinerary")
    if not isinstance(itin, list) or not itin:
        problems.add(path + ("itinerary",), "must be a non-empty list of calls")
        itin = []
    for j, cd in enumerate(itin):
        cpath = path + ("itinerary", j)
        c = v.mapping(cd, cpath, CALL_KEYS)
        if c is None:
            continue
        at = _place(v, c, cpath, "at", places)
        arrive = v.time(c, cpath, "arrive")
        depart = v.time(c, cpath, "depart")
        purpose = _purpose(v, c, cpath, agreement)
        avoid = v.str_list(c, cpath, "avoid") or []
        for k, p in enumerate(avoid):
            if p not in PASSAGES:
                hint = suggest(p, list(PASSAGES), n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                problems.add(cpath + ("avoid", k), f"unknown passage {p!r}{extra}; known: "
                             + ", ".join(PASSAGES))
        deny = v.str_list(c, cpath, "deny") or []
        for k, n in enumerate(deny):
            if not valid_nation(n):
                problems.add(cpath + ("deny", k), f"{n!r} is not an ISO 3166-1 alpha-3 code")
        waters = v.choice(c, cpath, "waters", WATERS, default=None, required=False)
        if c.get("waters") is not None and kind == "aircraft":
            problems.add(cpath + ("waters",), "applies to warship legs only")
        escort = v.choice(c, cpath, "escort", ESCORTS, default=None, required=False)
        if c.get("escort") is not None and kind == "aircraft":
            problems.add(cpath + ("escort",), "applies to warship legs only")
        fixed = c.get("fixed", False)
        if not isinstance(fixed, bool):
            problems.add(cpath + ("fixed",), "must be true or false")
            fixed = False
        refuel_by = v.str_list(c, cpath, "refuel_by") or []
        if refuel_by and kind == "warship":
            problems.add(cpath + ("refuel_by",), "applies to aircraft legs only")
        if arrive and depart and depart < arrive:
            problems.add(cpath + ("depart",), f"departs ({iso_minute(depart)}) before it "
                                              f"arrives ({iso_minute(arrive)})")
            continue
        if at is None:
            continue
        calls.append(Call(at[0], at[1], arrive, depart, purpose, tuple(avoid), tuple(deny),
                          waters, escort, bool(fixed), tuple(refuel_by)))
    first = itin[0] if itin and isinstance(itin[0], Mapping) else {}
    if (calls and len(calls) == len(itin) and calls[0].arrive is None
            and calls[0].depart is None
            and first.get("arrive") is None and first.get("depart") is None):
        problems.add(path + ("itinerary", 0, "depart"),
                     "the first call needs a depart (or an arrive) time to anchor the schedule")
    if None in (aid, nation, kind, crew, speed_kmh, range_km, ice) or len(calls) != len(itin):
        return None
    return Asset(aid, name or aid, nation, kind, int(crew), speed_kmh, range_km, ice, calls,
                 draught_m=draught_m, runway_m=runway_m)
