"""The ``relos`` command (CONTRACT §3). Exit codes: 0 clean, 1 findings with errors,
2 bad input (one located message per problem on stderr, nothing written)."""

from __future__ import annotations

import argparse
import errno
import json
import math
import signal
import sys
import traceback
from pathlib import Path

from planner.core.units import KM_PER_NM
from planner.model.problems import PlanError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """A command-line problem reported as exit 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose every refusal is one line, ``relos: SUBCOMMAND: what``, and
    exit code 2 (argparse prints the usage block first, which buries the reason)."""

    def error(self, message: str):
        sub = self.prog.removeprefix("relos").strip()
        message = message.removeprefix("argument ")
        where = f"{sub}: " if sub else ""
        self.exit(EXIT_BAD_INPUT, f"relos: {where}{message} (see {self.prog} --help)\n")


# -- argument types: each refuses a bad value at parse time with the reason and the choices ---
def _ice_class(text: str) -> str:
    """``--ice-class``: a class of :data:`planner.layers.nsr.ICE_CLASSES` (any case)."""
    from planner.layers.nsr import ICE_CLASSES, normalise_ice_class

    try:
        return normalise_ice_class(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ice class; use one of {', '.join(ICE_CLASSES)}") from None


def _date(text: str):
    """``--date``: an ISO 8601 date or UTC time, read as plan times are (an aware UTC
    datetime); an impossible date says why."""
    from planner.model.times import parse_time, year_problem

    try:
        t = parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    why = year_problem(t)
    if why is not None:
        raise argparse.ArgumentTypeError(why)
    return t


def _passages(text: str) -> str:
    """``--avoid``: comma-separated passage names, each one of ``PASSAGES``."""
    from planner.layers.catalogue import suggest
    from planner.layers.sea_network import PASSAGES

    names = [s.strip() for s in text.split(",") if s.strip()]
    for name in names:
        if name not in PASSAGES:
            hint = suggest(name, list(PASSAGES), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise argparse.ArgumentTypeError(
                f"unknown passage {name!r}{extra}; known: {', '.join(PASSAGES)}")
    return ",".join(names)


def _country(text: str) -> str:
    """An ISO 3166-1 alpha-3 country code (any case), upper-cased."""
    from planner.model.validate import valid_nation

    code = text.strip().upper()
    if not valid_nation(code):
        raise argparse.ArgumentTypeError(
            f"{text!r} is no country: give an ISO 3166-1 alpha-3 code such as IND or RUS")
    return code


def _countries(text: str) -> str:
    """``--deny``: comma-separated ISO3 codes."""
    return ",".join(_country(c) for c in text.split(",") if c.strip())


def _positive(text: str) -> float:
    """A finite number > 0 (a range)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a finite number > 0")
    return value


def _count(text: str) -> int:
    """A whole number >= 0 (stops)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be >= 0")
    return value


def _place(text: str) -> str:
    """FROM/TO: a catalogue id, alias or ``"lat,lon"`` that resolves (the text is kept)."""
    from planner.layers.catalogue import UnknownPlace, resolve_place

    try:
        resolve_place(text)
    except (UnknownPlace, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _output(text: str) -> str:
    """An output file (``-o``, ``--timeline``, ``--clearances``): not a folder, and inside a
    folder that exists or can be made (its nearest existing ancestor is a writable folder), so
    a run is not wasted on a file that cannot be written."""
    import os

    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text}: {parent} is not writable")
    return text


def _add_global(p: argparse.ArgumentParser, top: bool) -> None:
    """The options every subcommand takes, before or after its name (CONTRACT section 3:
    ``relos check plan.yaml --debug``). After the name they default to SUPPRESS, so a
    subcommand that is not given one keeps the value given before it."""
    default = False if top else argparse.SUPPRESS
    p.add_argument("--debug", action="store_true", default=default,
                   help="show tracebacks of internal errors")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="relos", description="RELOS port and airspace planner")
    _add_global(p, top=True)
    common = argparse.ArgumentParser(add_help=False)
    _add_global(common, top=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True,
                         parser_class=_Parser)

    def command(name: str, **kw) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kw)

    c = command("check", help="run every check on a plan")
    c.add_argument("plan")
    c.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c.add_argument("--transit", action="store_true",
                   help="also count assets while crossing a host's sovereign territory")
    c.add_argument("--meta", help="YAML with the non-asset sections, for a CSV plan")
    c.add_argument("--agreement", help="YAML agreement definition (default: built-in RELOS)")
    c.add_argument("--timeline", metavar="FILE.png", type=_output,
                   help="draw presence against the caps")
    c.add_argument("--clearances", metavar="FILE.csv", type=_output,
                   help="write the clearance register")
    c.add_argument("--register", metavar="FILE.csv",
                   help="clearance lead times overriding the built-in register")

    m = command("map", help="write the plan's map with its findings")
    m.add_argument("plan")
    m.add_argument("-o", "--output", type=_output, help="HTML file (default maps/<plan>.html)")
    _map_output_options(m)
    m.add_argument("--tiles", choices=("osm",), help="draw web tiles (needs network)")
    m.add_argument("--transit", action="store_true")
    m.add_argument("--meta")
    m.add_argument("--agreement")

    r = command("route", help="one route")
    r.add_argument("origin", metavar="FROM", type=_place)
    r.add_argument("destination", metavar="TO", type=_place)
    r.add_argument("--mode", choices=("sea", "air"), default="sea")
    r.add_argument("--avoid", default="", type=_passages,
                   help="passages to avoid, comma-separated")
    r.add_argument("--deny", default="", type=_countries,
                   help="air: countries (ISO3) to keep out of")
    r.add_argument("--ice-class", default=None, type=_ice_class,
                   help="sea: ice class for the NSR rules (default with --date: none)")
    r.add_argument("--date", default=None, type=_date,
                   help="sea: departure date or time (UTC); the NSR ice rules apply then")
    r.add_argument("--speed-kn", type=float, default=None,
                   help="sea: speed for the NSR entry times (default 14 kn)")
    r.add_argument("--escort", action="store_true",
                   help="sea: NSR stretches sailed under icebreaker escort")
    r.add_argument("--nation", default=None, type=_country,
                   help="flag (ISO3): its own waters are not third")
    r.add_argument("--format", choices=("text", "json"), default="text")

    rc = command("reach", help="what is reachable from a place")
    rc.add_argument("origin", metavar="FROM", type=_place)
    g = rc.add_mutually_exclusive_group(required=True)
    g.add_argument("--range-nm", type=_positive)
    g.add_argument("--range-km", type=_positive)
    rc.add_argument("--mode", choices=("sea", "air"), default="sea")
    rc.add_argument("--stops", type=_count, default=0)
    rc.add_argument("--ice-class", default=None, type=_ice_class,
                    help="sea: ice class for the NSR rules (default with --date: none)")
    rc.add_argument("--date", default=None, type=_date,
                    help="sea: departure date or time (UTC); the NSR only where open then")
    rc.add_argument("--speed-kn", type=float, default=None,
                    help="sea: speed for the NSR entry times (default 14 kn)")
    rc.add_argument("--escort", action="store_true",
                    help="sea: NSR stretches sailed under icebreaker escort")
    rc.add_argument("-o", "--output", type=_output, help="write a map of the reachable area")
    _map_output_options(rc)
    rc.add_argument("--format", choices=("table", "csv", "json"), default="table")

    f = command("facilities", help="the facility catalogue")
    f.add_argument("--country", type=_country, help="ISO 3166-1 alpha-3 code")
    f.add_argument("--kind", choices=("port", "airbase"))
    f.add_argument("--format", choices=("table", "csv", "geojson"), default="table")

    rs = command("resolve", help="the smallest time changes that clear every cap finding")
    rs.add_argument("plan")
    rs.add_argument("-o", "--output", type=_output, metavar="FIXED.yaml",
                    help="where to write the fixed plan (default <plan>.resolved.yaml beside it)")
    rs.add_argument("--max-shift-days", type=float, default=10.0,
                    help="largest shift of any one time, days (default 10)")
    rs.add_argument("--today", type=_date, help="also move what must move so every clearance "
                    "can still be filed on time (a date or time, UTC)")
    rs.add_argument("--min-stay-share", type=float, default=0.5,
                    help="least share of its planned length a stay keeps (default 0.5)")
    rs.add_argument("--format", choices=("text", "json"), default="text")
    rs.add_argument("--meta")
    rs.add_argument("--agreement")

    cp = command("compare", help="two plans side by side")
    cp.add_argument("plan", metavar="PLAN_A")
    cp.add_argument("plan_b", metavar="PLAN_B")
    cp.add_argument("--format", choices=("text", "json"), default="text")
    cp.add_argument("-o", "--output", type=_output, metavar="FILE.html",
                    help="also write an HTML page with the two maps side by side")
    cp.add_argument("--agreement")

    d = command("demo", help="check and map the bundled example plan")
    d.add_argument("-o", "--output", type=_output, help="HTML file (default maps/<plan>.html)")
    _map_output_options(d)

    e = command("export", help="legs, calls and findings for GIS tools or a calendar")
    e.add_argument("plan")
    e.add_argument("-o", "--output", required=True, type=_output,
                   help="FILE.geojson | .gpkg | .kml | .csv | .ics (format by extension)")
    e.add_argument("--transit", action="store_true")
    e.add_argument("--meta")
    e.add_argument("--agreement")
    e.add_argument("--remind-days", type=_count, default=7,
                   help=".ics: the reminder, days before each file-by date (default 7)")
    return p


