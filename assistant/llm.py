"""The optional LLM writer and the figure guard that keeps it honest.

The deterministic composer always builds an extractive answer first. When a chat model is
configured (``SHEETQA_LLM__BACKEND``), the model gets the same facts and quotes and rewrites the
answer as prose; then the figure guard reads every number the model wrote and checks it against
the facts, the quotes and the values the composer computed. One number that does not match and the
extractive answer is returned unchanged — contract.md: every number in ``answer`` must come from a
fact or a quote, or be computed from them.

Backends, chosen in ``LLMSettings``, are library chat models, imported only when chosen (the
LLM is off by default and langchain-openai alone takes 1–2 s to import):

* ``openai``: any OpenAI-compatible ``/chat/completions`` endpoint (Ollama, vLLM, llama.cpp's
  llama-server) through langchain-openai's ``ChatOpenAI(base_url=…)``; one try within
  ``timeout_s``, no retries.
* ``llamacpp``: a local GGUF file through langchain-community's ``ChatLlamaCpp`` and
  llama-cpp-python, an optional native package (``make llm``). One loaded model serves one answer
  at a time (a lock: llama.cpp's context is not thread-safe).

Both stream (``BaseChatModel.stream``: server-sent events, llama.cpp's ``stream=True``), so the app
can show the text while the model writes; :func:`write_answer` takes an ``on_text`` callback for
that and still checks the whole text before it is shown as the answer.

How the guard reads numbers (``numbers_in``):

* Text is NFKC-normalized (full-width digits, commas and points become ASCII); thousands commas
  are dropped; ``△``/``▲``/``−``/``-`` before a figure make it negative; suffixes (千円, %, 件, 円)
  do not change the value; ``3万``/``2億`` are read as 30000/200000000 — the guard never rescales
  units, so 5,050万円 for a fact of 50,496千円 is an unknown number.
* Ordinals are not figures and are skipped: circled and parenthesized digits (①, ⑴, ⒈), ``第3次``,
  ``1次評価``/``2番目``/``1位``, ``1st``, ``No.2``, ``活動指標2``, a single-digit ``(1)`` and list
  numbering (``1.``/``1)`` at the start of a line), and the ``1`` of ``1件当たり`` (a denominator).
  Kanji numerals (一次, 二次, 三件) are not read at all: parsing them would also catch 一般財源,
  統一, 一部, and models write figures in Arabic digits when asked to copy them.
* Digits glued to ASCII letters (``R7`` template names, ``m2``, ids) are identifiers, not figures;
  ``R6``/``H27`` are caught as era years first.

Years: a fiscal-year mention (``2024年度``, ``令和6年度``, ``R6``, ``6年度`` after an era,
``2024年度（令和6年度）``, ``FY2024``) is one *year mention*. ``numbers_in`` lists the numbers
written in it and, for an era year, also its Western year (令和6年度 → 6 and 2024). The guard checks
a year mention as a year, not as a figure: it passes when its Western year is a fact's ``fy``, a
year written in a quote, or a year the question itself names (the subject the user asked about,
so "2023年度のデータはありません" is not an invented figure). A bare ``2024`` without 年/年度 is
checked as a number; fact years are among the allowed numbers, so it passes too.

Matching is exact (as Decimals, so 685 == 685.0), with two loosenings only: a positive number
may match a negative allowed value (「1,000千円減少」 for a change of -1000: the sign is in the
words), and computed values (``extra`` and facts with ``computed=True``) also match their
one-decimal and integer roundings (102.39 → 102.4, 102).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import PrivateAttr

from assistant.answer import Answer, Citation, Fact, Number
from assistant.claims import check_claims, reason_fits, strip_markdown, summary_problems
from assistant.settings import LLMSettings
from assistant.understand import detect_lang
from ingest.normalize import ERA_OFFSETS, era_to_western, format_number, fy_label, nfkc
from ingest.vocabulary import COST_FIELDS, VALUE_LABELS

log = logging.getLogger(__name__)

# What the composer may pass as computed values: bare numbers, or label → number so the prompt can
# say what each one is (達成率, 前年度比 …).
Computed = Mapping[str, Number | Decimal] | Iterable[Number | Decimal]


class LLMError(RuntimeError):
    """A configured LLM backend that cannot be used: missing package or file, or a failed call."""


# --------------------------------------------------------------------------------------------
# Chat models
# --------------------------------------------------------------------------------------------

def _openai_chat(settings: LLMSettings) -> BaseChatModel:
    """langchain-openai's ``ChatOpenAI`` pointed at ``base_url``: Ollama, vLLM and llama.cpp's
    llama-server all speak ``/chat/completions``; ``.stream()`` reads its server-sent events."""
    try:
        from langchain_openai import ChatOpenAI  # 1-2 s to import: only when the LLM is on
    except ImportError as exc:
        raise LLMError("SHEETQA_LLM__BACKEND=openai needs the langchain-openai package, which is not installed "
                       "(pip install -e .)") from exc
    return ChatOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        # unset: an empty name, which a single-model server (llama-server, vLLM) takes as its own model
        model=settings.model or "",
        temperature=settings.temperature,
        # sent as max_tokens, the field Ollama, LM Studio and llama-server read (ChatOpenAI's own
        # max_tokens goes out as max_completion_tokens, which they ignore)
        extra_body={"max_tokens": settings.max_tokens},
        timeout=settings.timeout_s,
        max_retries=0,  # one try within timeout_s, then the extractive answer (the client's default: 2 more)
        use_responses_api=False,  # compatible servers have /chat/completions only
    )


def _import_llama_cpp() -> Any:
    # llama.cpp's OpenMP threads spin while they wait; on a small CPU (2 cores) the spinning starves
    # the threads doing the work (32 tokens: 42 s spinning, 5 s passive). Read when the OpenMP
    # runtime loads, i.e. on this import.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as exc:
        raise LLMError(
            "SHEETQA_LLM__BACKEND=llamacpp needs the llama-cpp-python package, which is not installed. "
            "Install it (make llm), or serve the GGUF with llama.cpp's llama-server "
            "and use SHEETQA_LLM__BACKEND=openai SHEETQA_LLM__BASE_URL=http://127.0.0.1:8080/v1"
        ) from exc


@functools.cache
def _one_at_a_time_llamacpp() -> type[BaseChatModel]:
    """langchain-community's ``ChatLlamaCpp``, writing one answer at a time: the app's worker
    threads share the loaded model and llama.cpp's context is not thread-safe."""
    try:
        with warnings.catch_warnings():  # the package says on import that it is being sunset
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*langchain-community")
            from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise LLMError("SHEETQA_LLM__BACKEND=llamacpp needs the langchain-community package, which is not "
                       "installed (make llm)") from exc

    class OneAtATime(ChatLlamaCpp):
        _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

        # streaming=True: invoke() goes through _stream too, so this one lock covers both
        def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                    run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any
                    ) -> Iterator[ChatGenerationChunk]:
            with self._lock:
                yield from super()._stream(messages, stop, run_manager, **kwargs)

    return OneAtATime


