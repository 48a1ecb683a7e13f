"""End to end in a real browser: ``python app.py`` on a free port, driven by headless Chromium.

The store is built once from ``data/samples``; the app is started the way ``make run`` starts
it (a subprocess, the store given by ``SHEETQA_HOME``). In the browser: ask
「令和6年度のオンライン申請件数の実績は？」, see 316,799, open the sources panel, see the chart and
the facts table (and download it as CSV), ask a follow-up, ask for a quote and check it is the
sheet's own text, upload a sheet (plus a file that is not one) and find the new sheet in the
Sheets tab. Nothing from the sheets may run as markup: the uploaded sheet's name carries an
``<img onerror>`` and its text a ``<script>``. Screenshots go to ``tests/artifacts/``.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run``); without it this module
is skipped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
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
    from assistant.settings import AssistantSettings
    from ingest.index import build
    from ingest.vectors import E5Embedding
    from tests.index_support import SAMPLES, model_cache, real_embeddings

    home = tmp_path_factory.mktemp("app-e2e-store")
    settings = AssistantSettings(home=home, models={"cache_dir": model_cache()})
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
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP", accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(app_url)
        try:
            yield pg
        finally:
            pg.screenshot(path=str(ARTIFACTS / "last.png"), full_page=True)
            context.close()
            browser.close()


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
    quote = _open_sources(page, "出典（引用", page.locator("#chatbot blockquote").filter(has_text="行政評価結果").last)
    text = quote.inner_text().strip().replace("\n", "")
    assert len(text) > 20 and text in comment.replace("\n", ""), text
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
    assert "2 ファイル" in page.locator("#add-note").inner_text()
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    after = {s.sheet_id for s in list_sheets(store)}
    assert len(after - before) == 1 and before <= after  # the bad file changed nothing
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


def test_screenshot_for_readme(page) -> None:
    """A clean shot of one real answer: what docs/screenshot.png (the README's) is made from."""
    page.locator("#clear").click()
    page.locator("#chatbot [data-testid=bot]").first.wait_for(state="detached")
    _ask(page, "令和6年度のオンライン申請件数の実績は？")
    _open_sources(page, "出典（", page.locator("#chatbot blockquote").last)
    page.locator("#chart img").first.wait_for(state="visible")
    time.sleep(0.5)
    page.screenshot(path=str(ARTIFACTS / "readme.png"), full_page=False)
