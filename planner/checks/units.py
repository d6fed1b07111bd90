"""``UNITS``: planning speeds and ranges that no asset of that kind has (CONTRACT section 4).

A figure outside the bounds below is probably in the wrong unit (km/h written as knots, km
as nautical miles) or has a digit too many or too few. Each finding is a warning naming the
figure in both units, the bound and its source, and the mix-ups that would bring the figure
within the bounds. The bounds are deliberately wide: they catch impossible figures, not
unusual ones. A plan does not say which unit field was written (``speed_kn`` or
``speed_kmh``), so a mix-up is named by the two figures it would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.checks.registry import CheckContext, register
from planner.core.units import KM_PER_NM, KMH_PER_KN
from planner.model.findings import Finding

# Warships (figures in knots and nautical miles).
#: Fastest operational class of warship: the Skjold-class corvettes, "in excess of 60 knots"
#: (Guinness World Records, "Fastest operational class of warship", KNM Skudd, 2010).
WARSHIP_MAX_SPEED_KN = 60.0
#: Longest unrefuelled range: INS Vikramaditya, the longest-legged conventionally powered
#: warship of either navy, 13,500 nm at 18 kn (Wikipedia "INS Vikramaditya" infobox); the
#: bound allows half as much again. Nuclear-powered ships have no such limit (see message).
WARSHIP_MAX_RANGE_NM = 20_000.0
# No lower bounds for warships: a slow or short-legged ship is unusual, not impossible.

# Aircraft (figures in km/h and km).
#: Fastest combat aircraft in service: the MiG-31 interceptor, 3,100 km/h (Mach 2.8) at high
#: altitude, supersonic cruise 2,500-2,800 km/h (gagadget.com, "Fourth-generation MiG-31
#: supersonic fighter crashes in Russia", quoting the type's figures).
AIRCRAFT_MAX_SPEED_KMH = 3_100.0
#: Slowest aircraft a RELOS plan would use: the HAL Chetak helicopter, top speed 185 km/h
#: (indiandailylive.com on the Chetak's 60 years in IAF service, 2022); the bound is a little
#: over half of it.
AIRCRAFT_MIN_SPEED_KMH = 100.0
#: Longest unrefuelled range of a military aircraft: the Tu-95 strategic bomber, 15,000 km
#: (historywarsweapons.com "Tu-95 Bear" data table); the bound allows a third more (long-range
#: airliners chartered for an airlift reach ~18,000 km).
AIRCRAFT_MAX_RANGE_KM = 20_000.0
#: Shortest range an aircraft of the plan would have: the Chetak helicopter's 500 km
#: (indiandailylive.com, as above); the bound is half of it.
AIRCRAFT_MIN_RANGE_KM = 250.0


@dataclass(frozen=True)
class _Quantity:
    """One figure of an asset: its name, its value in the kind's display unit and in the
    other unit, and the bounds (display unit)."""

    what: str  # "speed" | "range"
    value: float  # in ``unit``
    unit: str  # "kn" | "nm" | "km/h" | "km"
    other_unit: str
    to_other: float  # value[other_unit] = value[unit] * to_other
    low: float | None
    high: float | None
    low_source: str
    high_source: str


#: (label, factor the real figure would be of the given one) for figures too high, then low.
#: "km/h written as knots": a km/h figure typed in a knot field is stored 1.852 x too high.
_TOO_HIGH = (("{big} written as {small}", 1 / KM_PER_NM), ("a digit too many", 0.1))
_TOO_LOW = (("{small} written as {big}", KM_PER_NM), ("a digit too few", 10.0),
            ("thousands written as units", 1000.0))


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.1f}"


def _both(q: _Quantity, v: float) -> str:
    return f"{_fmt(v)} {q.unit} ({_fmt(v * q.to_other)} {q.other_unit})"


def _mixups(q: _Quantity, too_high: bool) -> list[str]:
    """The mix-ups that bring the figure within its bounds, with the figure each gives."""
    if q.unit in ("kn", "km/h"):
        big, small = "km/h", "knots"
    else:
        big, small = "km", "nautical miles"
    out = []
    for label, factor in (_TOO_HIGH if too_high else _TOO_LOW):
        real = q.value * factor
        if (q.low is None or real >= q.low) and (q.high is None or real <= q.high):
            out.append(f"{label.format(big=big, small=small)} ({_fmt(real)} {q.unit}, i.e. "
                       f"{_fmt(real * q.to_other)} {q.other_unit})")
    return out


def _quantities(asset) -> list[_Quantity]:
    if asset.kind == "warship":
        return [
            _Quantity("speed", asset.speed_kn, "kn", "km/h", KMH_PER_KN, None,
                      WARSHIP_MAX_SPEED_KN, "", "the fastest warships in service make about "
                      f"{WARSHIP_MAX_SPEED_KN:g} kn (Skjold class)"),
            _Quantity("range", asset.range_nm, "nm", "km", KM_PER_NM, None,
                      WARSHIP_MAX_RANGE_NM, "", "INS Vikramaditya, the longest-legged "
                      "conventionally powered warship of either navy, makes 13,500 nm"),
        ]
    if asset.kind == "aircraft":
        return [
            _Quantity("speed", asset.speed_kmh, "km/h", "kn", 1 / KMH_PER_KN,
                      AIRCRAFT_MIN_SPEED_KMH, AIRCRAFT_MAX_SPEED_KMH,
                      "the slowest aircraft in service, the Chetak helicopter, tops out at "
                      "185 km/h", "the fastest, the MiG-31, makes 3,100 km/h at altitude"),
            _Quantity("range", asset.range_km, "km", "nm", 1 / KM_PER_NM,
                      AIRCRAFT_MIN_RANGE_KM, AIRCRAFT_MAX_RANGE_KM,
                      "even the Chetak helicopter flies 500 km",
                      "the longest-legged military aircraft, the Tu-95, flies 15,000 km"),
        ]
    return []


def _message(asset, q: _Quantity, too_high: bool) -> str:
    bound = q.high if too_high else q.low
    kind = "warship" if asset.kind == "warship" else "aircraft"
    adj = {("speed", True): "faster", ("speed", False): "slower",
           ("range", True): "longer", ("range", False): "shorter"}[(q.what, too_high)]
    source = q.high_source if too_high else q.low_source
    text = (f"{asset.id}: a {q.what} of {_both(q, q.value)} is {adj} than any {kind}'s "
            f"(bound {_fmt(bound)} {q.unit}: {source})")
    mix = _mixups(q, too_high)
    text += ("; probably " + " or ".join(mix)) if mix else "; check the figure and its unit"
    if asset.kind == "warship" and q.what == "range" and too_high:
        text += ("; a nuclear-powered ship has no fuel limit: give the range the plan should "
                 "assume between replenishments")
    return text


def units_findings(plan) -> list[Finding]:
    """``UNITS`` warnings for every asset's speed and range (module docstring)."""
    out: list[Finding] = []
    for asset in plan.assets:
        for q in _quantities(asset):
            checks: list[tuple[bool, Callable[[float], bool]]] = [
                (True, lambda v, q=q: q.high is not None and v > q.high),
                (False, lambda v, q=q: q.low is not None and v < q.low)]
            for too_high, outside in checks:
                if outside(q.value):
                    out.append(Finding(
                        "UNITS", "warning", _message(asset, q, too_high), nation=asset.nation,
                        value=round(q.value, 1), limit=q.high if too_high else q.low,
                        unit=q.unit, assets=[asset.id],
                        extra={"quantity": q.what, "mixups": _mixups(q, too_high)}))
    return out


@register("units")
def units_check(ctx: CheckContext) -> list[Finding]:
    """``UNITS``."""
    return units_findings(ctx.plan)


__all__ = ["AIRCRAFT_MAX_RANGE_KM", "AIRCRAFT_MAX_SPEED_KMH", "AIRCRAFT_MIN_RANGE_KM",
           "AIRCRAFT_MIN_SPEED_KMH", "WARSHIP_MAX_RANGE_NM", "WARSHIP_MAX_SPEED_KN",
           "units_findings"]