def _llamacpp_chat(settings: LLMSettings) -> BaseChatModel:
    """A local GGUF through ``ChatLlamaCpp``, loaded once here and kept for every question."""
    if settings.gguf_path is None:
        raise LLMError("SHEETQA_LLM__BACKEND=llamacpp needs SHEETQA_LLM__GGUF_PATH (a .gguf file)")
    if not Path(settings.gguf_path).is_file():
        raise LLMError(f"SHEETQA_LLM__GGUF_PATH={settings.gguf_path} is not a file")
    _import_llama_cpp()
    chat_class = _one_at_a_time_llamacpp()
    try:
        return chat_class(
            model_path=str(settings.gguf_path),
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            streaming=True,
            verbose=False,
            # llama.cpp's own defaults, where ChatLlamaCpp's differ: a batch of 8 reads the prompt
            # slowly, a rope base of 10000 overrides the GGUF's (Qwen2.5's is 1e6), and a repeat
            # penalty of 1.1 changes even a greedy (temperature 0) answer
            n_batch=512,
            rope_freq_base=0.0,
            rope_freq_scale=0.0,
            repeat_penalty=1.0,
        )
    except ValueError as exc:  # pydantic's ValidationError around "Could not load Llama model …"
        raise LLMError(f"SHEETQA_LLM__GGUF_PATH={settings.gguf_path} could not be loaded: "
                       f"{str(exc).splitlines()[-1][:200]}") from exc


