"""The fixed plan as YAML, keeping the user's file as it was wherever possible.

A YAML plan is patched in place: each moved time is replaced in the text at the exact span
of its value (found with PyYAML's composer, which records where every scalar starts and
ends), so comments, key order, quoting and layout stay as the user wrote them. Where that
cannot be done, because a moved time sits in a part the file shares between assets through
a YAML anchor and alias (``itinerary: *group``), the plan is written from its data instead,
aliases expanded: the leading comment block is kept, comments inside are lost (and the
output says so). A plan loaded from CSV or built in Python is written from its objects
(:func:`plan_dict`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml

from planner.core.atomic import atomic_write_text
from planner.core.units import ISO_MINUTE_FORMAT, ISO_SECOND_FORMAT


def fmt_time(t: dt.datetime) -> str:
    """A time as a plan file writes it: ``2026-03-10T08:00Z`` (seconds only when needed)."""
    return t.strftime(ISO_SECOND_FORMAT if t.second else ISO_MINUTE_FORMAT)


def _path(change) -> tuple:
    if change["call"] is None or change["call"] != change["call"]:  # a detachment (NaN/NA)
        return ("detachments", int(change["index"]), change["field"])
    return ("assets", int(change["index"]), "itinerary", int(change["call"]), change["field"])


def _edits(changes, plan) -> list[tuple[tuple, str]]:
    """(YAML path, new text) per change; the index is found from the owner id."""
    asset_ix = {a.id: i for i, a in enumerate(plan.assets)}
    det_ix = {d.id: i for i, d in enumerate(plan.detachments)}
    out = []
    for r in changes.to_dict("records"):
        detachment = r["field"] in ("from", "to")
        r["index"] = det_ix[r["asset"]] if detachment else asset_ix[r["asset"]]
        if detachment:
            r["call"] = None
        out.append((_path(r), fmt_time(r["new"].to_pydatetime())))
    return out


def patched_text(text: str, edits: list[tuple[tuple, str]], extra_top: dict | None = None
                 ) -> str | None:
    """``text`` with each value at a path replaced in place; None when one cannot be (a value
    shared through an alias, missing, or not a plain scalar)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    seen: Counter = Counter()

    def count(node):
        seen[id(node)] += 1
        if seen[id(node)] > 1:
            return
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                count(k)
                count(v)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                count(v)

    count(root)
    spans = []
    for path, new in edits:
        node = root
        shared = False
        for part in path:
            if seen[id(node)] > 1:
                shared = True
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
            if node is None:
                return None
        if shared or seen[id(node)] > 1 or not isinstance(node, yaml.ScalarNode):
            return None
        quote = node.style if node.style in ("'", '"') else ""
        spans.append((node.start_mark.index, node.end_mark.index, f"{quote}{new}{quote}"))
    if extra_top:
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            return None
    spans.sort(reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    if extra_top:  # new top-level keys at the end of a block mapping
        text = text.rstrip("\n") + "\n" + "".join(
            f"{k}: {v}  # added by relos resolve\n" for k, v in extra_top.items())
    return text


def _unshared(obj):
    """A deep copy that does not keep YAML aliases as shared objects."""
    if isinstance(obj, dict):
        return {k: _unshared(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unshared(v) for v in obj]
    return obj


def data_text(text: str, edits: list[tuple[tuple, str]], extra_top: dict | None,
              note: str) -> str:
    """The plan written from its data, aliases expanded, with its leading comments kept."""
    data = _unshared(yaml.safe_load(text))
    for path, new in edits:
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = new
    for k, v in (extra_top or {}).items():
        data[k] = v
    head = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            head.append(line)
        else:
            break
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=100)
    return "\n".join(head + [f"# {note}", body])


def plan_dict(plan) -> dict:
    """A plan's objects as the mapping of a plan file (CONTRACT section 1)."""
    def t(v):
        return fmt_time(v) if v is not None else None

    out: dict = {"name": plan.name,
                 "agreement": {"in_force": plan.agreement.in_force.date().isoformat(),
                               "extended": plan.agreement.extended}}
    if plan.horizon_end is not None:
        out["horizon_end"] = t(plan.horizon_end)
    if plan.friendly:
        out["friendly"] = list(plan.friendly)
    if plan.facilities:
        out["facilities"] = [{k: v for k, v in {"id": f.id, "name": f.name, "kind": f.kind,
                                                "lat": f.lat, "lon": f.lon,
                                                "country": f.country}.items() if v is not None}
                             for f in plan.facilities.values()]
    assets = []
    for a in plan.assets:
        d = {"id": a.id, "name": a.name, "nation": a.nation, "kind": a.kind, "crew": a.crew}
        if a.kind == "warship":
            d.update(speed_kn=round(a.speed_kn, 6), range_nm=round(a.range_nm, 6),
                     ice_class=a.ice_class)
        else:
            d.update(speed_kmh=round(a.speed_kmh, 6), range_km=round(a.range_km, 6))
        if a.draught_m is not None:
            d["draught_m"] = a.draught_m
        if a.runway_m is not None:
            d["runway_m"] = a.runway_m
        itin = []
        for c in a.itinerary:
            row = {"at": c.at, "arrive": t(c.arrive), "depart": t(c.depart),
                   "purpose": c.purpose, "avoid": list(c.avoid) or None,
                   "deny": list(c.deny) or None, "waters": c.waters, "escort": c.escort,
                   "fixed": True if c.fixed else None, "refuel_by": list(c.refuel_by) or None}
            itin.append({k: v for k, v in row.items() if v is not None})
        d["itinerary"] = itin
        assets.append(d)
    out["assets"] = assets
    if plan.detachments:
        out["detachments"] = [{k: v for k, v in {
            "id": d.id, "name": d.name or None, "nation": d.nation, "strength": d.strength,
            "at": d.at, "from": t(d.start), "to": t(d.end), "purpose": d.purpose}.items()
            if v is not None} for d in plan.detachments]
    return out


def write_fixed(res, path: str | Path) -> tuple[Path, str]:
    """Write the fixed plan of a :class:`~planner.planning.resolve.Resolution` to ``path``
    (atomically); returns the path and a sentence saying how it was written."""
    plan, fixed = res.original, res.plan
    src = Path(plan.source)
    extra = ({"horizon_end": fmt_time(fixed.horizon_end)}
             if fixed.horizon_end is not None and plan.horizon_end is None else None)
    if src.suffix.lower() in (".yaml", ".yml") and src.is_file():
        text = src.read_text(encoding="utf-8-sig")
        edits = _edits(res.changes, plan)
        out = patched_text(text, edits, extra)
        how = "the plan file patched in place: its comments and layout kept"
        if out is None:
            note = ("written by relos resolve from the plan's data: a moved time was shared "
                    "through a YAML anchor, so comments inside the plan are lost")
            out = data_text(text, edits, extra, note)
            how = ("written from the plan's data (a moved time was shared through a YAML "
                   "anchor): the leading comments kept, comments inside the plan lost")
    else:
        out = "# written by relos resolve from the plan's objects\n" + yaml.safe_dump(
            plan_dict(fixed), sort_keys=False, allow_unicode=True, width=100)
        how = "written from the plan's objects (the source was not a YAML file)"
    return atomic_write_text(path, out), how
