"""Names linked by meaning: the e5 model (multilingual) between a question's content words and the
store's project or indicator names, for what words and glossaries miss — paraphrases, and English
↔ Japanese ("the school-route safety project" → 通学路安全対策事業).

A name's vector is computed once and kept for the process (the names of 3,000 sheets are about a
thousand projects and a few hundred indicators). A link is made only when the best name stands out:
its cosine similarity at least ``accept`` and ahead of the next by ``margin`` — both chosen on the
question bank's tune split (``python -m eval thresholds``), not by hand.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.lexicon import lexicon
from assistant.understand import Frame

# python -m eval thresholds, 2026-11-29: 11 of 11 English tune questions linked rightly at these
PROJECT_ACCEPT = 0.76
PROJECT_MARGIN = 0.02
# an indicator among one project's few rows: stricter, as a wrong row is a wrong figure
ROW_ACCEPT = 0.80
ROW_MARGIN = 0.03

Embed = Callable[[list[str]], list[list[float]]]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DenseMatch:
    name: str
    score: float
    runner_up: float


class DenseNames:
    """Vectors of names, computed on first use and kept; questions compared to them."""

    def __init__(self, passages: Embed, queries: Embed) -> None:
        self._passages = passages
        self._queries = queries
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _of(self, names: Sequence[str]) -> np.ndarray:
        if any(n not in self._vectors for n in names):
            with self._lock:  # one embedding at a time: a question during the warm-up waits, not repeats it
                missing = [n for n in dict.fromkeys(names) if n not in self._vectors]
                if missing:
                    for n, v in zip(missing, self._passages(missing), strict=True):
                        a = np.asarray(v, dtype=np.float32)
                        self._vectors[n] = a / (np.linalg.norm(a) or 1.0)
        return np.stack([self._vectors[n] for n in names])

    def warm(self, names: Sequence[str], batch: int = 64) -> None:
        """Compute the vectors of ``names`` ahead of the first question that needs them (the app
        does it in the background: a store of 3,000 sheets names some hundreds of projects)."""
        names = [n for n in dict.fromkeys(names) if n]
        try:
            for i in range(0, len(names), batch):
                self._of(names[i:i + batch])
        except Exception:  # a warm-up is an optimisation: the first question computes what is missing
            log.warning("the name vectors could not be computed ahead", exc_info=True)

    def best(self, text: str, names: Sequence[str]) -> DenseMatch | None:
        """The name nearest ``text`` (and how far ahead of the next it is)."""
        names = [n for n in dict.fromkeys(names) if n]
        if not text.strip() or not names:
            return None
        q = np.asarray(self._queries([text])[0], dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = self._of(names) @ q
        order = np.argsort(-sims)
        top = float(sims[order[0]])
        second = float(sims[order[1]]) if len(order) > 1 else -1.0
        return DenseMatch(names[int(order[0])], top, second)


_STOP_EN = re.compile(r"\b(the|a|an|of|in|for|on|at|by|to|from|with|and|or|its|it|this|that|what|which|how|many|"
                      r"much|was|were|is|are|did|does|do|has|have|had|project|projects|program|programme|city|"
                      r"koriyama|fy\d*|\d{4})\b")


def content(frame: Frame) -> str:
    """The part of a question that names something: lexicon phrases, years and question words out."""
    text = frame.norm
    for h in sorted(frame.hits, key=lambda h: -h.start):
        text = text[:h.start] + " " + text[h.end:]
    text = re.sub(r"(?:19|20)\d{2}\s*年?度?|(?:令和|平成|r|h)\s*\d{1,2}\s*年?度?|[?？。、,.!！]", " ", text)
    if frame.lang == "en":
        text = _STOP_EN.sub(" ", text)
    else:
        fw = lexicon().function_words
        text = " ".join(w for w in re.split(r"[\sのはがをにでともへや]+", text) if w and w not in fw)
    return re.sub(r"\s+", " ", text).strip()


def row_by_meaning(frame: Frame, names: Sequence[str], dense: DenseNames | None,
                   said: Collection[str] = ()) -> str | None:
    """The row of ``names`` an English question names by meaning (e5), when clearly the nearest. Of two
    rows one is always nearer: there the row must also be ``said`` (a word of it in the question) —
    "cashless payment transactions" is キャッシュレス決済の利用件数, while "streetlights converted to LED
    under the road lighting project" is no 道路の穴ぼこ等補修件数 for being nearer than 橋梁の点検数."""
    names = list(dict.fromkeys(n for n in names if n))
    if dense is None or frame.lang != "en" or len(names) < 2:
        return None
    text = content(frame)
    best = dense.best(text, names) if len(text) >= 3 else None
    if best is None or best.score < ROW_ACCEPT or best.score - best.runner_up < ROW_MARGIN \
            or len(names) < 3 and best.name not in said:
        return None
    return best.name