def make_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """The chat model the settings choose, or None when the LLM is off.

    Raises LLMError when the chosen backend cannot work (package or GGUF file missing), so a user
    who configured an LLM hears about it instead of silently getting extractive answers.
    """
    if settings.backend == "off":
        return None
    if settings.backend == "openai":
        return _openai_chat(settings)
    if settings.backend == "llamacpp":
        return _llamacpp_chat(settings)
    raise LLMError(f"unknown LLM backend: {settings.backend!r}")


# --------------------------------------------------------------------------------------------
# Reading numbers
# --------------------------------------------------------------------------------------------

_ERA_NAMES = {"令和": "令和", "平成": "平成", "昭和": "昭和", "R": "令和", "H": "平成", "S": "昭和"}

_SCAN = re.compile(
    r"""
    (?P<skip>
        第\s*\d+                                                  # 第3次, 第2期
      | (?<![A-Za-z])(?:No|NO|no)\.?\s*\d+                        # No.2
      | (?:指標|番号|項目)\s*\d+                                   # 活動指標2
      | (?<![\d.])\d+\s*(?:次|番目|位)                             # 1次評価, 2番目, 1位
      | (?<![\d.])\d+(?:st|nd|rd|th)(?![A-Za-z])                  # 1st, 2nd
      | (?<![\d.,])1\s*(?:件|人|回|世帯|台|本|か所|箇所|ヶ所|校|団体|事業|者|施設|km|m|ha|t|日)\s*(?:当たり|あたり|につき)
      | \(\s*\d\s*\)                                              # (1)
      | (?:\A|(?<=\n))[ \t]*(?:[-*・][ \t]*)?\d{1,2}[.)](?!\d)     # "1. " / "2) " list numbering
    )
  | (?P<fy>(?<![A-Za-z])(?i:FY|fiscal\s+year|fiscal)\s*(?P<fy_n>(?:19|20)\d{2})(?!\d))
  | (?P<west>(?<![\d.,])(?:19|20)\d{2})\s*年度?
      (?:\s*\(\s*(?P<west_era>令和|平成|昭和|[RHS])\s*(?P<west_era_n>\d{1,2}|元)\s*年?度?\s*\))?
  | (?P<era>令和|平成|昭和|(?<![A-Za-z])[RHS](?=\s*(?:\d{1,2}|元)(?!\d)))\s*(?P<era_n>\d{1,2}|元)(?!\d)
      (?:\s*年度?)?(?:\s*\(\s*(?P<era_west>(?:19|20)\d{2})\s*年?度?\s*\))?
  | (?P<bare_era>(?<![\d.,])\d{1,2})\s*年度
  | (?P<num>
        (?P<sign>[△▲]\s*|(?<![A-Za-z0-9_.)\]])[-−](?=\d))?
        (?<![A-Za-z_.\d])(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?
        (?P<mult>\s*[万億兆])?
    )
    """,
    re.VERBOSE | re.ASCII,
)
_MULTIPLIERS = {"万": Decimal(10_000), "億": Decimal(100_000_000), "兆": Decimal(1_000_000_000_000)}


@dataclass(frozen=True)
class _Mention:
    text: str
    numbers: tuple[Decimal, ...]  # as written; an era year adds its Western year
    years: tuple[int, ...] = ()  # set for a fiscal-year mention: checked as years, not figures


