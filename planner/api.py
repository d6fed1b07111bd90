"""The stages joined: load -> schedule -> checks -> report -> map. This is what the public face
(:mod:`planner`) and the CLI call; each function is a thin composition of one stage's output
into the next's input."""

from __future__ import annotations

from planner.checks.run import run_checks
from planner.render.report import Report
from planner.routing.schedule import build_schedule


def check_plan(plan, transit: bool = False, register=None) -> Report:
    """All checks (CONTRACT section 4) on a plan, as a :class:`~planner.Report`.

    Parameters
    ----------
    plan : planner.Plan
    transit : bool
        Also count assets while their legs cross a host's sovereign territory.
    register : pandas.DataFrame, optional
        Clearance register rows overriding the shipped ones
        (:func:`planner.layers.register.load_register`).
    """
    schedule = plan.schedule()
    checked = run_checks(plan, schedule, transit=transit, register=register)
    return Report(plan.name, checked.findings, schedule.legs, checked.presence,
                  checked.headroom, transit=transit, calls=schedule.calls)


def plan_map(*args, **kwargs):
    """:func:`planner.render.maps.plan_map` (imported on first use: folium is slow to
    import and ``relos check`` never draws)."""
    from planner.render.maps import plan_map as draw

    return draw(*args, **kwargs)


__all__ = ["build_schedule", "check_plan", "plan_map"]


def sea_route(origin, destination, *args, ice_calendar=None, **kwargs):
    """:func:`planner.routing.sea.sea_route` (CONTRACT section 5), with ``ice_calendar``: a CSV
    path (``area, month, ice``) replacing the shipped typical-ice calendar of the NSR for this
    route (a planning assumption either way; the ice type in force is the official forecast's).
    A warship's way into or out of the Black Sea while the Turkish Straits are closed to it
    (``nation`` and ``date`` given as keywords; :mod:`planner.layers.passage_closures`) is
    routed all the same and a note names the closure, as ``relos route`` prints it.
    """
    from dataclasses import replace

    from planner.core.units import to_datetime
    from planner.layers.catalogue import resolve_place
    from planner.layers.nsr_rules import ice_calendar_in_force
    from planner.layers.passage_closures import closure_for, closure_note
    from planner.routing.sea import sea_route as _sea_route

    with ice_calendar_in_force(ice_calendar):
        route = _sea_route(origin, destination, *args, **kwargs)
    nation, date = kwargs.get("nation"), kwargs.get("date")
    shut, _, _ = closure_for(str(nation).strip().upper() if nation else None,
                             resolve_place(origin), resolve_place(destination),
                             to_datetime(date) if date is not None else None)
    if shut is None:
        return route
    return replace(route, notes=route.notes + (
        closure_note(shut, str(nation).upper() if nation else None),))
