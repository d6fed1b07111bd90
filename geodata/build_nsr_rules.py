"""Write the NSR admission table and the typical-ice calendar (geodata/SOURCES.md, "## Northern
Sea Route"). Run: ``python geodata/build_nsr_rules.py``.

``nsr_admission.csv``: one row per (area, ice class, mode) of the criteria for admitting ships to
the NSR water area (Rules of Navigation in the water area of the NSR, Ministry of Transport
Order No. 7 of 17 Jan 2013 as amended by Order No. 5 of 9 Jan 2017, Appendix 2; kept in the 2020
Rules, Government Decree No. 1487 of 18 Sep 2020): for heavy / medium / light ice, ``yes`` (the
class may sail in that mode) or ``no``. ``sourced`` says whether the row was read from the public
text (``yes``) or is a planning assumption where that text was not found (``no``: the planner
flags every use of such a cell, it never silently allows or refuses on it).

``nsr_ice_calendar.csv``: the ice type to assume per area and month: a *planning assumption*
(the ice type in force is the one in the official ice forecast of the day), derived from the
probabilities that a ship needs icebreaker assistance per ice massif (CRREL Report 96-03) and
the INSROP survey; a user replaces it with their own file of the same columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The seven areas of Appendix 2, in its column order (Kara SW, NE; Laptev W, E; East Siberian
#: SW, NE; Chukchi).
AREAS = ("kara-sw", "kara-ne", "laptev-w", "laptev-e", "east-siberian-sw", "east-siberian-ne",
         "chukchi")
CLASSES = ("none", "Ice1", "Ice2", "Ice3", "Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9")
MODES = ("independent", "escort")
ICE = ("heavy", "medium", "light")

# Rows read from consultant.ru cons_doc_LAW_145233 (the 2013 Rules as amended 2017), Appendix
# 2: per area "T S L" (heavy, medium, light), "+" admitted, "-" not. СП = independent (a ship
# on its own), ПЛ = under icebreaker escort.
SOURCED = {
    ("none", "independent"): ("---",) * 7,
    ("none", "escort"): ("--+",) * 7,
    ("Ice1", "independent"): ("--+",) * 7,
    ("Ice1", "escort"): ("--+",) * 7,
    ("Ice2", "independent"): ("--+",) * 7,
    ("Ice2", "escort"): ("-++", "-++", "--+", "--+", "--+", "--+", "--+"),
    ("Ice3", "independent"): ("--+",) * 7,
}
SOURCE_2013 = "R2013-A2"  # key of the citation in geodata/SOURCES.md

# Rows NOT found in the public text (the consultant.ru excerpt stops at the first sign of the
# Ice3 escort row): a planning assumption, monotone in class, flagged as unsourced everywhere.
ASSUMED = {
    ("Ice3", "escort"): "-++",
    ("Arc4", "independent"): "--+", ("Arc4", "escort"): "-++",
    ("Arc5", "independent"): "-++", ("Arc5", "escort"): "-++",
    ("Arc6", "independent"): "-++", ("Arc6", "escort"): "+++",
    ("Arc7", "independent"): "+++", ("Arc7", "escort"): "+++",
    ("Arc8", "independent"): "+++", ("Arc8", "escort"): "+++",
    ("Arc9", "independent"): "+++", ("Arc9", "escort"): "+++",
}
SOURCE_ASSUMED = "assumption"

# Typical ice, planning assumption. Per area, the ice massif whose probability of needing
# icebreaker assistance (Amguema-class ship, June / August / October, 1970-1991; CRREL Report
# 96-03, after Buzuev 1991) stands for it:
MASSIF = {"kara-sw": "Novaya Zemlya", "kara-ne": "Severnaya Zemlya", "laptev-w": "Taymyr",
          "laptev-e": "Novosibirskiy", "east-siberian-sw": "Ayon",
          "east-siberian-ne": "Novosibirskiy", "chukchi": "Wrangel"}
#: percent probability of needing icebreaker assistance in June, August, October (CRREL 96-03)
ASSIST_PCT = {"Novaya Zemlya": (95, 0, 0), "Severnaya Zemlya": (100, 75, 25),
              "Taymyr": (95, 65, 40), "Novosibirskiy": (95, 60, 20), "Ayon": (95, 35, 15),
              "Wrangel": (95, 10, 25)}
HEAVY_PCT, MEDIUM_PCT = 50.0, 20.0  # >= 50 %: heavy; >= 20 %: medium; below: light (ours)


def _ice_of(pct: float) -> str:
    return "heavy" if pct >= HEAVY_PCT else "medium" if pct >= MEDIUM_PCT else "light"


def calendar_rows() -> list[dict]:
    """The typical-ice calendar: December-June heavy (95-100 % need assistance in June); July
    and September the mean of their neighbours; November one step harder than October."""
    rows = []
    harder = {"light": "medium", "medium": "heavy", "heavy": "heavy"}
    for area in AREAS:
        massif = MASSIF[area]
        jun, aug, oct_ = ASSIST_PCT[massif]
        by_month = {7: _ice_of((jun + aug) / 2), 8: _ice_of(aug), 9: _ice_of((aug + oct_) / 2),
                    10: _ice_of(oct_)}
        by_month[11] = harder[by_month[10]]
        for month in range(1, 13):
            ice = by_month.get(month, "heavy")
            rows.append({"area": area, "month": month, "ice": ice,
                         "basis": f"planning assumption: {massif} massif (CRREL 96-03)"})
    return rows


def admission_rows() -> list[dict]:
    """The admission table, one row per (area, class, mode)."""
    rows = []
    for cls in CLASSES:
        for mode in MODES:
            sourced = (cls, mode) in SOURCED
            cells = SOURCED[(cls, mode)] if sourced else (ASSUMED[(cls, mode)],) * 7
            for area, signs in zip(AREAS, cells, strict=True):
                row = {"area": area, "ice_class": cls, "mode": mode}
                row.update({ice: "yes" if s == "+" else "no"
                            for ice, s in zip(ICE, signs, strict=True)})
                row["sourced"] = "yes" if sourced else "no"
                row["source"] = SOURCE_2013 if sourced else SOURCE_ASSUMED
                rows.append(row)
    return rows


def _write(name: str, rows: list[dict]) -> None:
    with open(HERE / name, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {HERE / name} ({len(rows)} rows)")


def main() -> None:
    """Write geodata/nsr_admission.csv and geodata/nsr_ice_calendar.csv."""
    _write("nsr_admission.csv", admission_rows())
    _write("nsr_ice_calendar.csv", calendar_rows())


if __name__ == "__main__":
    main()