def _prepare(text: str) -> str:
    # Circled, parenthesized and superscript digits (Unicode category "No") are markers, not
    # figures, and NFKC would turn ① into a plain 1 — so mask them before normalizing.
    masked = "".join("○" if unicodedata.category(ch) == "No" else ch for ch in text)
    return nfkc(masked)


def _era_number(token: str) -> int:
    return 1 if token == "元" else int(token)


def _mentions(text: str) -> list[_Mention]:
    """Every figure and fiscal-year mention in the text, in order (ordinals left out)."""
    t = _prepare(text)
    out: list[_Mention] = []
    era = "令和"  # a bare 6年度 belongs to the last era named (令和4〜6年度), else 令和
    for m in _SCAN.finditer(t):
        if m.group("skip") is not None:
            continue
        if m.group("fy"):
            fy = int(m.group("fy_n"))
            out.append(_Mention(m.group(0), (Decimal(fy),), (fy,)))
        elif m.group("west"):
            fy = int(m.group("west"))
            numbers: list[Decimal] = [Decimal(fy)]
            years = [fy]
            if m.group("west_era"):
                era = _ERA_NAMES[m.group("west_era")]
                n = _era_number(m.group("west_era_n"))
                numbers.append(Decimal(n))
                years.append(era_to_western(era, n))
            out.append(_Mention(m.group(0), tuple(numbers), tuple(dict.fromkeys(years))))
        elif m.group("era"):
            era = _ERA_NAMES[m.group("era")]
            n = _era_number(m.group("era_n"))
            west = era_to_western(era, n)
            numbers = [Decimal(n), Decimal(west)]
            years = [west]
            if m.group("era_west"):
                numbers.append(Decimal(int(m.group("era_west"))))
                years.append(int(m.group("era_west")))
            out.append(_Mention(m.group(0), tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(years))))
        elif m.group("bare_era"):
            n = int(m.group("bare_era"))
            west = ERA_OFFSETS[era] + n
            out.append(_Mention(m.group(0), (Decimal(n), Decimal(west)), (west,)))
        else:
            value = Decimal(m.group("int").replace(",", "") + (m.group("frac") or ""))
            if m.group("mult"):
                value *= _MULTIPLIERS[m.group("mult").strip()]
            if m.group("sign"):
                value = -value
            out.append(_Mention(m.group("num").strip(), (value,)))
    return out


def numbers_in(text: str) -> list[Decimal]:
    """Every number written in the text, in order (see the module docstring for the rules).

    '実績は１，２３４件' → [1234]; '△500千円' → [-500]; '102.4%' → [102.4];
    '令和6年度' → [6, 2024]; '①' and '1次評価' → [].
    """
    return [n for mention in _mentions(text) for n in mention.numbers]


def _dec(value: Number | Decimal) -> Decimal | None:
    if isinstance(value, bool):  # True is an int to Python, never a figure here
        return None
    if isinstance(value, Decimal):
        return value
    try:
        # str() first: Decimal(0.1) would carry the float's binary tail.
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _roundings(value: Decimal) -> set[Decimal]:
    # Both tie rules: a model rounds half up (四捨五入), Python's round() half to even; they only
    # differ on an exact .x5, so this adds no other value.
    out: set[Decimal] = set()
    if not value.is_finite():
        return out
    for places in (Decimal("0.1"), Decimal("1")):
        for rule in (ROUND_HALF_UP, ROUND_HALF_EVEN):
            out.add(value.quantize(places, rounding=rule))
    return out


def allowed_numbers(
    facts: Iterable[Fact], citations: Iterable[Citation], extra: Iterable[Number | Decimal]
) -> set[Decimal]:
    """The numbers an answer may state: fact values and years, numbers in quotes, computed values.

    Numbers in a fact's project, indicator and row names count too (第3次総合計画, 65歳以上の…):
    naming the indicator is not inventing a figure. Only computed values (``extra`` and facts with
    ``computed=True``) also allow their one-decimal and integer roundings; nothing is rescaled.
    """
    out: set[Decimal] = set()
    for fact in facts:
        if isinstance(fact.value, str):
            out.update(numbers_in(fact.value))
        elif fact.value is not None:
            d = _dec(fact.value)
            if d is not None:
                out.add(d)
                if fact.computed:
                    out |= _roundings(d)
        if fact.fy is not None:
            out.add(Decimal(fact.fy))
        for label in (fact.project, fact.indicator, fact.row):
            if label:
                out.update(numbers_in(label))
    for citation in citations:
        out.update(numbers_in(citation.quote))
    for value in extra:
        d = _dec(value)
        if d is not None:
            out.add(d)
            out |= _roundings(d)
    return out


