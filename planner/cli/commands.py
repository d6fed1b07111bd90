"""The ``relos`` subcommands (CONTRACT section 3), one function each: ``cmd_NAME(args) -> exit
code``."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

from planner.cli.options import EXIT_FINDINGS, EXIT_OK, BadInput
from planner.core.units import KM_PER_NM


def _load(args):
    from planner.model.agreement import AgreementError, load_agreement
    from planner.model.plan import Plan

    agreement = None
    if getattr(args, "agreement", None):
        try:
            agreement = load_agreement(args.agreement)
        except AgreementError as exc:
            raise BadInput(str(exc)) from None
    return settled(Plan.load(args.plan, meta=getattr(args, "meta", None), agreement=agreement))


def settled(result):
    """``result``, with every object made so far out of the collector's way (``gc.freeze``):
    the plan, its schedule and report live until the command ends, and a collection of the
    older generations walked them all again (issue 16: 1.2 s of a 100,000-call check). The
    command's collector settings are undone after it (``planner.cli._collector_for_a_run``)."""
    gc.freeze()
    return result


def _slug(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip())
    keep = "-".join(part for part in keep.split("-") if part)
    return (keep or "plan")[:80]


def _write_map(plan, report, output: str | None, cdn: bool, tiles: str | None) -> Path:
    from planner.core.atomic import atomic_write_text
    from planner.render.maps import map_html, plan_map

    out = Path(output) if output else Path("maps") / f"{_slug(plan.name)}.html"
    m = plan_map(plan, report, offline=not cdn, tiles=tiles)
    return atomic_write_text(out, map_html(m, offline=not cdn))


def cmd_check(args) -> int:
    from planner.render.progress import MIN_CALLS, Progress

    plan = _load(args)
    n_calls = sum(len(a.itinerary) for a in plan.assets)
    bar = Progress(3, enabled=None if n_calls >= MIN_CALLS else False)
    register = None
    if args.register:
        from planner.layers.register import RegisterError, with_overrides

        try:
            register = with_overrides(args.register)
        except (RegisterError, OSError) as exc:
            raise BadInput(str(exc)) from None
    try:
        bar.step(f"routing {n_calls:,} calls")
        settled(plan.schedule())
        bar.step("checking")
        report = settled(plan.check(transit=args.transit, register=register))
        bar.step("writing the report")
        # JSON goes out as a stream after the other outputs; text formats are built whole
        out = None if args.format == "json" else _report_text(report, args.format)
    finally:
        bar.close()
    if args.timeline:
        from planner.render.charts import save_timeline

        save_timeline(report, plan.agreement, args.timeline)
    if args.clearances:
        from planner.layers.register import write_clearance_csv

        write_clearance_csv(report, args.clearances)
    if out is None:
        report.write_json(sys.stdout)
    else:
        sys.stdout.write(out)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _report_text(report, fmt: str) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        return report.to_markdown()
    return report.to_text()


def cmd_map(args) -> int:
    plan = _load(args)
    report = settled(plan.check(transit=args.transit))
    path = _write_map(plan, report, args.output, args.cdn, args.tiles)
    n_err = sum(f.severity == "error" for f in report.finding_list)
    print(f"map written to {path} ({len(report.finding_list)} findings drawn, {n_err} errors)")
    return EXIT_OK


def cmd_export(args) -> int:
    from planner.render.export import FORMATS, ExportError, export_plan

    if Path(args.output).suffix.lower() not in FORMATS:
        raise BadInput(f"-o {args.output}: the extension chooses the format: "
                       + ", ".join(FORMATS))
    if args.remind_days < 0:
        raise BadInput("--remind-days must be >= 0")
    plan = _load(args)
    report = settled(plan.check(transit=args.transit))
    try:
        path = export_plan(plan, report, args.output, remind_days=args.remind_days)
    except ExportError as exc:
        raise BadInput(str(exc)) from None
    print(f"export written to {path}", file=sys.stderr)
    return EXIT_OK


