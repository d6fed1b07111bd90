"""``relos compare A B`` and ``planner.compare(a, b)``: two plans side by side.

Per asset: distance (km and nm) and days under way (the sum of leg durations, arrival less
departure); per cap, host and nation: the peak present and the headroom left; the findings
only in A and only in B, matched on code, assets, host and leg (a leg named by asset,
position and its two places, so the same leg matches across plans whatever its times); and
the clearances owed with the earliest file-by date. As DataFrames, text, JSON, and an HTML
page with the two plans' maps side by side (self-contained, no network).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from planner.core.units import KM_PER_NM, fmt_minute, iso_z

FINDING_KEY = ["code", "assets", "host", "leg"]


@dataclass
class Comparison:
    """Two plans compared (see the module docstring). ``assets``, ``caps``, ``only_a``,
    ``only_b`` and ``clearances`` are DataFrames."""

    plan_a: object
    plan_b: object
    report_a: object
    report_b: object
    assets: pd.DataFrame
    caps: pd.DataFrame
    only_a: pd.DataFrame
    only_b: pd.DataFrame
    clearances: pd.DataFrame

    def to_dict(self) -> dict:
        """The comparison as JSON-ready data."""
        def records(df):
            out = []
            for r in df.to_dict("records"):
                out.append({k: _plain(v) for k, v in r.items()})
            return out

        return {"a": self.plan_a.name, "b": self.plan_b.name,
                "assets": records(self.assets), "caps": records(self.caps),
                "only_a": records(self.only_a), "only_b": records(self.only_b),
                "clearances": records(self.clearances)}

    def to_json(self) -> str:
        """Deterministic JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        """The comparison as tables a planner reads in a terminal."""
        lines = [f"A: {self.plan_a.name}", f"B: {self.plan_b.name}", ""]
        lines.append("Per asset (distance, days under way):")
        a = self.assets.copy()
        for col in ("distance_nm_a", "distance_nm_b", "distance_nm_delta"):
            a[col] = a[col].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
        for col in ("days_under_way_a", "days_under_way_b", "days_under_way_delta"):
            a[col] = a[col].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
        cols = ["asset", "distance_nm_a", "distance_nm_b", "distance_nm_delta",
                "days_under_way_a", "days_under_way_b", "days_under_way_delta"]
        lines.append(_table(a[cols]) if len(a) else "  (no legs)")
        lines.append("")
        lines.append("Peak and headroom per cap:")
        c = self.caps.copy()
        lines.append(_table(c) if len(c) else "  (no caps)")
        for label, df in (("only in A", self.only_a), ("only in B", self.only_b)):
            lines.append("")
            lines.append(f"Findings {label}: {len(df)}")
            for r in df.itertuples(index=False):
                lines.append(f"  {r.severity.upper():7} {r.code}: {r.message}")
        lines.append("")
        lines.append("Clearances owed:")
        cl = self.clearances.copy()
        cl["earliest_file_by"] = cl["earliest_file_by"].map(
            lambda v: "" if v is None or pd.isna(v) else fmt_minute(v))
        lines.append(_table(cl))
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        return summary_html(self)


def _plain(v):
    if isinstance(v, pd.Timestamp):
        return iso_z(v)
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _table(df: pd.DataFrame) -> str:
    return "\n".join("  " + line for line in df.to_string(index=False).splitlines())


def _asset_table(report) -> pd.DataFrame:
    legs = report.legs
    if not len(legs):
        return pd.DataFrame(columns=["asset", "distance_km", "days_under_way"])
    hours = (legs["arrive"] - legs["depart"]).dt.total_seconds() / 3600
    df = pd.DataFrame({"asset": legs["asset"], "distance_km": legs["distance_km"],
                       "days_under_way": hours / 24})
    return df.groupby("asset", sort=False, as_index=False).sum()


def _leg_names(report) -> list[str]:
    legs = report.legs
    if not len(legs):
        return []
    return [f"{a}#{s} {f}->{t}" for a, s, f, t in
            zip(legs["asset"], legs["seq"], legs["from"], legs["to"], strict=True)]


def _finding_rows(report) -> pd.DataFrame:
    names = _leg_names(report)
    rows = []
    for f in report.finding_list:
        leg = names[f.leg] if f.leg is not None and 0 <= f.leg < len(names) else None
        rows.append({"code": f.code, "severity": f.severity, "assets": ",".join(sorted(f.assets)),
                     "host": f.host, "leg": leg, "start": f.start, "message": f.message})
    return pd.DataFrame(rows, columns=["code", "severity", "assets", "host", "leg", "start",
                                       "message"])