def allowed_years(
    facts: Iterable[Fact], citations: Iterable[Citation], question: str | None = None
) -> set[int]:
    """Fiscal years an answer may name: the facts' years, years in quotes and in the question."""
    years = {f.fy for f in facts if f.fy is not None}
    # quotes, the question, and a reader's note as a fact (「平成26年度以前の人件費は参考値」)
    texts = [c.quote for c in citations] + ([question] if question else []) + \
        [f.value for f in facts if isinstance(f.value, str)]
    for text in texts:
        for mention in _mentions(text):
            years.update(mention.years)
    return years


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    unknown: list[str] = field(default_factory=list)  # the mentions that matched nothing, as written


def _values(computed: Computed) -> list[Number | Decimal]:
    return list(computed.values()) if isinstance(computed, Mapping) else list(computed)


def guard(
    text: str,
    facts: Sequence[Fact],
    citations: Sequence[Citation],
    computed: Computed,
    *,
    question: str | None = None,
    said: str = "",
) -> GuardResult:
    """Check every number in ``text`` against the facts, quotes and computed values.

    ``question``: years it names are allowed too (see the module docstring); its other numbers are not.
    ``said``: the extractive answer, whose every number and year came from the facts by code (a note's
    平成26年度, a count of projects), so they are allowed as well.
    """
    allowed = allowed_numbers(facts, citations, _values(computed)) | set(numbers_in(said))
    years = allowed_years(facts, citations, question) | {y for m in _mentions(said) for y in m.years}
    unknown: list[str] = []
    for mention in _mentions(text):
        if mention.years:
            good = all(y in years for y in mention.years)
        else:
            good = all(_is_allowed(n, allowed) for n in mention.numbers)
        if not good:
            unknown.append(mention.text)
    return GuardResult(ok=not unknown, unknown=unknown)


def _outside_quotes(text: str) -> str:
    """The text without its 「…」 quotes (nested ones too): what an answer says in its own words."""
    out, depth = [], 0
    for ch in text:
        if ch == "「":
            depth += 1
        elif ch == "」" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def missing_from(text: str, extractive: Answer) -> list[str]:
    """What the extractive answer states in its own words that ``text`` leaves out: its figures
    (years aside; a sign may be in words), the projects it names and the results, 課 and other
    text values of its facts that it writes. Quoted sheet text is not required: a summary drops some.

    The completeness guard: an LLM answer may say the same thing differently, never say less.
    """
    said = _outside_quotes(extractive.answer)
    have = {abs(n) for mention in _mentions(text) for n in mention.numbers}
    missing = [m.text for m in _mentions(said) if not m.years and any(abs(n) not in have for n in m.numbers)]
    names = {x.project for x in extractive.facts if x.project} | {c.project for c in extractive.citations if c.project}
    names |= {f.value for f in extractive.facts if isinstance(f.value, str) and f.value.strip()}
    said_n, text_n = nfkc(said), nfkc(text)
    missing += [n for n in sorted(names) if nfkc(n) in said_n and nfkc(n) not in text_n]
    return list(dict.fromkeys(missing))


def _is_allowed(value: Decimal, allowed: set[Decimal]) -> bool:
    # A positive figure may stand for a negative one (「1,000千円減少」: the words carry the sign);
    # a written negative must match a negative.
    return value in allowed or (value > 0 and -value in allowed)


# --------------------------------------------------------------------------------------------
# Writing with the model
# --------------------------------------------------------------------------------------------

