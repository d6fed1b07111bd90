"""Third-country airspace and territorial seas crossed by legs, and the clearances that
crossings and host visits call for (``OVERFLIGHT``, ``TERRITORIAL_SEA``, ``CLEARANCE``)."""

from __future__ import annotations

import pandas as pd

from planner.checks.registry import CheckContext, register
from planner.core.units import KM_PER_NM, fmt_minute, iso_z, to_datetime, wrap_lon
from planner.layers.catalogue import resolve_place
from planner.layers.countries import country_name
from planner.layers.register import file_by, passage_rule, rule_text
from planner.layers.straits import STRAITS, strait_of
from planner.layers.territory import crossings_table
from planner.model.findings import Finding
from planner.routing.schedule import time_at_km
from planner.routing.waters import in_canal

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
    days, row = rule.lead_days, rule.row
    if row is None or rule.kind == "none" or days is None or days <= 0:
        return None
    deadline = file_by(start, days)
    authority = row["authority"]
    source = row["source"]
    default = not rule.stated
    basis = ("lead time from the register" if rule.stated else
             "planner default lead time" if rule.default or rule.kind == "unknown" else
             "the law states no lead time; planner default")
    # the country by name, then who grants it: a country's own row names its authority, a
    # planner-default row only the kind of clearance ("diplomatic overflight clearance")
    kind = event.replace("_", " ")
    if rule.default or not str(authority).strip():
        who = f"from {country_name(country)} ({country})"
    else:
        who = f"from {country_name(country)} ({country}), {authority}"
    if rule.kind == "notice":
        ask = f"give prior notice of {kind} to {who[5:]}"
    elif rule.kind == "authorization" and not rule.default:
        ask = f"request permission (prior authorization) for {kind} {who}"
    elif rule.kind == "authorization":
        diplomatic = "diplomatic " if "diplomatic" in str(authority) else ""
        ask = f"request {diplomatic}{kind} clearance {who}"
    else:
        ask = (f"check with the desk officer whether {country_name(country)} ({country}) "
               f"requires notice or authorization of {kind} (no public rule found) and, to "
               "be safe, file")
    extra_text = f"; {conditions}" if conditions else ""
    return Finding(
        "CLEARANCE", "info",
        f"{nation} must {ask} for {asset} ({what}), entering "
        f"{fmt_minute(start)}: file by {fmt_minute(deadline)} ({days} days; {basis})"
        f"{extra_text}",
        host=country, nation=nation, start=to_datetime(start), assets=[asset], leg=leg,
        facility=facility,
        extra={"country": country, "event": event, "lead_days": days,
               "file_by": iso_z(deadline), "authority": authority, "rule": rule.kind,
               "source": source, "default_lead_time": bool(default)})


def crossing_findings(plan, schedule, register=None) -> list[Finding]:
    """OVERFLIGHT for third-country airspace entered by aircraft; TERRITORIAL_SEA for
    third-country territorial seas crossed by warships (straits used for transit passage
    named as such); CLEARANCE for each that needs notice, and for host visits."""
    legs = schedule.legs
    out: list[Finding] = []
    if len(legs):
        # routers cache routes, so many legs share one Route object: cross each once
        unique: dict[int, int] = {}
        routes = []
        for r in legs["route"]:
            if id(r) not in unique:
                unique[id(r)] = len(routes)
                routes.append(r)
        table = crossings_table(routes)
        by_route = {k: g for k, g in table.groupby("leg", sort=False)}
        country_of = {}
        for c in schedule.calls.itertuples(index=False):
            country_of[(c.asset, c.seq)] = c.host
        for i, leg in enumerate(legs.itertuples(index=False)):
            rows = by_route.get(unique[id(leg.route)])
            if rows is None:
                continue
            own = {leg.nation, country_of.get((leg.asset, leg.seq - 1)),
                   country_of.get((leg.asset, leg.seq))}
            rows = rows[~rows["iso3"].isin(own)]
            if len(rows):
                out += _leg_crossing_findings(leg, i, rows, register)
    out += visit_clearances(plan, schedule, register)
    return out


