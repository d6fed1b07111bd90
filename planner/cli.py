"""The ``relos`` command (CONTRACT §3). Exit codes: 0 clean, 1 findings with errors,
2 bad input (one located message per problem on stderr, nothing written)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import traceback
from pathlib import Path

from planner.core.units import KM_PER_NM
from planner.model.problems import PlanError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """A command-line problem reported as exit 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="relos", description="RELOS port and airspace planner")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="run every check on a plan")
    c.add_argument("plan")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--transit", action="store_true",
                   help="also count assets while crossing a host's sovereign territory")
    c.add_argument("--meta", help="YAML with the non-asset sections, for a CSV plan")
    c.add_argument("--agreement", help="YAML agreement definition (default: built-in RELOS)")
    c.add_argument("--timeline", metavar="FILE.png", help="draw presence against the caps")
    c.add_argument("--clearances", metavar="FILE.csv", help="write the clearance register")
    c.add_argument("--register", metavar="FILE.csv",
                   help="clearance lead times overriding the built-in register")

    m = sub.add_parser("map", help="write the plan's map with its findings")
    m.add_argument("plan")
    m.add_argument("-o", "--output", help="HTML file (default maps/<plan>.html)")
    m.add_argument("--offline", action="store_true",
                   help="inline every script and stylesheet: one self-contained file")
    m.add_argument("--tiles", choices=("osm",), help="draw web tiles (needs network)")
    m.add_argument("--transit", action="store_true")
    m.add_argument("--meta")
    m.add_argument("--agreement")

    r = sub.add_parser("route", help="one route")
    r.add_argument("origin", metavar="FROM")
    r.add_argument("destination", metavar="TO")
    r.add_argument("--mode", choices=("sea", "air"), default="sea")
    r.add_argument("--avoid", default="", help="passages to avoid, comma-separated")
    r.add_argument("--deny", default="", help="air: countries (ISO3) to keep out of")
    r.add_argument("--ice-class", default=None)
    r.add_argument("--date", default=None, help="sailing date (NSR ice rules)")
    r.add_argument("--nation", default=None, help="sea: whose waters are own (ISO3)")
    r.add_argument("--waters", choices=("prefer", "avoid", "any"), default=None,
                   help="sea: third-country territorial seas (default prefer)")
    r.add_argument("--format", choices=("text", "json"), default="text")

    rc = sub.add_parser("reach", help="what is reachable from a place")
    rc.add_argument("origin", metavar="FROM")
    g = rc.add_mutually_exclusive_group(required=True)
    g.add_argument("--range-nm", type=float)
    g.add_argument("--range-km", type=float)
    rc.add_argument("--mode", choices=("sea", "air"), default="sea")
    rc.add_argument("--stops", type=int, default=0)
    rc.add_argument("-o", "--output", help="write a map of the reachable area")
    rc.add_argument("--offline", action="store_true")
    rc.add_argument("--format", choices=("table", "csv", "json"), default="table")

    f = sub.add_parser("facilities", help="the facility catalogue")
    f.add_argument("--country")
    f.add_argument("--kind", choices=("port", "airbase"))
    f.add_argument("--format", choices=("table", "csv", "geojson"), default="table")

    d = sub.add_parser("demo", help="check and map the bundled example plan")
    d.add_argument("-o", "--output", help="HTML file (default maps/<plan>.html)")
    d.add_argument("--offline", action="store_true")
    return p


def _load(args):
    from planner.model.agreement import AgreementError, load_agreement
    from planner.model.plan import Plan

    agreement = None
    if getattr(args, "agreement", None):
        try:
            agreement = load_agreement(args.agreement)
        except AgreementError as exc:
            raise BadInput(str(exc)) from None
    return Plan.load(args.plan, meta=getattr(args, "meta", None), agreement=agreement)


def _slug(name: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip())
    keep = "-".join(part for part in keep.split("-") if part)
    return (keep or "plan")[:80]


def _write_map(plan, report, output: str | None, offline: bool, tiles: str | None) -> Path:
    from planner.core.atomic import atomic_write_text
    from planner.render.maps import map_html, plan_map

    out = Path(output) if output else Path("maps") / f"{_slug(plan.name)}.html"
    m = plan_map(plan, report, offline=offline, tiles=tiles)
    return atomic_write_text(out, map_html(m, offline=offline))


