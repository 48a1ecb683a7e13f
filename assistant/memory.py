"""Long-lived data: Python's cyclic garbage collector, and reads kept for an object's life.

A loaded store is hundreds of thousands of Python objects (the catalog's names and indexes, the
BM25 snapshot's ids and metadata) that live until the store changes. Every full collection walks
all of them: at 3,000 sheets that was ~40% of an answer's time. Frozen objects are skipped.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")


def settle() -> None:
    """Collect what is garbage now, then leave everything still alive out of later collections.

    Reference counting still frees a frozen object once nothing holds it (a replaced catalog or
    snapshot holds no reference cycles), so nothing leaks; only cycles made before this call and
    dropped later would stay.
    """
    gc.collect()
    gc.freeze()


def per_object(read: Callable[[Any], R], size: int = 4096) -> Callable[[Any], R]:
    """``read`` kept per object, for reads that are fixed for the object's life (a function's
    signature, its type hints) but that libraries repeat on every call; an unhashable object is
    read each time. The result has ``cache_info`` (which also marks a patch as made)."""
    kept = functools.lru_cache(maxsize=size)(read)

    def once(obj: Any) -> R:
        try:
            return kept(obj)
        except TypeError:  # unhashable
            return read(obj)

    once.cache_info = kept.cache_info  # type: ignore[attr-defined]
    once.cache_clear = kept.cache_clear  # type: ignore[attr-defined]
    return once
