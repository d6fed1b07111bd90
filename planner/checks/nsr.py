"""Northern Sea Route checks on warship legs: ``NSR_ICE`` when a leg sails an NSR area whose
admission criteria do not admit the ship's class in the typical ice of a month it would be
there (an error), when the rules sent the leg another way than its shortest route (a warning
saying how much longer), or when a decision rests on a cell of the criteria the public text did
not give (a warning: confirm with the NSR administration); each names the area, the ice type
assumed and what would make it (escort, a higher class, another month, the way round). The
``CLEARANCE`` (permission, 90 days, compulsory pilotage: 510-FZ) a foreign warship needs to
enter the NSR's internal waters is in :mod:`planner.checks.nsr_limit` with ``NSR_LIMIT``.

The test of admissibility is :func:`planner.layers.nsr.closures` at the leg's own timing
(departure, ``sail_kmh``), the same the router applied when it routed the leg."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.core.caches import cached
from planner.core.units import KMH_PER_KN, MONTH_NAMES
from planner.layers.nsr import closures, sea_name, sea_runs, unsourced_uses
from planner.layers.nsr_rules import (
    CALENDAR_NOTE,
    ICE_CLASSES,
    SEASON_CLOSES,
    SEASON_OPENS,
    lowest_class,
    open_months,
)
from planner.layers.sea_network import NSR_PASSAGES
from planner.model.findings import Finding
from planner.routing.hop_time import run_signature
from planner.routing.schedule import sea_options
from planner.routing.sea import NoSeaRoute, sea_decision


def sea_entries(route, depart: dt.datetime, speed_kmh: float) -> list[tuple[str, dt.datetime]]:
    """Each NSR sea the route enters, in order, with the time the ship gets there at a
    constant ``speed_kmh`` from ``depart``."""
    return [(run.sea, depart + dt.timedelta(hours=run.start_km / speed_kmh))
            for run in sea_runs(route)]


def _month_span(months: list[int]) -> str:
    """[7, 8, 9, 11] -> ``July-September, November``."""
    spans: list[list[int]] = []
    for m in months:
        if spans and m == spans[-1][-1] + 1:
            spans[-1].append(m)
        else:
            spans.append([m])
    name = MONTH_NAMES
    return ", ".join(name[s[0]] if len(s) == 1 else f"{name[s[0]]}-{name[s[-1]]}"
                     for s in spans)


def _cell_text(ice_class: str, ice: str, area: str, modes) -> str:
    how = " and ".join("independently" if m == "independent" else "under escort"
                       for m in modes)
    return (f"admission of {ice_class} in {ice} ice in the {sea_name(area)} ({how}) not found in "
            "the public text of the Rules; confirm with the NSR administration")


def _where(closed) -> str:
    """Which area, when, the ice assumed, and what the Rules say there."""
    return "; ".join(f"{_sea_on(c.sea, c.when.date())} {_why(c.reason, c.month, c.ice, c.rule)}"
                     for c in closed)


@cached("checks.nsr._sea_on", maxsize=65536)
def _sea_on(sea: str, day: dt.date) -> str:
    """``East Siberian Sea on 2026-08-02``."""
    return f"{sea_name(sea)} on {day:%Y-%m-%d}"


@cached("checks.nsr._why", maxsize=4096)
def _why(reason: str, month: int, ice: str | None, rule: str | None) -> str:
    """Why a closure closes its area: out of season, or the ice assumed and the rule."""
    if reason == "season":
        return (f"in {MONTH_NAMES[month]}, outside the 1 July - 15 November "
                "season for its class")
    return (f"in {ice} ice (typical for {MONTH_NAMES[month]})"
            + (", only under icebreaker escort" if rule == "escort" else ""))


def _remedies(closed, ice_class: str, escort: bool, lead: str) -> tuple[str, list[str]]:
    """What would make it, per closed area: escort, a higher class, another month; areas with
    the same remedy named together (``lead`` heads the remedies: "it would make it with");
    the areas no month of the ice calendar opens to the class at all said so apart, not
    offered as a remedy. And the unsourced cells the closures rest on."""
    by_way: dict[str, list[str]] = {}
    never: list[str] = []
    doubts: list[str] = []
    for c in closed:
        ways = []
        if c.rule == "escort" and not escort:
            ways.append("`escort: icebreaker` on this call")
        if c.reason == "ice":
            alone = lowest_class(c.sea, c.ice, False, c.when)
            helped = lowest_class(c.sea, c.ice, True, c.when)
            better = [f"ice class {k[0]} or higher{' (unsourced cell)' if not k[1] else ''}"
                      f"{' under escort' if mode else ''}"
                      for k, mode in ((alone, False), (helped, True))
                      if k is not None and ICE_CLASSES.index(k[0]) > ICE_CLASSES.index(
                          ice_class) and not (mode and alone and k[0] == alone[0])]
            ways += better
        months = open_months(ice_class, c.sea, escort)
        name = sea_name(c.sea)
        if months:
            ways.append(f"sailing it in {_month_span(months)}")
        elif name not in never:
            never.append(name)
        if ways:
            seas = by_way.setdefault(" or ".join(ways), [])
            if name not in seas:
                seas.append(name)
        if c.unsourced:
            doubts.append(_cell_text(ice_class, c.ice, c.sea, c.unsourced))
    parts = []
    if by_way:
        parts.append(f"{lead} " + "; ".join(f"{_names(seas)}: {way}"
                                           for way, seas in by_way.items()))
    if never:
        parts.append(f"no month of the ice calendar opens the {_names(never)} to ice class "
                     f"{ice_class} {'under' if escort else 'without'} icebreaker escort")
    return "; ".join(parts), doubts


def _names(seas: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``; an area's part in brackets ("East Siberian Sea
    (north-eastern part)"), so the commas of a list stay unambiguous."""
    seas = [f"{n.replace(', ', ' (', 1)})" if ", " in n else n for n in seas]
    return seas[0] if len(seas) == 1 else f"{', '.join(seas[:-1])} and {seas[-1]}"