def _map_output_options(p: argparse.ArgumentParser) -> None:
    """Maps are self-contained by default; ``--cdn`` links Leaflet from a CDN instead."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cdn", action="store_true",
                   help="link Leaflet from a CDN (smaller file, needs network to open)")
    g.add_argument("--offline", action="store_true",
                   help="self-contained file (the default; kept for old scripts)")


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
        plan.schedule()
        bar.step("checking")
        report = plan.check(transit=args.transit, register=register)
        bar.step("writing the report")
        out = _report_text(report, args.format)
    finally:
        bar.close()
    if args.timeline:
        from planner.render.charts import save_timeline

        save_timeline(report, plan.agreement, args.timeline)
    if args.clearances:
        from planner.layers.register import write_clearance_csv

        write_clearance_csv(report, args.clearances)
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
    report = plan.check(transit=args.transit)
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
    report = plan.check(transit=args.transit)
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
                              escort=args.escort)
        else:
            from planner.routing.air import air_route

            route = air_route(args.origin, args.destination, deny=_split(args.deny))
    except (UnknownPlace, ValueError) as exc:
        raise BadInput(str(exc)) from None
    if args.format == "json":
        print(json.dumps(route.to_json(), ensure_ascii=False))
        return EXIT_OK
    print(f"{route.origin} -> {route.destination} ({route.mode}): {route.distance_nm:,.0f} nm "
          f"/ {route.distance_km:,.0f} km")
    if route.passages:
        print(f"passages: {', '.join(route.passages)}")
    if route.countries:
        print(f"countries crossed: {', '.join(route.countries)}")
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
    season = {"ice_class": args.ice_class, "date": args.date, "speed_kn": args.speed_kn,
              "escort": args.escort}
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
    return EXIT_OK


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


def _check_together(parser: argparse.ArgumentParser, args) -> None:
    """Refusals that need more than one argument: ``--meta`` belongs to a CSV plan."""
    if getattr(args, "meta", None) and not str(args.plan).lower().endswith(".csv"):
        sub = _subcommands(parser)[args.command]
        sub.error(f"--meta: applies to CSV plans only; {args.plan} holds its own sections")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _bad_input_errors() -> tuple[type[Exception], ...]:
    """The errors the layers and routers raise for a request that cannot be met (an unknown
    place, no route with those passages avoided or countries denied, a bad agreement or
    register file): each is the user's input, reported as exit 2, never an internal error."""
    from planner.layers.catalogue import UnknownPlace
    from planner.layers.register import RegisterError
    from planner.model.agreement import AgreementError
    from planner.routing.air import NoRoute
    from planner.routing.sea import NoSeaRoute

    return (UnknownPlace, NoRoute, NoSeaRoute, AgreementError, RegisterError)