# A fact's field as the prompt names it: the sheet's labels (ingest/vocabulary.py), as the UI shows them.
_FIELD_LABELS = {
    **VALUE_LABELS, "change": "増減", **COST_FIELDS, "unit_cost": "単位コスト", "scores": VALUE_LABELS["score"],
}

SYSTEM_PROMPT = """あなたは市役所の職員を支援するアシスタントです。事務事業評価シートから取り出した「事実」と「引用」だけを使って、質問に答えてください。

守ること:
- 数値は、事実・計算済みの値・引用に書かれているものだけを、書かれているとおりに使ってください。新しい計算、単位の換算（千円→円、万円など）、概数（約〜）への言い換えはしないでください。
- 数値には必ず単位と年度を添えてください（例: 2024年度（令和6年度）の実績は685件）。
- 事実と引用から答えられないときは、推測せず、資料からは分からないと述べてください。
- 事実と引用にない理由・評価・見通しを付け加えないでください。
- 数値を述べる文には、事業名・年度・単位を必ず入れてください。
- 「達成した」「増加した」などの判断は、事実の数値から明らかなときだけ書いてください（実績が計画に届いていなければ「達成」とは書きません）。
- 理由は、引用がその項目（事業費・人件費・指標）について書いている理由だけを、その項目に結び付けて書いてください。
- 質問と同じ言語で答えてください。英語の質問には英語で答えます（単位は thousand yen, cases などに訳してかまいませんが、数値はそのまま）。日本語の回答では日本の漢字だけを使い、中国語の簡体字は使いません。
- 簡潔に、数文で答えてください。Markdown（**太字**、見出し、箇条書き、番号付きリスト）は使わず、普通の文章で書いてください。"""

DRAFT_PROMPT = """下書き（シートから機械的に組み立てた、正しい回答です。ここにある事業名・年度・数値・評価結果・課の名前は一つも落とさず、数値は書かれているとおりに残して、意味を変えずに読みやすい文章に書き直してください。下書きにないことは書き加えません）:"""
DRAFT_SUMMARY_PROMPT = """下書き（シートから機械的に組み立てた回答です。事業名と欄の名前は残し、「」の中の引用は要約してください）:"""

SUMMARY_PROMPT = """要約の指示: 引用の文章を、元の文章の半分程度の長さに、要点だけ短くまとめてください。引用に書かれていないこと（評価、感想、成功の強調など）は書き加えません。どの欄（一次評価コメントなど）の要約かを最初に一言で示してください。"""


def _fmt(value: Number | Decimal | str | None) -> str:
    if value is None:
        return "（記載なし）"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format(value, ",f")
    return format_number(value)


def _fact_line(i: int, fact: Fact) -> str:
    parts = []
    if fact.project:
        parts.append(f"事業: {fact.project}")
    if fact.row and fact.indicator and fact.indicator not in fact.row:
        parts.append(f"行: {fact.row} {fact.indicator}")
    elif fact.row or fact.indicator:
        parts.append(f"行: {fact.row or fact.indicator}")
    if fact.fy is not None:
        parts.append(f"年度: {fy_label(fact.fy)}")
    parts.append(f"項目: {_FIELD_LABELS.get(fact.field, fact.field)}")
    value = _fmt(fact.value) + (f" {fact.unit}" if fact.unit and fact.value is not None else "")
    parts.append(f"値: {value}" + ("（計算値）" if fact.computed else ""))
    return f"[F{i}] " + " / ".join(parts)