def _split(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def cmd_route(args) -> int:
    from planner.layers.catalogue import UnknownPlace

    shut: tuple = ()  # airspace closed to --nation (air only)
    try:
        if args.mode == "sea":
            from planner.layers.sea_network import PASSAGES
            from planner.routing.sea import sea_route

            avoid = _split(args.avoid)
            bad = [a for a in avoid if a not in PASSAGES]
            if bad:
                raise BadInput(f"--avoid: unknown passage(s) {', '.join(bad)}; known: "
                               + ", ".join(PASSAGES))
            route = sea_route(args.origin, args.destination, avoid=avoid,
                              ice_class=args.ice_class, date=args.date,
                              speed_kn=args.speed_kn, nation=args.nation,
                              waters=args.waters, escort=args.escort)
        else:
            from planner.routing.air import air_route

            shut = _air_closures(args)
            route = air_route(args.origin, args.destination, deny=_split(args.deny),
                              nation=args.nation, date=args.date)
    except (UnknownPlace, ValueError) as exc:
        raise BadInput(str(exc)) from None
    closed = _route_closure(args) if args.mode == "sea" else None
    if args.format == "json":
        out = route.to_json()
        if shut:  # an extension: only where a closure applies
            out["closed_airspace"] = [{"country": c.country, "rule": c.rule, "text": c.text,
                                       "source": c.source} for c in shut]
        if closed is not None:  # an extension: only where a closure applies
            out["closure"] = {"severity": closed.severity, "rule": closed.rule,
                              "direction": closed.direction, "strait": closed.passage,
                              "text": closed.text, "source": closed.source}
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    print(f"{route.origin} -> {route.destination} ({route.mode}): {route.distance_nm:,.0f} nm "
          f"/ {route.distance_km:,.0f} km")
    if route.passages:
        print(f"passages: {', '.join(route.passages)}")
    if route.countries:
        print("countries crossed: " + ", ".join(_crossed(route)))
    if route.waters:
        print(f"waters: {route.waters}")
    for strait in route.straits:
        print(f"strait: {strait}")
    for note in route.notes:
        print(f"note: {note}")
    if closed is not None:
        from planner.layers.passage_closures import closure_note

        print(closure_note(closed, args.nation))
    return EXIT_OK


def _air_closures(args) -> tuple:
    """The airspace closures (:mod:`planner.layers.airspace_closures`) in force for an
    aircraft of ``--nation`` at ``--date`` (those still in force without one)."""
    from planner.core.units import to_datetime
    from planner.layers.airspace_closures import closed_to

    if not args.nation:
        return ()
    return closed_to(args.nation.upper(), to_datetime(args.date) if args.date else None)[0]


def _route_closure(args):
    """The passage closure (:mod:`planner.layers.passage_closures`) a warship of
    ``--nation`` meets on this route leaving at ``--date`` (any time without one), or None."""
    from planner.core.units import to_datetime
    from planner.layers.catalogue import resolve_place
    from planner.layers.passage_closures import closure_for

    when = to_datetime(args.date) if args.date else None
    c, _, _ = closure_for(args.nation.upper() if args.nation else None,
                          resolve_place(args.origin), resolve_place(args.destination), when)
    return c


def _crossed(route) -> list[str]:
    """Each third country a route crosses with its nm of territorial sea; a canal's state
    whose sea the route does not otherwise enter is named as a canal transit (the canal is
    passed under its own convention and counts no territorial-sea miles)."""
    from planner.layers.straits import STRAITS

    canal_of = {}
    for st in STRAITS:
        if st.regime == "canal" and any(s.startswith(st.name) for s in route.straits):
            for c in st.states:
                canal_of.setdefault(c, st.name)
    nm = route.territorial_nm
    out = []
    for c in route.countries:
        if c not in nm:
            out.append(c)
        elif round(nm[c]) == 0 and c in canal_of:
            out.append(f"{c} (canal transit, {canal_of[c]}: no territorial sea outside it)")
        else:
            out.append(f"{c} ({nm[c]:,.0f} nm territorial sea)")
    return out


def cmd_reach(args) -> int:
    from planner.layers.catalogue import UnknownPlace, resolve_place
    from planner.routing.reach import reach, reach_area

    range_km = args.range_km if args.range_km is not None else args.range_nm * KM_PER_NM
    if not range_km > 0 or args.stops < 0:
        raise BadInput("--range-nm/--range-km must be > 0 and --stops >= 0")
    try:
        origin = resolve_place(args.origin)
    except (UnknownPlace, ValueError) as exc:
        raise BadInput(str(exc)) from None
    season = {"ice_class": args.ice_class, "date": args.date, "speed_kn": args.speed_kn,
              "escort": args.escort, "nation": args.nation}
    try:
        found = reach(origin, range_km, mode=args.mode, stops=args.stops, **season)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if args.output:
        from planner.core.atomic import atomic_write_text
        from planner.render.maps import map_html, reach_map

        area = reach_area(origin, range_km, mode=args.mode, **season)
        m = reach_map(origin, found, area, offline=not args.cdn, mode=args.mode)
        atomic_write_text(args.output, map_html(m, offline=not args.cdn))
        print(f"map written to {args.output}", file=sys.stderr)
    table = found.drop(columns="geometry", errors="ignore")
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    elif args.format == "json":
        sys.stdout.write(table.to_json(orient="records", indent=1) + "\n")
    else:
        print(f"{len(table)} facilities within {range_km:,.0f} km ({range_km / KM_PER_NM:,.0f} nm)"
              f" of {origin.id} by {args.mode} with up to {args.stops} stop(s)")
        if len(table):
            print(table.to_string(index=False))
        if args.mode == "sea":
            _print_closed(origin, args.date, args.nation)
    return EXIT_OK


def _print_closed(origin, date, nation: str | None = None) -> None:
    """The catalogue ports no warship (of ``nation``) may sail to from ``origin`` by a
    passage closed by a coastal state (:mod:`planner.layers.passage_closures`), whatever its
    range."""
    from planner.core.units import to_datetime
    from planner.layers.catalogue import facilities, resolve_place
    from planner.layers.passage_closures import closure_for

    when = to_datetime(date) if date is not None else None
    shut: dict[str, list[str]] = {}
    for pid in facilities(kind="port").index:
        c, _, _ = closure_for(nation, origin, resolve_place(pid), when)
        if c is not None and c.severity == "error":
            shut.setdefault(c.text, []).append(pid)
    who = f"a warship of {nation}" if nation else "a warship"
    for text, ids in shut.items():
        names = ", ".join(ids) if len(ids) <= 10 else (
            f"{len(ids)} ports ({', '.join(ids[:5])}, ...)")
        print(f"not reachable by {who} at any range: {names} ({text})")


def cmd_facilities(args) -> int:
    from planner.layers.catalogue import CatalogueQueryError, aliases_of, facilities

    try:
        gdf = facilities(country=args.country, kind=args.kind)
    except CatalogueQueryError as exc:
        raise BadInput(str(exc)) from None
    if gdf.empty:
        what = " ".join(x for x in (args.kind, "places") if x)
        print(f"relos: the catalogue has no {what} in {args.country.upper()}"
              if args.country else f"relos: the catalogue has no {what}", file=sys.stderr)
    if args.format == "geojson":
        gdf = gdf.assign(aliases=gdf["aliases"].map(aliases_of))
        sys.stdout.write(gdf.to_json(drop_id=True, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(gdf.drop(columns="geometry").to_csv(index=False))
    elif not gdf.empty:
        cols = ["id", "name", "kind", "country", "lat", "lon", "runway_m", "max_draught_m",
                "fuel", "aliases"]
        table = gdf[cols].copy()
        table["runway_m"] = table["runway_m"].map(lambda v: "" if v != v else f"{v:.0f}")
        table["max_draught_m"] = table["max_draught_m"].map(
            lambda v: "" if v != v else f"{v:.1f}")
        table["aliases"] = table["aliases"].str.replace(";", ",", regex=False)
        table["fuel"] = table["fuel"].str.replace(";", ", ", regex=False)
        table = table.astype(str)
        widths = {c: max(len(c), *table[c].str.len()) for c in cols}
        print("  ".join(c.ljust(widths[c]) for c in cols).rstrip())
        for row in table.itertuples(index=False):
            print("  ".join(str(v).ljust(widths[c]) for c, v in zip(cols, row, strict=True))
                  .rstrip())
    return EXIT_OK


def cmd_demo(args) -> int:
    from planner.model.plan import Plan

    example = demo_plan_path()
    plan = Plan.load(example)
    report = plan.check()
    sys.stdout.write(report.to_text())
    path = _write_map(plan, report, args.output, args.cdn, None)
    print(f"\nmap written to {path}")
    return EXIT_OK


def cmd_resolve(args) -> int:
    from planner.model.validate import parse_time
    from planner.planning.fixed_yaml import write_fixed
    from planner.planning.resolve import resolution_json, resolution_text, resolve_plan

    today = None
    if args.today:
        try:
            today = parse_time(args.today)
        except ValueError as exc:
            raise BadInput(f"--today: {exc}") from None
    if not args.max_shift_days >= 0:
        raise BadInput("--max-shift-days must be >= 0")
    if not 0 < args.min_stay_share <= 1:
        raise BadInput("--min-stay-share must be > 0 and <= 1")
    plan = _load(args)
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() not in (".yaml", ".yml"):
        raise BadInput(f"-o {out}: the fixed plan is written as YAML (.yaml or .yml)")
    if out is not None and out.resolve() == Path(args.plan).resolve():
        raise BadInput(f"-o {out}: will not overwrite the plan itself")
    res = resolve_plan(plan, max_shift_days=args.max_shift_days, today=today,
                       min_stay_share=args.min_stay_share)
    written = None
    if res.status == "resolved":
        src = Path(args.plan)
        out = out or src.with_name(f"{src.stem}.resolved.yaml")
        written = write_fixed(res, out)
    if args.format == "json":
        sys.stdout.write(resolution_json(res, written))
    else:
        sys.stdout.write(resolution_text(res, written))
    return EXIT_OK if res.ok else EXIT_FINDINGS


def cmd_compare(args) -> int:
    from planner.planning.compare import compare, compare_page

    plan_a = _load(args)
    args_b = argparse.Namespace(**{**vars(args), "plan": args.plan_b})
    plan_b = _load(args_b)
    cmp = compare(plan_a, plan_b)
    if args.output:
        from planner.core.atomic import atomic_write_text
        from planner.render.maps import map_html, plan_map

        maps = [map_html(plan_map(p, r, offline=True), offline=True)
                for p, r in ((plan_a, cmp.report_a), (plan_b, cmp.report_b))]
        atomic_write_text(args.output, compare_page(cmp, *maps))
        print(f"side-by-side page written to {args.output}", file=sys.stderr)
    sys.stdout.write(cmp.to_json() if args.format == "json" else cmp.to_text())
    return EXIT_OK


def demo_plan_path() -> Path:
    """The bundled example plan (shipped in the package's geodata)."""
    from planner.core.paths import geodata_path

    return geodata_path("demo_plan.yaml")


COMMANDS = {"check": cmd_check, "map": cmd_map, "route": cmd_route, "reach": cmd_reach,
            "facilities": cmd_facilities, "resolve": cmd_resolve, "compare": cmd_compare,
            "demo": cmd_demo, "export": cmd_export}


