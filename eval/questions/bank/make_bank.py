"""Compile the hand-written question specs (``specs/*.jsonl``) into ``eval/questions/bank.jsonl``.

See FORMAT.md (next to this file) for the spec format. In short: questions are written by hand;
every gold number is computed here from truth files, never typed in.

Usage::

    python eval/questions/bank/make_bank.py            # compile -> eval/questions/bank.jsonl
    python eval/questions/bank/make_bank.py --check    # exit 1 when bank.jsonl is stale
    python eval/questions/bank/make_bank.py --stats    # counts (compiles in memory; warns on thin spots)

Truth
    ``seed``       ../shared/seed/koriyama_r7_digital_first.expected.json
    ``h27-hall``   ../shared/fixtures/kor_h27_shimin_shukaijo.expected.json
    ``h27-water``  ../shared/fixtures/kor_h27_suido_kenshu.expected.json
    corpus ids     eval/.cache/corpus-bank/truth/<id>.json (written with
                   ``eval.corpus.write_corpus(dir, n=60, seed=29)`` when absent; deterministic)

Stores: ``seed`` = [seed]; ``samples`` = [seed, h27-hall, h27-water]; ``bank`` = samples + corpus.

Spec lines
    Blank lines and lines starting with ``#`` are skipped. Required keys: id, store, type, lang,
    question, answerable. Optional: role, style (list), conversation, scope (list of project
    names), gold ({project, department, target_fy, section_key} or null), numbers, mention, wrong
    (lists), note, expect_choices, split ("tune"|"holdout": overrides the hashed split). Any other
    key is an error (it is usually a typo).
    Checks: ids unique across all files; type/store/lang known; an unanswerable line has no
    numbers; an answerable line has numbers or mention; gold.project (and target_fy) exist in the
    store; a conversation key lives in one file and one store; every ref resolves to a number
    and names a sheet of the line's store. Errors name ``file:line``.

Refs (FORMAT.md "Refs")
    indicator  {"sheet", "ind": name | "label": "成果指標②" (成果指標2 also accepted), "fy",
                "field": "plan"|"actual" (default actual)}
               + "calc": "rate"                      actual(fy) / plan(fy) * 100
               + "calc": "diff", "from": Y0          v(fy) - v(Y0)            (v = field)
               + "calc": "pct_change", "from": Y0    (v(fy) - v(Y0)) / v(Y0) * 100
    cost       {"sheet", "cost": F, "fy"}            F in ingest.model.COST_FIELDS
               + "calc": "diff" | "pct_change", "from": Y0
               + "calc": "share", "of": F2           F(fy) / F2(fy) * 100
               + "calc": "sum", "fys": [..]          (no "fy" needed)
    expr       {"expr": "<python expression>"}       see the namespace below
    value      {"value": N, "why": "..."}            only where nothing else can express it

    Rates, shares and % changes are computed exactly (Fraction) and rounded to one decimal,
    half up (away from zero for negatives: -2.25 -> -2.3). Differences and sums are exact.
    Whole results are written as int. A ref whose inputs are absent (None) in the truth is an
    error, as is a rate over a plan of 0.

expr namespace (all pure; values exact)
    sheets                 list of ingest.model.Sheet of the line's store
    sheet(id)              the Sheet named id ("seed", "h27-hall", "h27-water", "kr7-s29-00012")
    ind(sheet, name)       the Indicator of ``sheet`` (a Sheet or an id) by exact name or by
                           label (成果指標②, 活動指標1, 対象指標)
    val(sheet, name, fy, field="actual")   an indicator value as an exact Fraction (error when absent)
    cost(sheet, fy, field) a cost cell as an exact Fraction (error when absent)
    rate(a, p)             a / p * 100, one decimal half up (achievement rate, share)
    pct(a, b)              (a - b) / b * 100, one decimal half up (% change from b to a)
    half_up(x, 1)          round x (int/float/Fraction/Decimal) to n decimals, half up
    latest(project)        the sheet of that project with the highest target_fy
    projects()             the distinct project names of the store (sorted)
    Fraction, Decimal, and the builtins len sum min max sorted abs any all set list dict tuple
    int float str range enumerate zip filter map (no round: use half_up).
    The result must be a number. A non-whole result must be a short exact decimal (what
    half_up/rate/pct give, or a decimal the truth holds); 1/3 or a non-whole float (from float
    arithmetic such as ``/`` on raw ints) is refused: round with half_up.
    ``mention_expr`` entries are not supported:
    mentions are plain strings (or lists of alternatives).

Output (one line per question, file order of ``specs/*.jsonl`` sorted by name)
    id, type, question, conversation, gold_numbers, must_mention, wrong_numbers, answerable,
    gold, lang, source (spec file name), store, scope, style, role, split
    (+ expect_choices when the spec sets it). gold_numbers are de-duplicated in order;
    wrong_numbers drop any value equal (sign ignored, as the grader ignores signs) to a gold
    number. split: the spec's "split" when given, else sha256 of the conversation key (else the
    id); even -> tune, odd -> holdout. Every line of a conversation must end up in the same split
    (a forced split on one turn must be given, or hash the same, on all of them).
"""

