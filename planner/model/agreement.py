"""Agreement definitions: parties, caps, term and permitted purposes.

The built-in definition is the India-Russia RELOS agreement. A user may describe another
agreement in YAML (``relos check --agreement FILE``)::

    name: Example agreement
    parties: [IND, FRA]
    caps: {warships: 3, aircraft: 6, personnel: 1500}
    in_force: 2024-01-01
    term_years: 5
    extension_years: 5
    purposes: [exercise, training]
    nsr_limit_counts_partner: true   # default; see below

``nsr_limit_counts_partner`` (default true): whether the other party's warships count towards
Russia's limit of one foreign warship at a time in the NSR's internal waters (Federal Law
155-FZ art. 14.3, added by 510-FZ of 5 Dec 2022; the ``NSR_LIMIT`` finding). Russian law makes
no exception for a partner's ships; set it false only where the agreement itself grants one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from planner.core.units import utc_midnight
from planner.model.times import parse_time
from planner.model.yamlsource import load_yaml_text

CATEGORIES = ("warships", "aircraft", "personnel")


@dataclass(frozen=True)
class Agreement:
    """The terms the planner enforces.

    ``caps`` maps a category (warships, aircraft, personnel) to the most of one party's forces
    that may be present at once in the other party's territory.
    """

    name: str
    parties: tuple[str, ...]
    caps: dict[str, int]
    in_force: dt.datetime
    term_years: int
    extension_years: int
    extended: bool = False
    purposes: tuple[str, ...] = field(default=())
    source: str = ""
    #: the partner's warships count towards Russia's one-foreign-warship limit in the NSR's
    #: internal waters (510-FZ); Russian law states no exception, so True by default
    nsr_limit_counts_partner: bool = True

    @property
    def term_end(self) -> dt.datetime:
        """First instant after the term (with the extension if ``extended``)."""
        years = self.term_years + (self.extension_years if self.extended else 0)
        start = self.in_force
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)

    def partner_of(self, nation: str) -> str | None:
        """The other party for a two-party agreement, or None if ``nation`` is not a party."""
        if nation not in self.parties:
            return None
        others = [p for p in self.parties if p != nation]
        return others[0] if len(others) == 1 else None

    def counts_against(self, nation: str, host: str | None) -> bool:
        """Whether ``nation``'s forces present in ``host``'s territory count against the caps:
        both are parties and they differ."""
        return (host is not None and nation != host and nation in self.parties
                and host in self.parties)

    def with_overrides(self, in_force: dt.datetime | None = None,
                       extended: bool | None = None) -> Agreement:
        """A copy with a plan's ``agreement:`` section applied."""
        return replace(
            self,
            in_force=in_force if in_force is not None else self.in_force,
            extended=self.extended if extended is None else extended,
        )


#: India-Russia Reciprocal Exchange of Logistics Support, signed 18 Feb 2025, ratified by the
#: State Duma 3 Dec 2025. Caps and term as published on ratification (Russian Federal Law on
#: ratification; TASS / The Hindu reporting, Dec 2025). Entry into force is taken as
#: 2026-01-01 for planning; a plan overrides it with ``agreement: {in_force: ...}``.
RELOS = Agreement(
    name="RELOS India-Russia",
    parties=("IND", "RUS"),
    caps={"warships": 5, "aircraft": 10, "personnel": 3000},
    in_force=utc_midnight(dt.date(2026, 1, 1)),
    term_years=5,
    extension_years=5,
    purposes=("exercise", "training", "humanitarian", "disaster_relief", "mutually_agreed"),
    source="RELOS agreement, signed 2025-02-18, ratified by the State Duma 2025-12-03",
)

_KEYS = {"name", "parties", "caps", "in_force", "term_years", "extension_years", "extended",
         "purposes", "nsr_limit_counts_partner"}


class AgreementError(ValueError):
    """An agreement file that cannot be used; the message names file and field."""


def _flag(value, name: str) -> bool:
    """A YAML boolean; anything else is refused (``"no"`` as text is not read as true)."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be true or false, not {value!r}")


def load_agreement(path: str | Path) -> Agreement:
    """Read an agreement definition from YAML (see the module docstring)."""
    path = Path(path)
    try:
        data = load_yaml_text(path.read_text(encoding="utf-8"))  # times stay text (issue 12)
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"{path}:{line + 1}" if line is not None else str(path)
        raise AgreementError(f"{where}: malformed YAML") from None
    if not isinstance(data, dict):
        raise AgreementError(f"{path}: an agreement file must be a mapping")
    unknown = set(data) - _KEYS
    if unknown:
        raise AgreementError(f"{path}: unknown key(s) {sorted(unknown)}; known: {sorted(_KEYS)}")
    try:
        parties = tuple(str(p).upper() for p in data["parties"])
        caps = {str(k): int(v) for k, v in dict(data["caps"]).items()}
        in_force = data["in_force"]
        if isinstance(in_force, str):
            in_force = parse_time(in_force).date()
        if isinstance(in_force, dt.datetime):
            in_force = in_force.date()
        agreement = Agreement(
            name=str(data.get("name", path.stem)),
            parties=parties,
            caps=caps,
            in_force=utc_midnight(in_force),
            term_years=int(data.get("term_years", 5)),
            extension_years=int(data.get("extension_years", 0)),
            extended=bool(data.get("extended", False)),
            purposes=tuple(str(p) for p in data.get("purposes", RELOS.purposes)),
            source=str(path),
            nsr_limit_counts_partner=_flag(data.get("nsr_limit_counts_partner", True),
                                           "nsr_limit_counts_partner"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AgreementError(f"{path}: bad or missing field: {exc}") from None
    bad = [k for k in caps if k not in CATEGORIES]
    if bad or len(parties) < 2 or any(v < 0 for v in caps.values()):
        raise AgreementError(
            f"{path}: caps must use {list(CATEGORIES)} with values >= 0 and there must be at "
            "least two parties")
    return agreement
