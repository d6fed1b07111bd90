"""CSV import (CONTRACT §2): one row per call, other sections from an optional meta YAML."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from planner.layers.catalogue import suggest
from planner.model.agreement import RELOS, Agreement
from planner.model.csv_columns import COLUMNS, OPTIONAL, RANGE_UNITS, SPEED_UNITS
from planner.model.plan_csv_fast import try_load_csv_fast
from planner.model.problems import PlanError, Problem, Problems, format_path
from planner.model.quantities import unit_word_hint
from planner.model.validate import build_fields
from planner.model.yamlsource import YamlSource, read_plan_text

_ASSET_COLS = ("nation", "kind", "crew", "speed", "speed_unit", "range", "range_unit",
               "ice_class", "name", "draught_m", "runway_m")
_FIELD_TO_COLUMN = {"id": "asset", "speed_kn": "speed", "speed_kt": "speed",
                    "speed_kmh": "speed", "range_nm": "range", "range_km": "range"}


def _number(text: str):
    try:
        v = float(text)
    except ValueError:
        return text  # validation reports it as "must be a number"
    return int(v) if v.is_integer() and "." not in text and "e" not in text.lower() else v


def csv_fields(path: Path, *, meta: str | Path | None = None,
               agreement: Agreement | None = None, fast: bool = True) -> dict:
    """The plan's fields from a CSV plan (and its meta YAML). Raises :class:`PlanError` naming
    file, line and column for every problem. ``fast=False`` skips the vectorised path."""
    name = str(path)
    text = read_plan_text(path)
    problems: list[Problem] = []
    data: dict = {}
    meta_src = None
    if meta is not None:
        meta_path = Path(meta)
        meta_src = YamlSource(read_plan_text(meta_path), str(meta_path))
        loaded = meta_src.load()
        if loaded is not None and not isinstance(loaded, dict):
            raise PlanError([Problem(str(meta_path), 1, "", "meta must be a mapping")])
        data = dict(loaded or {})
        if "assets" in data:
            problems.append(Problem(str(meta_path), meta_src.locate(("assets",), True),
                                    "assets", "assets come from the CSV; remove them here"))
    data.setdefault("name", path.stem)

    if fast and not problems:
        plan = _fast(text, name, data, agreement)
        if plan is not None:
            return plan

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise PlanError([Problem(name, None, "", "empty CSV file")]) from None
    except csv.Error as exc:
        raise PlanError([Problem(name, 1, "", f"malformed CSV: {exc}")]) from None
    for col in header:
        if col not in COLUMNS and col not in OPTIONAL:
            hint = suggest(col, list(COLUMNS + OPTIONAL), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(Problem(name, 1, col, f"unknown column{extra}"))
    missing = [c for c in COLUMNS if c not in header and c not in ("ice_class", "purpose",
                                                                   "arrive", "depart")]
    for col in missing:
        problems.append(Problem(name, 1, col, "required column is missing"))
    if problems:
        raise PlanError(problems)

    assets: dict[str, dict] = {}
    asset_line: dict[str, int] = {}
    call_lines: dict[str, list[tuple[int, int]]] = {}  # asset -> [(seq, line)]
    rows_by_asset: dict[str, list[tuple[int, int, dict]]] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(name, line, "", f"has {len(row)} fields; the header "
                                                        f"has {len(header)}"))
                continue
            rec = {h: c.strip() for h, c in zip(header, row, strict=True)}
            aid = rec.get("asset", "")
            if not aid:
                problems.append(Problem(name, line, "asset", "is required"))
                continue
            try:
                seq = int(rec.get("seq", ""))
            except ValueError:
                problems.append(Problem(name, line, "seq", "must be a whole number"))
                continue
            if aid not in assets:
                a = {"id": aid, "nation": rec.get("nation"), "kind": rec.get("kind")}
                if rec.get("name"):
                    a["name"] = rec["name"]
                a["crew"] = _number(rec.get("crew", ""))
                sk = SPEED_UNITS.get(rec.get("speed_unit", "").lower())
                rk = RANGE_UNITS.get(rec.get("range_unit", "").lower())
                if sk is None:
                    hint = unit_word_hint(rec.get("speed_unit", ""), SPEED_UNITS)
                    problems.append(Problem(name, line, "speed_unit",
                                            f"must be one of kn, kt, kmh{hint}"))
                else:
                    a[sk] = _number(rec.get("speed", ""))
                if rk is None:
                    hint = unit_word_hint(rec.get("range_unit", ""), RANGE_UNITS)
                    problems.append(Problem(name, line, "range_unit",
                                            f"must be nm or km{hint}"))
                else:
                    a[rk] = _number(rec.get("range", ""))
                if rec.get("ice_class"):
                    a["ice_class"] = rec["ice_class"]
                for col in ("draught_m", "runway_m"):
                    if rec.get(col):
                        a[col] = _number(rec[col])
                a["itinerary"] = []
                assets[aid] = a
                asset_line[aid] = line
                rows_by_asset[aid] = []
                first = rec
                assets[aid]["_first"] = first
            else:
                first = assets[aid]["_first"]
                for col in _ASSET_COLS:
                    if col in rec and rec[col] != first.get(col, rec[col]):
                        problems.append(Problem(
                            name, line, col, f"{rec[col]!r} differs from {first.get(col)!r} "
                            f"on line {asset_line[aid]} for the same asset {aid!r}"))
            call = {"at": rec.get("at", "")}
            for col in ("arrive", "depart", "purpose"):
                if rec.get(col):
                    call[col] = rec[col]
            for col in ("avoid", "deny", "refuel_by"):
                if rec.get(col):
                    call[col] = [s.strip() for s in rec[col].split(";") if s.strip()]
            for col in ("waters", "escort"):
                if rec.get(col):
                    call[col] = rec[col]
            if rec.get("fixed"):
                call["fixed"] = {"true": True, "false": False}.get(rec["fixed"].lower(),
                                                                   rec["fixed"])
            rows_by_asset[aid].append((seq, line, call))
    except csv.Error as exc:
        problems.append(Problem(name, line, "", f"malformed CSV: {exc}"))
    for aid, rows in rows_by_asset.items():
        seqs = [s for s, _, _ in rows]
        if len(set(seqs)) != len(seqs):
            dup = sorted({s for s in seqs if seqs.count(s) > 1})
            lines = [ln for s, ln, _ in rows if s in dup]
            problems.append(Problem(name, lines[-1], "seq",
                                    f"asset {aid!r} repeats seq {dup[0]}"))
        rows.sort(key=lambda r: r[0])
        assets[aid]["itinerary"] = [c for _, _, c in rows]
        call_lines[aid] = [(s, ln) for s, ln, _ in rows]
        del assets[aid]["_first"]
    if problems:
        raise PlanError(problems)
    data["assets"] = list(assets.values())
    order = list(assets)

    def locate(p: tuple, key: bool = False) -> int | None:
        if p and p[0] == "assets" and len(p) > 1 and isinstance(p[1], int):
            aid = order[p[1]] if p[1] < len(order) else None
            if aid is None:
                return None
            if len(p) > 3 and p[2] == "itinerary" and isinstance(p[3], int):
                return call_lines[aid][p[3]][1]
            return asset_line[aid]
        if meta_src is not None:
            return meta_src.locate(p, key)
        return None

    def describe(p: tuple) -> str:
        if p and p[0] == "assets" and len(p) > 2:
            if p[2] == "itinerary" and len(p) > 4:
                return str(p[4])
            return _FIELD_TO_COLUMN.get(str(p[2]), str(p[2]))
        return format_path(p)

    problems = Problems(name, locate, describe)
    fields = build_fields(data, problems, name, agreement or RELOS)
    problems.raise_if_any()
    return fields


def _fast(text: str, name: str, data: dict, agreement: Agreement | None):
    """The vectorised loader for valid files (see :mod:`planner.plan_csv_fast`); None when it
    declines, so that the careful loader reports the problems."""
    problems = Problems("<meta>")
    try:
        meta = build_fields({**data, "assets": []}, problems, name, agreement or RELOS)
        problems.raise_if_any()
    except PlanError:
        return None
    kwargs = {k: meta[k] for k in ("name", "horizon_end", "friendly", "facilities",
                                   "detachments")}
    return try_load_csv_fast(text, name, kwargs, meta["facilities"], meta["agreement"])
