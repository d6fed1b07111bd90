"""The report a planner reads: a summary first (errors by code, caps' peaks and headroom,
clearances owed by country with the earliest file-by date), then the details by asset and
leg, the crossings one line per country per leg, and a table by code and country. As text
for a terminal (:func:`to_text`) or Markdown for a staff brief (:func:`to_markdown`)."""

from __future__ import annotations

from planner.core.units import fmt_minute
from planner.model.findings import Finding
from planner.render.brief import Brief, build_brief, cap_text, country_name, crossing_line

_RANK = {"error": 0, "warning": 1}


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: _RANK.get(f.severity, 2))


def _leg_text(leg: dict) -> str:
    via = f" via {', '.join(leg['passages'])}" if len(leg.get("passages") or []) else ""
    return (f"{leg['from']} -> {leg['to']} ({leg['mode']}) {leg['distance_nm']:,.0f} nm{via}, "
            f"dep {fmt_minute(leg['depart'])}, arr {fmt_minute(leg['arrive'])}")


def _headline(b: Brief) -> str:
    return (f"{b.n_legs} legs checked{' (transit counted)' if b.transit else ''}; "
            f"{b.n_errors} error(s), {b.n_notices} notice(s)")


def _summary_lines(b: Brief) -> tuple[str, list[str], list[str]]:
    errs = (", ".join(f"{code} {n}" for code, n in b.errors_by_code.items())
            if b.errors_by_code else "none")
    caps = []
    pairs: dict[tuple[str, str], list[str]] = {}
    for c in b.caps:
        pairs.setdefault((c.nation, c.host), []).append(cap_text(c))
    for (nation, host), texts in pairs.items():
        caps.append(f"{nation} in {host}: " + "; ".join(texts))
    owed = []
    for o in b.owed:
        by = fmt_minute(o.earliest) if o.earliest is not None else "?"
        owed.append(f"{o.country} ({country_name(o.country)}): {o.count} "
                    f"({', '.join(e.replace('_', ' ') for e in o.events)}), earliest file by "
                    f"{by}; {o.authority}")
    return errs, caps, owed


def to_text(report) -> str:
    """The text report of a :class:`planner.Report`."""
    b = build_brief(report)
    errs, caps, owed = _summary_lines(b)
    out = [f"Plan: {b.plan}", _headline(b), "", "Summary", f"  errors by code: {errs}"]
    out.append("  caps (peak and headroom over the plan):")
    out += [f"    {c}" for c in caps] or ["    none"]
    out.append("  clearances owed, by country (earliest file-by first):")
    out += [f"    {o}" for o in owed] or ["    none"]
    if not report.finding_list:
        out += ["", "No findings: the plan is within the agreement."]
    if b.plan_wide:
        out += ["", "Plan-wide:"]
        out += [f"  {f.severity.upper():7} {f.code}: {f.message}" for f in _sorted(b.plan_wide)]
    if b.assets:
        out += ["", "Details by asset and leg:"]
    for aid, nation, legs, by_leg, calls in b.assets:
        out.append(f"  {aid} ({nation})")
        for leg in legs:
            out.append(f"    leg {_leg_text(leg)}")
            for f in _sorted(by_leg.get(leg["index"], [])):
                out.append(f"      {f.severity.upper():7} {f.code}: {f.message}")
        for f in _sorted(calls):
            out.append(f"    {f.severity.upper():7} {f.code}: {f.message}")
    if b.crossings:
        out += ["", "Crossings and clearances (one line per country per leg):"]
        out += [f"  {crossing_line(g)}" for g in b.crossings]
    if b.by_code_country:
        out += ["", "Findings by code and country:"]
        w = max(len(c) for c, *_ in b.by_code_country)
        out.append(f"  {'code':{w}}  {'severity':8}  country  count")
        out += [f"  {c:{w}}  {s:8}  {h:7}  {n:5d}" for c, s, h, n in b.by_code_country]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Plan text made safe in a Markdown table cell or line (no HTML, no table breaks)."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\n", " "))


def to_markdown(report) -> str:
    """The report as Markdown for pasting into a staff brief: headings, bullet lists and
    tables; plan text escaped (no HTML passes through)."""
    b = build_brief(report)
    errs, caps, owed = _summary_lines(b)
    out = [f"# {_md(b.plan)}", "", _md(_headline(b)), "", "## Summary", "",
           f"- **Errors by code:** {_md(errs)}"]
    out.append("- **Caps (peak and headroom):**")
    out += [f"  - {_md(c)}" for c in caps] or ["  - none"]
    out.append("- **Clearances owed** (earliest file-by first):")
    out += [f"  - {_md(o)}" for o in owed] or ["  - none"]
    if b.plan_wide:
        out += ["", "## Plan-wide", ""]
        out += [f"- **{f.severity.upper()} {f.code}:** {_md(f.message)}"
                for f in _sorted(b.plan_wide)]
    if b.assets:
        out += ["", "## Details by asset and leg"]
    for aid, nation, legs, by_leg, calls in b.assets:
        out += ["", f"### {_md(aid)} ({_md(nation)})", ""]
        for leg in legs:
            out.append(f"- {_md(_leg_text(leg))}")
            for f in _sorted(by_leg.get(leg["index"], [])):
                out.append(f"  - **{f.severity.upper()} {f.code}:** {_md(f.message)}")
        for f in _sorted(calls):
            out.append(f"- **{f.severity.upper()} {f.code}:** {_md(f.message)}")
    if b.crossings:
        out += ["", "## Crossings and clearances", ""]
        out += [f"- {_md(crossing_line(g))}" for g in b.crossings]
    if b.by_code_country:
        out += ["", "## Findings by code and country", "", "| code | severity | country | "
                "count |", "| --- | --- | --- | ---: |"]
        out += [f"| {c} | {s} | {_md(h)} | {n} |" for c, s, h, n in b.by_code_country]
    return "\n".join(out) + "\n"
