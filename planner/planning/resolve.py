"""``relos resolve``: the smallest change of a plan's times that clears every ``CAP_*`` finding
(CONTRACT sections 3 and 5).

"Smallest" is the total shift, in hours, of the arrival and departure times the plan gives
and the fix moves: ``sum |new - old|`` over every written time that changes. Times the plan
leaves to the schedule (an arrival computed from route and speed) follow the times they hang
on and cost nothing of their own.

Formulation
    A mixed-integer programme (:mod:`planner.planning.milp`) on the event sweep the cap check
    uses (:mod:`planner.checks.presence`): one time variable per arrival and departure
    (:mod:`planner.planning.timeline`), and for each pair of stays of one party in one host
    that could overlap within the limits, binary order variables that say whether one has
    started, and whether it has left, when the other starts. The number present at each start
    is then a linear sum of those binaries, bounded by the cap: exact, since a count only rises
    at a start. Pairs that cannot overlap within the bounds get no binaries; rows are added
    lazily (only at starts over a cap, in the plan and then in each solution) and the solve
    repeated until the solution is within every cap, which makes it optimal for the full
    programme. HiGHS (``scipy.optimize.milp``) proves the optimum (``mip_rel_gap`` 0).
Search
    The plan splits into components that never interact (one asset's itinerary; stays of one
    party in one host whose windows overlap), solved apart, and a component where nothing
    need move skips the solver. Each is solved first with its times within 12 h of the plan:
    an optimum costing ``C`` no more than the box is optimal outright (any fix moving a time
    further costs more than that), otherwise it is solved again in a box of ``max(2b, C)``,
    up to ``max_shift_days``. Small boxes keep the big-M constants, and so the relaxation,
    tight.
Rules kept
    arrivals are only delayed (given or computed); departures move either way; no leg is
    flown or sailed faster than the planning speed (``distance_km / speed_kmh``, as the
    schedule computes it); a call marked ``fixed: true`` keeps its times; no time moves more
    than ``max_shift_days``; a stay keeps its purpose, and at least ``min_stay_share`` of its
    length; a stay inside the agreement's term stays inside it; with ``today``, every
    ``CLEARANCE`` can still be filed on time (its file-by date, ``finding.extra["file_by"]``,
    not before ``today``).
Limits
    Presence is counted as ``relos check`` counts it without ``--transit`` (stays in port or
    at an airbase; not legs crossing the host's territory). Routes are taken as planned: a
    fix never reroutes, drops a call or changes a purpose. Other checks that depend on dates
    (``NSR_ICE`` by month, clearances without ``--today``) are not constraints; the fixed plan
    is checked again and anything new is reported. The number of binaries grows with the
    pairs of stays that could overlap within the box near a cap, and the big-M relaxation is
    weak when stays overlap by much less than the box: a crowded plan (the benchmark's
    ``--spread-days 1000``: 11 cap findings, components needing 200 h of shifts) reaches the
    solver's time limit, and the result then says it is the best found, not a proven optimum.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.core.units import fmt_minute, to_datetime
from planner.planning import milp
from planner.planning.timeline import Blocked, Timeline, build_timeline

#: Least share of its planned length a stay keeps unless told otherwise (a planning default:
#: half the time in port still serves the call's purpose).
MIN_STAY_SHARE = 0.5
#: Shift allowance unless told otherwise, days (CONTRACT section 5's example).
MAX_SHIFT_DAYS = 10.0
#: HiGHS time limit per solve, seconds.
TIME_LIMIT_S = 60.0
CHANGE_COLUMNS = ["asset", "call", "at", "field", "old", "new", "shift_h"]
_MAX_ROUNDS = 200


@dataclass
class Resolution:
    """What ``relos resolve`` found.

    ``status`` is ``clean`` (nothing to clear), ``resolved`` or ``blocked``; ``plan`` the fixed
    plan (None when blocked), ``changes`` one row per time moved, ``shift_h`` the total shift
    in hours, ``reasons`` what blocks (when blocked), ``notes`` anything else worth saying.
    """

    original: object
    status: str
    plan: object | None
    changes: pd.DataFrame
    shift_h: float
    cleared: list = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    optimal: bool = True
    rounds: int = 0
    binaries: int = 0
    cap_rows: int = 0
    max_shift_days: float = MAX_SHIFT_DAYS
    min_stay_share: float = MIN_STAY_SHARE
    today: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """True when a fix was found (or none was needed)."""
        return self.status != "blocked"


def resolve_plan(plan, *, max_shift_days: float = MAX_SHIFT_DAYS, today=None,
                 min_stay_share: float = MIN_STAY_SHARE,
                 time_limit_s: float = TIME_LIMIT_S) -> Resolution:
    """The smallest change of ``plan``'s times that clears every ``CAP_*`` finding.

    Parameters
    ----------
    plan : planner.Plan
    max_shift_days : float
        Largest shift of any one time, days (>= 0).
    today : date, datetime or str, optional
        Also move what must move so that every clearance's file-by date is on or after it.
    min_stay_share : float
        Least share (0 < share <= 1) of its planned length a stay keeps.
    time_limit_s : float
        Solver time limit per solve, seconds.
    """
    if not max_shift_days >= 0:
        raise ValueError("max_shift_days must be >= 0")
    if not 0 < min_stay_share <= 1:
        raise ValueError("min_stay_share must be > 0 and <= 1")
    today_dt = to_datetime(today) if today is not None else None
    before = _findings(plan, today_dt is not None)
    cap_findings = [f for f in before if f.code.startswith("CAP_")]
    clearances = [f for f in before if f.code == "CLEARANCE"]
    late = [f for f in clearances if today_dt is not None
            and pd.Timestamp(f.extra["file_by"]) < pd.Timestamp(today_dt)]
    base = dict(max_shift_days=max_shift_days, min_stay_share=min_stay_share, today=today_dt)
    empty = pd.DataFrame(columns=CHANGE_COLUMNS)
    if not cap_findings and not late:
        return Resolution(plan, "clean", _copy(plan, {}), empty, 0.0, **base)
    try:
        tl = build_timeline(plan, plan.schedule(), max_shift_days=max_shift_days,
                            min_stay_share=min_stay_share, today=today_dt,
                            clearances=clearances)
    except Blocked as exc:
        return Resolution(plan, "blocked", None, empty, 0.0, cap_findings + late,
                          reasons=exc.reasons, **base)
    caps = dict(plan.agreement.caps)
    search = _search(tl, caps, max_shift_days * 24 * 60, time_limit_s)
    stats = dict(rounds=search.rounds, binaries=search.binaries, cap_rows=search.cap_rows)
    if search.reasons:
        return Resolution(plan, "blocked", None, empty, 0.0, cap_findings + late,
                          reasons=search.reasons, **stats, **base)
    solved = search
    changes, new_times = _changes(tl, solved.times)
    fixed = _copy(plan, new_times)
    notes = []
    open_ended = bool(plan.schedule().calls["open_ended"].any())
    if plan.horizon_end is None and open_ended and fixed.latest_time() != plan.latest_time():
        fixed.horizon_end = plan.latest_time()
        notes.append(f"horizon_end set to {fmt_minute(fixed.horizon_end)} (the latest time "
                     "of the plan before the fix), so open-ended stays end where they did")
    optimal = search.optimal
    if not optimal:
        notes.append(f"the solver stopped at its time limit ({time_limit_s:g} s): this is the "
                     "best fix found, not a proven optimum")
    notes += _recheck(before, fixed, today_dt)
    notes += _recheck_nsr(plan, fixed, set(changes["asset"]))
    return Resolution(plan, "resolved", fixed, changes, float(changes["shift_h"].abs().sum()),
                      cap_findings + late, notes=notes, optimal=optimal, **stats, **base)


#: The first search box, minutes: each component is solved with its times within this of the
#: plan, then within a larger box only if its cost exceeds the box (see :func:`_search`).
FIRST_BOX_MIN = 12 * 60


@dataclass
class _Search:
    times: np.ndarray | None = None
    optimal: bool = True
    reasons: list[str] = field(default_factory=list)
    rounds: int = 0
    binaries: int = 0
    cap_rows: int = 0


def _search(tl: Timeline, caps: dict[str, int], max_shift_min: float,
            time_limit_s: float) -> _Search:
    """Solve component by component in growing boxes.

    The timeline splits into components that never interact (:func:`timeline.components`);
    only those with a stay over a cap, or a clearance filed late, need solving. Each is solved
    with its times held within a box of ``b`` minutes of the plan. A component whose optimum
    in the box costs ``C <= b`` is optimal outright: any fix that moves some time by more
    than ``b`` costs more than ``b`` (a computed time moves exactly as the given time it
    follows). The others are solved again in a box of ``max(2b, C)``, up to the limit
    ``max_shift_min``, where the solver's own proof decides.
    """
    from planner.planning.timeline import boxed, components

    out = _Search()
    label = components(tl)
    orig = np.array([s.orig for s in tl.slots])
    values = orig.copy()
    groups = milp.groups_of(tl.stays)
    pending = {int(label[tl.stays[k].start]) for k, _, _ in milp.over_caps(tl, orig, caps,
                                                                             groups)}
    for d in tl.deadlines:
        if sum(c * orig[v] for v, c in d.coefs.items()) < d.rhs - 1e-6:
            pending.add(int(label[next(iter(d.coefs))]))
    given = np.array([s.given for s in tl.slots])
    box = min(max_shift_min, FIRST_BOX_MIN)
    while pending:
        last = box >= max_shift_min
        free = np.isin(label, sorted(pending))
        try:
            tb = boxed(tl, box, free, values)
        except Blocked as exc:
            if last:
                out.reasons = exc.reasons
                return out
            box = min(max_shift_min, 2 * box)
            continue
        solved, prog = _solve_lazy(tb, caps, time_limit_s, out)
        if solved.times is None:
            if last:
                out.reasons = _why_blocked(tb, prog, time_limit_s, solved)
                return out
            box = min(max_shift_min, 2 * box)
            continue
        worst = 0.0
        for comp in sorted(pending):
            cols = label == comp
            cost = float(np.abs(solved.times[cols & given] - orig[cols & given]).sum())
            if cost <= box + 1e-6 or last:
                values[cols] = solved.times[cols]
                pending.discard(comp)
                out.optimal &= solved.status == 0
            else:
                worst = max(worst, cost)
        box = min(max_shift_min, max(2 * box, worst))
    out.times = values
    return out


def _solve_lazy(tl: Timeline, caps: dict[str, int], time_limit_s: float, out: _Search):
    """Solve with cap rows added where the solution is over a cap, until it is not."""
    prog = milp.build(tl, caps)
    groups = milp.groups_of(tl.stays)
    now = np.array([min(max(s.orig, s.lo), s.hi) for s in tl.slots])
    _rows_where_over(prog, tl, now, milp.over_caps(tl, now, caps, groups), groups)
    solved = None
    for _ in range(_MAX_ROUNDS):
        out.rounds += 1
        solved = prog.solve(time_limit_s)
        if solved.times is None:
            break
        over = milp.over_caps(tl, solved.times, caps, groups)
        if not over:
            break
        if not _rows_where_over(prog, tl, solved.times, over, groups):
            # cannot happen: an over-cap start with a row would break that row
            raise RuntimeError(f"resolve: over a cap at a start already constrained: {over}")
    out.binaries += prog.binaries
    out.cap_rows += sum(m[0] == "cap" for m in prog.meta)
    return solved, prog


def _rows_where_over(prog: milp.Programme, tl: Timeline, times: np.ndarray, over, groups) -> int:
    """Cap rows at the start of every stay present where a cap is exceeded (the stay starting
    there and those already present: any of them may start last once times move)."""
    added = 0
    starts = dict.fromkeys(j for k, _, _ in over for j in milp.present_at(tl, times, k, groups))
    for j in starts:
        added += prog.cap_rows(j, groups)
    return added


def _changes(tl: Timeline, times: np.ndarray):
    rows, new_times = [], {}
    for i, s in enumerate(tl.slots):
        if not s.given or abs(times[i] - s.orig) < 0.5:
            continue
        new = tl.time(round(times[i]))
        old = tl.time(s.orig)
        new_times[(s.owner_kind, s.index, s.call, s.field)] = new
        rows.append({"asset": s.owner, "call": s.call, "at": s.at, "field": s.field,
                     "old": pd.Timestamp(old), "new": pd.Timestamp(new),
                     "shift_h": round((new - old).total_seconds() / 3600, 4)})
    df = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    if len(df):
        df = df.sort_values(["old", "asset", "field"], kind="stable").reset_index(drop=True)
        df["call"] = df["call"].astype("Int64")
    return df, new_times


def _copy(plan, new_times: dict):
    """A new plan with the given times replaced (nothing else shared that could be changed)."""
    assets = []
    for ai, a in enumerate(plan.assets):
        calls = []
        for ci, c in enumerate(a.itinerary):
            kw = {f: new_times[("asset", ai, ci, f)] for f in ("arrive", "depart")
                  if ("asset", ai, ci, f) in new_times}
            calls.append(dataclasses.replace(c, **kw) if kw else c)
        assets.append(dataclasses.replace(a, itinerary=calls))
    dets = []
    for di, d in enumerate(plan.detachments):
        kw = {}
        if ("detachment", di, None, "from") in new_times:
            kw["start"] = new_times[("detachment", di, None, "from")]
        if ("detachment", di, None, "to") in new_times:
            kw["end"] = new_times[("detachment", di, None, "to")]
        dets.append(dataclasses.replace(d, **kw) if kw else d)
    return dataclasses.replace(plan, assets=assets, detachments=dets, _cache={})


#: The checks whose findings times can change (the crossings and their clearances only count
#: with ``--today``: they are the slow ones, and without it no time constrains them; the NSR
#: ice check runs again only for assets moved that sail the NSR).
TIMED_CHECKS = ("schedule", "caps", "term", "purpose", "range")


def _findings(plan, clearances: bool) -> list:
    """The findings of the checks that times affect (with the clearances when asked), from
    the plan's cached report when it has one."""
    cached = plan._cache.get(("check", False))  # noqa: SLF001
    if cached is not None:
        return list(cached.finding_list)
    import planner.checks.run  # noqa: F401  (the checks register)
    from planner.checks.registry import CheckContext, run_registered

    only = TIMED_CHECKS + (("crossings",) if clearances else ())
    return run_registered(CheckContext(plan, plan.schedule()), only=only)


