"""Which sheets and indicators a question names: full, partial or paraphrased project names, a
department or 課, an indicator's name or a staff shorthand for it (コンビニ交付, 電子申請の件数)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.normalize import nfkc
from ingest.store import FigureStore

# Shorthand staff use → words the sheets print. Expanding the question (never the names) keeps
# matching exact where the question already uses the sheet's own words.
ALIASES: dict[str, str] = {
    "コンビニ交付": "コンビニでの証明書等発行",
    "キャッシュレス": "キャッシュレス決済",
    "マイナカード": "マイナンバーカード",
    "online application": "オンライン申請",
    "cashless": "キャッシュレス決済",
    "convenience store": "コンビニでの",
    "certificates": "証明書等発行件数",
    "certificate": "証明書等発行",
    "my number card": "マイナンバーカード",
    "mynumber": "マイナンバーカード",
    "population": "市民",
    "residents": "市民",
    "facilities": "施設数",
    "applications": "申請件数",
    "application": "申請件数",
}
_STRIP = re.compile(r"[\s()（）「」『』【】・、。,.?？!！]")


# Cached: every question is matched against every project and indicator name in the store
# (thousands at 3,000 sheets), and the names repeat from question to question.
@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    return _STRIP.sub("", nfkc(text)).lower()


@lru_cache(maxsize=1 << 16)
def bigrams(text: str) -> frozenset[str]:
    s = squash(text)
    return frozenset({s[i: i + 2] for i in range(len(s) - 1)} or ({s} if s else set()))


@lru_cache(maxsize=1 << 12)
def variants(question: str) -> tuple[str, ...]:
    """The question as written, and with its shorthands replaced by the sheets' own words
    (a shorthand already spelled out in full, キャッシュレス in キャッシュレス決済, stays)."""
    q = nfkc(question).lower()
    full = q
    for k, v in ALIASES.items():
        if k.lower() in full and v.lower() not in full:
            full = full.replace(k.lower(), v)
    return (q,) if full == q else (q, full)


def expand(question: str) -> str:
    """All variants in one string: for lexical search, where more words only help."""
    return " ".join(variants(question))


@lru_cache(maxsize=1 << 18)  # names repeat across sheets and years: score each once per question
def similarity(question: str, name: str) -> float:
    """How much of ``name`` the question covers (bigram containment), with credit the other way
    so that a question quoting part of a long name (「コンビニ交付の件数」) still finds it."""
    if not name:
        return 0.0
    nn, nb = squash(name), bigrams(name)
    best = 0.0
    for q in variants(question):
        if nn and nn in squash(q):
            return 1.0
        qb = bigrams(q)
        if qb and nb:
            common = len(qb & nb)
            best = max(best, common / len(nb), 0.9 * common / len(qb))
    return best


@dataclass(frozen=True)
class SheetRef:
    sheet_id: str
    project: str | None
    department: str | None
    section: str | None
    target_fy: int | None
    evaluation_fy: int | None


@dataclass(frozen=True)
class IndicatorRef:
    sheet_id: str
    kind: str
    no: int
    label: str
    name: str | None
    unit: str | None


@dataclass
class Catalog:
    """Every sheet and indicator in the store, loaded once and reloaded when the store changes."""

    sheets: list[SheetRef]
    indicators: list[IndicatorRef]
    fingerprint: tuple[int, float]
    _by_id: dict[str, SheetRef] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {s.sheet_id: s for s in self.sheets}

    @classmethod
    def load(cls, store: FigureStore) -> Catalog:
        sheets = [
            SheetRef(r["sheet_id"], r["project"], r["department"], r["section"], r["target_fy"], r["evaluation_fy"])
            for r in store.query(
                "SELECT sheet_id, project, department, section, target_fy, evaluation_fy FROM sheets"
            )
        ]
        indicators = [
            IndicatorRef(r["sheet_id"], r["kind"], r["no"], r["label"], r["name"], r["unit"])
            for r in store.query("SELECT sheet_id, kind, no, label, name, unit FROM indicators ORDER BY sheet_id, "
                                 "CASE kind WHEN 'target' THEN 0 WHEN 'activity' THEN 1 ELSE 2 END, no")
        ]
        return cls(sheets, indicators, fingerprint_of(store))

    def covers(self, fy: int) -> bool:
        """Some sheet's table reaches this year (a sheet spans its evaluated year −2 … +4)."""
        return any(s.target_fy is not None and s.target_fy - 6 <= fy <= s.target_fy + 4 for s in self.sheets)

    def sheet(self, sheet_id: str) -> SheetRef | None:
        return self._by_id.get(sheet_id)

    def projects(self, question: str, threshold: float = 0.72) -> list[tuple[float, SheetRef]]:
        """Sheets whose project the question names, best first (all years of a project)."""
        q = question
        scored = [(similarity(q, s.project or ""), s) for s in self.sheets]
        scored = [(sc, s) for sc, s in scored if sc >= threshold]
        # 「企業誘致事業（第６期）」 also contains 企業誘致事業: a name found only inside a longer
        # name the question spells out is not named.
        full = {squash(s.project or "") for sc, s in scored if sc >= 1.0}
        scored = [(sc, s) for sc, s in scored
                  if not any(squash(s.project or "") in f and squash(s.project or "") != f for f in full)]
        if not scored:
            # A name without its 事業/推進 tail: 「デジタルファースト」.
            scored = [(similarity(q, re.sub(r"(推進)?事業$", "", s.project or "")) - 0.05, s) for s in self.sheets]
            scored = [(sc, s) for sc, s in scored if sc >= threshold and len(squash(s.project or "")) > 3]
        best = max((sc for sc, _ in scored), default=0.0)
        # A name spelled out in full outranks near misses: 「デジタルファースト推進事業の
        # キャッシュレス決済…」 is not about キャッシュレス決済推進事業.
        band = 0.0 if best >= 1.0 else 0.1
        return sorted([(sc, s) for sc, s in scored if sc >= best - band], key=lambda x: -x[0])

    def organisations(self, question: str) -> list[SheetRef]:
        """Sheets of a department or 課 the question names (ＤＸ戦略課, 政策開発部)."""
        q = squash(question)
        hits = [s for s in self.sheets if s.section and squash(s.section) in q]
        if not hits:
            hits = [s for s in self.sheets if s.department and squash(s.department) in q]
        return hits

    def indicators_for(self, question: str, sheet_ids: set[str] | None = None,
                       threshold: float = 0.5) -> list[tuple[float, IndicatorRef]]:
        # The subject as a whole and each of its parts: 「コンビニ交付件数 増え」 is about its first part.
        parts = [question, *(p for p in re.split(r"[\s、,]+", question) if len(squash(p)) >= 3)]
        # 「マイナポータル以外」 names what the indicator is NOT.
        excluded = [squash(m.group(1)) for m in re.finditer(r"([^\s(（、]{2,12})以外", nfkc(question))
                    if squash(m.group(1)) not in ("上記", "その他")]
        by_name: dict[str, float] = {}  # many sheets share a name: score each name once

        def score(name: str) -> float:
            sc = by_name.get(name)
            if sc is None:
                sc = max(similarity(p, name) for p in parts)
                if any(x and x in squash(name) for x in excluded):
                    sc *= 0.5
                by_name[name] = sc
            return sc

        scored = []
        for ind in self.indicators:
            if sheet_ids is not None and ind.sheet_id not in sheet_ids:
                continue
            sc = score(ind.name or "")
            if sc >= threshold:
                scored.append((sc, ind))
        return sorted(scored, key=lambda x: -x[0])


def fingerprint_of(store: FigureStore) -> tuple[int, float]:
    row = store.query("SELECT COUNT(*) AS n, COALESCE(MAX(indexed_at), 0) AS t FROM sheets")[0]
    return int(row["n"]), float(row["t"])


def pick_sheet(refs: list[SheetRef], fy: int | None) -> SheetRef:
    """Of several sheets of one project (one per evaluated year), the one that best reports ``fy``:
    the sheet evaluating that year, else the latest that covers it, else the latest."""
    ordered = sorted(refs, key=lambda s: s.target_fy or 0, reverse=True)
    if fy is not None:
        exact = [s for s in ordered if s.target_fy == fy]
        if exact:
            return exact[0]
        later = [s for s in ordered if (s.target_fy or 0) >= fy]
        if later:
            return later[-1]
    return ordered[0]
