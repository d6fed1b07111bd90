"""Run every check on a plan and gather the findings into a :class:`Report`."""

from __future__ import annotations

from .presence import (
    call_intervals,
    combine,
    purpose_findings,
    sweep,
    term_findings,
    transit_intervals,
)
from .report import Report


def check_plan(plan, transit: bool = False, register=None) -> Report:
    """All checks (CONTRACT §4): schedule, caps, term, purpose, range, NSR ice, overflight,
    territorial sea and clearances. ``transit`` also counts assets while their legs cross a
    host's sovereign territory; ``register`` (a DataFrame from
    :func:`planner.clearances.load_register`) overrides the built-in clearance register."""
    schedule = plan.schedule()
    findings = list(schedule.findings)

    intervals = call_intervals(plan, schedule)
    if transit:
        intervals = combine(intervals, transit_intervals(plan, schedule))
    result = sweep(intervals, plan.agreement)
    findings += result.findings
    findings += term_findings(intervals, plan.agreement)
    findings += purpose_findings(intervals, plan.agreement)

    from .leg_checks import leg_findings

    findings += leg_findings(plan, schedule, register)
    return Report(plan.name, findings, schedule.legs, result.presence, result.headroom,
                  transit=transit, calls=schedule.calls)
