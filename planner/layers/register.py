"""The clearance lead-time register: how many days before an event a notice or diplomatic
clearance must be filed.

The shipped register is ``geodata/clearances.csv`` (every row carries its source); a user's
CSV with the same columns replaces it (``load_register(path)``). Columns: ``country`` (ISO3 or
``*`` for the default), ``applies_to`` (``warship`` | ``aircraft`` | ``any``), ``event``
(``territorial_sea`` | ``overflight`` | ``port_call`` | ``nsr_transit`` | ``landing``),
``rule`` (optional: ``none`` | ``notice`` | ``authorization`` | ``unknown``; a file without it
reads ``notice`` where ``lead_days`` > 0, else ``none``), ``lead_days`` (blank: the law states
no lead time, and the ``*`` row's planner default applies, labelled as such), ``authority``,
``source``, and optionally ``note``.

``unknown`` means no public rule was found: the planner says "no public rule found; ask the
desk officer" and gives the planner-default file-by date, never a silent 0.

Lookup order for ``(country, asset_kind, event)``: the country's row for that asset kind, the
country's ``any`` row, the ``*`` row for that asset kind, the ``*`` ``any`` row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from planner.core.atomic import atomic_write_text
from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.core.units import iso_minute

COLUMNS = ("country", "applies_to", "event", "lead_days", "authority", "source")
OPTIONAL_COLUMNS = ("rule", "note")
RULES = ("none", "notice", "authorization", "unknown")
#: How each kind of rule reads in a message.
RULE_TEXT = {"none": "no notice or authorization required",
             "notice": "prior notice required",
             "authorization": "prior authorization (permission) required",
             "unknown": "no public rule found; ask the desk officer"}
ASSET_KINDS = ("warship", "aircraft", "any")
EVENTS = ("territorial_sea", "overflight", "port_call", "nsr_transit", "landing",
          "strait_transit")
DEFAULT_COUNTRY = "*"


class RegisterError(ValueError):
    """A malformed clearance register (missing column, unknown kind/event, bad lead_days)."""


def load_register(path: str | Path | None = None) -> pd.DataFrame:
    """The clearance register as a DataFrame (the shipped one unless ``path`` is given).

    Validates the columns and values; raises :class:`RegisterError` naming the file and row.
    """
    src = Path(path) if path is not None else geodata_path("clearances.csv")
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise RegisterError(f"{src}: missing column(s) {', '.join(missing)}")
    if "rule" not in df.columns:
        df["rule"] = ["notice" if str(v).strip() not in ("", "0") else "none"
                      for v in df["lead_days"]]
    if "note" not in df.columns:
        df["note"] = ""
    df = df[list(COLUMNS) + list(OPTIONAL_COLUMNS)].copy()
    for col in ("country", "applies_to", "event", "rule"):
        df[col] = df[col].str.strip()
    df["country"] = df["country"].str.upper()
    df["rule"] = df["rule"].str.lower()
    problems = []
    for i, row in df.iterrows():
        line = int(i) + 2  # header is line 1
        if row["applies_to"] not in ASSET_KINDS:
            problems.append(f"{src}:{line}: applies_to {row['applies_to']!r} is not one of "
                            f"{', '.join(ASSET_KINDS)}")
        if row["event"] not in EVENTS:
            problems.append(f"{src}:{line}: event {row['event']!r} is not one of "
                            f"{', '.join(EVENTS)}")
        if row["rule"] not in RULES:
            problems.append(f"{src}:{line}: rule {row['rule']!r} is not one of "
                            f"{', '.join(RULES)}")
        text = str(row["lead_days"]).strip()
        if text == "" and row["country"] == DEFAULT_COUNTRY:
            problems.append(f"{src}:{line}: a '*' row needs lead_days (the planner default)")
        try:
            if text != "" and int(text) < 0:
                raise ValueError
        except ValueError:
            problems.append(f"{src}:{line}: lead_days {row['lead_days']!r} is not a whole "
                            "number of days >= 0 (or blank: none stated)")
    if problems:
        raise RegisterError("\n".join(problems))
    df["lead_days"] = pd.array([None if str(v).strip() == "" else int(v)
                                for v in df["lead_days"]], dtype="Int64")
    return df.reset_index(drop=True)


@once("layers.register.default_register")
def default_register() -> pd.DataFrame:
    """The shipped register, read once per process."""
    return load_register()


def with_overrides(path: str | Path) -> pd.DataFrame:
    """A user's register file on top of the shipped one: the user's rows win, the shipped
    rows still answer for everything the user's file does not mention."""
    return pd.concat([load_register(path), default_register()], ignore_index=True)


class PassageRule(NamedTuple):
    """What a register says for one (country, asset kind, event): ``kind`` (:data:`RULES`),
    ``lead_days`` (the law's figure, else the ``*`` row's planner default; None when nothing
    applies), ``stated`` (True when the figure is the country's own), ``default`` (True when
    the row itself is a ``*`` row), and the row."""

    kind: str
    lead_days: int | None
    stated: bool
    default: bool
    row: pd.Series | None


def passage_rule(country: str, asset_kind: str, event: str,
                 register: pd.DataFrame | None = None) -> PassageRule:
    """The rule for a notice/clearance: the country's row for that asset kind, its ``any``
    row, then the ``*`` rows. A row without a lead time takes the ``*`` row's figure (a
    planner default, ``stated=False``)."""
    if event not in EVENTS:
        raise ValueError(f"event {event!r} is not one of {', '.join(EVENTS)}")
    index = _default_index() if register is None else register_index(register)
    country = (country or "").upper()

    def find(c: str):
        for kind in (asset_kind, "any"):
            row = index.get((c, kind, event))
            if row is not None:
                return row
        return None

    row = find(country)
    fallback = find(DEFAULT_COUNTRY)
    if row is None:
        row = fallback
    if row is None:
        return PassageRule("unknown", None, False, True, None)
    default = row["country"] == DEFAULT_COUNTRY
    days = row["lead_days"]
    stated = not default and not pd.isna(days)
    if pd.isna(days):
        days = None if fallback is None else fallback["lead_days"]
    days = None if days is None or pd.isna(days) else int(days)
    return PassageRule(str(row["rule"]), days, stated, default, row)


