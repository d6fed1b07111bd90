"""Third-country airspace and territorial seas crossed by legs, and the clearances that
crossings and host visits call for (``OVERFLIGHT``, ``TERRITORIAL_SEA``, ``CLEARANCE``)."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.core.caches import cached
from planner.core.units import (
    ISO_SECOND_FORMAT,
    KM_PER_NM,
    MINUTE_FORMAT,
    fmt_minute,
    iso_z,
    strftime_many,
    to_datetime,
    to_timestamp,
    wrap_lon,
)
from planner.layers.catalogue import resolve_place
from planner.layers.countries import country_name
from planner.layers.register import file_by, passage_rule, rule_text
from planner.layers.straits import STRAITS, strait_of
from planner.layers.territory import crossings_table
from planner.model.findings import Finding

STRAIT_BY_KEY = {s.key: s for s in STRAITS}
STRAIT_NAMES = {s.key: s.name for s in STRAITS}  # printed names, by key

#: What the passage regime of a strait (:data:`planner.layers.straits.STRAITS`) means for a
#: warship's notice (UNCLOS 1982 arts. 37-44; Montreux Convention 1936 arts. 10-18; Japan's
#: and South Korea's 3 nm territorial seas in their straits, 1977).
REGIME_TEXT = {
    "transit": "transit passage (UNCLOS Part III), no notice required",
    "montreux": "passage under the Montreux Convention (notice through diplomatic channels, "
                "arts. 13-14)",
    "corridor": "high-seas corridor (territorial seas narrower than 12 nm), no notice required",
    "archipelagic": "archipelagic sea lanes passage (UNCLOS art. 53), no notice required",
}


def clearance_finding(country: str, asset_kind: str, event: str, start, *, nation: str,
                      asset: str, what: str, register=None, leg: int | None = None,
                      facility: str | None = None, conditions: str = "") -> Finding | None:
    """A ``CLEARANCE`` notice: who must ask whom, for what (notice or permission, from the
    register's ``rule``), entering when, and the date by which to file; ``conditions`` are
    appended (510-FZ: compulsory pilotage). None when the register asks for nothing (rule
    ``none`` or lead time 0). A state with no public rule (``unknown``) gets "no public rule
    found; ask the desk officer" with the planner-default date, never silence."""
    rule = passage_rule(country, asset_kind, event, register)
    if not _needs_clearance(rule):
        return None
    start_ts = to_timestamp(start)
    deadline = file_by(start_ts, rule.lead_days)
    return _clearance(country, event, rule, fmt_minute(start_ts), fmt_minute(deadline),
                      to_datetime(start_ts), iso_z(deadline), nation=nation, asset=asset,
                      what=what, leg=leg, facility=facility, conditions=conditions)


def _needs_clearance(rule) -> bool:
    """A register rule that asks for a notice or a clearance (not ``none``, a lead time)."""
    return not (rule.row is None or rule.kind == "none" or rule.lead_days is None
                or rule.lead_days <= 0)


def _clearance(country: str, event: str, rule, start_txt: str, deadline_txt: str, start_dt,
               deadline_iso: str, *, nation: str, asset: str, what: str, leg: int | None,
               facility: str | None, conditions: str = "", parts: tuple | None = None
               ) -> Finding:
    """The ``CLEARANCE`` finding from its register rule and formatted times (one text for the
    single and the bulk path); ``parts``: :func:`_clearance_parts` of the same rule, when the
    caller has them."""
    ask, basis, authority, source = parts or _clearance_parts(country, event, rule)
    days = rule.lead_days
    extra_text = f"; {conditions}" if conditions else ""
    return Finding(
        "CLEARANCE", "info",
        f"{nation} must {ask} for {asset} ({what}), entering "
        f"{start_txt}: file by {deadline_txt} ({days} days; {basis}){extra_text}",
        host=country, nation=nation, start=start_dt, assets=[asset], leg=leg,
        facility=facility,
        extra={"country": country, "event": event, "lead_days": days,
               "file_by": deadline_iso, "authority": authority, "rule": rule.kind,
               "source": source, "default_lead_time": not rule.stated})


def _clearance_parts(country: str, event: str, rule) -> tuple[str, str, str, str]:
    """What a ``CLEARANCE`` asks of whom, on what basis, its authority and source: the parts
    of the text that depend on the rule alone."""
    row = rule.row
    authority = row["authority"]
    source = row["source"]
    basis = ("lead time from the register" if rule.stated else
             "planner default lead time" if rule.default or rule.kind == "unknown" else
             "the law states no lead time; planner default")
    # the country by name, then who grants it: a country's own row names its authority, a
    # planner-default row only the kind of clearance ("diplomatic overflight clearance")
    kind = event.replace("_", " ")
    if rule.default or not str(authority).strip():
        who = f"from {_country_name(country)} ({country})"
    else:
        who = f"from {_country_name(country)} ({country}), {authority}"
    if rule.kind == "notice":
        ask = f"give prior notice of {kind} to {who[5:]}"
    elif rule.kind == "authorization" and not rule.default:
        ask = f"request permission (prior authorization) for {kind} {who}"
    elif rule.kind == "authorization":
        diplomatic = "diplomatic " if "diplomatic" in str(authority) else ""
        ask = f"request {diplomatic}{kind} clearance {who}"
    else:
        ask = (f"check with the desk officer whether {_country_name(country)} ({country}) "
               f"requires notice or authorization of {kind} (no public rule found) and, to "
               "be safe, file")
    return ask, basis, authority, source


@cached("checks.crossings._country_name", maxsize=1024)
def _country_name(iso3: str) -> str:
    return country_name(iso3)


class ClearanceBatch:
    """``CLEARANCE`` findings for many events at once (issue 16): each lead time is looked up
    once per (country, asset kind, event), the file-by dates and the times' texts are
    computed for all events in one vectorised step, and the findings built last, in the
    order the events were added (the same findings :func:`clearance_finding` gives one by
    one)."""

    def __init__(self, register=None):
        self.register = register
        self._rule: dict[tuple[str, str, str], object] = {}
        self._text: dict[tuple[str, str, str], str] = {}
        self._events: list[tuple] = []

    def rule(self, country: str, asset_kind: str, event: str):
        """:func:`~planner.layers.register.passage_rule` memoised for this batch."""
        key = (country, asset_kind, event)
        if key not in self._rule:
            self._rule[key] = passage_rule(country, asset_kind, event, self.register)
        return self._rule[key]

    def text(self, country: str, asset_kind: str, event: str) -> str:
        """:func:`~planner.layers.register.rule_text` memoised for this batch."""
        key = (country, asset_kind, event)
        if key not in self._text:
            self._text[key] = rule_text(country, asset_kind, event, self.register)
        return self._text[key]

    def add(self, country: str, asset_kind: str, event: str, start_ns: int, *, nation: str,
            asset: str, what: str, leg: int | None = None, facility: str | None = None,
            slot: int | None = None) -> None:
        """Queue one event entering at ``start_ns`` (ns since the epoch, UTC); ``slot`` is an
        order key the caller may use to place the finding among its own."""
        rule = self.rule(country, asset_kind, event)
        if not _needs_clearance(rule):
            return
        self._events.append((country, event, rule.lead_days, rule, int(start_ns), nation,
                             asset, what, leg, facility, slot))

    def findings(self) -> list[tuple[int | None, Finding]]:
        """``(slot, finding)`` for every queued event that needs a notice."""
        ev = self._events
        if not ev:
            return []
        start = pd.DatetimeIndex(np.array([e[4] for e in ev], "datetime64[ns]"), tz="UTC")
        deadline = start - pd.to_timedelta(np.array([e[2] for e in ev], np.int64), unit="D")
        start_txt, deadline_txt = _fmt(start, MINUTE_FORMAT), _fmt(deadline, MINUTE_FORMAT)
        deadline_iso = _fmt(deadline, ISO_SECOND_FORMAT)
        start_dt = start.floor("s").to_pydatetime()
        parts: dict[tuple[str, str, int], tuple] = {}
        for e in ev:
            key = (e[0], e[1], id(e[3]))
            if key not in parts:
                parts[key] = _clearance_parts(e[0], e[1], e[3])
        return [(e[10], _clearance(e[0], e[1], e[3], start_txt[k],
                                   deadline_txt[k], start_dt[k], deadline_iso[k], nation=e[5],
                                   asset=e[6], what=e[7], leg=e[8], facility=e[9],
                                   parts=parts[(e[0], e[1], id(e[3]))]))
                for k, e in enumerate(ev)]


def _fmt(times: pd.DatetimeIndex, fmt: str) -> list[str]:
    """strftime of many times, each distinct minute formatted once."""
    codes, uniq = pd.factorize(times)
    texts = np.asarray(strftime_many(uniq, fmt), dtype=object)
    return texts[codes].tolist()


def crossing_findings(plan, schedule, register=None) -> list[Finding]:
    """OVERFLIGHT for third-country airspace entered by aircraft; TERRITORIAL_SEA for
    third-country territorial seas crossed by warships (straits used for transit passage
    named as such); CLEARANCE for each that needs notice, and for host visits.

    Worked per distinct thing (issue 16): routers cache routes, so many legs share one Route;
    the crossings of each distinct route, with the countries a leg does not count as third
    (its own and its two ends'), are grouped once into a :class:`_Template`; each leg then
    only places the template's distances in time (one vectorised step for all legs)."""
    legs = schedule.legs
    out: list[Finding] = []
    batch = ClearanceBatch(register)
    if len(legs):
        unique: dict[int, int] = {}
        routes = []
        for r in legs["route"]:
            if id(r) not in unique:
                unique[id(r)] = len(routes)
                routes.append(r)
        rows = _RouteRows(routes, crossings_table(routes))
        calls = schedule.calls
        host_of = dict(zip(zip(calls["asset"].tolist(), calls["seq"].tolist(), strict=True),
                           calls["host"].tolist(), strict=True))
        templates: dict[tuple, _Template | None] = {}
        owns: dict[tuple, tuple[str, ...]] = {}  # (nation, host before, host after) -> own
        uses: list[tuple[int, _Leg, _Template]] = []
        depart_ns = pd.DatetimeIndex(legs["depart"]).tz_convert("UTC").as_unit("ns").asi8
        for i, leg in enumerate(map(_Leg._make, zip(*(legs[c].tolist() for c in _LEG_FIELDS),
                                                     depart_ns.tolist(), strict=True))):
            ri = unique[id(leg.route)]
            if not rows.has(ri):
                continue
            ends = (leg.nation, host_of.get((leg.asset, leg.seq - 1)),
                    host_of.get((leg.asset, leg.seq)))
            own = owns.get(ends)
            if own is None:
                own = owns[ends] = tuple(sorted({str(c) for c in ends if isinstance(c, str)}))
            key = (ri, own, leg.kind, tuple(leg.passages))
            if key not in templates:
                templates[key] = _Template.of(leg, rows, ri, own)
            t = templates[key]
            if t is not None:
                uses.append((i, leg, t))
        out += _place_templates(uses, batch)
    visit_clearances(plan, schedule, register, batch=batch)
    # each crossing's clearance right after it (slot: its index + 1), the visits' last
    merged: list[Finding] = []
    queued = batch.findings()
    j = 0
    for k, f in enumerate(out):
        merged.append(f)
        while j < len(queued) and queued[j][0] == k + 1:
            merged.append(queued[j][1])
            j += 1
    return merged + [f for _, f in queued[j:]]


_LEG_FIELDS = ("route", "nation", "asset", "seq", "kind", "passages", "from", "to",
               "sail_kmh")
#: The fields of a leg the crossings need (``depart_ns``: departure, ns since the epoch).
_Leg = namedtuple("_Leg", [*(f if f != "from" else "frm" for f in _LEG_FIELDS), "depart_ns"])


class _Template:
    """The crossings of one distinct (route, countries not third, kind): per third country
    (all its stretches merged) and per strait transited, the km the asset enters and leaves,
    the km inside, the stretches and the map segment. A leg turns it into findings by its
    departure time and sailing speed."""

    __slots__ = ("kind", "countries", "straits", "kms", "_pieces")

    def __init__(self, kind, countries, straits):
        self.kind = kind
        self.countries = countries  # (iso3, entry_km, exit_km, inside_km, n_stretches, seg)
        self.straits = straits  # (strait, states, entry_km, exit_km, inside_km, seg)
        self.kms = np.array([k for c in countries for k in (c[1], c[2])]
                            + [k for s in straits for k in (s[2], s[3])], float)
        self._pieces: dict[str, list[tuple]] = {}

    def pieces(self, name: str, batch: ClearanceBatch) -> list[tuple]:
        """What the findings of a use on the leg ``name`` (``from -> to``) share, in the
        order of :attr:`kms`' pairs: (code, severity, the message between the asset and the
        entry time, after the exit time, host, value, unit, segment, extra, the clearance
        event (asset kind, event, what) or None). Worked out once per leg name."""
        hit = self._pieces.get(name)
        if hit is not None:
            return hit
        out = []
        for iso3, _, _, inside_km, n, seg in self.countries:
            stretches = f", {n} stretches" if n > 1 else ""
            if self.kind == "aircraft":
                out.append(("OVERFLIGHT", "warning",
                            f" flies through {iso3} airspace on {name} from ",
                            f" ({inside_km:,.0f} km inside{stretches}); diplomatic overflight "
                            "clearance needed", iso3, round(inside_km, 1), "km", seg, {},
                            ("aircraft", "overflight", f"overflight on {name}")))
            else:
                out.append(("TERRITORIAL_SEA", "warning",
                            f" passes through {iso3} territorial sea on {name} from ",
                            f" ({inside_km / KM_PER_NM:,.0f} nm inside{stretches}): innocent "
                            f"passage; {batch.text(iso3, 'warship', 'territorial_sea')}",
                            iso3, round(inside_km / KM_PER_NM, 1), "nm", seg,
                            {"rule": batch.rule(iso3, "warship", "territorial_sea").kind},
                            ("warship", "territorial_sea", f"passage on {name}")))
        for strait, states, _, _, inside_km, seg in self.straits:
            inside_nm = inside_km / KM_PER_NM
            out.append(("TERRITORIAL_SEA", "info",
                        f" transits the {STRAIT_BY_KEY[strait].name.removeprefix('the ')} on "
                        f"{name} from ",
                        f" ({inside_nm:,.0f} nm inside the territorial seas of "
                        f"{', '.join(states)}): {REGIME_TEXT[STRAIT_BY_KEY[strait].regime]}",
                        states[0], round(inside_nm, 1), "nm", seg,
                        {"strait": strait, "states": list(states)},
                        # Montreux art. 13: the transit is notified to Turkey beforehand
                        ("warship", "strait_transit",
                         f"transit of the {STRAIT_BY_KEY[strait].name.removeprefix('the ')} "
                         f"on {name}") if STRAIT_BY_KEY[strait].regime == "montreux" else None))
        self._pieces[name] = out
        return out

    @classmethod
    def of(cls, leg, rows: _RouteRows, ri: int, own: tuple[str, ...]) -> _Template | None:
        """The template of route ``ri`` for a leg of ``leg.kind`` not counting ``own``
        countries as third (None when no third-country stretch is left)."""
        idx = rows.rows_of(ri)
        idx = idx[~np.isin(rows.iso3[idx], own)] if own else idx
        warship = leg.kind == "warship"
        if warship:
            idx = idx[~rows.beyond[idx]]
            idx = idx[~rows.canal[idx]]
        if not len(idx):
            return None
        route = leg.route
        straits: dict[str, list] = {}
        plain: dict[str, list[int]] = {}
        for j in idx.tolist():
            strait = rows.strait[j] if warship else None
            if strait is not None:
                seg = _segment(route, rows.entry_km[j], rows.exit_km[j])
                straits.setdefault(strait, []).append(
                    (rows.iso3[j], rows.entry_km[j], rows.exit_km[j], rows.distance_km[j], seg))
            else:
                plain.setdefault(rows.iso3[j], []).append(j)
        countries = []
        for iso3, js in plain.items():
            longest = max(js, key=lambda j: (rows.distance_km[j], -j))  # first of the longest
            seg = _segment(route, rows.entry_km[longest], rows.exit_km[longest])
            countries.append((iso3, float(min(rows.entry_km[j] for j in js)),
                              float(max(rows.exit_km[j] for j in js)),
                              float(sum(rows.distance_km[j] for j in js)), len(js), seg))
        strait_rows = []
        for strait, parts in straits.items():
            strait_rows.append((strait, sorted({p[0] for p in parts}),
                                float(min(p[1] for p in parts)), float(max(p[2] for p in parts)),
                                sum(p[3] for p in parts), max(parts, key=lambda p: p[3])[4]))
        return cls(leg.kind, countries, strait_rows)


class _RouteRows:
    """The crossings table of the distinct routes as plain arrays, with what each stretch is
    under the strait regimes worked out for all rows at once: the area of
    :data:`~planner.layers.straits.STRAITS` holding its midpoint, whether it lies in a canal,
    in a strait passed under its own regime (:func:`_strait_for`) or beyond a corridor
    state's breadth (:func:`_beyond_breadth`); the per-row functions stay the reference."""

    def __init__(self, routes: list, table: pd.DataFrame):
        self.leg = table["leg"].to_numpy(np.int64)
        self.iso3 = table["iso3"].to_numpy(object)
        self.entry_km = table["entry_km"].to_numpy(float)
        self.exit_km = table["exit_km"].to_numpy(float)
        self.distance_km = table["distance_km"].to_numpy(float)
        self.bounds = np.searchsorted(self.leg, np.arange(len(routes) + 1))
        mid = (self.entry_km + self.exit_km) / 2
        lon, lat = np.zeros(len(mid)), np.zeros(len(mid))
        for ri, route in enumerate(routes):
            a, b = self.bounds[ri], self.bounds[ri + 1]
            if a < b:
                cum = route.cumulative_km()
                lon[a:b] = wrap_lon(np.interp(mid[a:b], cum, route.lons))
                lat[a:b] = np.interp(mid[a:b], cum, route.lats)
        area = strait_of(lon, lat).astype(np.int64)
        regime = np.array([s.regime for s in STRAITS] + [""], dtype=object)[area]
        self.canal = regime == "canal"
        states = [STRAITS[k].states if k >= 0 else () for k in area.tolist()]
        self.strait = [STRAITS[k].key if k >= 0 and regime[j] not in ("canal", "corridor")
                       and self.iso3[j] in states[j] else None
                       for j, k in enumerate(area.tolist())]
        beyond = np.zeros(len(mid), bool)
        for j in np.flatnonzero(regime == "corridor").tolist():
            k = int(area[j])
            if STRAITS[k].breadth_nm(self.iso3[j]) < 12.0:
                inside = dict(getattr(routes[self.leg[j]], "territorial_km", ()) or ())
                beyond[j] = inside.get(self.iso3[j], 0.0) < 0.1
        self.beyond = beyond

    def has(self, ri: int) -> bool:
        return self.bounds[ri] < self.bounds[ri + 1]

    def rows_of(self, ri: int) -> np.ndarray:
        return np.arange(self.bounds[ri], self.bounds[ri + 1])


def _place_templates(uses: list[tuple[int, object, _Template]],
                     batch: ClearanceBatch) -> list[Finding]:
    """The findings of every (leg, template) use: all entry and exit times computed at once
    (the leg sails at ``sail_kmh`` from ``depart``, rounded to the minute as
    :func:`~planner.routing.schedule.time_at_km` is), then one finding per country and
    strait, each crossing's clearance queued on ``batch``."""
    if not uses:
        return []
    counts = np.array([len(t.kms) for _, _, t in uses])
    kms = np.concatenate([t.kms for _, _, t in uses])
    depart_ns = np.array([leg.depart_ns for _, leg, _ in uses], np.int64)
    sail = np.array([leg.sail_kmh for _, leg, _ in uses], float)
    base = np.repeat(depart_ns, counts)
    times = (pd.DatetimeIndex(base, tz="UTC")
             + pd.to_timedelta(kms / np.repeat(sail, counts), unit="h")).round("min")
    texts = _fmt(times, MINUTE_FORMAT)
    stamps = times.to_pydatetime()
    ns = times.as_unit("ns").asi8
    out: list[Finding] = []
    append = out.append
    pos = 0
    for i, leg, t in uses:
        who = f"{leg.asset} ({leg.nation})"
        for code, severity, head, tail, host, value, unit, seg, extra, event in t.pieces(
                f"{leg.frm} -> {leg.to}", batch):
            append(Finding(code, severity, f"{who}{head}{texts[pos]} to {texts[pos + 1]}{tail}",
                           host=host, nation=leg.nation, start=stamps[pos],
                           end=stamps[pos + 1], value=value, unit=unit, assets=[leg.asset],
                           leg=i, segment=seg, extra=dict(extra)))
            if event is not None:
                kind, ev, what = event
                batch.add(host, kind, ev, ns[pos], nation=leg.nation, asset=leg.asset,
                          what=what, leg=i, slot=len(out))
            pos += 2
    return out


def _area_of(leg, row) -> int:
    """Index into :data:`planner.layers.straits.STRAITS` of the area holding a stretch's
    midpoint, -1 outside all."""
    mid_km = (row.entry_km + row.exit_km) / 2
    cum = leg.route.cumulative_km()
    lon = wrap_lon(float(np.interp(mid_km, cum, leg.route.lons)))
    lat = float(np.interp(mid_km, cum, leg.route.lats))
    return int(strait_of(np.array([lon]), np.array([lat]))[0])


def _strait_for(leg, row) -> str | None:
    """The strait a territorial-sea stretch is passed under a regime of its own (transit
    passage, Montreux, archipelagic sea lanes: its midpoint inside the strait's area of
    :data:`planner.layers.straits.STRAITS`, the country one of the strait's states), or None.
    Canals are not straits (see :func:`in_canal`); nor is a ``corridor`` strait (UNCLOS art.
    36): a route there that enters a territorial sea does so in innocent passage, like on
    any coast (see :func:`_beyond_breadth`)."""
    i = _area_of(leg, row)
    if i < 0 or STRAITS[i].regime in ("canal", "corridor") or row.iso3 not in STRAITS[i].states:
        return None
    return STRAITS[i].key


def _beyond_breadth(leg, row) -> bool:
    """A stretch of the 12 nm layer inside a ``corridor`` strait where the state keeps a
    narrower sea (Japan and South Korea 3 nm, Greece and Turkey 6 nm) and the route, whose
    per-edge waters are measured at the real breadth, never enters that state's sea: not
    territorial sea at all."""
    i = _area_of(leg, row)
    if i < 0 or STRAITS[i].regime != "corridor" or STRAITS[i].breadth_nm(row.iso3) >= 12.0:
        return False
    return dict(getattr(leg.route, "territorial_km", ()) or ()).get(row.iso3, 0.0) < 0.1


def _segment(route, a_km: float, b_km: float) -> list[tuple[float, float]]:
    cum = route.cumulative_km()
    lons, lats = np.asarray(route.lons), np.asarray(route.lats)
    inner = (cum > a_km) & (cum < b_km)
    pa = (float(np.interp(a_km, cum, lons)), float(np.interp(a_km, cum, lats)))
    pb = (float(np.interp(b_km, cum, lons)), float(np.interp(b_km, cum, lats)))
    return [pa, *zip(lons[inner].tolist(), lats[inner].tolist(), strict=True), pb]


def visit_clearances(plan, schedule, register=None,
                     batch: ClearanceBatch | None = None) -> list[Finding]:
    """CLEARANCE for calls in another state's territory (the other party's or a third
    country's: Singapore, Port Said, Tashkent): port calls for warships, landings for
    aircraft. A call counts when the asset stays there, or when it is a port or air base
    (a refuelling stop of no length is still a port call or a landing); an asset's starting
    point (first call without a given arrival) is not a visit. A call of no length at a
    place of the plan's ``friendly`` list is a refuelling stop too, whatever its kind.

    With ``batch`` the findings are queued on it (and [] returned)."""
    friendly = {resolve_place(p, plan.facilities).id for p in plan.friendly}
    own = batch is None
    batch = ClearanceBatch(register) if own else batch
    calls = schedule.calls
    if len(calls):
        host = calls["host"]
        abroad = host.map(lambda h: isinstance(h, str)).to_numpy(bool) & (
            host.to_numpy() != calls["nation"].to_numpy())
        start = ~((calls["seq"].to_numpy() == 0) & ~calls["arrive_given"].to_numpy(bool))
        stays = ((calls["depart"] > calls["arrive"]).to_numpy(bool)
                 | calls["open_ended"].to_numpy(bool)
                 | calls["facility_kind"].isin(("port", "airbase")).to_numpy(bool)
                 | calls["at"].isin(friendly).to_numpy(bool))
        keep = abroad & start & stays
        c = calls[keep]
        arrive_ns = pd.DatetimeIndex(c["arrive"]).tz_convert("UTC").as_unit("ns").asi8
        for k, (h, kind, nation, asset, at) in enumerate(zip(
                *(c[k].tolist() for k in ("host", "kind", "nation", "asset", "at")),
                strict=True)):
            event = "port_call" if kind == "warship" else "landing"
            batch.add(h, kind, event, arrive_ns[k], nation=nation, asset=asset,
                      what=f"{event.replace('_', ' ')} at {at}", facility=at,
                      slot=1 << 62)
    return [f for _, f in batch.findings()] if own else []


@register("crossings")
def crossings_check(ctx: CheckContext) -> list[Finding]:
    """``OVERFLIGHT``, ``TERRITORIAL_SEA`` and their ``CLEARANCE``s."""
    return crossing_findings(ctx.plan, ctx.schedule, ctx.register)
