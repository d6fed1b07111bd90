"""What a staff brief says about a checked plan, as plain data: the summary (errors by code,
caps' peaks and headroom, clearances owed by country), the details by asset and leg, and the
crossing notices grouped one per country per leg.

:mod:`planner.render.text_report` prints this as text or Markdown; the JSON document keeps one
finding per event (:meth:`planner.Report.to_dict`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.checks.crossings import STRAIT_NAMES
from planner.core.units import fmt_minute, is_missing, to_timestamp
from planner.layers.countries import country_name
from planner.layers.straits import STRAITS
from planner.model.findings import Finding

#: Findings about crossing a third country, merged into one line per country per leg.
CROSSING_CODES = ("OVERFLIGHT", "TERRITORIAL_SEA", "CLEARANCE")


def clearance_text(f: Finding) -> str:
    """Who grants a ``CLEARANCE`` and what it is, from the register row the finding carries
    (``extra``): ``from Kazakhstan (KAZ), diplomatic overflight clearance``. A country's own
    register row names its authority; a planner-default row names only the kind of clearance."""
    e = f.extra or {}
    iso = e.get("country") or f.host or "?"
    event = str(e.get("event") or "notice").replace("_", " ")
    authority = str(e.get("authority") or "").strip()
    who = f"from {country_name(iso)} ({iso})"
    if e.get("default_lead_time") or not authority:
        kind = "diplomatic " if "diplomatic" in authority.lower() else ""
        return f"{who}, {kind}{event} clearance"
    return f"{who}, {event} clearance: {authority}"


_FAR = pd.Timestamp.max.tz_localize("UTC")


def _by_key(f: Finding) -> pd.Timestamp:
    t = file_by(f)
    return _FAR if t is None else t


def file_by(f: Finding) -> pd.Timestamp | None:
    """The file-by time of a ``CLEARANCE`` finding (UTC), or None."""
    raw = (f.extra or {}).get("file_by")
    return None if raw in (None, "") else to_timestamp(raw)


@dataclass
class CapLine:
    """Peak and headroom of one cap: ``limit`` None when the agreement sets no such cap."""

    host: str
    nation: str
    category: str
    peak: int
    limit: int | None
    headroom: int | None
    peak_at: pd.Timestamp | None


@dataclass
class Owed:
    """Clearances owed to one country: how many, of which events, and the earliest file-by."""

    country: str
    count: int
    events: list[str]
    earliest: pd.Timestamp | None
    authority: str


@dataclass
class CrossingGroup:
    """Every crossing finding of one country on one leg (``route`` ``from -> to``, all assets
    flying or sailing it), merged: one line of the report."""

    key: tuple
    country: str
    where: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def assets(self) -> list[str]:
        return sorted({a for f in self.findings for a in f.assets})

    def of(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.code == code]


@dataclass
class Brief:
    """The summary and grouped details of a report (see the module docstring)."""

    plan: str
    n_legs: int
    n_errors: int
    n_notices: int
    transit: bool
    errors_by_code: dict[str, int]
    caps: list[CapLine]
    owed: list[Owed]
    assets: list[tuple[str, str, list[dict], dict[int, list[Finding]], list[Finding]]]
    plan_wide: list[Finding]
    crossings: list[CrossingGroup]
    by_code_country: list[tuple[str, str, str, int]]


def _leg_where(leg: dict | None, f: Finding) -> str:
    if leg is not None:
        return f"{leg['from']} -> {leg['to']}"
    if f.facility:
        return f"at {f.facility}"
    return "plan"


def cap_lines(headroom: pd.DataFrame) -> list[CapLine]:
    """The headroom table as :class:`CapLine` rows; a missing cap (None/NaN) is ``None``."""
    out = []
    for r in headroom.itertuples(index=False):
        limit = None if is_missing(r.limit) else int(r.limit)
        room = None if limit is None or is_missing(r.headroom) else int(r.headroom)
        out.append(CapLine(str(r.host), str(r.nation), str(r.category), int(r.peak), limit,
                           room, None if is_missing(r.peak_at) else to_timestamp(r.peak_at)))
    return out


def owed_by_country(findings: Iterable[Finding]) -> list[Owed]:
    """``CLEARANCE`` findings by country, earliest file-by first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.code == "CLEARANCE":
            groups.setdefault(str((f.extra or {}).get("country") or f.host), []).append(f)
    out = []
    for iso, fs in groups.items():
        times = [t for t in (file_by(f) for f in fs) if t is not None]
        events = sorted({str((f.extra or {}).get("event") or "notice") for f in fs})
        out.append(Owed(iso, len(fs), events, min(times) if times else None,
                        clearance_text(min(fs, key=_by_key))))
    return sorted(out, key=lambda o: (o.earliest if o.earliest is not None else _FAR,
                                      o.country))