def _terminate(signum, frame):  # turn SIGTERM into a clean exit so temp files are removed
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relos`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        _check_together(parser, args)
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
    except _bad_input_errors() as exc:  # documented refusals of the layers and routers
        print(f"relos: {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        target = _output_refused(args, exc)
        if target is None:
            return _internal(args, exc)
        print(f"relos: {args.command}: cannot write {target}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # no traceback reaches a user unless asked for
        return _internal(args, exc)


def _internal(args, exc: BaseException) -> int:
    """Report an internal error: one line with the hint, or the traceback with ``--debug``."""
    if args.debug:
        traceback.print_exception(exc)
    else:
        print(f"relos: internal error: {type(exc).__name__}: {exc} "
              "(run with --debug for details)", file=sys.stderr)
    return 3


#: Errors of a path the user chose (missing or read-only folder, a file where a folder is
#: needed): bad input. A full disk or an I/O error stays an internal error.
_PATH_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
                errno.EROFS)


def _output_refused(args, exc: OSError) -> str | None:
    """The output argument (``-o``, ``--timeline``, ``--clearances``) an OSError is about, when
    it is about the path the user chose, else None."""
    if exc.errno not in _PATH_ERRNOS or not exc.filename:
        return None
    failed = Path(str(exc.filename)).absolute()
    for name in ("output", "timeline", "clearances"):
        given = getattr(args, name, None)
        if not given:
            continue
        target = Path(given).absolute()
        if failed == target or failed in target.parents or failed.parent == target.parent:
            return str(given)
    return None


if __name__ == "__main__":
    sys.exit(main())
