"""Run every registered check on a plan's schedule and gather what the report needs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.checks import (  # noqa: F401  (they register)
    airspace,
    crossings,
    facility,
    nsr,
    nsr_limit,
    passage,
    presence,
    range,
    units,
)
from planner.checks.presence import sweep_of
from planner.checks.registry import CheckContext, run_registered
from planner.model.findings import Finding


@dataclass
class Checked:
    """The checks' output: every finding, the presence table and the headroom per cap."""

    findings: list[Finding]
    presence: pd.DataFrame
    headroom: pd.DataFrame


def run_checks(plan, schedule, transit: bool = False, register=None) -> Checked:
    """All checks (CONTRACT section 4) on a routed ``schedule`` of ``plan``. ``transit`` also
    counts assets while their legs cross a host's sovereign territory; ``register`` (a DataFrame
    from :func:`planner.layers.register.load_register`) overrides the shipped register."""
    ctx = CheckContext(plan, schedule, register=register, transit=transit)
    findings = run_registered(ctx)
    result = sweep_of(ctx)
    return Checked(findings, result.presence, result.headroom)