def _notified_strait(f: Finding, iso: str) -> str | None:
    """The strait a ``strait_transit`` notice is for (the Montreux strait of its country),
    so that it shares the strait's crossing line."""
    if f.code != "CLEARANCE" or (f.extra or {}).get("event") != "strait_transit":
        return None
    return next((s.key for s in STRAITS if s.regime == "montreux" and iso in s.states), None)


def _crossing_country(f: Finding) -> str:
    e = f.extra or {}
    return str(e.get("country") or f.host or "?")


def build_brief(report) -> Brief:
    """The :class:`Brief` of a :class:`planner.Report`."""
    fl = list(report.finding_list)
    legs = report.legs
    leg_rows: list[dict] = legs.drop(columns=[c for c in ("route", "geometry")
                                              if c in legs]).to_dict("records") if len(legs) \
        else []
    errors = Counter(f.code for f in fl if f.severity == "error")
    # details by asset, in plan order
    order: dict[str, dict[str, Any]] = {}
    for i, leg in enumerate(leg_rows):
        a = order.setdefault(str(leg["asset"]), {"nation": str(leg.get("nation", "")),
                                                 "legs": [], "by_leg": {}, "calls": []})
        a["legs"].append({**leg, "index": i})
    crossings: dict[tuple, CrossingGroup] = {}
    plan_wide: list[Finding] = []
    for f in fl:
        leg = leg_rows[f.leg] if f.leg is not None and 0 <= f.leg < len(leg_rows) else None
        # a passage or airspace closed by a state (planner.checks.passage and .airspace:
        # extra.closed_by) is a finding of its own under its leg, never a crossing line
        if f.code in CROSSING_CODES and f.severity != "error" and not (
                f.extra or {}).get("closed_by"):
            iso = _crossing_country(f)
            strait = (f.extra or {}).get("strait") or _notified_strait(f, iso)
            if strait:  # transit passage: one line per strait, its states named
                iso = ", ".join((f.extra or {}).get("states") or [iso])
            if leg is not None:
                key = ("leg", leg["from"], leg["to"], leg.get("mode"), iso, strait)
            else:
                key = ("call", f.facility or "", (f.extra or {}).get("event"), iso)
            g = crossings.setdefault(key, CrossingGroup(key, iso, _leg_where(leg, f)))
            g.findings.append(f)
            continue
        if leg is not None:
            a = order[str(leg["asset"])]
            a["by_leg"].setdefault(f.leg, []).append(f)
        elif len(f.assets) == 1 and f.assets[0] in order:
            order[f.assets[0]]["calls"].append(f)
        else:
            plan_wide.append(f)
    assets = _merge_alike([(aid, a["nation"], a["legs"], a["by_leg"], a["calls"])
                           for aid, a in order.items()])
    table = Counter((f.code, f.severity, str(f.host or "-")) for f in fl)
    rank = {"error": 0, "warning": 1}
    by_cc = sorted(((c, s, h, n) for (c, s, h), n in table.items()),
                   key=lambda r: (rank.get(r[1], 2), r[0], r[2]))
    n_err = sum(errors.values())
    return Brief(report.plan_name, len(leg_rows), n_err, len(fl) - n_err, report.transit,
                 dict(sorted(errors.items())), cap_lines(report.headroom), owed_by_country(fl),
                 assets, plan_wide, list(crossings.values()), by_cc)