def _escort_hint(closed, escort: bool) -> str:
    if escort or not any(c.rule == "escort" for c in closed):
        return ""
    return ("; with `escort: icebreaker` on this call, areas the rules open to it under escort "
            "would be admissible")


class _Leg(NamedTuple):
    """The columns of a schedule leg the NSR check reads."""

    asset: str
    nation: str
    seq: int
    to: str
    depart: object
    arrive: object
    sail_kmh: float
    route: object
    passages: list
    distance_km: float
    distance_nm: float


_LEG_FIELDS = _Leg._fields


def nsr_findings(plan, schedule, register=None) -> list[Finding]:
    """NSR_ICE and NSR-transit CLEARANCE findings for every warship leg through the NSR (or
    kept out of it by the ice rules).

    Worked out per template (asset routing figures, the two places, the call's options and
    the leg's route): a template whose route and shortest way meet no NSR area gives no
    finding at any time. For the others the answers depend on the departure only through
    :func:`~planner.routing.hop_time.run_signature` of the route's NSR runs at the leg's
    speed and of the shortest way's and the way round's runs at the router's: one leg of a
    signature is checked, and when it gives nothing, neither do the others clear of its
    edges; every leg that gives a finding is checked on its own, with its own times."""
    legs = schedule.legs
    if not len(legs):
        return []
    by_id = {a.id: a for a in plan.assets}
    cols = {f: legs[f].tolist() for f in ("kind", "asset", "seq", "route", "passages",
                                          "distance_km")}
    groups: dict[tuple, list[int]] = {}
    for i, (kind, aid, seq, route, passages, km) in enumerate(zip(
            cols["kind"], cols["asset"], cols["seq"], cols["route"], cols["passages"],
            cols["distance_km"], strict=True)):
        if kind != "warship":
            continue
        asset = by_id[aid]
        frm, to = asset.itinerary[seq - 1], asset.itinerary[seq]
        # places by identity (a plan resolves each id once): hashing a Place per leg costs
        key = (asset.ice_class, asset.speed_kn, asset.speed_kmh, asset.nation, id(frm.place),
               id(to.place), tuple(to.avoid), to.waters, to.escort is not None, id(route),
               tuple(passages), km)
        groups.setdefault(key, []).append(i)
    if not groups:
        return []
    depart_us = _epoch_us(legs["depart"])
    sail_kmh = legs["sail_kmh"].to_numpy(float)
    memo: dict = {}
    found: dict[int, list[Finding]] = {}
    rows_of = _Legs(legs)
    for rows in groups.values():
        for i, fs in _group_findings(rows_of, rows, by_id, depart_us, sail_kmh, memo):
            if fs:
                found[i] = fs
    return [f for i in sorted(found) for f in found[i]]