def lead_days(country: str, asset_kind: str, event: str,
              register: pd.DataFrame | None = None) -> tuple[int | None, pd.Series | None]:
    """Lead time in days for a notice/clearance, and the register row it comes from.

    ``asset_kind`` is ``warship`` or ``aircraft``. Falls back to the country's ``any`` row,
    then to the ``*`` rows; returns ``(None, None)`` if nothing applies. A ``none`` rule gives
    0 days; a row without a figure gives the ``*`` row's planner default.
    """
    r = passage_rule(country, asset_kind, event, register)
    if r.row is None:
        return None, None
    return (0 if r.kind == "none" else r.lead_days), r.row


def rule_text(country: str, asset_kind: str, event: str,
              register: pd.DataFrame | None = None) -> str:
    """One phrase for a message: which kind of rule applies and on what basis
    (``prior notice required (Enforcement Decree art. 4), 3 days``)."""
    r = passage_rule(country, asset_kind, event, register)
    text = RULE_TEXT[r.kind]
    note = "" if r.row is None else str(r.row.get("note", "") or "").strip()
    if r.kind == "unknown" and note and not r.default:
        text = f"no settled public rule found ({note}); ask the desk officer"
    if r.kind in ("notice", "authorization") and r.row is not None and not r.default:
        basis = str(r.row.get("note", "") or "").strip()
        text += f" ({basis})" if basis else ""
        if r.stated:
            text += f", {r.lead_days} days ahead"
    return text


def register_index(register: pd.DataFrame) -> dict[tuple[str, str, str], pd.Series]:
    """``(country, applies_to, event)`` -> the first register row with those keys (a user's
    rows come first in :func:`with_overrides`, so they win). Built in one pass: a lookup is
    then a dict access, not a filter over the table per finding (issue 16)."""
    out: dict[tuple[str, str, str], pd.Series] = {}
    keys = zip(register["country"], register["applies_to"], register["event"], strict=True)
    for i, key in enumerate(keys):
        if key not in out:
            out[key] = register.iloc[i]
    return out


@once("layers.register.default_index")
def _default_index() -> dict[tuple[str, str, str], pd.Series]:
    return register_index(default_register())


def file_by(event_start: datetime | str | pd.Timestamp, days: int) -> pd.Timestamp:
    """The latest UTC time a notice with ``days`` lead time can be filed for an event."""
    if type(event_start) is datetime and event_start.tzinfo is UTC:  # the same, 20x faster
        return pd.Timestamp(event_start - timedelta(days=days))
    t = pd.Timestamp(event_start)
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    return t - pd.Timedelta(days=days)


def clearance_rows(events: pd.DataFrame, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lead times for a table of events.

    ``events`` has columns ``country``, ``asset_kind``, ``event``, ``start`` (UTC time the
    aircraft/ship enters or arrives) and any others, which are kept. Adds ``lead_days``,
    ``file_by`` (start minus lead time), ``authority``, ``source`` and ``default`` (True when
    the figure is a planner default: a ``*`` row's, or a country row's without a figure).
    Events with no applicable row get NaN/NaT.
    """
    reg = default_register() if register is None else register
    out = events.copy()
    days, by, auth, src, default = [], [], [], [], []
    for r in events.itertuples(index=False):
        d, row = lead_days(r.country, r.asset_kind, r.event, reg)
        d = None if d is None else int(d)
        stated = passage_rule(r.country, r.asset_kind, r.event, reg).stated
        days.append(d)
        by.append(file_by(r.start, d) if d is not None else pd.NaT)
        auth.append(None if row is None else row["authority"])
        src.append(None if row is None else row["source"])
        default.append(row is not None and not stated)
    out["lead_days"] = pd.array(days, dtype="Int64")
    out["file_by"] = pd.Series(by, index=out.index, dtype="datetime64[ns, UTC]")
    out["authority"] = auth
    out["source"] = src
    out["default"] = default
    return out


CLEARANCE_CSV_COLUMNS = ["nation", "asset", "country", "event", "entering", "file_by",
                         "lead_days", "authority", "default_lead_time", "source", "message"]


def clearance_table(report) -> pd.DataFrame:
    """The register of clearances a plan needs, one row per ``CLEARANCE`` finding, in the
    order a staff officer files them (earliest deadline first)."""
    rows = []
    for f in report.finding_list:
        if f.code != "CLEARANCE":
            continue
        e = f.extra
        rows.append({"nation": f.nation, "asset": ", ".join(f.assets),
                     "country": e.get("country", f.host), "event": e.get("event"),
                     "entering": iso_minute(f.start),
                     "file_by": e.get("file_by", ""), "lead_days": e.get("lead_days"),
                     "authority": e.get("authority"),
                     "default_lead_time": e.get("default_lead_time"),
                     "source": e.get("source"), "message": f.message})
    df = pd.DataFrame(rows, columns=CLEARANCE_CSV_COLUMNS)
    return df.sort_values(["file_by", "country", "asset"], kind="stable").reset_index(drop=True)


def write_clearance_csv(report, path: str | Path) -> Path:
    """Write :func:`clearance_table` as CSV, atomically."""
    return atomic_write_text(path, clearance_table(report).to_csv(index=False))