def build_messages(
    question: str, facts: Sequence[Fact], citations: Sequence[Citation], computed: Computed, summary: bool = False,
    draft: str | None = None,
) -> list[BaseMessage]:
    """The system and user messages: the question, then numbered facts, computed values and quotes,
    and last the extractive answer as a ``draft`` to rewrite (a small model keeps what it must keep
    — the completeness guard's items — far more often when it rewrites than when it composes)."""
    english = detect_lang(nfkc(question)) == "en"
    lines = [f"質問: {question}", f"回答の言語: {'English' if english else '日本語'}"]
    if summary:
        lines.append(SUMMARY_PROMPT)
    lines += ["", "事実:"]
    lines += [_fact_line(i, f) for i, f in enumerate(facts, 1)] or ["（なし）"]
    items = list(computed.items()) if isinstance(computed, Mapping) else [(None, v) for v in computed]
    if items:
        lines += ["", "計算済みの値:"]
        lines += [f"[C{i}] {label} = {_fmt(v)}" if label else f"[C{i}] {_fmt(v)}"
                  for i, (label, v) in enumerate(items, 1)]
    lines += ["", "引用:"]
    quotes = [f"[Q{i}] {c.project or ''}「{c.section}」: {c.quote}" for i, c in enumerate(citations, 1)]
    lines += quotes or ["（なし）"]
    if draft:
        lines += ["", DRAFT_SUMMARY_PROMPT if summary else DRAFT_PROMPT, draft]
    return [SystemMessage(content=SYSTEM_PROMPT), HumanMessage(content="\n".join(lines))]


_THINK = re.compile(r"<think>.*?</think>", re.S)


def _clean(text: str) -> str:
    # Reasoning models (qwen3, deepseek-r1 via Ollama) put their scratch work in <think> blocks:
    # it is not the answer, and an unterminated one means the answer was cut off.
    text = _THINK.sub("", text)
    if "<think>" in text:
        return ""
    return text.strip()


_PARTIAL_MARK = re.compile(r"(?:<(?:t(?:h(?:i(?:n(?:k)?)?)?)?)?|[*_`#]+)$")  # a tag or mark still being written


def _shown_so_far(text: str) -> str:
    """What a partial reply shows while it streams: no <think> work, no Markdown marks."""
    text = _THINK.sub("", text).split("<think>", 1)[0]
    return strip_markdown(_PARTIAL_MARK.sub("", text.strip()))


Outcome = Literal["llm", "rejected", "failed", "skipped"]


@dataclass(frozen=True)
class Written:
    """What :func:`write_answer` did.

    ``outcome``: ``llm`` — the model's text passed every guard and is the answer; ``rejected`` — a
    guard (``guard``: figure, claim, completeness or summary) refused it and the extractive answer stands;
    ``failed`` — the model raised, timed out or wrote nothing, the extractive answer stands;
    ``skipped`` — nothing for a model to phrase (no LLM, a decline, a question asked back).
    ``draft`` is the model's text as it wrote it (for logs and the eval report).
    """

    answer: Answer
    outcome: Outcome
    guard: str | None = None
    problems: tuple[str, ...] = ()
    draft: str = ""

    @property
    def fell_back(self) -> bool:
        """The model wrote (or tried to) but the extractive answer is shown."""
        return self.outcome in ("rejected", "failed")


def _writable(answer: Answer, facts: Sequence[Fact], citations: Sequence[Citation]) -> bool:
    # Nothing to phrase: a model given no facts could only guess; a decline or a question asked
    # back (「どの事業ですか」) is said as it is.
    return answer.answerable and bool(facts or citations) and answer.intent != "choice"


def will_write(chat_model: BaseChatModel | None, answer: Answer) -> bool:
    """Whether :func:`write_answer` would call the model for this extractive answer."""
    return chat_model is not None and _writable(answer, answer.facts, answer.citations)


def write_answer(chat_model: BaseChatModel | None, answer: Answer,
                 on_text: Callable[[str], None] | None = None) -> Written:
    """The model's prose for an extractive answer, through every guard (:func:`write_checked`);
    the computed values are the answer's computed facts."""
    computed = [f.value for f in answer.facts if f.computed and isinstance(f.value, int | float)]
    return write_checked(chat_model, answer.question, answer.facts, answer.citations, computed, answer, on_text)


def write_with_llm(
    chat_model: BaseChatModel | None,
    question: str,
    facts: Sequence[Fact],
    citations: Sequence[Citation],
    computed: Computed,
    fallback: Answer,
) -> Answer:
    """The model's prose when every check passes, else ``fallback`` unchanged (:func:`write_checked`)."""
    return write_checked(chat_model, question, facts, citations, computed, fallback).answer


