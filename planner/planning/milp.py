"""The mixed-integer programme of ``relos resolve`` over a :class:`~planner.planning.timeline.
Timeline`, solved with HiGHS through :func:`scipy.optimize.milp`.

Variables
    ``t[s]`` for every slot (integer minutes since the timeline's reference when every given
    time is a whole minute), bounded as the timeline says; ``dev[s] >= |t[s] - orig[s]|`` for
    every given departure (``to``); and, for a pair of stays ``j``, ``k`` of one party in one
    host that could overlap within the bounds, two binaries: ``q[j,k]`` (1 when ``j`` starts
    no later than ``k``) and ``p[j,k]`` (1 when ``j`` has left by the time ``k`` starts).
Objective
    the total shift in hours: ``sum(t[a] - orig[a]) / 60`` over given arrivals (they only move
    later) plus ``sum(dev[d]) / 60`` over given departures. Computed times that follow a moved
    one are not counted: the plan does not write them.
Constraints
    the timeline's links (legs at no more than the planning speed, stays kept, computed times
    following) and deadlines (``--today``); and the caps. Presence of stays ``j`` at the moment
    ``k`` starts is ``cov[j,k] = q[j,k] - p[j,k]``, forced to 1 whenever ``j`` really covers
    that moment by two big-M rows (``q[j,k] = 0`` only if ``t[S_k] <= t[S_j] - 1``;
    ``p[j,k] = 1`` only if ``t[E_j] <= t[S_k]``) and ``p <= q``; the cap row at ``k`` is
    ``w_k + sum_j w_j cov[j,k] <= cap``, one per category in which ``k`` counts. The count of
    a category only rises when a stay starts, so rows at every start bound the peak exactly;
    ``M`` is the spread of the two times' bounds, never a blanket constant.
Lazy rows
    Rows are added where they bite: first at the starts of the stays over a cap in the plan,
    then, after each solve, at the starts over a cap in the solution (a sweep of the solved
    times), until the solution is within every cap. Each programme solved is a relaxation of
    the full one, so the first solution within every cap is optimal for the full programme.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import bmat, coo_array
from scipy.sparse.csgraph import connected_components

from planner.planning.timeline import Stay, Timeline

CATEGORIES = ("warships", "aircraft", "personnel")


@dataclass
class Solved:
    """A solver outcome: ``status`` as :func:`scipy.optimize.milp` gives it (0 optimal, 1 a
    limit reached, 2 infeasible), the slot times (minutes) and the objective (hours)."""

    status: int
    message: str
    times: np.ndarray | None
    shift_h: float | None
    slack: np.ndarray | None = None


@dataclass
class Programme:
    """The programme under construction: columns, rows and their meaning."""

    tl: Timeline
    caps: dict[str, int]
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    #: per row: ("cap", stay, category), ("deadline", i) or ("base", None)
    meta: list[tuple] = field(default_factory=list)
    pairs: dict[tuple[int, int], tuple[float, list[tuple[int, float]]] | None] = field(
        default_factory=dict)
    #: per pair (j, k): the column (or constant) of q[j,k] and of p[j,k]
    order: dict[tuple[int, int], tuple] = field(default_factory=dict)
    capped: set[tuple[int, int]] = field(default_factory=set)
    binaries: int = 0
    #: every given time is a whole minute (then so is every vertex of the programme)
    whole: bool = True
    #: the plan's slot times (minutes): slot column i holds t[i] - orig[i]
    orig: np.ndarray = field(default_factory=lambda: np.zeros(0))

    # -- building ------------------------------------------------------------------------
    def column(self, lo: float, hi: float, cost: float = 0.0, integer: bool = False) -> int:
        self.lb.append(lo)
        self.ub.append(hi)
        self.cost.append(cost)
        self.integer.append(int(integer))
        return len(self.lb) - 1

    def row(self, coefs: dict[int, float], lo: float, hi: float, meta=("base", None)) -> int:
        """A row written over the slot times; stored over the slot columns, which hold each
        time's shift from the plan (so the objective has no constant and bounds are small)."""
        shift = sum(v * self.orig[c] for c, v in coefs.items() if c < len(self.orig))
        self.rows.append((coefs, lo - shift, hi - shift))
        self.meta.append(meta)
        return len(self.rows) - 1

    def cover(self, j: int, k: int):
        """``cov[j,k]`` (stay ``j`` present when stay ``k`` starts) as ``(constant, terms)``,
        or None when ``j`` can never be present then."""
        key = (j, k)
        if key in self.pairs:
            return self.pairs[key]
        slots, stays = self.tl.slots, self.tl.stays
        sj, ej, sk = slots[stays[j].start], slots[stays[j].end], slots[stays[k].start]
        sj_t, ej_t, sk_t = stays[j].start, stays[j].end, stays[k].start
        out = None
        if not (sj.lo > sk.hi or ej.hi <= sk.lo):
            const, terms = 0.0, []
            q = None
            if sj.hi <= sk.lo:
                const += 1.0
            else:
                q = self.column(0, 1, integer=True)
                self.binaries += 1
                big = sk.hi - sj.lo + 1
                self.row({sk_t: 1.0, sj_t: -1.0, q: -big}, -math.inf, -1.0)
                terms.append((q, 1.0))
            if ej.lo <= sk.hi:
                p = self.column(0, 1, integer=True)
                self.binaries += 1
                big = ej.hi - sk.lo
                self.row({ej_t: 1.0, sk_t: -1.0, p: big}, -math.inf, big)
                if q is not None:  # (with q fixed at 1, p <= q holds)
                    self.row({p: 1.0, q: -1.0}, -math.inf, 0.0)
                terms.append((p, -1.0))
            out = (const, terms)
            self.order[key] = (q if q is not None else 1.0,
                               p if ej.lo <= sk.hi else 0.0)
            if (k, j) in self.order:
                self._pair_cuts(self.order[key], self.order[(k, j)])
        self.pairs[key] = out
        return out

    def _pair_cuts(self, jk, kj) -> None:
        """Valid rows between the two directions of a pair: one of two stays starts no later
        than the other (``q[j,k] + q[k,j] >= 1``), and one that has left before the other
        starts did not start after it (``p[j,k] + q[k,j] <= 1``). They hold for the true
        order, so no fix is cut off; they tighten the relaxation."""
        def lin(*parts):
            coefs, const = {}, 0.0
            for v in parts:
                if isinstance(v, float):
                    const += v
                else:
                    coefs[v] = coefs.get(v, 0.0) + 1.0
            return coefs, const

        (q1, p1), (q2, p2) = jk, kj
        coefs, const = lin(q1, q2)
        if coefs:
            self.row(coefs, 1.0 - const, math.inf)
        for p, q in ((p1, q2), (p2, q1)):
            coefs, const = lin(p, q)
            if coefs:
                self.row(coefs, -math.inf, 1.0 - const)

    def cap_rows(self, k: int, groups: dict[tuple[str, str], list[int]]) -> int:
        """The cap rows at the start of stay ``k`` (one per category it counts in); returns
        how many were added."""
        stay = self.tl.stays[k]
        added = 0
        for c, cat in enumerate(CATEGORIES):
            limit = self.caps.get(cat)
            if limit is None or stay.weights[c] <= 0 or (k, c) in self.capped:
                continue
            self.capped.add((k, c))
            others = [j for j in groups[(stay.host, stay.nation)]
                      if j != k and self.tl.stays[j].weights[c] > 0
                      and self.tl.stays[j].who != stay.who]
            covers = [(j, self.cover(j, k)) for j in others]
            covers = [(j, cv) for j, cv in covers if cv is not None]
            if stay.weights[c] + sum(self.tl.stays[j].weights[c] for j, _ in covers) <= limit:
                continue  # can never bind
            rhs = float(limit - stay.weights[c])
            coefs: dict[int, float] = {}
            for j, (const, terms) in covers:
                w = self.tl.stays[j].weights[c]
                rhs -= w * const
                for col, sign in terms:
                    coefs[col] = coefs.get(col, 0.0) + w * sign
            self.row(coefs, -math.inf, rhs, ("cap", k, c))
            added += 1
        return added

    # -- solving -------------------------------------------------------------------------
    def solve(self, time_limit_s: float, elastic: bool = False) -> Solved:
        """Solve as built; ``elastic`` adds a slack to every cap and deadline row and
        minimises the slack alone (to find what blocks)."""
        lb, ub = list(self.lb), list(self.ub)
        cost = [0.0] * len(self.cost) if elastic else list(self.cost)
        integer = list(self.integer)
        rows = [dict(r[0]) for r in self.rows]
        slack_cols: list[int] = []
        if elastic:
            for i, m in enumerate(self.meta):
                if m[0] == "cap":
                    col = len(lb)
                    lb.append(0.0)
                    ub.append(math.inf)
                    cost.append(1.0 / max(self.caps[CATEGORIES[m[2]]], 1))
                    integer.append(0)
                    rows[i][col] = -1.0
                    slack_cols.append(col)
                elif m[0] == "deadline":
                    col = len(lb)
                    lb.append(0.0)
                    ub.append(math.inf)
                    cost.append(1.0 / (24 * 60))
                    integer.append(0)
                    rows[i][col] = 1.0
                    slack_cols.append(col)
        r_idx, c_idx, vals = [], [], []
        for i, coefs in enumerate(rows):
            for col, v in coefs.items():
                r_idx.append(i)
                c_idx.append(col)
                vals.append(v)
        n, m = len(lb), len(rows)
        a = coo_array((vals, (r_idx, c_idx)), shape=(m, n)).tocsr()
        row_lb = np.array([r[1] for r in self.rows], dtype=float)
        row_ub = np.array([r[2] for r in self.rows], dtype=float)
        x, status, message = _solve_by_component(
            a, row_lb, row_ub, np.array(cost), np.array(integer), np.array(lb, dtype=float),
            np.array(ub, dtype=float), time_limit_s)
        if x is None:
            return Solved(status, message, None, None)
        times = x[: len(self.tl.slots)] + self.orig
        if self.whole:  # a vertex of whole-minute data is whole: drop the solver's tolerance
            times = np.round(times)
        slack = x[slack_cols] if elastic else None
        return Solved(status, message, times, total_shift_h(self.tl, times), slack)


