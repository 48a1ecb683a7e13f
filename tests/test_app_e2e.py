"""End to end in a real browser: ``python app.py`` on a free port, driven by headless Chromium.

The store is built once from ``data/samples``; the app is started the way ``make run`` starts
it (a subprocess, the store given by ``SHEETQA_HOME``). In the browser: ask
「令和6年度のオンライン申請件数の実績は？」, see 316,799, open the sources panel, see the chart and
the facts table (and download it as CSV), ask a follow-up, ask for a quote and check it is the
sheet's own text, upload a sheet (plus a file that is not one) and find the new sheet in the
Sheets tab. Nothing from the sheets may run as markup: the uploaded sheet's name carries an
``<img onerror>`` and its text a ``<script>``.

At 1366×768 and 1920×1080: choose a sheet in シート一覧 (「この事業について質問」) and ask
「この事業の課題は何？」; ask 「総事業費は？」, which fits all three projects, and press one of the
offered buttons; after every answer check that no table column is cut off (cells against their
boxes, wide tables scrolling with the first column fixed), that chart text is at least 12 px as
shown (the PNG records its smallest text; scaled by the shown width), that the right column
matches the answer (figures, quoted sections, or the store's sheets after a decline) and that
nothing covers the chat text. The questions of the app issue must come back complete.

Screenshots go to ``tests/artifacts/``; with ``SHEETQA_SCREENSHOTS=1`` the ones the README shows
are written to ``docs/screenshots/`` instead.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``); without it this module
is skipped.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORTS = [(1366, 768), (1920, 1080)]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
XSS_PROJECT = '試験<img src=x onerror="window.__xss=1">事業'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from ingest.index import build
    from ingest.vectors import E5Embedding
    from tests.index_support import SAMPLES, model_cache, real_embeddings
    from ui.settings import UISettings

    home = tmp_path_factory.mktemp("app-e2e-store")
    settings = UISettings(home=home, models={"cache_dir": model_cache()})
    report = build([SAMPLES], settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return settings


@pytest.fixture(scope="module")
def app_url(store):
    from tests.index_support import subprocess_env

    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "app-e2e.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env=subprocess_env(SHEETQA_HOME=str(store.home), GRADIO_ANALYTICS_ENABLED="False"),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode}; see {ARTIFACTS / 'app-e2e.log'}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer on {url} within 240 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _open(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ja-JP", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url)
    pg.locator("#question").wait_for()
    return context, pg


@pytest.fixture(scope="module")
def page(browser, app_url):
    context, pg = _open(browser, app_url, 1366, 768)
    try:
        yield pg
    finally:
        pg.screenshot(path=str(ARTIFACTS / "last.png"), full_page=True)
        context.close()


@pytest.fixture(scope="module", params=VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def view(request, browser, app_url):
    width, height = request.param
    context, pg = _open(browser, app_url, width, height)
    try:
        yield pg
    finally:
        pg.screenshot(path=str(ARTIFACTS / f"last-{width}x{height}.png"), full_page=True)
        context.close()


def _shot(page, name: str, full_page: bool = False) -> None:
    """A screenshot named by what it shows and the window size; into docs/screenshots/ when asked."""
    size = page.viewport_size
    folder = SCREENSHOTS if os.environ.get("SHEETQA_SCREENSHOTS") else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-{size['width']}x{size['height']}.png"), full_page=full_page)


def _ask(page, question: str) -> None:
    """Type a question, send it, and wait until the event is over (not only the text: the last
    update re-renders the chat, and a sources panel opened before it would close again)."""
    before = page.locator("#chatbot [data-testid=bot]").count()
    box = page.locator("#question textarea, #question input").first
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        """n => { const b = document.querySelectorAll('#chatbot [data-testid=bot]');
                  const t = document.querySelector('#chatbot [data-testid=status-tracker]');
                  return b.length > n && b[n].innerText.trim() !== '…' && (!t || t.classList.contains('hide')); }""",
        arg=before)
    time.sleep(1.0)


def _open_sources(page, title: str, content):
    """Open the last sources panel whose title starts with ``title``; ``content`` must then show.

    Clicked again if a late re-render of the chat closed it (it starts closed)."""
    for _ in range(3):
        if not content.is_visible():
            page.locator("#chatbot").get_by_text(title).last.click()
        content.wait_for(state="visible")
        time.sleep(0.5)
        if content.is_visible():
            return content
    raise AssertionError(f"the sources panel {title!r} does not stay open")


def test_ask_see_figure_sources_chart(page, store) -> None:
    _ask(page, "令和6年度のオンライン申請件数の実績は？")
    answer = page.locator("#chatbot [data-testid=bot]").first
    assert "316,799" in answer.inner_text()

    # the sources panel under the answer: closed at first, then the table row the figure comes from
    title = page.locator("#chatbot").get_by_text("出典（").last
    title.wait_for()
    row = "2024年度 計画 300,000、実績 316,799"
    assert not page.locator("#chatbot").get_by_text(row).first.is_visible()
    _open_sources(page, "出典（", page.locator("#chatbot").get_by_text(row).first)
    assert "デジタルファースト推進事業" in page.locator("#chatbot").inner_text()

    # the chart (plan and actual per year) and the facts table
    chart = page.locator("#chart img").first
    chart.wait_for(state="visible")
    assert page.evaluate("img => img.complete && img.naturalWidth > 300", chart.element_handle())
    facts = page.locator("#facts")
    facts.wait_for(state="visible")
    assert "316,799" in facts.inner_text() and "成果指標②" in facts.inner_text()
    with page.expect_download() as dl:
        page.locator("#facts-csv").click()
    csv_text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert "316799" in csv_text and "オンライン申請件数" in csv_text
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)

    # a follow-up keeps the conversation's context
    _ask(page, "その前年は？")
    assert "291,289" in page.locator("#chatbot [data-testid=bot]").nth(-2).inner_text()


def test_quote_is_verbatim(page) -> None:
    from ingest.parse import parse_file

    sheet = parse_file(ROOT / "data" / "samples" / "koriyama_r7_digital_first.txt")
    comment = next(s.text for s in sheet.sections if s.key == "secondary_comment")
    _ask(page, "デジタルファースト推進事業の二次評価のコメントを要約して")
    before = page.locator("#chatbot blockquote").count()  # an earlier answer's panel may be open
    page.locator("#chatbot").get_by_text("出典（引用").last.click()
    page.wait_for_function("n => document.querySelectorAll('#chatbot blockquote').length > n", arg=before)
    time.sleep(0.5)
    texts = [b.inner_text().strip().replace("\n", "") for b in page.locator("#chatbot blockquote").all()[before:]]
    quotes = [t for t in texts if not re.search(r"\d{4}年度 計画", t)]  # not the table rows of its figures
    assert quotes and all(len(t) > 20 and t in comment.replace("\n", "") for t in quotes), texts
    page.screenshot(path=str(ARTIFACTS / "chat-quote.png"), full_page=True)


def test_upload_then_browse(page, store, tmp_path) -> None:
    from ingest.index import list_sheets
    from ingest.model import Cost, Indicator, IndicatorValue, Project, Section, Sheet

    before = {s.sheet_id for s in list_sheets(store)}
    sheet = Sheet(
        sheet_id="", template="canonical", municipality="郡山市", target_fy=2024,
        project=Project(name=XSS_PROJECT, department="総務部", section="総務課"),
        indicators=[Indicator(kind="activity", no=1, name="市民講座の開催回数", unit="回",
                              values=[IndicatorValue(fy=2023, plan=8, actual=7), IndicatorValue(fy=2024, plan=10, actual=9)])],
        costs=[Cost(fy=2024, project_cost=1000, personnel_cost=500, total_cost=1500)],
        sections=[Section(key="purpose", label="意図（目的）",
                          text="<script>window.__xss=2</script>[リンク](javascript:alert(1)) 市民が学ぶ機会を増やす。")],
    )
    good = tmp_path / "新しい シート.json"  # the space is sanitized on upload
    good.write_text(sheet.to_json(), encoding="utf-8")
    bad = tmp_path / "not-a-sheet.txt"
    bad.write_text("これは事務事業評価シートではありません。\n", encoding="utf-8")

    page.get_by_role("tab", name="シートを追加").click()
    page.locator("#upload input[type=file]").set_input_files([str(good), str(bad)])
    page.locator("#upload").get_by_text("not-a-sheet").first.wait_for()
    page.locator("#add-button").click()
    page.wait_for_function("() => document.querySelector('#add-note').innerText.includes('ファイル:')",
                           timeout=180_000)
    text = page.locator("#add-report").inner_text()
    assert "登録" in text and "not-a-sheet.txt" in text and "新しい_シート.json" in text
    assert "事務事業評価シートではありません" in text and "not a" not in text and str(tmp_path) not in text
    assert "2 ファイル" in page.locator("#add-note").inner_text()
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    after = {s.sheet_id for s in list_sheets(store)}
    assert len(after - before) == 1 and before <= after  # the bad file changed nothing
    try:
        _browse_and_ask_the_upload(page, store)
    finally:  # the other tests count the three samples
        from ingest.index import remove

        for sheet_id in after - before:
            remove(sheet_id, store)
        (store.home / "uploads" / "新しい_シート.json").unlink(missing_ok=True)


def _browse_and_ask_the_upload(page, store) -> None:
    uploads = sorted(p.name for p in (store.home / "uploads").iterdir())
    assert uploads == ["新しい_シート.json"]
    # the Sheets tab lists it; choosing it shows its parsed reading
    page.get_by_role("tab", name="シート一覧").click()
    cell = page.locator("#sheet-table [role=gridcell]").filter(has_text="onerror").first
    cell.wait_for()
    assert XSS_PROJECT in cell.inner_text()  # shown as text
    cell.click()
    page.locator("#sheet-indicators [role=gridcell]").filter(has_text="市民講座の開催回数").first.wait_for()
    assert "10 / 9" in page.locator("#sheet-indicators").inner_text()
    page.screenshot(path=str(ARTIFACTS / "sheets.png"), full_page=True)

    # the chat finds it too; its markup is shown, never run
    page.get_by_role("tab", name="質問する").click()
    _ask(page, f"{XSS_PROJECT}の目的は？")
    _open_sources(page, "出典（引用",
                  page.locator("#chatbot blockquote").filter(has_text="<script>window.__xss=2</script>").first)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("a[href^=javascript]").count() == 0
    page.screenshot(path=str(ARTIFACTS / "markup-as-text.png"), full_page=True)


# ----------------------------------------------------------------------------- at office screen sizes

CLIPPED = """root => {
  // Problems of the visible tables under root: a cell whose text is cut by its box, a table wider
  // than its box that does not scroll (or scrolls without its first column fixed), a box running
  // out of its column.
  const out = [];
  for (const wrap of document.querySelectorAll(root + ' .table-wrap')) {
    if (!wrap.offsetParent) continue;
    const vp = wrap.querySelector('.virtual-table-viewport') || wrap;
    const scrolls = vp.scrollWidth > vp.clientWidth + 1;
    const ox = getComputedStyle(vp).overflowX;
    const name = (wrap.closest('[id]') || wrap).id;
    if (scrolls && ox !== 'auto' && ox !== 'scroll') out.push(name + ': wider than its box and not scrollable');
    const box = wrap.getBoundingClientRect();
    const column = wrap.closest('#side') || wrap.closest('.tabitem') || document.body;
    if (box.right > column.getBoundingClientRect().right + 1) out.push(name + ': runs out of its column');
    for (const cell of wrap.querySelectorAll('th, td, [role=gridcell], [role=columnheader]')) {
      if (cell.getBoundingClientRect().height < 2 || !cell.innerText.trim()) continue;
      for (const el of [cell, ...cell.querySelectorAll('*')]) {
        const cs = getComputedStyle(el);
        if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip' || cs.textOverflow === 'ellipsis')
            && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
          out.push(name + ': cut text ' + JSON.stringify(cell.innerText.slice(0, 24)));
      }
      if (scrolls && cell.classList.contains('first-column') && getComputedStyle(cell).position !== 'sticky')
        out.push(name + ': scrolls but its first column is not fixed');
    }
  }
  return [...new Set(out)];
}"""

COVERED = """() => {
  // Anything drawn over the chat's text: sample points of every bubble on screen must hit the
  // bubble itself, and no button or label of the chat box may sit on a bubble.
  const chat = document.querySelector('#chatbot');
  const cr = chat.getBoundingClientRect();
  const bubbles = [...chat.querySelectorAll('[data-testid=bot], [data-testid=user]')];
  const out = [];
  for (const b of bubbles) {
    const r = b.getBoundingClientRect();
    const top = Math.max(r.top, cr.top) + 8, bottom = Math.min(r.bottom, cr.bottom, innerHeight) - 8;
    if (bottom - top < 4) continue;
    const left = r.left + 8, right = r.right - 8, mid = (top + bottom) / 2;
    for (const [x, y] of [[left, top], [right, top], [left, bottom], [right, bottom], [(left + right) / 2, mid]]) {
      const el = document.elementFromPoint(x, y);
      if (el && !b.contains(el) && !el.contains(b))
        out.push(JSON.stringify(b.innerText.slice(0, 16)) + ' covered by ' + el.tagName + '.' + el.className);
    }
  }
  const extras = [...chat.querySelectorAll('button, label, .icon-button-wrapper')]
    .filter(e => e.offsetParent && !bubbles.some(b => b.contains(e)));
  for (const e of extras) {
    const a = e.getBoundingClientRect();
    for (const b of bubbles) {
      const c = b.getBoundingClientRect();
      const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
      const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
      if (w > 2 && h > 2) out.push(e.tagName + '.' + e.className + ' over ' + JSON.stringify(b.innerText.slice(0, 16)));
    }
  }
  return [...new Set(out)];
}"""


def _side(page) -> dict[str, object]:
    """What the right column shows now."""
    chart = page.locator("#chart img").first
    return {
        "chart": chart.get_attribute("src") if chart.count() and chart.is_visible() else None,
        "facts": page.locator("#facts").is_visible() and page.locator("#facts").inner_text(),
        "quotes": page.locator("#side-quotes").is_visible() and page.locator("#side-quotes").inner_text(),
        "store": page.locator("#side-store").is_visible() and page.locator("#side-store").inner_text(),
        "head": page.locator("#side-head").inner_text(),
    }


def _chart_text_px(page) -> float:
    """The smallest chart text as shown: the PNG's own record of it, scaled by the shown width."""
    from PIL import Image

    from ui.charts import MIN_FONT_KEY

    img = page.locator("#chart img").first
    img.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    shown, natural = page.evaluate("img => [img.getBoundingClientRect().width, img.naturalWidth]", img.element_handle())
    data = page.request.get(urljoin(page.url, img.get_attribute("src") or "")).body()
    with Image.open(io.BytesIO(data)) as png:
        assert png.width == natural
        return float(png.info[MIN_FONT_KEY]) * shown / natural


