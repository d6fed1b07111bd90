"""Build the example gallery: one offline map per plan in examples/, a screenshot of each
taken in headless Chromium, and maps/README.md listing them.

    python maps/build_gallery.py        (or: make maps)
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))  # this checkout's planner, not whichever is installed

from browser import chromium_path, open_page  # noqa: E402

from planner.core.atomic import atomic_write_bytes, atomic_write_text  # noqa: E402
from planner.model.plan import Plan  # noqa: E402
from planner.render.maps import map_html, plan_map  # noqa: E402


def plans() -> list[tuple[Path, Path | None]]:
    out = []
    for path in sorted((REPO / "examples").glob("*.yaml")):
        if path.stem.endswith("_meta"):
            continue
        out.append((path, None))
    for path in sorted((REPO / "examples").glob("*.csv")):
        if not path.read_text(encoding="utf-8").startswith("asset,"):
            continue  # not a plan (an ice calendar, say)
        meta = path.with_name(f"{path.stem}_meta.yaml")
        out.append((path, meta if meta.exists() else None))
    return out


def main() -> int:
    if chromium_path() is None:
        print("Chromium is needed for the screenshots: apt-get install chromium", file=sys.stderr)
        return 2
    rows = []
    for path, meta in plans():
        plan = Plan.load(path, meta=meta)
        report = plan.check()
        html_path = HERE / f"{path.stem}.html"
        atomic_write_text(html_path, map_html(plan_map(plan, report)))  # the default map
        shot = open_page(html_path, width=1000, height=600, settle_s=1.0).screenshot
        png_path = HERE / f"{path.stem}.png"
        atomic_write_bytes(png_path, shot)
        errors = sorted({f.code for f in report.finding_list if f.severity == "error"})
        size_kb = html_path.stat().st_size / 1024
        rows.append((path, plan.name, errors, len(report.finding_list), size_kb))
        print(f"{html_path.name}: {len(report.finding_list)} findings, {size_kb:,.0f} KiB")
    lines = ["# Map gallery", "",
             "Built from `examples/` by `make maps`: each is the default map `relos map` writes "
             "(self-contained HTML with Leaflet inlined: open any file in a browser with no "
             "network; print it on one A4 or A3 page). Screenshots taken in headless Chromium.",
             "",
             "Plans that come near the Northern Sea Route shade its seven areas (Kara Sea SW and "
             "NE, Laptev Sea W and E, East Siberian Sea SW and NE, Chukchi Sea; Rules of "
             "Navigation, Appendix 2) by whether the plan's ships may sail each in the plan's "
             "months, alone or under icebreaker escort, in the ice the shipped typical-ice "
             "calendar assumes (geodata/nsr_ice_calendar.csv: a planning assumption; the ice "
             "type in force is the official forecast's; `relos map PLAN --ice-calendar FILE` "
             "draws the map on your own). Admission cells the public text of the Rules did not "
             "give are planning assumptions (geodata/nsr_admission.csv, column `sourced`) and "
             "are named in the NSR_ICE warnings. Russia's 510-FZ permission (90 days ahead) "
             "appears as a CLEARANCE, two foreign warships in the NSR at once as NSR_LIMIT; "
             "coastal states' rules come from geodata/clearances.csv, with \"no public rule "
             "found; ask the desk officer\" where none was found.",
             ""]
    for path, name, errors, n, size_kb in rows:
        errs = ", ".join(errors) if errors else "none"
        lines += [f"## {name}", "",
                  f"Plan: `examples/{path.name}`; map: [`{path.stem}.html`]({path.stem}.html); "
                  f"{n} findings, errors: {errs}; {size_kb:,.0f} KiB.", "",
                  f"![{path.stem}]({path.stem}.png)", ""]
    atomic_write_text(HERE / "README.md", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