def _solve_by_component(a, row_lb, row_ub, cost, integer, lb, ub, time_limit_s: float):
    """Solve the programme one connected component at a time (columns linked through rows):
    stays that can never interact are independent problems, and HiGHS proves small ones
    quickly. Returns the solution, the worst status (0 optimal, 1 a limit hit, 2 infeasible)
    and a message."""
    m, n = a.shape
    x = np.where(cost > 0, lb, np.clip(0.0, lb, ub))  # a column in no row: its best bound
    if m == 0:
        return x, 0, "no rows"
    graph = bmat([[None, a], [a.T, None]], format="csr")
    _, label = connected_components(graph, directed=False)
    row_label, col_label = label[:m], label[m:]
    status, message = 0, "optimal"
    for comp in np.unique(row_label):
        rows = np.flatnonzero(row_label == comp)
        cols = np.flatnonzero(col_label == comp)
        if not len(cols):  # rows of constants only (a cap row nothing can change)
            if np.any(row_lb[rows] > 1e-9) or np.any(row_ub[rows] < -1e-9):
                return None, 2, "a cap is exceeded by stays that cannot move"
            continue
        sub = a[rows][:, cols]
        x0 = np.clip(0.0, lb[cols], ub[cols])
        at_best = np.all((cost[cols] == 0) | ((cost[cols] > 0) & (x0 <= lb[cols])))
        ax = sub @ x0
        if at_best and np.all(ax >= row_lb[rows] - 1e-9) and np.all(ax <= row_ub[rows] + 1e-9):
            x[cols] = x0  # nothing moves, and every column is at its cheapest: optimal
            continue
        res = milp(cost[cols], integrality=integer[cols], bounds=Bounds(lb[cols], ub[cols]),
                   constraints=[LinearConstraint(sub, row_lb[rows], row_ub[rows])],
                   options={"time_limit": time_limit_s, "mip_rel_gap": 0.0, "disp": False})
        if res.x is None:
            return None, res.status if res.status else 2, res.message
        x[cols] = res.x
        if res.status != 0:
            status, message = max(status, res.status), res.message
    return x, status, message