def cmd_check(args) -> int:
    plan = _load(args)
    register = None
    if args.register:
        from planner.layers.register import RegisterError, with_overrides

        try:
            register = with_overrides(args.register)
        except (RegisterError, OSError) as exc:
            raise BadInput(str(exc)) from None
    report = plan.check(transit=args.transit, register=register)
    if args.timeline:
        from planner.render.charts import save_timeline

        save_timeline(report, plan.agreement, args.timeline)
    if args.clearances:
        from planner.layers.register import write_clearance_csv

        write_clearance_csv(report, args.clearances)
    out = report.to_json() if args.format == "json" else report.to_text()
    sys.stdout.write(out)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def cmd_map(args) -> int:
    plan = _load(args)
    report = plan.check(transit=args.transit)
    path = _write_map(plan, report, args.output, args.offline, args.tiles)
    print(f"map written to {path}")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _split(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(",") if s.strip())


def cmd_route(args) -> int:
    from planner.layers.catalogue import UnknownPlace

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
                              ice_class=args.ice_class, date=args.date, nation=args.nation,
                              waters=args.waters)
        else:
            from planner.routing.air import air_route

            route = air_route(args.origin, args.destination, deny=_split(args.deny))
    except UnknownPlace as exc:
        raise BadInput(str(exc)) from None
    if args.format == "json":
        print(json.dumps(route.to_json(), ensure_ascii=False))
        return EXIT_OK
    print(f"{route.origin} -> {route.destination} ({route.mode}): {route.distance_nm:,.0f} nm "
          f"/ {route.distance_km:,.0f} km")
    if route.passages:
        print(f"passages: {', '.join(route.passages)}")
    if route.countries:
        nm = route.territorial_nm
        print("countries crossed: " + ", ".join(
            f"{c} ({nm[c]:,.0f} nm)" if c in nm else c for c in route.countries))
    if route.waters:
        print(f"waters: {route.waters}")
    for strait in route.straits:
        print(f"strait: {strait}")
    for note in route.notes:
        print(f"note: {note}")
    return EXIT_OK


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
    found = reach(origin, range_km, mode=args.mode, stops=args.stops)
    if args.output:
        from planner.core.atomic import atomic_write_text
        from planner.render.maps import map_html, reach_map

        area = reach_area(origin, range_km, mode=args.mode)
        m = reach_map(origin, found, area, offline=args.offline)
        atomic_write_text(args.output, map_html(m, offline=args.offline))
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
    return EXIT_OK


def cmd_facilities(args) -> int:
    from planner.layers.catalogue import facilities

    gdf = facilities(country=args.country, kind=args.kind)
    if args.format == "geojson":
        sys.stdout.write(gdf.to_json(drop_id=True, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(gdf.drop(columns="geometry").to_csv(index=False))
    else:
        cols = ["id", "name", "kind", "country", "region", "lat", "lon"]
        print(gdf[cols].to_string(index=False))
    return EXIT_OK


def cmd_demo(args) -> int:
    from planner.model.plan import Plan

    example = demo_plan_path()
    plan = Plan.load(example)
    report = plan.check()
    sys.stdout.write(report.to_text())
    path = _write_map(plan, report, args.output, args.offline, None)
    print(f"\nmap written to {path}")
    return EXIT_OK


def demo_plan_path() -> Path:
    """The bundled example plan (shipped in the package's geodata)."""
    from planner.core.paths import geodata_path

    return geodata_path("demo_plan.yaml")


COMMANDS = {"check": cmd_check, "map": cmd_map, "route": cmd_route, "reach": cmd_reach,
            "facilities": cmd_facilities, "demo": cmd_demo}


def _terminate(signum, frame):  # turn SIGTERM into a clean exit so temp files are removed
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relos`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_BAD_INPUT if exc.code not in (0, None) else EXIT_OK
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not in the main thread
        pass
    try:
        return COMMANDS[args.command](args)
    except PlanError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BadInput as exc:
        print(f"relos: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("relos: interrupted; nothing half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # no traceback reaches a user unless asked for
        if args.debug:
            traceback.print_exc()
        else:
            print(f"relos: internal error: {type(exc).__name__}: {exc} "
                  "(run with --debug for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