def _recheck(before: list, fixed, today) -> list[str]:
    """The fixed plan checked again: what it still or newly faults (beyond the caps)."""
    after = _findings(fixed, today is not None)
    notes = []
    caps_left = [f for f in after if f.code.startswith("CAP_")]
    if caps_left:
        notes.append("the fixed plan still has cap findings (a defect of resolve; please "
                     "report it): " + "; ".join(f.message for f in caps_left))
    old = {(f.code, tuple(f.assets), f.host) for f in before if f.severity == "error"}
    for f in after:
        if f.severity == "error" and (f.code, tuple(f.assets), f.host) not in old:
            notes.append(f"new in the fixed plan: {f.code}: {f.message}")
    if today is not None:
        for f in after:
            if f.code == "CLEARANCE" and pd.Timestamp(f.extra["file_by"]) < pd.Timestamp(today):
                notes.append(f"still late: {f.message}")
    return notes


def _recheck_nsr(plan, fixed, moved: set[str]) -> list[str]:
    """``NSR_ICE`` errors new in the fixed plan (a month changed), for moved assets that sail
    the Northern Sea Route."""
    legs = plan.schedule().legs
    nsr_assets = {a for a, p in zip(legs["asset"], legs["passages"], strict=True)
                  if "nsr" in p} & moved
    if not nsr_assets:
        return []
    from planner.checks.nsr import nsr_findings

    def errors(p):
        sub = dataclasses.replace(p, assets=[a for a in p.assets if a.id in nsr_assets],
                                  _cache={})
        return {(f.code, tuple(f.assets), f.leg) for f in nsr_findings(sub, sub.schedule())
                if f.severity == "error"}

    old = errors(plan)
    return [f"new in the fixed plan: {f[0]} for {', '.join(f[1])}" for f in
            sorted(errors(fixed) - old)]