def build(tl: Timeline, caps: dict[str, int]) -> Programme:
    """The programme's slot columns, deviation columns, links and deadlines (no cap rows)."""
    prog = Programme(tl, caps)
    whole = all(abs(s.orig - round(s.orig)) < 1e-6 for s in tl.slots)
    prog.whole = whole
    prog.orig = np.array([s.orig for s in tl.slots], dtype=float)
    for s in tl.slots:
        lo = math.ceil(s.lo - 1e-6) if whole else s.lo
        hi = math.floor(s.hi + 1e-6) if whole else s.hi
        arrival = s.given and s.field in ("arrive", "from")
        prog.column(lo - s.orig, hi - s.orig, cost=(1 / 60 if arrival else 0.0))
    for i, s in enumerate(tl.slots):
        if s.given and s.field in ("depart", "to") and s.lo < s.hi:
            dev = prog.column(0.0, math.inf, cost=1 / 60)
            prog.row({dev: 1.0, i: -1.0}, -s.orig, math.inf)
            prog.row({dev: 1.0, i: 1.0}, s.orig, math.inf)
    for ln in tl.links:
        prog.row({ln.b: 1.0, ln.a: -1.0}, ln.gap, ln.gap if ln.exact else math.inf)
    for i, d in enumerate(tl.deadlines):
        prog.row(dict(d.coefs), d.rhs, math.inf, ("deadline", i))
    return prog


