"""Long-lived data and Python's cyclic garbage collector.

A loaded store is hundreds of thousands of Python objects (the catalog's names and indexes, the
BM25 snapshot's ids and metadata) that live until the store changes. Every full collection walks
all of them: at 3,000 sheets that was ~40% of an answer's time. Frozen objects are skipped.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what is garbage now, then leave everything still alive out of later collections.

    Reference counting still frees a frozen object once nothing holds it (a replaced catalog or
    snapshot holds no reference cycles), so nothing leaks; only cycles made before this call and
    dropped later would stay.
    """
    gc.collect()
    gc.freeze()
