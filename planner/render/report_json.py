"""The report's JSON sections (CONTRACT §4) built column by column, and the report written
through :mod:`planner.render.json_out` (issue 16: a 100,000-call plan has some 200,000 legs
and half a million findings)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any, Protocol

import numpy as np
import pandas as pd

from planner.core.units import iso_times, iso_z
from planner.model.findings import Finding, finding_dict
from planner.render.json_out import BLOCK, Checked, blocks, iter_document, plain_values


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


def leg_json(legs: pd.DataFrame, shared: bool = False) -> Iterator[dict]:
    """One JSON object per leg (distances in nm rounded to 0.1, times ISO UTC), made from
    whole columns and yielded one by one. With ``shared``, legs of one route object whose
    passages, countries and territorial seas are equal share one list or dict in the
    output: for a writer, never for data handed to a caller."""
    if not len(legs):
        return
    dist = [round(float(v), 1) for v in legs["distance_nm"].tolist()]
    columns = zip(legs["asset"].tolist(), legs["from"].tolist(), legs["to"].tolist(),
                  legs["mode"].tolist(), dist, iso_column(legs["depart"]),
                  iso_column(legs["arrive"]), legs["passages"].tolist(),
                  legs["countries_crossed"].tolist(), legs["territorial_nm"].tolist(),
                  strict=True)
    if not shared:
        for a, f, t, m, d, dep, arr, p, c, terr in columns:
            yield {"asset": a, "from": f, "to": t, "mode": m, "distance_nm": d,
                   "depart": dep, "arrive": arr, "passages": list(p),
                   "countries_crossed": list(c), "territorial_nm": _territorial(terr)}
        return
    # per route object: the cells it was last seen with and their JSON values, reused
    # while a leg's cells are equal to those (each leg holds its own copies)
    seen: dict[int, tuple] = {}
    routes = legs["route"].tolist() if "route" in legs else [None] * len(legs)
    for (a, f, t, m, d, dep, arr, p, c, terr), route in zip(columns, routes, strict=True):
        last = seen.get(id(route))
        if last is None or not (p == last[0] and c == last[1] and terr == last[2]):
            last = seen[id(route)] = (p, c, terr, list(p), list(c), _territorial(terr))
        yield {"asset": a, "from": f, "to": t, "mode": m, "distance_nm": d, "depart": dep,
               "arrive": arr, "passages": last[3], "countries_crossed": last[4],
               "territorial_nm": last[5]}


def _territorial(terr: Any) -> dict:
    return {k: round(float(v), 1) for k, v in dict(terr).items()}


def leg_blocks(legs: pd.DataFrame, size: int = BLOCK) -> Iterator[list[dict]]:
    """The legs' JSON objects in lists of ``size``; a list whose distances and nested
    values pass :func:`~planner.render.json_out.plain_values` is a
    :class:`~planner.render.json_out.Checked` block."""
    for block in blocks(leg_json(legs, shared=True), size):
        yield Checked(block) if _legs_plain(block) else block


def _legs_plain(block: list[dict]) -> bool:
    # distances are floats; asset, places and mode are the plan's text, times ISO text;
    # the nested values are shared objects, walked once each
    return (plain_values([leg["distance_nm"] for leg in block])
            and plain_values([leg[k] for leg in block
                              for k in ("passages", "countries_crossed", "territorial_nm")],
                             distinct=True))


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
    """The findings' JSON objects in lists of ``size``, each list's times formatted at once;
    a list whose float-bearing fields (value, limit, extra) pass
    :func:`~planner.render.json_out.plain_values`, column by column, is a
    :class:`~planner.render.json_out.Checked` block."""
    for lo in range(0, len(findings), size):
        chunk = findings[lo:lo + size]
        times = iso_times([f.start for f in chunk] + [f.end for f in chunk])
        n = len(chunk)
        out = [finding_dict(f, times[i], times[n + i]) for i, f in enumerate(chunk)]
        yield Checked(out) if _findings_plain(chunk) else out


def _findings_plain(chunk: list[Finding]) -> bool:
    # the fields that may hold floats; the others are text and ints by Finding's types (an
    # exact float there, a bug, would be written by orjson as the same number, e.g.
    # 0.00001 for 1e-05), and any other type makes orjson raise: the stdlib writes it
    return (plain_values([f.value for f in chunk]) and plain_values([f.limit for f in chunk])
            and plain_values(list(chain.from_iterable(f.extra.values() for f in chunk
                                                      if f.extra))))


def head_json(report: Report) -> dict[str, Any]:
    """The document's first keys: plan, ok, transit."""
    return {"plan": report.plan_name, "ok": report.ok, "transit": report.transit}


def iter_report(report: Report) -> Iterator[bytes]:
    """The report's JSON document (CONTRACT §4) in UTF-8 pieces, a block of findings or legs
    at a time."""
    sections = [("findings", finding_blocks(report.finding_list)),
                ("legs", leg_blocks(report.legs)),
                ("headroom", iter([headroom_json(report.headroom)]))]
    return iter_document(head_json(report), sections)