def _why_blocked(tl: Timeline, prog: milp.Programme, time_limit_s: float,
                 solved) -> list[str]:
    """Name what blocks: solve again with a slack on every cap and deadline row, minimising
    the slack; the rows left with slack cannot be met together within the limits."""
    if solved is not None and solved.status == 1:
        return [f"the solver found no fix within its time limit ({time_limit_s:g} s)"]
    el = prog.solve(time_limit_s, elastic=True)
    if el.times is None:
        return ["no times within the limits keep every leg at its planning speed and every "
                "fixed call (the timeline itself is infeasible)"]
    reasons = []
    rows = [i for i, m in enumerate(prog.meta) if m[0] in ("cap", "deadline")]
    for i, s in zip(rows, el.slack, strict=True):
        if s <= 1e-6:
            continue
        m = prog.meta[i]
        if m[0] == "deadline":
            d = tl.deadlines[m[1]]
            hold = "; ".join(_bound_text(tl, tl.slots[v], el.times) for v in d.coefs)
            reasons.append(f"CLEARANCE cannot be filed on time: {d.message}; {hold}")
            continue
        k, c = m[1], m[2]
        reasons.append(_cap_text(tl, prog, k, c, el.times))
    return reasons or ["no fix within the limits (the solver gave no detail)"]