from __future__ import annotations

import argparse
import builtins
import hashlib
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SHARED = ROOT.parent / "shared"
SPECS = HERE / "specs"
OUT = ROOT / "eval" / "questions" / "bank.jsonl"
CORPUS = ROOT / "eval" / ".cache" / "corpus-bank"
CORPUS_N, CORPUS_SEED = 60, 29

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval.run import UNSEEN  # noqa: E402
from ingest.model import COST_FIELDS, SECTION_LABELS, Indicator, Sheet  # noqa: E402

SAMPLE_TRUTH = {
    "seed": SHARED / "seed" / "koriyama_r7_digital_first.expected.json",
    "h27-hall": SHARED / "fixtures" / "kor_h27_shimin_shukaijo.expected.json",
    "h27-water": SHARED / "fixtures" / "kor_h27_suido_kenshu.expected.json",
}
TYPES = ("figure", "trend", "comparison", "ranking", "filter", "derived", "prose", "summary", "why",
         "list", "unanswerable", "followup", "ambiguous")
STORES = ("seed", "samples", "bank", *UNSEEN)
LANGS = ("ja", "en")
REQUIRED = ("id", "store", "type", "lang", "question", "answerable")
OPTIONAL = ("role", "style", "conversation", "scope", "gold", "numbers", "mention", "wrong", "note",
            "expect_choices", "split")
SPLITS = ("tune", "holdout")
GOLD_KEYS = ("project", "department", "target_fy", "section_key")
OUT_KEYS = ("id", "type", "question", "conversation", "gold_numbers", "must_mention", "wrong_numbers",
            "answerable", "gold", "lang", "source", "store", "scope", "style", "role", "split")
CIRCLED = "①②③④⑤⑥⑦⑧⑨"


class SpecError(ValueError):
    """A spec line is not usable; the message names file:line."""


class RefError(ValueError):
    """A ref does not resolve (the caller adds file:line)."""


# ----------------------------------------------------------------------------- truth


@dataclass
class Truth:
    sheets: dict[str, Sheet]  # name -> Sheet, samples first, then corpus ids in order
    stores: dict[str, list[str]] = field(default_factory=dict)

    def name_of(self, sheet: Sheet) -> str:
        return next((n for n, s in self.sheets.items() if s is sheet), sheet.sheet_id)

    def store_sheets(self, store: str) -> list[Sheet]:
        return [self.sheets[n] for n in self.stores[store]]


def _read_sheet(path: Path) -> Sheet:
    return Sheet.model_validate(json.loads(path.read_text(encoding="utf-8")))


