"""The page: the Gradio ``Blocks`` with its four tabs (質問する, シート一覧, シートを追加, 使い方)
and every event wired to its handler."""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.readers import SUFFIXES
from ingest.store import StoreError
from ui import format as fmt
from ui import sheets as browse
from ui.chat import MAX_QUESTION, clear_chat, example_questions, make_respond
from ui.engine import EMPTY_STORE, Engine
from ui.sheets import make_sheet_handlers
from ui.side import SIDE_IDLE, STORE_WIDTHS
from ui.upload import REPORT_COLUMNS, make_add

# each page built here and the engine behind it (ui.launch serves the answer files that engine wrote)
ENGINES: weakref.WeakKeyDictionary[gr.Blocks, Engine] = weakref.WeakKeyDictionary()

TITLE = "事務事業評価シート Q&A"
ASK_CONCURRENCY = 40  # questions Gradio lets in at once (they wait for an answer thread, not in its queue)


CSS = """
footer { display: none !important; }
.sheetqa-examples button { font-size: 0.85em; }
/* the chat's own clear (trash) icon sat over the first bubble; 「会話を消去」 does its job */
#chatbot .icon-button-wrapper.top-panel { display: none !important; }
#chatbot .message-row { padding-top: 2px; }
#side-quotes { max-height: 520px; overflow-y: auto; }
/* wide tables scroll sideways inside their box; the first column (事業名, 指標 …) stays in view */
.table-wrap .first-column { position: sticky !important; left: 0; z-index: 3; }
.table-wrap .first-column { background: var(--background-fill-primary) !important; }
#side-head p { margin: 0; }
#scope-row { align-items: flex-end; }
#scope-clear { max-height: 42px; margin-bottom: 6px; }
.sheetqa-head p { margin: 0 0 4px 0; }
"""


