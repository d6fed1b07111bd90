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
import importlib
import math
from collections.abc import Callable

import numpy as np

from planner.core.units import KMH_PER_KN
from planner.layers import nsr
from planner.layers.catalogue import Place
from planner.layers.sea_network import NSR_PASSAGES
from planner.routing import hop_table
from planner.routing.sea import sea_decision

#: Seconds kept off each end of a window: the router floors a hop's time to the minute and
#: hop times are sums of float hours.
MARGIN_S = 180.0
#: Months looked at on each side of a hop's time for a change of its answers.
SPAN_MONTHS = 14
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _day_marks() -> tuple[tuple[int, int], ...]:
    """Days inside a month where the NSR answers may change besides month starts: the day
    after the navigation season closes for classes limited to it, when the NSR rules have a
    season (``planner.layers.nsr_rules.SEASON_CLOSES``, issue 14); none otherwise."""
    try:
        rules = importlib.import_module("planner.layers.nsr_rules")
    except ImportError:
        return ()
    closes = getattr(rules, "SEASON_CLOSES", None)
    return ((int(closes[0]), int(closes[1]) + 1),) if closes else ()


#: (month, day) marks, see :func:`_day_marks`.
DAY_MARKS = _day_marks()


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
        # (sea, run's signature columns) -> whether the rules close that run, for all hops
        self._run_memo: dict[tuple, bool] = {}
        # (a, b) -> [(lo, hi, route or the ValueError routing raised)], hop times in seconds
        self._hops: dict[tuple[str, str], list[tuple[float, float, object]]] = {}
        # run shape (see :meth:`shape`) -> windows found, as times of entry to the first run
        self._shape_windows: dict[tuple, list[tuple[float, float]]] = {}

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
        row = hop_table.entry(a, b, self.options["nation"], self.options["avoid"],
                              self.options["waters"])
        if row is not None:  # routed when the data was built: the same runs
            if row.km is None or not row.sea_runs:
                return (), ()
            return row.sea_runs, row.alt_sea_runs
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

    def _closed(self, rs: tuple, ra: tuple, t_s: float) -> tuple[bool, bool]:
        when = _EPOCH + dt.timedelta(seconds=math.floor(t_s / 60.0) * 60)
        closed = [bool(nsr.closures_of_runs(list(r), self.ice_class, when, self.router_kmh,
                                            self.options["escort"])) if r else False
                  for r in (rs, ra)]
        return closed[0], closed[1]

    def _closed_piece(self, rs: tuple, ra: tuple, t_s: float, piece_lo_s: float,
                      row: list) -> tuple[bool, bool]:
        """:meth:`_closed` at ``t_s`` inside a piece of departures starting ``piece_lo_s``
        in which the runs have the signature ``row`` (each run's columns ``row[i::runs]``).

        A run's answer depends only on its sea and its columns (the month of the year it is
        entered in, the month starts it spans, and which side of the in-month marks its entry
        and exit fall), and ``closures_of_runs`` judges runs one by one, so each (sea,
        columns) is judged once for every hop of this asset (issue 16). That holds when the
        minute judged (``t_s`` floored, as :meth:`_closed` does) still lies in the piece; a
        sliver of a piece narrower than that is judged whole as before."""
        t_min = math.floor(t_s / 60.0) * 60
        if t_min - piece_lo_s < 1.0:
            return self._closed(rs, ra, t_s)
        when = _EPOCH + dt.timedelta(seconds=t_min)
        runs = (*rs, *ra)
        closed = []
        for i, run in enumerate(runs):
            key = (run.sea, *row[i::len(runs)])
            if key not in self._run_memo:
                self._run_memo[key] = bool(nsr.closures_of_runs(
                    [run], self.ice_class, when, self.router_kmh, self.options["escort"]))
            closed.append(self._run_memo[key])
        return any(closed[:len(rs)]), any(closed[len(rs):])

    @staticmethod
    def shape(rs: tuple, ra: tuple) -> tuple[tuple, float]:
        """``(shape, first_km)``: the hop's NSR runs measured from ``first_km``, where the
        first of them starts (to the metre), and that km.

        The answers of :meth:`window` depend only on the runs' seas and on when the ship
        enters and leaves each, so two hops of one shape (Pacific ports to Murmansk, say:
        the same seas, the same lengths, a different way to the Bering Strait) get the same
        answers at the same time of entry, and a window found for one holds for the other,
        moved by the difference of their ``first_km`` (issue 16: 586 hops of the 10k bench
        plan have 40 shapes)."""
        first_km = min(run.start_km for run in (*rs, *ra))
        shape = tuple(tuple((run.sea, round(run.start_km - first_km, 3),
                             round(run.end_km - first_km, 3)) for run in runs)
                      for runs in (rs, ra))
        return shape, first_km

    def window(self, a: Place, b: Place, hop_s: float) -> tuple[float, float]:
        """Hop departure times (epoch seconds) around ``hop_s`` routed as at ``hop_s``.

        A window found before for a hop of the same :meth:`shape` is taken, moved to this
        hop's way to its first NSR run, when it holds the time of entry at ``hop_s``; the
        metre the shape is rounded to is a fraction of a second at sea, well inside
        :data:`MARGIN_S`."""
        rs, ra = self.runs(a, b)
        if not rs:
            return -math.inf, math.inf
        shape, first_km = self.shape(rs, ra)
        lead_s = first_km / (self.router_kmh / 3600.0)  # departure to first entry
        known = self._shape_windows.setdefault(shape, [])
        entry_s = hop_s + lead_s
        for lo, hi in known:
            if lo <= entry_s < hi:
                return lo - lead_s, hi - lead_s
        lo, hi = self._window(rs, ra, shape, hop_s)
        if lo < hi:
            known.append((lo + lead_s, hi + lead_s))
        return lo, hi

    def _window(self, rs: tuple, ra: tuple, shape: tuple, hop_s: float
                ) -> tuple[float, float]:
        """:meth:`window` worked out for the hop's runs ``rs``, ``ra``."""
        v = self.router_kmh / 3600.0
        offsets = np.array(sorted({k / v for run in (*rs, *ra)
                                   for k in (run.start_km, run.end_km)}))  # seconds
        here = _months(hop_s + offsets)
        months = here[:, None] + np.arange(-SPAN_MONTHS, SPAN_MONTHS + 1)[None, :]
        edges = (_month_starts_s(months) - offsets[:, None]).ravel()
        years = np.unique(months // 12)
        for mark_m, mark_d in DAY_MARKS:  # instants inside a month where answers may change
            marks = _month_starts_s(years * 12 + mark_m - 1) + (mark_d - 1) * 86400.0
            edges = np.concatenate([edges, (marks[None, :] - offsets[:, None]).ravel()])
        edges = np.unique(edges)
        k = int(np.searchsorted(edges, hop_s, side="right")) - 1
        if k < 0 or k + 1 >= len(edges):
            return hop_s, hop_s  # outside the span looked at: valid at this time only
        # each piece [edges[j], edges[j + 1]) by the months its runs are entered and left in
        mids = (edges[:-1] + edges[1:]) / 2
        runs = (*rs, *ra)
        s_col = np.searchsorted(offsets, [run.start_km / v for run in runs])
        e_col = np.searchsorted(offsets, [run.end_km / v for run in runs])
        m = _months(mids[:, None] + offsets[None, :])
        # a run's answer depends on the month of the year it is entered in and on how many
        # month starts it spans (closures_of_runs judges every month from entry to exit)
        cols = [m[:, s_col] % 12, m[:, e_col] - m[:, s_col]]
        for mark_m, mark_d in DAY_MARKS:  # on or after the mark's day, by run entry and exit
            after = _after_mark(mids[:, None] + offsets[None, :], mark_m, mark_d)
            cols += [after[:, s_col], after[:, e_col]]
        sig, inverse = unique_rows(np.hstack(cols))
        first = np.full(len(sig), -1)
        first[inverse[::-1]] = np.arange(len(inverse))[::-1]
        answers = []
        for u in range(len(sig)):
            key = (shape, *sig[u].tolist())  # the answers depend on these months only
            if key not in self._answer_memo:
                j = int(first[u])
                self._answer_memo[key] = self._closed_piece(rs, ra, float(mids[j]),
                                                            float(edges[j]), sig[u].tolist())
            answers.append(self._answer_memo[key])
        now = answers[int(inverse[k])]
        same = np.array([answers[u] == now for u in range(len(sig))])[inverse]
        lo = k
        while lo > 0 and same[lo - 1]:
            lo -= 1
        hi = k + 1
        while hi < len(same) and same[hi]:
            hi += 1
        return float(edges[lo]) + MARGIN_S, float(edges[hi]) - MARGIN_S


def unique_rows(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(a, axis=0, return_inverse=True)`` (inverse flattened) for a 2-D integer
    array: the distinct rows in lexicographic order and the row each input row became.

    Each row is packed into one int64 in mixed radix (first column most significant), which
    keeps the lexicographic order, so a 1-D unique does it (numpy's ``axis=0`` sorts the rows
    as structured records, ~20x slower on these small arrays); too wide a range falls back."""
    if a.ndim != 2 or not len(a) or a.shape[1] == 0:
        sig, inverse = np.unique(a, axis=0, return_inverse=True)
        return sig, inverse.ravel()
    lo, hi = a.min(axis=0), a.max(axis=0)
    span = [int(h) - int(low) + 1 for low, h in zip(lo.tolist(), hi.tolist(), strict=True)]
    if math.prod(span) >= 2**62:
        sig, inverse = np.unique(a, axis=0, return_inverse=True)
        return sig, inverse.ravel()
    weight = np.array([math.prod(span[j + 1:]) for j in range(len(span))], np.int64)
    key = (a - lo) @ weight
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return a[first], inverse.ravel()


def _after_mark(t_s: np.ndarray, month: int, day: int) -> np.ndarray:
    """1 where a time falls on or after ``day`` of ``month`` in its year's month, else 0:
    whether it is past an in-month mark (only meaningful in that month)."""
    t = np.floor(np.asarray(t_s, float)).astype("datetime64[s]")
    moy = t.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (t.astype("datetime64[D]") - t.astype("datetime64[M]")).astype(np.int64) + 1
    return ((moy == month) & (dom >= day)).astype(np.int64)


def _months(t_s: np.ndarray) -> np.ndarray:
    """Month index (year * 12 + month - 1) of epoch seconds."""
    m = np.floor(np.asarray(t_s, float)).astype("datetime64[s]").astype("datetime64[M]")
    return m.astype(np.int64) + 1970 * 12


def _month_starts_s(index: np.ndarray) -> np.ndarray:
    """Epoch seconds of the first instant of each month index."""
    m = (np.asarray(index, np.int64) - 1970 * 12).astype("datetime64[M]")
    return m.astype("datetime64[s]").astype(np.int64).astype(float)


#: Seconds a departure must be clear of a change of :func:`run_signature` for legs to share
#: its answers (float hours on epoch seconds err by far less than a millisecond).
SIGNATURE_MARGIN_S = 1.0


def run_signature(runs, t0_s: np.ndarray, speed_kmh) -> tuple[np.ndarray, np.ndarray]:
    """Per departure ``t0_s`` (epoch seconds, NaN for none) at ``speed_kmh`` (one or one per
    departure), integers that fix every answer :func:`planner.layers.nsr.closures_of_runs`
    and :func:`~planner.layers.nsr.unsourced_uses` give for ``runs`` (all but the times
    they name): for each run the month of the year it is entered in and the month starts it
    spans, and per day mark (:data:`DAY_MARKS`) whether it is entered on or after the mark in
    its month and how many marks it spans. Also whether the departure is clear of every
    change of those by :data:`SIGNATURE_MARGIN_S` (False: it may not share the answers of its
    signature)."""
    t0 = np.asarray(t0_s, float)
    n = t0.size
    if not runs:
        return np.zeros((n, 0), np.int64), np.isfinite(t0)
    v = np.broadcast_to(np.asarray(speed_kmh, float), (n,)) / 3600.0  # km per second
    km = np.array([[r.start_km, r.end_km] for r in runs], float).ravel()
    with np.errstate(invalid="ignore"):
        t = t0[:, None] + km[None, :] / v[:, None]  # entry, leave, entry, leave, ...
    ok = np.isfinite(t).all(axis=1)
    t = np.where(ok[:, None], t, 0.0)
    sig = _signature_cols(t)
    for shift in (-SIGNATURE_MARGIN_S, SIGNATURE_MARGIN_S):
        ok &= (_signature_cols(t + shift) == sig).all(axis=1)
    return sig, ok


def _signature_cols(t: np.ndarray) -> np.ndarray:
    """:func:`run_signature` of entry/leave times (columns alternate)."""
    m = _months(t)
    entry, leave = m[:, 0::2], m[:, 1::2]
    cols = [entry % 12, leave - entry]
    for mark_m, mark_d in DAY_MARKS:
        after = _after_mark(t, mark_m, mark_d)
        upto = m // 12 + ((m % 12 + 1 > mark_m) | (after == 1))  # marks up to each time
        cols += [after[:, 0::2], upto[:, 1::2] - upto[:, 0::2]]
    return np.hstack(cols)


def signature_piece(runs, speed_kmh: float, t_s: float) -> tuple[float, float]:
    """The departures (epoch seconds) around ``t_s`` with the :func:`run_signature` of
    ``t_s`` for ``runs`` at ``speed_kmh``, less :data:`MARGIN_S` at each end: between them no
    entry to or exit from a run crosses a month start or a day mark (:data:`DAY_MARKS`)."""
    if not runs:
        return -math.inf, math.inf
    v = float(speed_kmh) / 3600.0  # km per second
    offsets = np.array(sorted({k / v for run in runs for k in (run.start_km, run.end_km)}))
    m = _months(t_s + offsets)
    lo = _month_starts_s(m) - offsets  # each offset's month start, as a departure
    hi = _month_starts_s(m + 1) - offsets
    edges = [lo, hi]
    for mark_m, mark_d in DAY_MARKS:
        years = (m // 12)[:, None] + np.arange(-1, 2)[None, :]
        marks = _month_starts_s(years * 12 + mark_m - 1) + (mark_d - 1) * 86400.0
        edges.append((marks - offsets[:, None]).ravel())
    edges = np.concatenate(edges)
    below, above = edges[edges <= t_s], edges[edges > t_s]
    return float(below.max()) + MARGIN_S, float(above.min()) - MARGIN_S