def _only(x: pd.DataFrame, y: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``x`` whose key is not matched in ``y`` (as many times as it occurs more often
    in ``x``)."""
    have = Counter(tuple(r) for r in y[FINDING_KEY].itertuples(index=False, name=None))
    keep = []
    for i, r in enumerate(x[FINDING_KEY].itertuples(index=False, name=None)):
        if have[r] > 0:
            have[r] -= 1
        else:
            keep.append(i)
    return x.iloc[keep].reset_index(drop=True)


def _clearance_row(label: str, plan, report) -> dict:
    cl = [f for f in report.finding_list if f.code == "CLEARANCE"]
    first = min(cl, key=lambda f: f.extra["file_by"]) if cl else None
    return {"plan": label, "name": plan.name, "clearances": len(cl),
            "countries": ",".join(sorted({f.extra.get("country", f.host) for f in cl})),
            "earliest_file_by": pd.Timestamp(first.extra["file_by"]) if first else None,
            "earliest_for": (f"{','.join(first.assets)} ({first.extra.get('country')}, "
                             f"{first.extra.get('event')})") if first else ""}


def compare(a, b, *, transit: bool = False) -> Comparison:
    """Plans ``a`` and ``b`` side by side (see the module docstring).

    Parameters
    ----------
    a, b : planner.Plan
    transit : bool
        Count presence as ``relos check --transit`` does.
    """
    ra, rb = a.check(transit=transit), b.check(transit=transit)
    ta, tb = _asset_table(ra), _asset_table(rb)
    assets = ta.merge(tb, on="asset", how="outer", suffixes=("_a", "_b"), sort=False)
    order = list(dict.fromkeys(list(ta["asset"]) + list(tb["asset"])))
    assets = assets.set_index("asset").loc[order].reset_index() if order else assets
    for m in ("distance_km", "days_under_way"):
        assets[f"{m}_delta"] = assets[f"{m}_b"] - assets[f"{m}_a"]
    for s in ("a", "b", "delta"):
        assets[f"distance_nm_{s}"] = assets[f"distance_km_{s}"] / KM_PER_NM
    assets = assets[["asset", "distance_km_a", "distance_km_b", "distance_km_delta",
                     "distance_nm_a", "distance_nm_b", "distance_nm_delta", "days_under_way_a",
                     "days_under_way_b", "days_under_way_delta"]]
    key = ["host", "nation", "category"]
    ha = ra.headroom[key + ["limit", "peak", "headroom"]]
    hb = rb.headroom[key + ["limit", "peak", "headroom"]]
    caps = ha.merge(hb, on=key, how="outer", suffixes=("_a", "_b"))
    caps["limit"] = caps["limit_a"].combine_first(caps["limit_b"])
    caps = caps[key + ["limit", "peak_a", "headroom_a", "peak_b", "headroom_b"]]
    for col in ("limit", "peak_a", "headroom_a", "peak_b", "headroom_b"):
        caps[col] = caps[col].astype("Int64")
    fa, fb = _finding_rows(ra), _finding_rows(rb)
    clearances = pd.DataFrame([_clearance_row("A", a, ra), _clearance_row("B", b, rb)])
    return Comparison(a, b, ra, rb, assets, caps.reset_index(drop=True), _only(fa, fb),
                      _only(fb, fa), clearances)


def summary_html(cmp: Comparison) -> str:
    """The comparison's tables as an HTML fragment."""
    def table(df: pd.DataFrame) -> str:
        return df.to_html(index=False, na_rep="", border=0, classes="cmp",
                          float_format=lambda v: f"{v:,.2f}")

    only = lambda df: table(df[["severity", "code", "assets", "host", "message"]])  # noqa: E731
    return (f"<h3>A: {html.escape(cmp.plan_a.name)} &nbsp; B: {html.escape(cmp.plan_b.name)}"
            "</h3><h4>Per asset</h4>" + table(cmp.assets.drop(
                columns=["distance_km_a", "distance_km_b", "distance_km_delta"]))
            + "<h4>Peak and headroom per cap</h4>" + table(cmp.caps)
            + f"<h4>Findings only in A ({len(cmp.only_a)})</h4>" + only(cmp.only_a)
            + f"<h4>Findings only in B ({len(cmp.only_b)})</h4>" + only(cmp.only_b)
            + "<h4>Clearances owed</h4>" + table(cmp.clearances))


def compare_page(cmp: Comparison, map_a: str, map_b: str) -> str:
    """A self-contained HTML page: the comparison's tables, then the two plans' maps side by
    side, each map document (``map_a``, ``map_b``: HTML from
    :func:`planner.render.maps.map_html`, offline) in its own frame."""
    frames = []
    for label, plan, doc in (("A", cmp.plan_a, map_a), ("B", cmp.plan_b, map_b)):
        frames.append(f'<div class="side"><h4>{label}: {html.escape(plan.name)}</h4>'
                      f'<iframe title="map of plan {label}" srcdoc="{html.escape(doc)}">'
                      "</iframe></div>")
    style = ("body{font-family:sans-serif;margin:1em}table.cmp{border-collapse:collapse;"
             "font-size:13px}table.cmp td,table.cmp th{padding:2px 8px;border-bottom:1px solid "
             "#ddd;text-align:left}.maps{display:flex;gap:1em}.side{flex:1}.side iframe{width:"
             "100%;height:70vh;border:1px solid #999}")
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
            f"{html.escape(cmp.plan_a.name)} vs {html.escape(cmp.plan_b.name)}</title>"
            f"<style>{style}</style></head><body>{summary_html(cmp)}"
            f'<div class="maps">{"".join(frames)}</div></body></html>\n')