def load_truth(corpus_dir: Path = CORPUS) -> Truth:
    missing = [str(p) for p in SAMPLE_TRUTH.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"truth files absent (is ../shared checked out?): {', '.join(missing)}")
    sheets = {name: _read_sheet(p) for name, p in SAMPLE_TRUTH.items()}
    truth_dir = corpus_dir / "truth"
    if not truth_dir.is_dir() or not any(truth_dir.glob("*.json")):
        from eval.corpus import write_corpus

        write_corpus(corpus_dir, n=CORPUS_N, seed=CORPUS_SEED)
    corpus = {}
    for p in sorted(truth_dir.glob("*.json")):
        s = _read_sheet(p)
        corpus[s.sheet_id] = s
    sheets.update(corpus)
    stores = {"seed": ["seed"], "samples": list(SAMPLE_TRUTH), "bank": list(SAMPLE_TRUTH) + list(corpus)}
    for name in UNSEEN:
        unseen = _unseen_truth(name)
        sheets.update(unseen)
        stores[name] = list(unseen)
    return Truth(sheets, stores)


def _unseen_truth(name: str) -> dict[str, Sheet]:
    """An unseen-sheet store's sheets (eval.run.UNSEEN), written when absent."""
    from eval.run import unseen_corpus

    out = {}
    for p in sorted((unseen_corpus(name) / "truth").glob("*.json")):
        s = _read_sheet(p)
        out[s.sheet_id] = s
    return out


# ----------------------------------------------------------------------------- arithmetic


def exact(v: Any) -> Fraction:
    if isinstance(v, bool) or v is None:
        raise RefError(f"not a number: {v!r}")
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (int, Decimal)):
        return Fraction(v)
    if isinstance(v, float):
        return Fraction(Decimal(repr(v)))  # the decimal the truth file wrote, not the binary float
    raise RefError(f"not a number: {v!r}")


def half_up(x: Any, nd: int = 1) -> Fraction:
    """Round to ``nd`` decimals, half up (ties away from zero)."""
    q = exact(x) * 10**nd
    sign = -1 if q < 0 else 1
    n = (abs(q) + Fraction(1, 2)).__floor__()
    return Fraction(sign * n, 10**nd)


def rate(a: Any, p: Any) -> Fraction:
    a, p = exact(a), exact(p)
    if p == 0:
        raise RefError("rate/share over 0")
    return half_up(a / p * 100, 1)


def pct(a: Any, b: Any) -> Fraction:
    a, b = exact(a), exact(b)
    if b == 0:
        raise RefError("% change from 0")
    return half_up((a - b) / b * 100, 1)