def _check_layout(page, where: str = "#tab-chat") -> None:
    assert page.evaluate(CLIPPED, where) == []
    if where == "#tab-chat":
        assert page.evaluate(COVERED) == []


def _bots(page) -> list[str]:
    return [b.inner_text() for b in page.locator("#chatbot [data-testid=bot]").all()]


def _clear(page) -> None:
    page.locator("#clear").click()
    page.wait_for_function("() => !document.querySelector('#chatbot [data-testid=bot]')")
    page.locator("#scope-clear").click()
    page.wait_for_function("() => !document.querySelector('#scope .token')")


def test_ask_about_a_sheet_chosen_in_the_list(view) -> None:
    _clear(view)
    view.get_by_role("tab", name="シート一覧").click()
    view.locator("#sheet-table [role=gridcell]").filter(has_text="デジタルファースト推進事業").first.click()
    view.locator("#ask-about").wait_for(state="visible")
    _check_layout(view, "#tab-sheets")  # the sheet's own tables: 2022–2027 and the targets in reach
    view.locator("#sheet-texts").get_by_text("文章（各欄の本文）").click()
    view.locator("#sheet-sections").wait_for(state="visible")
    _check_layout(view, "#tab-sheets")
    _shot(view, "sheet-list", full_page=True)
    view.locator("#ask-about").click()
    view.locator("#question").wait_for(state="visible")
    assert "デジタルファースト推進事業" in view.locator("#scope").inner_text()  # the chip above the input
    _ask(view, "この事業の課題は何？")
    text = _bots(view)[0]
    assert "デジタルファースト推進事業" in text and "「" in text  # quoted from the chosen sheet
    side = _side(view)
    assert side["quotes"] and not side["chart"] and not side["facts"]  # a text answer: its sections whole
    _check_layout(view)
    _shot(view, "scope-question")

    # another sheet, then its purpose: the scope follows the choice
    view.get_by_role("tab", name="シート一覧").click()
    view.locator("#sheet-table [role=gridcell]").filter(has_text="地域集会所補助事業").first.click()
    view.locator("#sheet-head").get_by_text("地域集会所補助事業").first.wait_for()
    view.locator("#ask-about").click()
    view.locator("#scope").get_by_text("地域集会所補助事業").first.wait_for()
    assert "デジタルファースト推進事業" not in view.locator("#scope").inner_text()
    _ask(view, "この事業の目的は？")
    assert "地域集会所補助事業" in _bots(view)[-2 if len(_bots(view)) > 2 else -1] + _bots(view)[-1]
    # one click clears the scope
    view.locator("#scope-clear").click()
    view.wait_for_function("() => !document.querySelector('#scope .token')")


