"""The chat tab's handlers: ask (the answer streamed, then the LLM's turn), a choice button, clear;
the example questions."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Protocol, cast

import gradio as gr
from gradio.components.chatbot import MessageDict

from assistant.answer import Answer
from assistant.chain import Turn
from ingest.store import StoreError
from ui import format as fmt
from ui import sheets as browse
from ui.engine import EMPTY_STORE, Engine
from ui.side import SideData, side_values, store_data, store_side, waiting

if TYPE_CHECKING:
    from assistant.llm import Written

log = logging.getLogger("sheetqa.app")

MAX_TURNS = 20  # earlier turns a follow-up may refer to (the session keeps no more)
MAX_QUESTION = 500  # characters of a question (the box stops there too)
STREAM_PIECES = 4  # the answer arrives whole; the chat shows it in this many growing pieces
STREAM_PAUSE = 0.03  # seconds between two pieces
LLM_POLL = 0.25  # seconds between two looks at the LLM's draft while it writes
ERROR_TEXT = "回答の途中でエラーが起きました。質問を言い換えるか、しばらくしてからもう一度お試しください。"
SAMPLE_PROJECT = "デジタルファースト推進事業"

# One update of the chat tab's outputs: the question box, the chat, the turns, the right column's six
# panels (:data:`ui.side.Side`), the answer's JSON — each a value, a component update or gr.skip().
ChatUpdate = tuple[Any, ...]


class Choose(Protocol):
    def __call__(self, evt: gr.SelectData, chat: list[MessageDict] | None, turns: list[Turn] | None,
                 request: gr.Request | None = None) -> Iterator[ChatUpdate]: ...


class Respond(Protocol):
    """The ask handler (:func:`make_respond`); ``choose`` is the handler of a choice button."""

    choose: Choose

    def __call__(self, message: str, chat: list[MessageDict] | None, turns: list[Turn] | None,
                 scope: list[str] | None = None, request: gr.Request | None = None) -> Iterator[ChatUpdate]: ...


def _scope_note(engine: Engine, scope: list[str]) -> str:
    """「対象: 事業名、…」 under a question asked with a scope (the chat keeps what it was about)."""
    names = [fmt.md_escape(i.project) for i in (engine.info(s) for s in scope) if i is not None]
    return "（対象: " + "、".join(names) + "）" if names else ""


def write_live(engine: Engine, answer: Answer, chat: list[MessageDict], state: Callable[[], ChatUpdate]
               ) -> Generator[ChatUpdate, None, Answer]:
    """The LLM's turn: the extractive answer with 「文章を整えています…」 at once, the LLM's draft under
    it while it streams, then the answer that passed the guards — or the extractive one with a note
    saying why not. Yields ``state()`` after each change of ``chat[-1]``; returns the answer to keep."""
    draft = [""]  # the text the model has written so far (the writer thread replaces it)
    done: list[Written | None] = []
    assistant = engine.assistant()  # this worker's: Assistant.write needs no store, so no new connection

    def on_text(text: str) -> None:
        draft[0] = text

    def work() -> None:
        try:
            assert assistant is not None  # the answer came from it
            done.append(assistant.write(answer, on_text=on_text))
        except Exception:  # the extractive answer stands
            log.exception("writing %r with the LLM failed", answer.question)
            done.append(None)

    worker = threading.Thread(target=work, name="sheetqa-llm", daemon=True)
    worker.start()
    shown: str | None = None
    while True:
        finished = bool(done)  # read before the draft: the last draft is shown before the result
        now = draft[0]
        if now != shown and not finished:
            shown = now
            chat[-1] = {"role": "assistant", "content": fmt.writing_markdown(answer.answer, now)}
            yield state()
        if finished:
            break
        worker.join(LLM_POLL)
    written = done[0]
    final = written.answer if written is not None else answer
    note = fmt.LLM_REJECTED if written is not None and written.outcome == "rejected" else (
        fmt.LLM_FAILED if written is None or written.outcome == "failed" else "")
    chat[-1] = {"role": "assistant", "content": fmt.md_lines(final.answer) + (f"\n\n{note}" if note else "")}
    yield state()
    return final


def make_respond(engine: Engine) -> Respond:
    def run(question: str, shown: str, chat: list[MessageDict], turns: list[Turn], scope: list[str],
            request: gr.Request | None = None, history: list[Turn] | None = None) -> Iterator[ChatUpdate]:
        """Ask, and stream the chat and the right column (the generator both handlers share).
        ``history``: the turns the question follows (default: all of ``turns``)."""
        with engine.asking():
            yield from answer_turn(question, shown, chat, turns, scope, request, history)

    def answer_turn(question: str, shown: str, chat: list[MessageDict], turns: list[Turn], scope: list[str],
                    request: gr.Request | None, history: list[Turn] | None) -> Iterator[ChatUpdate]:
        chat.append({"role": "user", "content": shown})
        chat.append({"role": "assistant", "content": "…"})
        session = getattr(request, "session_hash", None)
        skip = tuple(gr.skip() for _ in range(6))
        alone = engine.busy() <= 1
        if alone:  # the question and a waiting note at once (under load the answer comes sooner whole)
            yield ("", chat, turns, *waiting(engine, session), None)
        answer: Answer | None = None
        data: SideData | None = None
        sources: str | None = None
        if not engine.usable:
            text = engine.health.line_ja
        else:
            try:
                answer, data, sources = engine.answer(question, (turns if history is None else history)[-MAX_TURNS:],
                                                      scope, engine.files.folder(request))
                text = EMPTY_STORE if answer is None else answer.answer
            except (StoreError, sqlite3.DatabaseError) as e:
                log.warning("the store cannot be read: %s", e)
                text = engine.store_problem()
            except Exception:
                log.exception("answering %r failed", question)
                text = ERROR_TEXT
        # alone, the answer arrives in growing pieces; while others are being answered, whole with
        # the right column (one message less to compute and send for each answer)
        pieces = fmt.stream_pieces(text, STREAM_PIECES) if alone else []
        for piece in pieces:
            chat[-1] = {"role": "assistant", "content": fmt.md_lines(piece)}
            yield ("", chat, turns, *skip, gr.skip())
            if piece != text:
                time.sleep(STREAM_PAUSE)
        chat[-1] = {"role": "assistant", "content": fmt.md_lines(text)}
        side: tuple[Any, ...] = side_values(engine, data if data is not None else store_data(
            engine, f"**{fmt.SIDE_HEADINGS['store']}**"), session)
        if answer is not None and engine.writes(answer):
            # the figures do not change with the wording: the right column now, then the LLM's turn
            yield ("", chat, turns, *side, gr.skip())
            answer = yield from write_live(engine, answer, chat, lambda: ("", chat, turns, *skip, gr.skip()))
            side = skip  # shown above
        if answer is not None:
            if sources:
                chat.append({"role": "assistant", "content": sources,
                             "metadata": {"title": fmt.sources_title(answer), "status": "done"}})
            if answer.choices:  # buttons under the answer: the same question, for one project
                chat[-1]["options"] = [{"label": fmt.choice_label(c), "value": c.sheet_id} for c in answer.choices]
            turns = [*turns, Turn(question, answer, list(scope))][-MAX_TURNS:]
        yield ("", chat, turns, *side, answer.model_dump(mode="json") if answer else None)

    def respond(message: str, chat: list[MessageDict] | None, turns: list[Turn] | None, scope: list[str] | None = None,
                request: gr.Request | None = None) -> Iterator[ChatUpdate]:
        question = (message or "").strip()[:MAX_QUESTION]
        chat, turns, scope = list(chat or []), list(turns or []), [s for s in (scope or []) if s]
        if not question:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, scope), chat, turns, scope, request)

    def choose(evt: gr.SelectData, chat: list[MessageDict] | None, turns: list[Turn] | None,
               request: gr.Request | None = None) -> Iterator[ChatUpdate]:
        """A choice button: the question that offered it, asked again for the chosen project (as if
        the turn that offered the choice had not been: it is what is asked again)."""
        chat, turns = list(chat or []), list(turns or [])
        sheet_id = str(evt.value or "")
        if not turns or not sheet_id:
            yield ("", chat, turns, *(gr.skip() for _ in range(6)), gr.skip())
            return
        question = turns[-1].question
        yield from run(question, fmt.md_escape(question) + _scope_note(engine, [sheet_id]), chat, turns, [sheet_id],
                       request, history=turns[:-1])

    handler = cast(Respond, respond)  # a function with an attribute: what the Protocol says
    handler.choose = choose
    return handler


def clear_chat(engine: Engine) -> Callable[[gr.Request | None], ChatUpdate]:
    def clear(request: gr.Request | None = None) -> ChatUpdate:
        engine.shapes.pop(getattr(request, "session_hash", None) or "", None)
        return ("", [], [], *store_side(engine, f"**{fmt.SIDE_HEADINGS['store']}**"), None)

    return clear


def example_questions(rows: list[browse.SheetRow]) -> list[str]:
    projects = [r.summary.project for r in rows if r.summary.project]
    if SAMPLE_PROJECT in projects:
        return [
            "令和6年度のオンライン申請件数の実績は？",
            "キャッシュレス決済の目標は達成できた？",
            f"{SAMPLE_PROJECT}の総事業費の推移は？",
            "総事業費が最も大きい事業は？",
            "成果指標が計画に届かなかった事業は？",
            f"{SAMPLE_PROJECT}の二次評価のコメントを要約して",
        ]
    p = projects[-1] if projects else "〇〇事業"
    return [f"{p}の総事業費の推移は？", f"{p}の成果指標の実績は？", f"{p}の二次評価のコメントを要約して",
            "総事業費が最も大きい事業は？", "成果指標が計画に届かなかった事業は？"]
