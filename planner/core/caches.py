"""Every cache of the planner in one registry, so that none is hidden and all can be cleared.

``cached(name, maxsize)`` is :func:`functools.lru_cache` that also records the cache under
``name``; :func:`clear_all` empties every registered cache (tests and benchmarks that measure
cold runs call it), :func:`info` lists them with hits and sizes. A cached function must
return values its callers will not mutate: arrays it returns are made read-only with
:func:`frozen`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import numpy as np

_REGISTRY: dict[str, Callable] = {}
_LOCK = threading.Lock()


def cached(name: str, maxsize: int | None = 128):
    """Decorator: an ``lru_cache`` of ``maxsize`` entries registered under ``name``."""
    def deco(fn):
        wrapped = functools.lru_cache(maxsize=maxsize)(fn)
        with _LOCK:
            if name in _REGISTRY:
                raise ValueError(f"cache {name!r} registered twice")
            _REGISTRY[name] = wrapped
        return wrapped
    return deco


def once(name: str):
    """Decorator for a loader computed once (``maxsize=1``, thread-safe: the first caller
    computes, concurrent callers wait for it)."""
    lock = threading.Lock()

    def deco(fn):
        inner = cached(name, maxsize=1)(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with lock:
                return inner(*args, **kwargs)
        wrapper.cache_clear = inner.cache_clear
        wrapper.cache_info = inner.cache_info
        return wrapper
    return deco


def frozen(*arrays: np.ndarray):
    """The arrays made read-only in place (returned as given: one array or a tuple)."""
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.flags.writeable = False
    return arrays[0] if len(arrays) == 1 else arrays


def clear_all() -> None:
    """Empty every registered cache."""
    with _LOCK:
        fns = list(_REGISTRY.values())
    for fn in fns:
        fn.cache_clear()


def info() -> dict[str, functools._CacheInfo]:
    """Name -> ``cache_info()`` of every registered cache."""
    with _LOCK:
        return {name: fn.cache_info() for name, fn in sorted(_REGISTRY.items())}