def test_a_question_fitting_several_projects_offers_buttons(view) -> None:
    _clear(view)
    _ask(view, "総事業費は？")
    buttons = view.locator("#chatbot button.option")
    buttons.first.wait_for()
    labels = [b.inner_text() for b in buttons.all()]
    assert len(labels) >= 2 and any("デジタルファースト推進事業" in x and "ＤＸ戦略課" in x for x in labels), labels
    before = _side(view)
    assert before["chart"] and before["facts"]
    _check_layout(view)
    assert _chart_text_px(view) >= 12
    _shot(view, "choices")
    buttons.filter(has_text="デジタルファースト推進事業").first.click()
    view.wait_for_function("n => document.querySelectorAll('#chatbot [data-testid=user]').length > n", arg=1)
    view.wait_for_function(
        """() => { const b = [...document.querySelectorAll('#chatbot [data-testid=bot]')];
                   return b.some(x => x.innerText.includes('66,671') && !x.innerText.includes('41,851')); }""")
    time.sleep(1.0)
    users = view.locator("#chatbot [data-testid=user]").all()
    assert "総事業費は？" in users[-1].inner_text() and "デジタルファースト推進事業" in users[-1].inner_text()
    after = _side(view)
    assert after["chart"] and after["chart"] != before["chart"] and "地域集会所" not in str(after["facts"])
    _check_layout(view)
    assert _chart_text_px(view) >= 12


