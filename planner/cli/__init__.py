"""The ``relos`` command (CONTRACT §3). Exit codes: 0 clean, 1 findings with errors,
2 bad input (one located message per problem on stderr, nothing written), 3 internal error.

Modules: :mod:`~planner.cli.options` (parser, argument types), :mod:`~planner.cli.commands`
(one function per subcommand); :func:`main` here runs them, :func:`run` is the console script.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from planner.cli.commands import COMMANDS, demo_plan_path
from planner.cli.options import EXIT_BAD_INPUT, EXIT_OK, BadInput, _parser
from planner.model.problems import PlanError

#: Collector thresholds for one command (issue 16). A large plan builds millions of small
#: objects that live to the end of the run (legs, findings, their JSON), which the default
#: (700, 10, 10) walks again and again; measured on the 100k-call bench plan: 31.4 s -> 26.7 s,
#: peak memory the same. The process's own settings come back when the command ends.
RUN_GC_THRESHOLD = (100_000, 50, 100)


@contextlib.contextmanager
def _collector_for_a_run():
    """The module objects imported so far out of the collector's way (``gc.freeze``) and
    :data:`RUN_GC_THRESHOLD` while a command runs; both undone after it."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*RUN_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


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
    from planner.layers.nsr_rules import CalendarError
    from planner.layers.register import RegisterError
    from planner.model.agreement import AgreementError
    from planner.routing.air import NoRoute
    from planner.routing.sea import NoSeaRoute

    return (UnknownPlace, NoRoute, NoSeaRoute, AgreementError, RegisterError, CalendarError)


def _terminate(signum, frame):  # turn SIGTERM into a clean exit so temp files are removed
    raise SystemExit(128 + signum)


def _unraisable(hook):
    """``sys.unraisablehook`` for a run: a SIGTERM that lands in a finalizer or a weakref
    callback (matplotlib's, say) raises its SystemExit where Python can only print it and go
    on; the signal is sent again a moment later instead (from a timer thread: sent from here
    it would be handled here), to end the run at an ordinary line."""
    def on_unraisable(unraisable):
        exc = unraisable.exc_value
        if isinstance(exc, SystemExit) and exc.code == 128 + signal.SIGTERM:
            again = threading.Timer(0.01, os.kill, (os.getpid(), signal.SIGTERM))
            again.daemon = True
            again.start()
            return
        hook(unraisable)
    return on_unraisable


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
    hook = sys.unraisablehook
    sys.unraisablehook = _unraisable(hook)
    try:
        with _collector_for_a_run():
            calendar = getattr(args, "ice_calendar", None)
            if calendar:
                from planner.layers.nsr_rules import ice_calendar_in_force

                with ice_calendar_in_force(calendar):
                    return COMMANDS[args.command](args)
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
    except SystemExit:  # SIGTERM (_terminate): never evaluate the clauses below, which import
        raise
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
    finally:
        sys.unraisablehook = hook


def run() -> None:
    """The ``relos`` console script and ``python -m planner.cli``: :func:`main`, its output
    flushed, then the process ends at once with main's exit code instead of tearing the
    interpreter down (issue 16: freeing the objects of a 100,000-call check at exit took
    1.2 s; mypy's ``--fast-exit`` does the same). A command has closed every file it writes
    (atomic writes, context managers) before :func:`main` returns; a SIGTERM's SystemExit
    ends the process the ordinary way, and so does a run under a profiler or a tracer
    (``python -m cProfile -m planner.cli``, coverage), which write their data at exit."""
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader has gone (``relos check ... | head``) or the stream is closed
        except OSError as exc:  # a full disk under a redirected stdout: the output is cut
            with contextlib.suppress(OSError, ValueError):
                print(f"relos: cannot write the output: {exc.strerror}", file=sys.stderr)
                sys.stderr.flush()
            code = 3
    os._exit(code)


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


__all__ = ["COMMANDS", "BadInput", "demo_plan_path", "main", "run"]