def plain(v: Any, from_expr: bool = False) -> int | float:
    """A JSON number: int when whole, else float.

    A non-whole Fraction/Decimal must be a short exact decimal (rounded with half_up/rate/pct, or a
    decimal the truth holds); 1/3 is refused. An expr must not hand back a non-whole binary float
    (float arithmetic): it should use the exact helpers (val, cost, rate, pct, half_up).
    """
    if isinstance(v, bool):
        raise RefError(f"not a number: {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        if from_expr:
            raise RefError(f"expr gave the float {v!r}: compute with val/cost (exact) and round with half_up")
        return v
    if isinstance(v, (Fraction, Decimal)):
        f = Fraction(v)
        if f.denominator == 1:
            return int(f)
        if 10**6 % f.denominator == 0:
            return float(Decimal(f.numerator) / Decimal(f.denominator))
        raise RefError(f"unrounded value {f} (= {float(f)!r}): round it with half_up/rate/pct")
    raise RefError(f"not a number: {v!r}")


# ----------------------------------------------------------------------------- refs


def _find_indicator(sheet: Sheet, key: str) -> Indicator:
    for i in sheet.indicators:
        if i.name == key:
            return i
    k = unicodedata.normalize("NFKC", key).strip()
    for i in sheet.indicators:
        alt = i.label if i.kind == "target" else i.label[:-1] + str(i.no)
        if k in (unicodedata.normalize("NFKC", i.label), alt):
            return i
    names = ", ".join(f"{i.label}={i.name}" for i in sheet.indicators)
    raise RefError(f"sheet {sheet.sheet_id}: no indicator {key!r} (has: {names})")


@dataclass
class Resolver:
    truth: Truth
    store: str
    touched: set[str] = field(default_factory=set)

    def sheet(self, name: Any) -> Sheet:
        if isinstance(name, Sheet):
            for n in self.truth.stores[self.store]:
                if self.truth.sheets[n] is name:
                    self.touched.add(n)
                    return name
            raise RefError(f"sheet {name.sheet_id} is not in store {self.store!r}")
        if not isinstance(name, str) or name not in self.truth.sheets:
            raise RefError(f"unknown sheet {name!r}")
        if name not in self.truth.stores[self.store]:
            raise RefError(f"sheet {name!r} is not in store {self.store!r}")
        self.touched.add(name)
        return self.truth.sheets[name]

    def ind_value(self, sheet: Any, key: str, fy: Any, fld: str = "actual") -> Any:
        s = self.sheet(sheet)
        if fld not in ("plan", "actual"):
            raise RefError(f"field must be plan or actual, not {fld!r}")
        if not isinstance(fy, int):
            raise RefError(f"fy must be an integer year, not {fy!r}")
        i = _find_indicator(s, key)
        v = i.value(fy)
        got = getattr(v, fld) if v else None
        if got is None:
            raise RefError(f"sheet {self.truth.name_of(s)}: {i.label} {i.name} has no {fld} for {fy}")
        return got

    def cost_value(self, sheet: Any, fy: Any, fld: str) -> Any:
        s = self.sheet(sheet)
        if fld not in COST_FIELDS:
            raise RefError(f"unknown cost field {fld!r} (one of {', '.join(COST_FIELDS)})")
        if not isinstance(fy, int):
            raise RefError(f"fy must be an integer year, not {fy!r}")
        c = s.cost(fy)
        got = getattr(c, fld) if c else None
        if got is None:
            raise RefError(f"sheet {self.truth.name_of(s)}: no {fld} ({COST_FIELDS[fld]}) for {fy}")
        return got

    # --- the ref forms

    def resolve(self, ref: Any) -> int | float:
        if not isinstance(ref, dict):
            raise RefError(f"a ref is an object, not {ref!r}")
        if "expr" in ref:
            _only(ref, {"expr", "why"})
            return plain(self.expr(ref["expr"]), from_expr=True)
        if "value" in ref:
            _only(ref, {"value", "why"})
            if not str(ref.get("why") or "").strip():
                raise RefError("a value ref needs a 'why'")
            return plain(ref["value"])
        if "sheet" not in ref:
            raise RefError(f"a ref needs sheet, expr or value: {ref}")
        if "cost" in ref:
            return plain(self._cost_ref(ref))
        if "ind" in ref or "label" in ref:
            return plain(self._ind_ref(ref))
        raise RefError(f"a sheet ref needs ind, label or cost: {ref}")

    def _ind_ref(self, ref: dict) -> Any:
        _only(ref, {"sheet", "ind", "label", "fy", "field", "calc", "from"})
        if ("ind" in ref) == ("label" in ref):
            raise RefError("give exactly one of ind / label")
        key: str = ref["ind"] if "ind" in ref else ref["label"]
        fy, calc, fld = ref.get("fy"), ref.get("calc"), ref.get("field", "actual")
        s = ref["sheet"]
        if calc is None:
            _absent(ref, "from")
            return self.ind_value(s, key, fy, fld)
        if calc == "rate":
            _absent(ref, "from", "field")
            return rate(self.ind_value(s, key, fy, "actual"), self.ind_value(s, key, fy, "plan"))
        if calc in ("diff", "pct_change"):
            y0 = _need(ref, "from")
            a, b = self.ind_value(s, key, fy, fld), self.ind_value(s, key, y0, fld)
            return exact(a) - exact(b) if calc == "diff" else pct(a, b)
        raise RefError(f"indicator calc must be rate, diff or pct_change, not {calc!r}")

    def _cost_ref(self, ref: dict) -> Any:
        _only(ref, {"sheet", "cost", "fy", "calc", "from", "of", "fys"})
        s, f, calc = ref["sheet"], ref["cost"], ref.get("calc")
        if calc == "sum":
            _absent(ref, "fy", "from", "of")
            fys = _need(ref, "fys")
            if not isinstance(fys, list) or not fys:
                raise RefError("fys must be a non-empty list of years")
            return sum((exact(self.cost_value(s, y, f)) for y in fys), Fraction(0))
        _absent(ref, "fys")
        fy = _need(ref, "fy")
        if calc is None:
            _absent(ref, "from", "of")
            return self.cost_value(s, fy, f)
        if calc in ("diff", "pct_change"):
            _absent(ref, "of")
            y0 = _need(ref, "from")
            a, b = self.cost_value(s, fy, f), self.cost_value(s, y0, f)
            return exact(a) - exact(b) if calc == "diff" else pct(a, b)
        if calc == "share":
            _absent(ref, "from")
            return rate(self.cost_value(s, fy, f), self.cost_value(s, fy, _need(ref, "of")))
        raise RefError(f"cost calc must be diff, pct_change, share or sum, not {calc!r}")

    # --- expr

    def namespace(self) -> dict[str, Any]:
        store_sheets = self.truth.store_sheets(self.store)

        def latest(project: str) -> Sheet:
            same = [s for s in store_sheets if s.project.name == project]
            if not same:
                raise RefError(f"no project {project!r} in store {self.store!r}")
            return self.sheet(max(same, key=lambda s: s.target_fy or 0))

        def ind(sheet: Any, key: str) -> Indicator:
            return _find_indicator(self.sheet(sheet), key)

        safe = {b: getattr(builtins, b) for b in ("len", "sum", "min", "max", "sorted", "abs", "any", "all", "set",
                                                  "list", "dict", "tuple", "int", "float", "str", "range",
                                                  "enumerate", "zip", "filter", "map")}
        return {
            "__builtins__": safe,
            "sheets": store_sheets,
            "sheet": self.sheet,
            "ind": ind,
            "val": lambda sheet, name, fy, fld="actual": exact(self.ind_value(sheet, name, fy, fld)),
            "cost": lambda sheet, fy, fld: exact(self.cost_value(sheet, fy, fld)),
            "rate": rate,
            "pct": pct,
            "half_up": half_up,
            "latest": latest,
            "projects": lambda: sorted({s.project.name for s in store_sheets if s.project.name}),
            "Fraction": Fraction,
            "Decimal": Decimal,
        }

    def expr(self, code: Any) -> Any:
        if not isinstance(code, str) or not code.strip():
            raise RefError("expr must be a non-empty string")
        try:
            v = eval(code, self.namespace())  # noqa: S307 - hand-written specs, restricted namespace
        except RefError:
            raise
        except Exception as e:
            raise RefError(f"expr {code!r} failed: {type(e).__name__}: {e}") from None
        if v is None:
            raise RefError(f"expr {code!r} gave None (a value absent in the truth)")
        return v


def _only(ref: dict, keys: set[str]) -> None:
    extra = set(ref) - keys
    if extra:
        raise RefError(f"unexpected key(s) {sorted(extra)} in ref {ref}")


def _absent(ref: dict, *keys: str) -> None:
    bad = [k for k in keys if k in ref]
    if bad:
        raise RefError(f"key(s) {bad} do not apply to ref {ref}")


def _need(ref: dict, key: str) -> Any:
    if key not in ref:
        raise RefError(f"ref needs {key!r}: {ref}")
    return ref[key]


def resolve_ref(truth: Truth, store: str, ref: Any) -> int | float:
    """Resolve one ref against a store (used by tests); raises RefError."""
    return Resolver(truth, store).resolve(ref)


# ----------------------------------------------------------------------------- specs


@dataclass
class Spec:
    data: dict
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def read_specs(spec_dir: Path = SPECS) -> list[Spec]:
    out: list[Spec] = []
    files = sorted(spec_dir.glob("*.jsonl"))
    if not files:
        raise SpecError(f"{spec_dir}: no *.jsonl spec files")
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise SpecError(f"{path.name}:{n}: not JSON ({e.msg} at column {e.colno})") from None
            if not isinstance(d, dict):
                raise SpecError(f"{path.name}:{n}: a spec line is a JSON object")
            out.append(Spec(d, path.name, n))
    return out


def _check_mention(m: Any, where: str) -> list:
    if m is None:
        return []
    if not isinstance(m, list):
        raise SpecError(f"{where}: mention must be a list")
    for t in m:
        if isinstance(t, str):
            if not t.strip():
                raise SpecError(f"{where}: empty mention")
        elif isinstance(t, list):
            if not t or not all(isinstance(a, str) and a.strip() for a in t):
                raise SpecError(f"{where}: a mention alternative list holds non-empty strings")
        else:
            raise SpecError(f"{where}: a mention is a string or a list of alternatives, not {t!r}")
    return list(m)


def _check_line(sp: Spec, truth: Truth) -> None:
    d, w = sp.data, sp.where
    missing = [k for k in REQUIRED if k not in d]
    if missing:
        raise SpecError(f"{w}: missing key(s) {missing}")
    extra = set(d) - set(REQUIRED) - set(OPTIONAL)
    if extra:
        raise SpecError(f"{w}: unknown key(s) {sorted(extra)}")
    if not isinstance(d["id"], str) or not d["id"].strip():
        raise SpecError(f"{w}: id must be a non-empty string")
    if d["type"] not in TYPES:
        raise SpecError(f"{w}: type {d['type']!r} is not one of {', '.join(TYPES)}")
    if d["store"] not in STORES:
        raise SpecError(f"{w}: store {d['store']!r} is not one of {', '.join(STORES)}")
    if d["lang"] not in LANGS:
        raise SpecError(f"{w}: lang {d['lang']!r} is not one of {', '.join(LANGS)}")
    if not isinstance(d["question"], str) or not d["question"].strip():
        raise SpecError(f"{w}: question must be a non-empty string")
    if not isinstance(d["answerable"], bool):
        raise SpecError(f"{w}: answerable must be true or false")
    if d.get("role") is not None and not isinstance(d["role"], str):
        raise SpecError(f"{w}: role must be a string")
    style = d.get("style") or []
    if not isinstance(style, list) or not all(isinstance(s, str) for s in style):
        raise SpecError(f"{w}: style must be a list of strings")
    conv = d.get("conversation")
    if conv is not None and (not isinstance(conv, str) or not conv.strip()):
        raise SpecError(f"{w}: conversation must be a non-empty string or null")
    if d["type"] == "followup" and conv is None:
        raise SpecError(f"{w}: a followup needs a conversation")
    for k in ("numbers", "wrong"):
        if d.get(k) is not None and not isinstance(d[k], list):
            raise SpecError(f"{w}: {k} must be a list of refs")
    mention = _check_mention(d.get("mention"), w)
    if d["type"] == "unanswerable" and d["answerable"]:
        raise SpecError(f"{w}: type unanswerable must have answerable false")
    if not d["answerable"] and d.get("numbers"):
        raise SpecError(f"{w}: an unanswerable question has no numbers")
    if d["answerable"] and not d.get("numbers") and not mention:
        raise SpecError(f"{w}: an answerable question needs numbers or mention (something to grade)")
    if "expect_choices" in d and not isinstance(d["expect_choices"], bool):
        raise SpecError(f"{w}: expect_choices must be true or false")
    if "split" in d and d["split"] not in SPLITS:
        raise SpecError(f"{w}: split {d['split']!r} is not one of {', '.join(SPLITS)}")
    store_sheets = truth.store_sheets(d["store"])
    names = {s.project.name for s in store_sheets}
    scope = d.get("scope")
    if scope is not None:
        if not isinstance(scope, list) or not scope or not all(isinstance(p, str) for p in scope):
            raise SpecError(f"{w}: scope must be a non-empty list of project names or null")
        bad = [p for p in scope if p not in names]
        if bad:
            raise SpecError(f"{w}: scope project(s) {bad} not in store {d['store']!r}")
    gold = d.get("gold")
    if gold is not None:
        if not isinstance(gold, dict):
            raise SpecError(f"{w}: gold must be an object or null")
        extra = set(gold) - set(GOLD_KEYS)
        if extra:
            raise SpecError(f"{w}: unknown gold key(s) {sorted(extra)}")
        p = gold.get("project")
        if p is not None and p not in names:
            raise SpecError(f"{w}: gold project {p!r} not in store {d['store']!r}")
        if gold.get("target_fy") is not None:
            if not any(s.project.name == p and s.target_fy == gold["target_fy"] for s in store_sheets):
                raise SpecError(f"{w}: no sheet of {p!r} evaluating FY{gold['target_fy']} "
                                f"in store {d['store']!r}")
        if gold.get("section_key") is not None and gold["section_key"] not in SECTION_LABELS:
            raise SpecError(f"{w}: section_key {gold['section_key']!r} is not one of "
                            f"{', '.join(SECTION_LABELS)}")
        if gold.get("department") is not None and not any(
                s.project.name == p and s.project.department == gold["department"] for s in store_sheets):
            raise SpecError(f"{w}: gold department {gold['department']!r} does not match project {p!r}")


def _split(key: str) -> str:
    return "tune" if int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "holdout"


def _same_number(a: int | float, b: int | float) -> bool:
    return abs(Decimal(repr(a))) == abs(Decimal(repr(b)))


@dataclass
class Compiled:
    questions: list[dict]
    sheets_referenced: set[str]


def compile_specs(specs: list[Spec], truth: Truth) -> Compiled:
    seen: dict[str, str] = {}
    conv_home: dict[str, tuple[str, str, str]] = {}  # key -> (file, store, where)
    conv_split: dict[str, tuple[str, str]] = {}  # key -> (split, where)
    out: list[dict] = []
    touched: set[str] = set()
    for sp in specs:
        _check_line(sp, truth)
        d, w = sp.data, sp.where
        if d["id"] in seen:
            raise SpecError(f"{w}: id {d['id']!r} already used at {seen[d['id']]}")
        seen[d["id"]] = w
        conv = d.get("conversation")
        if conv is not None:
            home = conv_home.setdefault(conv, (sp.file, d["store"], w))
            if home[0] != sp.file:
                raise SpecError(f"{w}: conversation {conv!r} is already used in {home[2]} "
                                "(keys are per file)")
            if home[1] != d["store"]:
                raise SpecError(f"{w}: conversation {conv!r} changes store ({home[1]} at {home[2]})")
        split = d.get("split") or _split(conv if conv is not None else d["id"])
        if conv is not None:
            first = conv_split.setdefault(conv, (split, w))
            if first[0] != split:
                raise SpecError(f"{w}: conversation {conv!r} mixes splits ({split} here, "
                                f"{first[0]} at {first[1]})")
        res = Resolver(truth, d["store"])
        gold_numbers: list[int | float] = []
        wrong_numbers: list[int | float] = []
        for key, dest in (("numbers", gold_numbers), ("wrong", wrong_numbers)):
            for j, ref in enumerate(d.get(key) or []):
                try:
                    v = res.resolve(ref)
                except RefError as e:
                    raise SpecError(f"{w}: {key}[{j}]: {e}") from None
                if not any(_same_number(v, x) for x in dest):
                    dest.append(v)
        wrong_numbers = [v for v in wrong_numbers if not any(_same_number(v, g) for g in gold_numbers)]
        touched |= res.touched
        gold = d.get("gold")
        if gold and gold.get("project"):
            for n in truth.stores[d["store"]]:
                s = truth.sheets[n]
                if s.project.name == gold["project"] and gold.get("target_fy") in (None, s.target_fy):
                    touched.add(n)
        q = {
            "id": d["id"],
            "type": d["type"],
            "question": d["question"],
            "conversation": conv,
            "gold_numbers": gold_numbers,
            "must_mention": list(d.get("mention") or []),
            "wrong_numbers": wrong_numbers,
            "answerable": d["answerable"],
            "gold": gold,
            "lang": d["lang"],
            "source": sp.file,
            "store": d["store"],
            "scope": d.get("scope"),
            "style": list(d.get("style") or []),
            "role": d.get("role"),
            "split": split,
        }
        if "expect_choices" in d:
            q["expect_choices"] = d["expect_choices"]
        out.append(q)
    return Compiled(out, touched)


def render(questions: list[dict]) -> str:
    return "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)


def build(spec_dir: Path = SPECS) -> Compiled:
    return compile_specs(read_specs(spec_dir), load_truth())


# ----------------------------------------------------------------------------- stats


def stats(c: Compiled) -> tuple[str, list[str]]:
    qs = c.questions
    n_conv = len({q["conversation"] for q in qs if q["conversation"]})
    lines = [f"questions: {len(qs)}   conversations: {n_conv}"
             f"   distinct sheets referenced: {len(c.sheets_referenced)}"]

    def block(title: str, counter: Counter) -> None:
        lines.append(f"{title}:")
        for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            lines.append(f"  {str(k):<24} {v:>5}  ({v / max(len(qs), 1):.0%})")

    for key in ("source", "store", "type", "lang", "role", "split", "answerable"):
        block(key, Counter(q.get(key) for q in qs))
    block("style (a question may carry several)", Counter(s for q in qs for s in q["style"]))
    warns = []
    n = len(qs)
    if n < 400:
        warns.append(f"only {n} questions (want >= 400)")
    if len(c.sheets_referenced) < 30:
        warns.append(f"only {len(c.sheets_referenced)} distinct sheets referenced (want >= 30)")
    en = sum(q["lang"] == "en" for q in qs)
    if n and en / n < 0.10:
        warns.append(f"English {en}/{n} = {en / n:.0%} (want >= 10%)")
    un = sum(not q["answerable"] for q in qs)
    if n and un / n < 0.15:
        warns.append(f"unanswerable {un}/{n} = {un / n:.0%} (want >= 15%)")
    return "\n".join(lines), warns


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when bank.jsonl differs from a fresh compile")
    ap.add_argument("--stats", action="store_true", help="print counts (does not write)")
    ap.add_argument("--out", type=Path, default=OUT, help=argparse.SUPPRESS)
    ap.add_argument("--specs", type=Path, default=SPECS, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    try:
        c = build(args.specs)
    except (SpecError, FileNotFoundError) as e:
        print(f"make_bank: {e}", file=sys.stderr)
        return 2
    text = render(c.questions)
    if args.check:
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if old != text:
            print(f"make_bank: {args.out} is stale; run python eval/questions/bank/make_bank.py",
                  file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({len(c.questions)} questions)")
    if args.stats:
        report, warns = stats(c)
        print(report)
        for wmsg in warns:
            print(f"WARNING: {wmsg}", file=sys.stderr)
    if not args.check and not args.stats:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(c.questions)} questions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