def test_the_right_column_follows_each_answer(view) -> None:
    _clear(view)
    seen = []
    _ask(view, "令和6年度のオンライン申請件数の実績は？")
    side = _side(view)
    assert side["chart"] and "316,799" in str(side["facts"]) and not side["quotes"] and not side["store"]
    assert _chart_text_px(view) >= 12
    _check_layout(view)
    _shot(view, "chat-figures")
    seen.append(side)

    _ask(view, "市民からの要望は？")
    side = _side(view)
    assert not side["chart"] and not side["facts"] and "住民意向" in str(side["quotes"]) and not side["store"]
    _check_layout(view)
    _shot(view, "chat-quotes")
    seen.append(side)

    _ask(view, "2030年度の予算は？")
    side = _side(view)
    assert not side["chart"] and not side["facts"] and not side["quotes"]
    assert "地域集会所補助事業" in str(side["store"]) and "技術力向上職員研修事業" in str(side["store"])
    _check_layout(view)
    _shot(view, "chat-decline")
    seen.append(side)

    _clear(view)  # a decline keeps the topic: start over for the trend of every project
    _ask(view, "人件費の推移をグラフで見せて")
    side = _side(view)
    assert side["chart"] and side["facts"] and not side["store"]
    assert _chart_text_px(view) >= 12
    _check_layout(view)
    _shot(view, "chat-trend")
    seen.append(side)
    assert all(a != b for a, b in itertools.pairwise(seen))  # each answer changed the column