def build_app(engine: Engine) -> gr.Blocks:
    try:
        rows = engine.rows()
    except StoreError:
        rows = []
    opts = browse.choices(rows)
    limit_mb = engine.max_upload_bytes / 2**20
    respond = make_respond(engine)
    table, show, pick, ask_about, add_to_scope = make_sheet_handlers(engine)
    add = make_add(engine)

    demo = gr.Blocks(title=TITLE, delete_cache=(3600, 3600), fill_width=True)
    with demo:  # not `as demo`: Gradio leaves Blocks.__enter__ (which returns the Blocks) untyped
        gr.Markdown(f"### {TITLE}\nシートに書かれた数値と文章だけで答えます。数値には出典（事業・課・年度・ファイル）が付きます。"
                    "使い方は「使い方」タブにあります。", elem_classes="sheetqa-head")
        llm_line = fmt.llm_status(engine.chat_model, engine.llm_problem)
        gr.Markdown(llm_line, visible=bool(llm_line), elem_id="llm-note", elem_classes="sheetqa-head")
        store_line = fmt.store_status(engine.health)
        gr.Markdown(store_line, visible=bool(store_line), elem_id="store-note", elem_classes="sheetqa-head")
        turns = gr.State([])
        shown_ids = gr.State([r.summary.sheet_id for r in rows])
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("質問する", id="chat", elem_id="tab-chat"):  # noqa: SIM117 (the layout reads as nested)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            show_label=False, height="max(300px, calc(100vh - 420px))", elem_id="chatbot",
                            sanitize_html=True, allow_tags=False, latex_delimiters=[], render_markdown=True,
                            buttons=["copy"], feedback_options=None,
                            placeholder="事務事業評価シートについて質問してください。",
                        )
                        with gr.Row(equal_height=False, elem_id="scope-row"):
                            scope = gr.Dropdown(
                                browse.pick_choices(rows), value=[], multiselect=True, scale=6, elem_id="scope",
                                label="質問の対象（選んだ事業について答えます。事業名を書いた質問はその事業について）",
                            )
                            scope_clear = gr.Button("対象を解除", size="sm", scale=1, min_width=90, elem_id="scope-clear")
                        with gr.Row():
                            msg = gr.Textbox(placeholder="例: 令和6年度のオンライン申請件数の実績は？", show_label=False,
                                             scale=6, elem_id="question", max_length=MAX_QUESTION, autofocus=True)
                            send = gr.Button("送信", variant="primary", scale=1, min_width=70, elem_id="send")
                            clear = gr.Button("会話を消去", scale=1, min_width=90, elem_id="clear")
                        with gr.Accordion("質問の例（押すとそのまま質問します）", open=False, elem_id="examples"):  # noqa: SIM117
                            with gr.Row(elem_classes="sheetqa-examples"):
                                example_buttons = [gr.Button(q, size="sm") for q in example_questions(rows)]
                    with gr.Column(scale=2, min_width=360, elem_id="side"):
                        side_head = gr.Markdown(SIDE_IDLE if rows else EMPTY_STORE if engine.usable else
                                                fmt.md_escape(engine.health.line_ja), elem_id="side-head")
                        plot = gr.Image(label="グラフ", show_label=False, visible=False, elem_id="chart", type="filepath",
                                        interactive=False, format="png", buttons=["download", "fullscreen"],
                                        alt_text="回答の数値のグラフ")
                        facts = gr.Dataframe(
                            headers=fmt.FACT_COLUMNS, label="回答に使った数値", interactive=False, wrap=True,
                            elem_id="facts", max_height=360, visible=False, pinned_columns=1,
                            column_widths=["150px", "170px", "90px", "110px", "110px", "120px", "180px"],
                        )
                        csv_btn = gr.DownloadButton("数値をCSVで保存", visible=False, elem_id="facts-csv", size="sm")
                        quotes = gr.Markdown(visible=False, elem_id="side-quotes")
                        store_table = gr.Dataframe(browse.holdings_table(rows), label="シート", visible=bool(rows), interactive=False, wrap=True,
                                                   elem_id="side-store", max_height=420, pinned_columns=1,
                                                   column_widths=STORE_WIDTHS[4])
                        answer_json = gr.JSON(visible=False, label="回答（JSON）")
            with gr.Tab("シート一覧", id="sheets", elem_id="tab-sheets") as sheets_tab:
                with gr.Row():
                    f_dept = gr.Dropdown(opts["department"], value=browse.ALL, label="部局", scale=2)
                    f_sect = gr.Dropdown(opts["section"], value=browse.ALL, label="課", scale=2)
                    f_fy = gr.Dropdown(opts["fy"], value=browse.ALL, label="評価対象年度", scale=1)
                    f_res = gr.Dropdown(opts["result"], value=browse.ALL, label="評価結果", scale=1)
                with gr.Row():
                    f_text = gr.Textbox(label="事業名・課・ファイル名で絞り込み", placeholder="例: デジタル", scale=4)
                    f_warn = gr.Checkbox(label="注意があるシートだけ", scale=1)
                    reload = gr.Button("再読み込み", scale=1, size="sm")
                count = gr.Markdown(elem_id="sheet-count")
                sheet_table = gr.Dataframe(
                    browse.sheets_frame(rows), label="登録済みのシート（行を押すと読み取り結果を表示）", interactive=False,
                    wrap=True, elem_id="sheet-table", max_height=420, pinned_columns=1,
                )
                pick_sheet = gr.Dropdown(browse.pick_choices(rows), value=None, label="シートを選ぶ", elem_id="sheet-pick")
                with gr.Column(visible=False) as detail:
                    with gr.Row():
                        ask_btn = gr.Button("この事業について質問", variant="primary", elem_id="ask-about", scale=2)
                        scope_add = gr.Button("質問の対象に追加（複数の事業を選べます）", elem_id="scope-add", scale=2)
                    d_head = gr.Dataframe(label="シート", interactive=False, wrap=True, elem_id="sheet-head",
                                          column_widths=["120px", "auto"])
                    d_ind = gr.Dataframe(label="指標（計画 / 実績）", interactive=False, wrap=True, elem_id="sheet-indicators",
                                         pinned_columns=1)
                    d_cost = gr.Dataframe(label="事業費（千円、単位コストは円）", interactive=False, wrap=True,
                                          elem_id="sheet-costs", pinned_columns=1)
                    d_eval = gr.Dataframe(label="評価", interactive=False, wrap=True, elem_id="sheet-evals")
                    with gr.Accordion("文章（各欄の本文）", open=False, elem_id="sheet-texts"):
                        d_sect = gr.Dataframe(label="文章", interactive=False, wrap=True, max_height=600,
                                              elem_id="sheet-sections", column_widths=["180px", "auto"])
                    d_warn = gr.Dataframe(label="注意", interactive=False, wrap=True, elem_id="sheet-warnings",
                                          column_widths=["50px", "auto"])
            with gr.Tab("シートを追加", id="add", elem_id="tab-add"):
                gr.Markdown(
                    f"事務事業評価シートのファイル（{'・'.join(SUFFIXES)}、1ファイル {limit_mb:.0f} MB まで）を選んで"
                    "「登録する」を押してください。部局などでまとめた、いくつものシートが入った1つのファイル（PDF・テキスト）も"
                    "登録できます（シートごとに結果を表示します）。読み取れなかったファイルは理由を表示し、登録済みの内容は"
                    "変わりません。同じ名前のファイルを登録し直すと、そのシートは新しい内容に置き換わります。"
                )
                upload = gr.File(file_count="multiple", file_types=list(SUFFIXES), label="シートのファイル",
                                 elem_id="upload", interactive=engine.usable)
                add_btn = gr.Button("登録する", variant="primary", elem_id="add-button", interactive=engine.usable)
                add_note = gr.Markdown("" if engine.usable else fmt.md_escape(engine.health.line_ja), elem_id="add-note")
                replace_btn = gr.Button("置き換える", variant="stop", visible=False, elem_id="replace-button", size="sm")
                conflicts = gr.State([])
                add_report = gr.Dataframe(headers=REPORT_COLUMNS, label="ファイルごとの結果", interactive=False,
                                          wrap=True, elem_id="add-report", column_widths=["200px", "90px", "200px", "auto"])
            with gr.Tab("使い方", id="guide", elem_id="tab-guide"):
                gr.Markdown(guide_text(), elem_id="guide")

        side_outputs = [side_head, plot, facts, csv_btn, quotes, store_table]
        chat_outputs = [msg, chatbot, turns, *side_outputs, answer_json]
        ask_args: dict[str, Any] = {"fn": respond, "inputs": [msg, chatbot, turns, scope], "outputs": chat_outputs,
                                    "concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask",
                                    "show_progress": "minimal"}
        msg.submit(**ask_args, api_name="ask")
        send.click(**ask_args, api_visibility="private")
        for b in example_buttons:
            b.click(lambda q: q, inputs=b, outputs=msg, api_visibility="private", queue=False).then(
                **ask_args, api_visibility="private")
        chatbot.option_select(respond.choose, inputs=[chatbot, turns], outputs=chat_outputs,
                              concurrency_limit=ASK_CONCURRENCY, concurrency_id="ask", show_progress="minimal",
                              api_name="choose")
        clear.click(clear_chat(engine), outputs=chat_outputs, api_name="clear", queue=False)
        scope_clear.click(lambda: gr.Dropdown(value=[]), outputs=scope, api_visibility="private", queue=False)

        filters = [f_dept, f_sect, f_fy, f_res, f_text, f_warn, scope]
        table_outputs = [sheet_table, shown_ids, f_dept, f_sect, f_fy, f_res, pick_sheet, count, scope]
        refresh: dict[str, Any] = {"fn": table, "inputs": filters, "outputs": table_outputs,
                                   "api_visibility": "private"}
        for f in (f_dept, f_sect, f_fy, f_res, f_warn):
            f.input(**refresh)  # user input only: the refresh itself resets these without looping
        f_text.submit(**refresh)
        reload.click(**refresh)
        sheets_tab.select(**refresh)
        demo.load(**refresh)
        detail_outputs = [detail, d_head, d_ind, d_cost, d_eval, d_sect, d_warn]
        pick_sheet.change(show, inputs=pick_sheet, outputs=detail_outputs, api_name="sheet")
        sheet_table.select(pick, inputs=shown_ids, outputs=pick_sheet, api_visibility="private")
        ask_btn.click(ask_about, inputs=pick_sheet, outputs=[scope, tabs], api_visibility="private", queue=False)
        scope_add.click(add_to_scope, inputs=[pick_sheet, scope], outputs=scope, api_visibility="private", queue=False)
        add_outputs = [add_note, add_report, upload, conflicts, replace_btn]
        add_btn.click(add, inputs=[upload, conflicts], outputs=add_outputs, api_name="add",
                      concurrency_limit=1, concurrency_id="add").then(**refresh)
        replace_btn.click(add.replace, inputs=conflicts, outputs=add_outputs, api_name="replace",
                          concurrency_limit=1, concurrency_id="add").then(**refresh)

        def forget(request: gr.Request) -> None:  # the page was closed: its answer files go
            engine.files.forget(request.session_hash)
            engine.shapes.pop(request.session_hash or "", None)

        demo.unload(forget)

    demo.queue(default_concurrency_limit=4, max_size=256)
    ENGINES[demo] = engine  # ui.launch serves the answer files this engine wrote
    return demo


GUIDE = Path(__file__).resolve().parent / "docs" / "guide.md"


def guide_text() -> str:
    """docs/guide.md for the 「使い方」 tab (the project's own text, so rendered as Markdown)."""
    try:
        text = GUIDE.read_text(encoding="utf-8")
    except OSError:
        return "使い方の説明（docs/guide.md）が見つかりません。"
    return re.sub(r"^# .*\n", "", text, count=1)  # the tab's name is the title