def _leg_crossing_findings(leg, i: int, rows: pd.DataFrame, register) -> list[Finding]:
    """One finding per third country a leg enters (all its stretches inside merged), one per
    strait transited; with the clearance each calls for."""
    out: list[Finding] = []

    def at(km: float) -> pd.Timestamp:
        return time_at_km(leg.depart, leg.sail_kmh, km).round("min")

    name = _leg_name(leg)
    straits: dict[str, list] = {}
    strait_of = [None] * len(rows)
    if leg.kind == "warship":
        for k, row in enumerate(rows.itertuples(index=False)):
            strait_of[k] = _strait_for(leg, row)
    rows = rows.assign(strait_name=strait_of)
    if leg.kind == "warship":  # a canal is passed under its convention, not territorial sea
        rows = rows[~in_canal(leg.route, rows["entry_km"].to_numpy(),
                              rows["exit_km"].to_numpy())]
    for row in rows[rows["strait_name"].notna()].itertuples(index=False):
        seg = _segment(leg.route, row.entry_km, row.exit_km)
        straits.setdefault(row.strait_name, []).append(
            (row.iso3, at(row.entry_km), at(row.exit_km), row.distance_km, seg))
    for iso3, grp in rows[rows["strait_name"].isna()].groupby("iso3", sort=False):
        entry, exit_ = at(grp["entry_km"].min()), at(grp["exit_km"].max())
        inside_km = float(grp["distance_km"].sum())
        longest = grp.loc[grp["distance_km"].idxmax()]
        seg = _segment(leg.route, longest["entry_km"], longest["exit_km"])
        stretches = f", {len(grp)} stretches" if len(grp) > 1 else ""
        if leg.kind == "aircraft":
            out.append(Finding(
                "OVERFLIGHT", "warning",
                f"{leg.asset} ({leg.nation}) flies through {iso3} airspace on {name} from "
                f"{fmt_minute(entry)} to {fmt_minute(exit_)} "
                f"({inside_km:,.0f} km inside{stretches}); diplomatic overflight clearance needed",
                host=iso3, nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
                value=round(inside_km, 1), unit="km", assets=[leg.asset], leg=i,
                segment=seg))
            c = clearance_finding(iso3, "aircraft", "overflight", entry, nation=leg.nation,
                                  asset=leg.asset, what=f"overflight on {name}",
                                  register=register, leg=i)
            if c:
                out.append(c)
            continue
        out.append(Finding(
            "TERRITORIAL_SEA", "warning",
            f"{leg.asset} ({leg.nation}) passes through {iso3} territorial sea on {name} from "
            f"{fmt_minute(entry)} to {fmt_minute(exit_)} "
            f"({inside_km / KM_PER_NM:,.0f} nm inside{stretches}): "
            f"innocent passage; {rule_text(iso3, 'warship', 'territorial_sea', register)}",
            host=iso3, nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
            value=round(inside_km / KM_PER_NM, 1), unit="nm", assets=[leg.asset], leg=i,
            segment=seg,
            extra={"rule": passage_rule(iso3, "warship", "territorial_sea", register).kind}))
        c = clearance_finding(iso3, "warship", "territorial_sea", entry, nation=leg.nation,
                              asset=leg.asset, what=f"passage on {name}", register=register,
                              leg=i)
        if c:
            out.append(c)
    for strait, parts in straits.items():
        states = sorted({p[0] for p in parts})
        entry = min(p[1] for p in parts)
        exit_ = max(p[2] for p in parts)
        inside_nm = sum(p[3] for p in parts) / KM_PER_NM
        seg = max(parts, key=lambda p: p[3])[4]
        out.append(Finding(
            "TERRITORIAL_SEA", "info",
            f"{leg.asset} ({leg.nation}) transits the {STRAIT_BY_KEY[strait].name} on {name} "
            f"from {fmt_minute(entry)} to {fmt_minute(exit_)} "
            f"({inside_nm:,.0f} nm inside the territorial seas of {', '.join(states)}): "
            f"{REGIME_TEXT[STRAIT_BY_KEY[strait].regime]}",
            host=states[0], nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
            value=round(inside_nm, 1), unit="nm", assets=[leg.asset], leg=i, segment=seg,
            extra={"strait": strait, "states": states}))
    return out


def _strait_for(leg, row) -> str | None:
    """The strait used for international navigation a territorial-sea stretch lies in (its
    midpoint inside the strait's area of :data:`planner.layers.straits.STRAITS`, the country
    one of the strait's states), or None. Canals are not straits (see :func:`in_canal`)."""
    import numpy as np

    mid_km = (row.entry_km + row.exit_km) / 2
    cum = leg.route.cumulative_km()
    lon = wrap_lon(float(np.interp(mid_km, cum, leg.route.lons)))
    lat = float(np.interp(mid_km, cum, leg.route.lats))
    i = int(strait_of(np.array([lon]), np.array([lat]))[0])
    if i < 0 or STRAITS[i].regime == "canal" or row.iso3 not in STRAITS[i].states:
        return None
    return STRAITS[i].key


def _leg_name(leg) -> str:
    d = leg._asdict()
    return f"{d.get('from', d.get('_5'))} -> {d['to']}"


def _segment(route, a_km: float, b_km: float) -> list[tuple[float, float]]:
    import numpy as np

    cum = route.cumulative_km()
    lons, lats = np.asarray(route.lons), np.asarray(route.lats)
    inner = (cum > a_km) & (cum < b_km)
    pa = (float(np.interp(a_km, cum, lons)), float(np.interp(a_km, cum, lats)))
    pb = (float(np.interp(b_km, cum, lons)), float(np.interp(b_km, cum, lats)))
    return [pa, *zip(lons[inner].tolist(), lats[inner].tolist(), strict=True), pb]


def visit_clearances(plan, schedule, register=None) -> list[Finding]:
    """CLEARANCE for calls in another state's territory (the other party's or a third
    country's: Singapore, Port Said, Tashkent): port calls for warships, landings for
    aircraft. A call counts when the asset stays there, or when it is a port or air base
    (a refuelling stop of no length is still a port call or a landing); an asset's starting
    point (first call without a given arrival) is not a visit. A call of no length at a
    place of the plan's ``friendly`` list is a refuelling stop too, whatever its kind."""
    friendly = {resolve_place(p, plan.facilities).id for p in plan.friendly}
    out = []
    for c in schedule.calls.itertuples(index=False):
        if not isinstance(c.host, str) or c.host == c.nation:
            continue
        if c.seq == 0 and not c.arrive_given:
            continue
        if not (c.depart > c.arrive or c.open_ended or c.facility_kind in ("port", "airbase")
                or c.at in friendly):
            continue
        event = "port_call" if c.kind == "warship" else "landing"
        f = clearance_finding(c.host, c.kind, event, c.arrive, nation=c.nation,
                              asset=c.asset, what=f"{event.replace('_', ' ')} at {c.at}",
                              register=register, facility=c.at)
        if f:
            out.append(f)
    return out


@register("crossings")
def crossings_check(ctx: CheckContext) -> list[Finding]:
    """``OVERFLIGHT``, ``TERRITORIAL_SEA`` and their ``CLEARANCE``s."""
    return crossing_findings(ctx.plan, ctx.schedule, ctx.register)