def _merge_alike(assets: list[tuple]) -> list[tuple]:
    """Assets with the same legs (places, modes, times) and no finding of their own are
    printed once, named together (``il76-1, il76-2 (2 assets)``)."""
    out: list[tuple] = []
    seen: dict[tuple, int] = {}
    for aid, nation, legs, by_leg, calls in assets:
        sig = (nation, tuple((g["from"], g["to"], g["mode"], str(g["depart"]), str(g["arrive"]))
                             for g in legs))
        if by_leg or calls or not legs:
            out.append((aid, nation, legs, by_leg, calls))
            continue
        if sig in seen:
            k = seen[sig]
            names, *rest = out[k]
            out[k] = (f"{names}, {aid}", *rest)
            continue
        seen[sig] = len(out)
        out.append((aid, nation, legs, by_leg, calls))
    return out


def span(findings: Iterable[Finding]) -> str:
    """``2026-03-18 03:15Z`` or ``2026-03-18 03:15Z to 2026-03-18 04:40Z`` over the starts."""
    starts = sorted(f.start for f in findings if f.start is not None)
    if not starts:
        return "time unknown"
    if starts[0] == starts[-1]:
        return fmt_minute(starts[0])
    return f"{fmt_minute(starts[0])} to {fmt_minute(starts[-1])}"


def crossing_line(g: CrossingGroup) -> str:
    """One country on one leg: what is crossed (extent, times), the clearance to file (from
    whom, by when), for which assets."""
    parts = []
    over, seas, clear = g.of("OVERFLIGHT"), g.of("TERRITORIAL_SEA"), g.of("CLEARANCE")
    if over:
        km = max(float(f.value or 0) for f in over)
        parts.append(f"overflight {km:,.0f} km inside, entering {span(over)}")
    if seas:
        nm = max(float(f.value or 0) for f in seas)
        strait = next(((f.extra or {}).get("strait") for f in seas if (f.extra or {})
                       .get("strait")), None)
        what = strait_passage(strait) if strait else "territorial sea"
        parts.append(f"{what} {nm:,.0f} nm inside, entering {span(seas)}")
    if clear:
        first = min(clear, key=_by_key)
        by = file_by(first)
        days = (first.extra or {}).get("lead_days")
        basis = "planner default" if (first.extra or {}).get("default_lead_time") else "register"
        if not over and not seas:
            parts.append(f"{str((first.extra or {}).get('event', 'notice')).replace('_', ' ')}"
                         f" {span(clear)}")
        parts.append(f"clearance {clearance_text(first)}: file by "
                     f"{fmt_minute(by) if by is not None else '?'} ({days} days, {basis})")
    assets = g.assets
    who = assets[0] if len(assets) == 1 else f"{len(assets)} assets: {', '.join(assets)}"
    name = g.country if "," in g.country else f"{g.country} ({country_name(g.country)})"
    return f"{name} {g.where}: " + "; ".join(parts) + \
        f" [{who}]"


#: How a strait of each passage regime (:data:`planner.layers.straits.STRAITS`) is passed, in
#: the brief: UNCLOS 1982 arts. 36-44 and 53; Montreux Convention 1936 arts. 13-14 (warships'
#: transit notified to the Turkish Government through diplomatic channels, normally 8 days
#: ahead, 15 desirable for non-Black Sea powers).
PASSAGE_TEXT = {
    "transit": "transit passage of the {name} (UNCLOS Part III; no notice)",
    "montreux": "passage of the {name} under the Montreux Convention (notice to Turkey through "
                "diplomatic channels, arts. 13-14)",
    "corridor": "the {name}, high-seas/EEZ corridor (UNCLOS art. 36; innocent passage "
                "inside the territorial seas)",
    "archipelagic": "archipelagic sea lanes passage of the {name} (UNCLOS art. 53; no notice)",
    "canal": "the {name} (passage under its convention)",
}


def strait_passage(key: str) -> str:
    """How the strait ``key`` is passed, by its regime (:data:`PASSAGE_TEXT`)."""
    st = next((s for s in STRAITS if s.key == key), None)
    if st is None:
        return f"passage of the {STRAIT_NAMES.get(key, key)}"
    name = st.name[4:] if st.name.startswith("the ") else st.name
    return PASSAGE_TEXT[st.regime].format(name=name)


def cap_text(c: CapLine) -> str:
    """``warships peak 2 of 5 (headroom 3)``, or ``... peak 2, no cap``."""
    if c.limit is None:
        return f"{c.category} peak {c.peak:,}, no cap"
    return f"{c.category} peak {c.peak:,} of {c.limit:,} (headroom {c.headroom:,})"