def total_shift_h(tl: Timeline, times: np.ndarray) -> float:
    """The objective, measured on the times: the sum of |shift| of the given times, hours."""
    return float(sum(abs(times[i] - s.orig) for i, s in enumerate(tl.slots) if s.given)) / 60


def groups_of(stays: list[Stay]) -> dict[tuple[str, str], list[int]]:
    """Stay indices per (host, nation)."""
    out: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(stays):
        out.setdefault((s.host, s.nation), []).append(i)
    return out


def present_at(tl: Timeline, times: np.ndarray, k: int,
               groups: dict[tuple[str, str], list[int]]) -> list[int]:
    """The stays present (with the slot ``times`` given) when stay ``k`` starts, ``k``
    included."""
    stay = tl.stays[k]
    t = times[stay.start]
    return [j for j in groups[(stay.host, stay.nation)]
            if times[tl.stays[j].start] <= t < times[tl.stays[j].end]]


def over_caps(tl: Timeline, times: np.ndarray, caps: dict[str, int],
              groups: dict[tuple[str, str], list[int]]) -> list[tuple[int, int, int]]:
    """Stays at whose start a cap is exceeded with the slot ``times`` given:
    ``(stay, category, count)``. The same counting as the cap check: half-open stays, a stay
    leaving as another arrives not counted."""
    out = []
    for idx in groups.values():
        st = np.array([times[tl.stays[i].start] for i in idx])
        en = np.array([times[tl.stays[i].end] for i in idx])
        w = np.array([tl.stays[i].weights for i in idx], dtype=np.int64)
        live = en > st
        present = (st[None, :] <= st[:, None]) & (en[None, :] > st[:, None]) & live[None, :]
        counts = present.astype(np.int64) @ w  # stays x categories
        for c, cat in enumerate(CATEGORIES):
            limit = caps.get(cat)
            if limit is None:
                continue
            bad = np.flatnonzero((counts[:, c] > limit) & (w[:, c] > 0) & live)
            out += [(idx[b], c, int(counts[b, c])) for b in bad]
    return out
