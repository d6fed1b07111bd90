"""The report's JSON sections (CONTRACT §4) built column by column, and the report written
through :mod:`planner.render.json_out` (issue 16: a 100,000-call plan has some 200,000 legs
and half a million findings)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import numpy as np
import pandas as pd

from planner.core.units import iso_times, iso_z
from planner.model.findings import Finding, finding_dict
from planner.render.json_out import BLOCK, blocks, iter_document


class Report(Protocol):
    """What the writer reads of a :class:`planner.render.report.Report` (named here, not
    imported: ``report`` imports this module)."""

    plan_name: str
    ok: bool
    transit: bool
    finding_list: list[Finding]
    legs: pd.DataFrame
    headroom: pd.DataFrame

LEG_COLUMNS = ["asset", "from", "to", "mode", "distance_nm", "depart", "arrive", "passages",
               "countries_crossed", "territorial_nm"]


def iso_column(col: pd.Series) -> list[str | None]:
    """A time column as :func:`~planner.core.units.iso_z` writes each value
    (``2026-03-10T00:00:00Z``, floored to the second; None for NaT), in one numpy pass when
    the column is datetime64 with years 1000-9999, value by value otherwise."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        naive = col.dt.tz_convert(None) if getattr(col.dt, "tz", None) is not None else col
        secs = naive.to_numpy().astype("datetime64[s]")  # numpy floors, as strftime's %S
        nat = np.isnat(secs)
        years = secs[~nat].astype("datetime64[Y]").astype(np.int64) + 1970
        if not len(years) or (years.min() >= 1000 and years.max() <= 9999):
            out: list[str | None] = [s + "Z" for s in
                                     np.datetime_as_string(secs, unit="s").tolist()]
            for i in np.flatnonzero(nat).tolist():
                out[i] = None
            return out
    return [iso_z(v) for v in col.tolist()]


def leg_json(legs: pd.DataFrame) -> Iterator[dict]:
    """One JSON object per leg (distances in nm rounded to 0.1, times ISO UTC), made from
    whole columns and yielded one by one."""
    if not len(legs):
        return
    dist = [round(float(v), 1) for v in legs["distance_nm"].tolist()]
    columns = zip(legs["asset"].tolist(), legs["from"].tolist(), legs["to"].tolist(),
                  legs["mode"].tolist(), dist, iso_column(legs["depart"]),
                  iso_column(legs["arrive"]), legs["passages"].tolist(),
                  legs["countries_crossed"].tolist(), legs["territorial_nm"].tolist(),
                  strict=True)
    for a, f, t, m, d, dep, arr, p, c, terr in columns:
        yield {"asset": a, "from": f, "to": t, "mode": m, "distance_nm": d, "depart": dep,
               "arrive": arr, "passages": list(p), "countries_crossed": list(c),
               "territorial_nm": {k: round(float(v), 1) for k, v in dict(terr).items()}}


def headroom_json(df: pd.DataFrame) -> list[dict]:
    """One JSON object per (host, nation, category): peak, limit, headroom, peak_at."""
    out = []
    for r in df.itertuples(index=False):
        out.append({"host": r.host, "nation": r.nation, "category": r.category,
                    # a column mixing None and ints holds NaN for None: pd.isna covers both
                    "peak": int(r.peak), "limit": None if pd.isna(r.limit) else int(r.limit),
                    "headroom": None if pd.isna(r.headroom) else int(r.headroom),
                    "peak_at": iso_z(r.peak_at)})
    return out


def finding_blocks(findings: list[Finding], size: int = BLOCK) -> Iterator[list[dict]]:
    """The findings' JSON objects in lists of ``size``, each list's times formatted at once."""
    for lo in range(0, len(findings), size):
        chunk = findings[lo:lo + size]
        times = iso_times([f.start for f in chunk] + [f.end for f in chunk])
        n = len(chunk)
        yield [finding_dict(f, times[i], times[n + i]) for i, f in enumerate(chunk)]


def head_json(report: Report) -> dict[str, Any]:
    """The document's first keys: plan, ok, transit."""
    return {"plan": report.plan_name, "ok": report.ok, "transit": report.transit}


def iter_report(report: Report) -> Iterator[bytes]:
    """The report's JSON document (CONTRACT §4) in UTF-8 pieces, a block of findings or legs
    at a time."""
    sections = [("findings", finding_blocks(report.finding_list)),
                ("legs", blocks(leg_json(report.legs))),
                ("headroom", iter([headroom_json(report.headroom)]))]
    return iter_document(head_json(report), sections)
