"""How long a refuelling search stays true as its departure time moves (issue 16).

A ``RANGE`` finding routes every hop of its refuelling search at the time the asset gets
there (:func:`~planner.checks.range.hop_router`), because the NSR ice rules judge a sea by
the month the ship is in it. Only that makes the search depend on the leg's departure: air
hops and sea hops whose way meets no NSR sea are the same at any time. A sea hop that meets
one is decided (:func:`~planner.routing.sea.sea_decision`) by two yes/no answers of
:func:`planner.layers.nsr.closures_of_runs`: is its shortest way closed, and is the way that
avoids the NSR closed; each answer changes only when the entry to or the exit from an NSR
sea crosses the start of a month.

:class:`HopTiming` works out, for a search run at one departure, the window of departures
around it in which every time-dependent hop it routed gets the same two answers: the search
then routes the same hops to the same lengths and finds the same chains, so legs of the same
(origin, destination, asset, options) leaving inside the window share it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from planner.core.units import KMH_PER_KN
from planner.layers import nsr
from planner.layers.catalogue import Place
from planner.layers.sea_network import NSR_PASSAGES
from planner.routing.sea import sea_decision

#: Seconds kept off each end of a window: the router floors a hop's time to the minute and
#: hop times are sums of float hours.
MARGIN_S = 180.0
#: Months looked at on each side of a hop's time for a change of its answers.
SPAN_MONTHS = 14
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _month_start_s(index: int) -> float:
    """Epoch seconds of the first instant of month ``index`` (year * 12 + month - 1)."""
    y, m = divmod(index, 12)
    return (dt.datetime(y, m + 1, 1, tzinfo=dt.UTC) - _EPOCH).total_seconds()


def _month_index(t_s: float) -> int:
    t = _EPOCH + dt.timedelta(seconds=t_s)
    return t.year * 12 + t.month - 1


class HopTiming:
    """Time dependence of the hops of one asset with one call's routing options.

    ``window(a, b, hop_s)`` is the interval of hop departure times (epoch seconds) around
    ``hop_s`` in which the hop ``a -> b`` is routed the same way (``(-inf, inf)`` for a hop
    that meets no NSR sea)."""

    def __init__(self, asset, avoid: tuple[str, ...] = (), waters: str | None = None,
                 escort: str | None = None):
        self.asset = asset
        self.warship = asset.kind == "warship"
        self.options = {"avoid": tuple(avoid), "ice_class": asset.ice_class,
                        "speed_kn": asset.speed_kn, "nation": asset.nation, "waters": waters,
                        "escort": escort is not None}
        self.ice_class = nsr.normalise_ice_class(asset.ice_class) if self.warship else None
        # the speed the router places NSR entries with (sea_decision: knots x KMH_PER_KN)
        self.router_kmh = float(asset.speed_kn) * KMH_PER_KN
        self._runs: dict[tuple[str, str], tuple[tuple, tuple]] = {}
        self._answer_memo: dict[tuple, tuple[bool, bool]] = {}
        # (a, b) -> [(lo, hi, route or the ValueError routing raised)], hop times in seconds
        self._hops: dict[tuple[str, str], list[tuple[float, float, object]]] = {}

    def hop(self, a: Place, b: Place, hop_s: float, route: Callable[[], object]
            ) -> tuple[object, float, float]:
        """The hop ``a -> b`` leaving at ``hop_s`` (epoch seconds), routed by ``route()``
        unless a hop routed before holds at that time: ``(route or the ValueError it raised,
        window lo, window hi)``."""
        known = self._hops.setdefault((a.id, b.id), [])
        for lo, hi, r in known:
            if lo <= hop_s < hi:
                return r, lo, hi
        lo, hi = self.window(a, b, hop_s)
        try:
            r = route()
        except ValueError as exc:
            r = exc
        if lo < hi:
            known.append((lo, hi, r))
        return r, lo, hi

    def runs(self, a: Place, b: Place) -> tuple[tuple, tuple]:
        """NSR sea runs of the hop's shortest way and of its way avoiding the NSR."""
        key = (a.id, b.id)
        if key not in self._runs:
            self._runs[key] = self._find_runs(a, b) if self.warship else ((), ())
        return self._runs[key]

    def _find_runs(self, a: Place, b: Place) -> tuple[tuple, tuple]:
        try:
            short = sea_decision(a, b, territory=False, **self.options).route
        except ValueError:
            return (), ()  # no way at all, at any time
        rs = tuple(nsr.sea_runs(short))
        if not rs:
            return (), ()
        avoid = tuple(sorted(set(self.options["avoid"]) | set(NSR_PASSAGES)))
        try:
            alt = sea_decision(a, b, territory=False, **{**self.options, "avoid": avoid}).route
            ra = tuple(nsr.sea_runs(alt))
        except ValueError:
            ra = ()
        return rs, ra

    def _answers(self, rs: tuple, ra: tuple, t_s: float) -> tuple[bool, bool]:
        # the answers depend only on the month of each run's entry and exit
        v = self.router_kmh / 3600.0
        key = (rs, ra, tuple(_month_index(t_s + k / v) for run in (*rs, *ra)
                             for k in (run.start_km, run.end_km)))
        if key not in self._answer_memo:
            self._answer_memo[key] = self._closed(rs, ra, t_s)
        return self._answer_memo[key]

    def _closed(self, rs: tuple, ra: tuple, t_s: float) -> tuple[bool, bool]:
        when = _EPOCH + dt.timedelta(seconds=math.floor(t_s / 60.0) * 60)
        closed = [bool(nsr.closures_of_runs(list(r), self.ice_class, when, self.router_kmh,
                                            self.options["escort"])) if r else False
                  for r in (rs, ra)]
        return closed[0], closed[1]

    def window(self, a: Place, b: Place, hop_s: float) -> tuple[float, float]:
        """Hop departure times (epoch seconds) around ``hop_s`` routed as at ``hop_s``."""
        rs, ra = self.runs(a, b)
        if not rs:
            return -math.inf, math.inf
        offsets = {run.start_km / self.router_kmh * 3600.0 for run in (*rs, *ra)}
        offsets |= {run.end_km / self.router_kmh * 3600.0 for run in (*rs, *ra)}
        breaks = set()
        for off in offsets:
            here = _month_index(hop_s + off)
            for m in range(here - SPAN_MONTHS, here + SPAN_MONTHS + 1):
                breaks.add(_month_start_s(m) - off)
        edges = sorted(breaks)
        # pieces [edges[k], edges[k + 1]): answers are constant inside each
        k = max(i for i, e in enumerate(edges) if e <= hop_s) if edges[0] <= hop_s else None
        if k is None or k + 1 >= len(edges):
            return hop_s, hop_s  # outside the span looked at: valid at this time only
        now = self._answers(rs, ra, hop_s)
        lo, hi = k, k + 1
        while lo > 0 and self._answers(rs, ra, (edges[lo - 1] + edges[lo]) / 2) == now:
            lo -= 1
        while hi + 1 < len(edges) and self._answers(
                rs, ra, (edges[hi] + edges[hi + 1]) / 2) == now:
            hi += 1
        return edges[lo] + MARGIN_S, edges[hi] - MARGIN_S