ISSUE_QUESTIONS = [
    ("カイゼンの行動計画を教えて", ["具体的なカイゼン策", "カイゼンの明確な時期", "699手続き", "関係所属"]),
    ("キャッシュレス決済の目標は達成できた？", ["57,356", "70,000", "81.9%", "未達成"]),
    ("単位コストは前年度より上がった？", ["155円", "178円", "増え"]),
    ("人件費の推移をグラフで見せて", ["9,236", "13,277", "16,175", "4,711", "4,775"]),
    ("市民からの要望は？", ["住民意向", "電子申請の需要"]),
    ("3事業の評価結果を一覧に", ["地域集会所補助事業", "技術力向上職員研修事業", "デジタルファースト推進事業", "継続"]),
]


@pytest.mark.parametrize(("question", "expected"), ISSUE_QUESTIONS, ids=[q for q, _ in ISSUE_QUESTIONS])
def test_the_issue_questions_come_back_complete(page, question: str, expected: list[str]) -> None:
    _clear(page)
    _ask(page, question)
    text = "\n".join(_bots(page))
    missing = [x for x in expected if x not in text]
    assert not missing, f"{question}: {missing} not in {text[:400]!r}"
    if "グラフ" in question:
        assert _side(page)["chart"] and _chart_text_px(page) >= 12
    _check_layout(page)


def test_screenshot_for_readme(page) -> None:
    """A clean shot of one real answer with its sources open: the README's first picture."""
    _clear(page)
    _ask(page, "令和6年度のオンライン申請件数の実績は？")
    _open_sources(page, "出典（", page.locator("#chatbot blockquote").last)
    page.locator("#chart img").first.wait_for(state="visible")
    time.sleep(0.5)
    page.screenshot(path=str(ARTIFACTS / "readme.png"), full_page=False)
    _shot(page, "chat-sources")
