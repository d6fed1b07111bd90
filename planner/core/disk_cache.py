"""Routing results kept between runs (issue 16).

A plan's routes come from a few dozen shortest-path trees over the 60,000-node sea network
(about 20 ms each) and their crossings from the territorial-sea index (about 1.5 s to build);
both depend only on the shipped data and the code, not on the plan. This store keeps such
results in one SQLite file so that the next ``relos check`` of any plan over the same places
starts warm, as a routing engine keeps its prepared graph.

- Where: ``$RELOS_CACHE_DIR``, else ``$XDG_CACHE_HOME/relos-planner``, else
  ``~/.cache/relos-planner``; ``RELOS_CACHE=off`` turns it off (the test suite does, so every
  test computes; the cache's own tests turn it on in a temporary directory).
- Validity: every key carries the fingerprint of the code and data (the bytes of every
  ``planner`` module and the size and mtime of every ``geodata`` file); on a new fingerprint
  the old entries are deleted when the store is opened, so a changed network, rule table or
  router never meets a result computed by another.
- Safety: values are pickles written and read by this process' own package only; a store that
  cannot be opened, read or written (read-only home, a locked or corrupt file) is simply not
  used: the result is computed as if there were no cache. Writes are queued and committed in
  one transaction at exit (or every :data:`FLUSH_EVERY` entries), so a killed run leaves the
  previous state, never half an entry.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import sqlite3
import threading
from pathlib import Path

from planner.core.paths import geodata_dir

ENV_DIR = "RELOS_CACHE_DIR"
ENV_SWITCH = "RELOS_CACHE"
FILE_NAME = "routes.sqlite3"
FLUSH_EVERY = 2000  # queued entries written in one transaction
_LOCK = threading.RLock()
_STATE: dict = {}


def enabled() -> bool:
    """False when ``RELOS_CACHE`` is ``off``, ``0``, ``no`` or ``false``."""
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    """The directory of the store (not created here)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "relos-planner"


def fingerprint() -> str:
    """Hash of the code and data results depend on (computed once per process)."""
    with _LOCK:
        if "fingerprint" not in _STATE:
            h = hashlib.sha256()
            pkg = Path(__file__).resolve().parent.parent
            for p in sorted(pkg.rglob("*.py")):
                h.update(str(p.relative_to(pkg)).encode())
                h.update(p.read_bytes())
            for p in sorted(geodata_dir().iterdir()):
                if p.is_file():
                    st = p.stat()
                    h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
            _STATE["fingerprint"] = h.hexdigest()
        return _STATE["fingerprint"]


def _connect() -> sqlite3.Connection | None:
    """The open store, or None when it is off or cannot be used."""
    if "db" in _STATE:
        return _STATE["db"]
    db = None
    if enabled():
        try:
            path = cache_dir()
            path.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path / FILE_NAME, timeout=5.0, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS entries (k BLOB PRIMARY KEY, v BLOB)")
            fp = fingerprint()
            row = db.execute("SELECT v FROM meta WHERE k = 'fingerprint'").fetchone()
            if row is None or row[0] != fp:
                db.execute("BEGIN IMMEDIATE")
                db.execute("DELETE FROM entries")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fp,))
                db.execute("COMMIT")
        except (sqlite3.Error, OSError):
            db = None
    _STATE["db"] = db
    _STATE.setdefault("queue", {})
    return db


def _key(namespace: str, args: tuple) -> bytes:
    return hashlib.sha256(f"{fingerprint()}|{namespace}|{args!r}".encode()).digest()


def get(namespace: str, args: tuple):
    """``(True, value)`` stored under ``(namespace, args)`` (keyed by their ``repr``), or
    ``(False, None)``."""
    with _LOCK:
        db = _connect()
        if db is None:
            return False, None
        k = _key(namespace, args)
        if k in _STATE["queue"]:
            return True, pickle.loads(_STATE["queue"][k])
        try:
            row = db.execute("SELECT v FROM entries WHERE k = ?", (k,)).fetchone()
            return (True, pickle.loads(row[0])) if row is not None else (False, None)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return False, None


def put(namespace: str, args: tuple, value) -> None:
    """Queue ``value`` under ``(namespace, args)``; written at exit or every
    :data:`FLUSH_EVERY` entries."""
    with _LOCK:
        if _connect() is None:
            return
        _STATE["queue"][_key(namespace, args)] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(_STATE["queue"]) >= FLUSH_EVERY:
            flush()


def flush() -> None:
    """Write the queued entries in one transaction (dropped if the store refuses them)."""
    with _LOCK:
        db, queue = _STATE.get("db"), _STATE.get("queue")
        if db is None or not queue:
            return
        items = list(queue.items())
        queue.clear()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", items)
            db.execute("COMMIT")
        except sqlite3.Error:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass


def reset() -> None:
    """Flush and close the store and forget the fingerprint (tests switch directories)."""
    with _LOCK:
        flush()
        db = _STATE.pop("db", None)
        if db is not None:
            db.close()
        _STATE.clear()


def persistent(namespace: str, errors: tuple[type[BaseException], ...] = ()):
    """Decorator: results of a function of hashable, ``repr``-stable arguments kept in the
    store; the ``errors`` it raises are kept too and raised again."""
    def deco(fn):
        def wrapper(*args):
            found, value = get(namespace, args)
            if found:
                kind, payload = value
                if kind == "error":
                    raise payload
                return payload
            try:
                out = fn(*args)
            except errors as exc:
                put(namespace, args, ("error", exc))
                raise
            put(namespace, args, ("value", out))
            return out
        wrapper.__wrapped__ = fn
        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper
    return deco


atexit.register(flush)
