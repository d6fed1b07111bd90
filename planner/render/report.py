"""The result of checking a plan: findings, legs, presence; as text, JSON and HTML."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

import geopandas as gpd
import pandas as pd

from planner.core.units import iso_z
from planner.model.findings import Finding, finding_json

FINDING_COLUMNS = ["code", "severity", "host", "nation", "start", "end", "value", "limit",
                   "unit", "assets", "message", "leg", "facility", "lat", "lon", "segment"]


#: Where findings without a start sort: after all others.
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def _sort_key(f: Finding):
    return (f.start or _FAR, f.code, f.host or "", f.nation or "", ",".join(f.assets),
            f.message)


@dataclass
class Report:
    """What ``plan.check()`` returns. ``findings``, ``legs`` and ``presence`` are DataFrames
    (``legs`` a GeoDataFrame); ``headroom`` gives the minimum spare capacity per host and
    category over the plan."""

    plan_name: str
    finding_list: list[Finding]
    legs: gpd.GeoDataFrame
    presence: pd.DataFrame
    headroom: pd.DataFrame
    transit: bool = False
    calls: gpd.GeoDataFrame | None = None

    def __post_init__(self):
        self.finding_list = sorted(self.finding_list, key=_sort_key)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.finding_list)

    @property
    def findings(self) -> pd.DataFrame:
        """One row per finding (columns: code, severity, host, nation, start, end, value,
        limit, unit, assets, message, leg, facility, lat, lon, segment)."""
        rows = [{c: getattr(f, c) for c in FINDING_COLUMNS} for f in self.finding_list]
        df = pd.DataFrame(rows, columns=FINDING_COLUMNS)
        for col in ("start", "end"):
            df[col] = pd.to_datetime(df[col], utc=True)
        return df

    def codes(self) -> list[str]:
        """Finding codes in report order (handy in tests and scripts)."""
        return [f.code for f in self.finding_list]

    # -- output --------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The CONTRACT §4 JSON document as Python data."""
        from planner.render import report_json

        return {**report_json.head_json(self),
                "findings": [finding_json(f) for f in self.finding_list],
                "legs": list(report_json.leg_json(self.legs)),
                "headroom": report_json.headroom_json(self.headroom)}

    def iter_json_bytes(self) -> Iterator[bytes]:
        """:meth:`to_json` as UTF-8 pieces, a block of findings or legs at a time (issue 16:
        a 100,000-call plan's report is hundreds of MB; it is written as a stream, never
        held as one string). The bytes are those of ``json.dumps(self.to_dict(), indent=2,
        ensure_ascii=False) + "\\n"`` (see :mod:`planner.render.json_out`)."""
        from planner.render.report_json import iter_report

        return iter_report(self)

    def iter_json(self) -> Iterator[str]:
        """:meth:`to_json` in pieces of text; the pieces joined are exactly :meth:`to_json`."""
        for piece in self.iter_json_bytes():
            yield piece.decode("utf-8", "surrogatepass")

    def write_json(self, out: TextIO) -> None:
        """Write :meth:`to_json` to a text stream piece by piece."""
        for piece in self.iter_json():
            out.write(piece)

    def to_json(self) -> str:
        """Deterministic JSON text (same plan, same bytes)."""
        return "".join(self.iter_json())

    def to_text(self) -> str:
        """A report a planner reads in a terminal: the summary (errors by code, caps' peaks
        and headroom, clearances owed by country), then details by asset and leg, crossings
        one line per country per leg, and a table by code and country."""
        from planner.render.text_report import to_text

        return to_text(self)

    def to_markdown(self) -> str:
        """The same report as Markdown, for a staff brief."""
        from planner.render.text_report import to_markdown

        return to_markdown(self)

    def _repr_html_(self) -> str:
        """Summary table for Jupyter."""
        status = "OK" if self.ok else "errors found"
        head = (f"<h4>{html.escape(self.plan_name)}: {status}</h4>"
                f"<p>{len(self.legs)} legs, {len(self.finding_list)} findings</p>")
        if not self.finding_list:
            return head
        rows = "".join(
            f"<tr><td>{html.escape(f.severity)}</td><td>{html.escape(f.code)}</td>"
            f"<td>{html.escape(f.host or '')}</td><td>{html.escape(iso_z(f.start) or '')}</td>"
            f"<td>{html.escape(f.message)}</td></tr>" for f in self.finding_list)
        return (head + "<table><thead><tr><th>severity</th><th>code</th><th>host</th>"
                "<th>start</th><th>message</th></tr></thead><tbody>" + rows + "</tbody></table>")