def _cap_text(tl: Timeline, prog: milp.Programme, k: int, c: int, times) -> str:
    stay = tl.stays[k]
    cat = milp.CATEGORIES[c]
    t = times[stay.start]
    here = [s for s in tl.stays if s.host == stay.host and s.nation == stay.nation
            and s.weights[c] > 0 and times[s.start] <= t + 1e-6 and times[s.end] > t + 1e-6]
    count = sum(s.weights[c] for s in here)
    held = "; ".join(
        f"{s.who} at {s.at} cannot arrive after {tl.fmt(tl.slots[s.start].hi)} "
        f"({tl.slots[s.start].why_hi or 'the plan'}) nor leave before "
        f"{tl.fmt(tl.slots[s.end].lo)} ({tl.slots[s.end].why_lo or 'the plan'})" for s in here)
    code = f"CAP_{cat.upper()}"
    return (f"{code}: {count:,} {stay.nation} {cat} would still be present in {stay.host} at "
            f"{tl.fmt(t)} against a cap of {prog.caps[cat]:,}, whatever moves within the "
            f"limits: {held}")


def _bound_text(tl: Timeline, s, times) -> str:
    return (f"{s.label} cannot be later than {tl.fmt(s.hi)} ({s.why_hi or 'the plan'})")


def changes_text(res: Resolution) -> str:
    """The changes as a table a planner reads in a terminal."""
    if not len(res.changes):
        return "no time changes\n"
    df = res.changes.copy()
    df["call"] = df["call"].map(lambda v: "" if pd.isna(v) else str(v))
    df["old"] = df["old"].map(fmt_minute)
    df["new"] = df["new"].map(fmt_minute)
    df["shift_h"] = df["shift_h"].map(lambda v: f"{v:+,.2f}")
    return df.to_string(index=False) + "\n"