def _reply_text(chat_model: BaseChatModel, messages: list[BaseMessage],
                on_text: Callable[[str], None] | None) -> str:
    if on_text is None:
        reply = chat_model.invoke(messages)
        return reply.text if isinstance(reply, BaseMessage) else str(reply)
    text = shown = ""
    for chunk in chat_model.stream(messages):  # a model that cannot stream gives one chunk
        text += chunk.text if isinstance(chunk, BaseMessage) else str(chunk)
        now = _shown_so_far(text)
        if now != shown:
            shown = now
            on_text(now)
    return text


def write_checked(
    chat_model: BaseChatModel | None,
    question: str,
    facts: Sequence[Fact],
    citations: Sequence[Citation],
    computed: Computed,
    fallback: Answer,
    on_text: Callable[[str], None] | None = None,
) -> Written:
    """Have the model write the answer from the facts and quotes, then check it.

    The text is shown only when every number checks out (the figure guard), it asserts nothing
    the facts contradict (verdicts, directions, years, projects, which row a reason belongs to), it
    leaves out nothing the extractive answer states (figures, projects, results: the completeness
    guard, :func:`missing_from`) and, for a summary, it is shorter than the source, supported by it,
    plain and in Japanese script;
    else ``fallback`` (the extractive answer) is returned unchanged and the reason logged. The
    returned Answer keeps the fallback's facts, citations and other fields; only ``answer`` and
    ``mode`` change. Model errors, timeouts and empty replies also give the fallback.

    ``on_text`` receives the text written so far (plain, growing) while the model streams; it is
    unchecked — a caller shows it as a draft until this returns.
    """
    if chat_model is None or not _writable(fallback, facts, citations):
        return Written(fallback, "skipped")
    computed_values = _values(computed)
    computed_arg: Computed = computed if isinstance(computed, Mapping) else computed_values
    # text answers: every sentence must stand on the quotes; a summary asked for must also be short
    quoting = fallback.intent in ("summary", "prose") and bool(citations)
    summary = quoting and fallback.intent == "summary"
    messages = build_messages(question, facts, citations, computed_arg, summary=summary, draft=fallback.answer)
    try:
        raw = _reply_text(chat_model, messages, on_text)
    except Exception as exc:  # any backend failure (timeout, HTTP, model crash) must not lose the answer
        log.warning("LLM call failed (%s: %s); using the extractive answer", type(exc).__name__, exc)
        return Written(fallback, "failed", problems=(f"{type(exc).__name__}: {exc}",))
    text = strip_markdown(_clean(raw))
    if not text:
        log.warning("LLM returned no answer text; using the extractive answer")
        return Written(fallback, "failed", problems=("no answer text",), draft=raw)

    def rejected(which: str, problems: list[str]) -> Written:
        key = "guard_rejected" if which == "figure" else f"{which}_rejected"  # the log field tests read
        log.warning("LLM answer rejected by the %s guard: %s=%s; using the extractive answer",
                    which, key, problems, extra={key: problems})
        return Written(fallback, "rejected", which, tuple(problems), text)

    result = guard(text, facts, citations, computed_values, question=question, said=fallback.answer)
    if not result.ok:
        return rejected("figure", result.unknown)
    claims = check_claims(text, facts, question, citations, said=fallback.answer)
    reasons = reason_fits(text, citations, facts)
    if not claims.ok or not reasons.ok:
        return rejected("claim", [f"{c.why}: {c.sentence[:60]}" for c in claims.contradictions + reasons.contradictions])
    missing = missing_from(text, fallback)
    if missing:
        return rejected("completeness", missing)
    if quoting:
        problems = summary_problems(text, citations, sum(len(c.quote) for c in citations) if summary else 0,
                                    said=fallback.answer)
        if problems:
            return rejected("summary", problems)
    return Written(fallback.model_copy(update={"answer": text, "mode": "llm"}), "llm", draft=text)
