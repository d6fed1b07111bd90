"""The check registry: each check is a function over one :class:`CheckContext` returning
findings. A new check is one decorated function in one module (listed in
:mod:`planner.checks`); the context computes shared work (presence intervals, the cap sweep)
once, on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from planner.model.findings import Finding

#: name -> check, in registration order (the order findings are gathered in).
CHECKS: dict[str, Callable[[CheckContext], list[Finding]]] = {}


def register(name: str):
    """Decorator: add a check ``fn(ctx) -> list[Finding]`` under ``name``."""
    def deco(fn):
        if name in CHECKS and CHECKS[name] is not fn:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = fn
        return fn
    return deco


@dataclass
class CheckContext:
    """What every check may read: the plan, its routed schedule, the agreement, the clearance
    register (None: the shipped one) and whether transits count. Shared derived work is cached
    on the context, so it is done once per check run."""

    plan: object
    schedule: object
    register: pd.DataFrame | None = None
    transit: bool = False
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def agreement(self):
        """The plan's agreement (caps, term, purposes)."""
        return self.plan.agreement

    def memo(self, key: str, make: Callable[[], object]):
        """``make()`` once per context under ``key``."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


def run_registered(ctx: CheckContext, only: tuple[str, ...] | None = None) -> list[Finding]:
    """Every registered check (or ``only`` those) on one context, findings concatenated."""
    out: list[Finding] = []
    for name, fn in CHECKS.items():
        if only is None or name in only:
            out += fn(ctx)
    return out


__all__ = ["CHECKS", "CheckContext", "register", "run_registered"]