def _clears(res: Resolution) -> str:
    codes = {}
    for f in res.cleared:
        codes[f.code] = codes.get(f.code, 0) + 1
    return ", ".join(f"{n} {c}" for c, n in sorted(codes.items()))


def resolution_text(res: Resolution, written: tuple | None = None) -> str:
    """What ``relos resolve`` prints: what it clears, the total shift and how it is measured,
    the changes, where the fixed plan went and anything the re-check found."""
    plan = res.original
    lines = [f"Plan: {plan.name}"]
    limits = (f"no time moved more than {res.max_shift_days:g} days, arrivals only delayed, "
              f"no leg faster than its planning speed, calls marked fixed kept, stays keeping "
              f"at least {res.min_stay_share:.0%} of their length")
    if res.today is not None:
        limits += f", every clearance fileable on or after {fmt_minute(res.today)}"
    if res.status == "clean":
        lines.append("Nothing to resolve: no CAP_* finding"
                     + (" and no clearance filed late." if res.today else "."))
        return "\n".join(lines) + "\n"
    lines.append(f"To clear: {_clears(res)}")
    lines.append(f"Limits: {limits}.")
    if res.status == "blocked":
        lines.append("")
        lines.append("No fix within the limits. Blocking:")
        lines += [f"  {r}" for r in res.reasons]
        return "\n".join(lines) + "\n"
    proof = ("proven optimal (mixed-integer programme, HiGHS)" if res.optimal
             else "best found within the solver's time limit, not proven optimal")
    lines.append(f"Smallest change: {res.shift_h:,.2f} h in total, measured as the sum of "
                 f"|shift| in hours of the {len(res.changes)} arrival and departure time(s) "
                 f"moved; {proof}.")
    lines.append("")
    lines.append(changes_text(res).rstrip("\n"))
    if written:
        lines.append("")
        lines.append(f"fixed plan written to {written[0]} ({written[1]})")
    for n in res.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines) + "\n"


def resolution_json(res: Resolution, written: tuple | None = None) -> str:
    """The resolution as JSON (times ISO 8601 UTC)."""
    import json

    from planner.core.units import iso_z

    changes = [{"asset": r["asset"], "call": None if pd.isna(r["call"]) else int(r["call"]),
                "at": r["at"], "field": r["field"], "old": iso_z(r["old"]),
                "new": iso_z(r["new"]), "shift_h": r["shift_h"]}
               for r in res.changes.to_dict("records")]
    doc = {"plan": res.original.name, "status": res.status, "ok": res.ok,
           "shift_h": round(res.shift_h, 4), "objective": "sum of |shift| in hours of the "
           "arrival and departure times moved", "optimal": res.optimal, "changes": changes,
           "reasons": res.reasons, "notes": res.notes,
           "output": str(written[0]) if written else None,
           "limits": {"max_shift_days": res.max_shift_days,
                      "min_stay_share": res.min_stay_share, "today": iso_z(res.today)}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