def _epoch_us(times: pd.Series) -> np.ndarray:
    """Microseconds since the epoch as float (NaN for NaT)."""
    t = times.to_numpy(dtype="datetime64[us]") if len(times) else np.array([], "datetime64[us]")
    out = t.astype(np.int64).astype(float)
    out[np.isnat(t)] = np.nan
    return out


class _Legs:
    """Row ``i`` of the legs frame as a :class:`_Leg` (values as ``itertuples`` gives them),
    from columns read once."""

    def __init__(self, legs: pd.DataFrame):
        # times as datetimes, converted once (a Timestamp boxed per row cost 25 us)
        self.cols = [list(legs[f].dt.to_pydatetime()) if f in ("depart", "arrive")
                     else legs[f].tolist() for f in _LEG_FIELDS]

    def __call__(self, i: int) -> _Leg:
        return _Leg(*(c[i] for c in self.cols))


def _group_findings(leg_of: _Legs, rows: list[int], by_id, depart_us: np.ndarray,
                    sail_kmh: np.ndarray, memo: dict):
    """(leg, findings) for the legs of one template (see :func:`nsr_findings`)."""
    first = leg_of(rows[0])
    asset = by_id[first.asset]
    frm, to = asset.itinerary[first.seq - 1], asset.itinerary[first.seq]
    runs_leg = sea_runs(first.route)
    try:
        probe = sea_decision(frm.place, to.place, **sea_options(
            asset, when=None, avoid=to.avoid, waters=to.waters, escort=to.escort))
    except (NoSeaRoute, ValueError):
        probe = None
    if probe is None:  # no way at all: each leg as it comes
        for i in rows:
            yield i, _leg_findings(leg_of(i), i, asset, frm, to, memo)
        return
    runs_short = sea_runs(probe.shortest)
    if not runs_leg and not runs_short:
        return  # no NSR area on the leg's route or its shortest way: nothing at any time
    try:
        round_way = sea_decision(frm.place, to.place, **sea_options(
            asset, when=None, avoid=tuple(sorted(set(to.avoid) | set(NSR_PASSAGES))),
            waters=to.waters, escort=to.escort))
        runs_alt = sea_runs(round_way.shortest)
    except (NoSeaRoute, ValueError):
        runs_alt = []
    idx = np.asarray(rows)
    t0 = depart_us[idx]
    t0_min = np.floor(t0 / 60e6) * 60.0  # the router's departure, floored to the minute (s)
    router_kmh = float(asset.speed_kn) * KMH_PER_KN
    parts = [run_signature(runs_leg, t0 / 1e6, sail_kmh[idx]),
             run_signature(runs_short, t0_min, router_kmh),
             run_signature(runs_alt, t0_min, router_kmh)]
    sig = np.hstack([p[0] for p in parts])
    clear = parts[0][1] & parts[1][1] & parts[2][1]
    quiet: dict[bytes, bool] = {}
    for k, i in enumerate(rows):
        if not clear[k]:
            yield i, _leg_findings(leg_of(i), i, asset, frm, to, memo)
            continue
        code = sig[k].tobytes()
        if quiet.get(code):
            continue  # a leg of the same signature gave nothing: so does this one
        fs = _leg_findings(leg_of(i), i, asset, frm, to, memo)
        quiet[code] = not fs
        yield i, fs


def _leg_findings(leg: _Leg, i: int, asset, frm, to, memo: dict) -> list[Finding]:
    """The ``NSR_ICE`` findings of one warship leg, at its own times."""
    out: list[Finding] = []
    depart = pd.Timestamp(leg.depart).to_pydatetime()
    arrive = pd.Timestamp(leg.arrive).to_pydatetime()
    escort = to.escort is not None
    bad = closures(leg.route, asset.ice_class, depart, leg.sail_kmh, escort)
    try:
        decision = sea_decision(frm.place, to.place, **sea_options(
            asset, when=depart, avoid=to.avoid, waters=to.waters, escort=to.escort))
    except (NoSeaRoute, ValueError):
        decision = None
    if bad:
        alt = decision.route if decision is not None else None
        same = alt is not None and alt.passages == tuple(leg.passages) and abs(
            alt.distance_km - leg.distance_km) < 1e-6
        if alt is not None and not same and not closures(
                alt, asset.ice_class, depart, asset.speed_kmh, escort):
            extra_days = (alt.distance_km - leg.distance_km) / asset.speed_kmh / 24
            via = ", ".join(p for p in alt.passages) or "open water"
            alt_text = (f"the best alternative avoiding the NSR is {alt.distance_nm:,.0f} nm "
                        f"via {via} ({alt.distance_nm - leg.distance_nm:+,.0f} nm, "
                        f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn)")
            alt_extra = {"alternative_nm": round(alt.distance_nm, 1),
                         "alternative_passages": list(alt.passages)}
        else:
            alt_text, alt_extra = "no route avoiding the NSR exists", {}
        how, doubts = _remedies_memo(bad, asset.ice_class, escort, memo,
                                     "it would make it with")
        out.append(Finding(
            "NSR_ICE", "error",
            f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} would sail "
            f"the {_where(bad)}: the NSR admission criteria do not permit that ice class "
            f"there then; {how}; or the way round: {alt_text}"
            f"{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
            nation=leg.nation, start=bad[0].when, end=arrive, assets=[leg.asset], leg=i,
            extra={"seas": [c.sea for c in bad], "ice": [c.ice for c in bad],
                   "reasons": [c.reason for c in bad],
                   "unsourced": [list(c.unsourced) for c in bad], **alt_extra}))
    elif (decision is not None and decision.rerouted
          and tuple(leg.passages) == decision.route.passages
          and abs(leg.distance_km - decision.route.distance_km) < 1e-6):
        short = decision.shortest
        extra_days = (leg.distance_km - short.distance_km) / asset.speed_kmh / 24
        how, doubts = _remedies_memo(decision.closed, asset.ice_class, escort, memo,
                                     "the NSR would open with")
        out.append(Finding(
            "NSR_ICE", "warning",
            f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} is routed via "
            f"{', '.join(leg.passages) or 'by open water'} ({leg.distance_nm:,.0f} nm): "
            f"the NSR ({short.distance_nm:,.0f} nm) is closed to it in the "
            f"{_where(decision.closed)}; {leg.distance_nm - short.distance_nm:+,.0f} nm, "
            f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn; "
            f"{how}{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
            nation=leg.nation, start=decision.closed[0].when, end=arrive,
            assets=[leg.asset], leg=i,
            extra={"seas": [c.sea for c in decision.closed],
                   "ice": [c.ice for c in decision.closed], "rerouted": True,
                   "unsourced": [list(c.unsourced) for c in decision.closed],
                   "nsr_nm": round(short.distance_nm, 1)}))
    if not bad:
        out += _unsourced_findings(leg, i, asset, depart, arrive)
    return out


def _remedies_memo(closed, ice_class: str, escort: bool, memo: dict, lead: str
                   ) -> tuple[str, list[str]]:
    """:func:`_remedies`, once per shape of the closures: it reads a closure's time only
    through :func:`~planner.layers.nsr_rules.lowest_class`, which asks whether it falls in
    the navigation season."""
    key = (ice_class, escort, lead, tuple((c.sea, c.month, c.rule, c.ice, c.reason, c.unsourced,
                                     SEASON_OPENS <= (c.when.month, c.when.day) <= SEASON_CLOSES)
                                    for c in closed))
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = _remedies(closed, ice_class, escort, lead)
    return hit[0], list(hit[1])


def _unsourced_findings(leg, i: int, asset, depart: dt.datetime, arrive: dt.datetime
                        ) -> list[Finding]:
    """An ``NSR_ICE`` warning for a leg through the NSR whose admission rests on cells of the
    criteria the public text did not give: never silently allowed."""
    uses = unsourced_uses(sea_runs(leg.route), asset.ice_class, depart, leg.sail_kmh)
    if not uses:
        return []
    planned = {"independent": "admitted", "escort": "escort only", "no": "not admitted"}
    texts = [f"{_cell_text(a.ice_class, a.ice, a.area, a.unsourced)} (planned as "
             f"{planned[a.outcome]}, {MONTH_NAMES[a.month]})" for _, a in uses]
    return [Finding(
        "NSR_ICE", "warning",
        f"{leg.asset} (ice class {asset.ice_class}) on the leg to {leg.to}: its NSR "
        f"passage rests on planning assumptions: {'; '.join(texts)} ({CALENDAR_NOTE})",
        nation=leg.nation, start=uses[0][0], end=arrive, assets=[leg.asset], leg=i,
        extra={"seas": [a.area for _, a in uses], "ice": [a.ice for _, a in uses],
               "unsourced": [list(a.unsourced) for _, a in uses]})]


@register("nsr")
def nsr_check(ctx: CheckContext) -> list[Finding]:
    """``NSR_ICE``."""
    return nsr_findings(ctx.plan, ctx.schedule, ctx.register)
