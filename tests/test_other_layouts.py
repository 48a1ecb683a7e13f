"""Questions over other cities' layouts (the generic reader): cost rows asked by the labels those
sheets print (フルコスト, 正職員数), a year printed as both 予算 and 決算, and an incomplete sheet
said to be one. Gold figures come from the generated corpus's truth files."""

from __future__ import annotations

import re

import pytest
from index_support import model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.llm import guard
from assistant.settings import AssistantSettings
from ingest.index import build
from ingest.model import CostRow, Sheet
from ingest.vectors import E5Embedding


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, list[Sheet]]:
    from eval.corpus import write_corpus

    root = tmp_path_factory.mktemp("generic")
    write_corpus(root / "corpus", n=0, seed=3, pdf_share=0.0, cp932_share=0.0, generic=8)
    # one row no reading can place (one figure under three columns, two of them settled), beside a
    # sheet's 正職員数: a row the truth does not hold, so every other test reads the sheet as written
    for path in sorted((root / "corpus" / "sheets").glob("gen-*.txt")):
        text = path.read_text(encoding="utf-8")
        if (row := re.search(r"^正職員数  人  [\d.]+  [\d.]+$", text, re.M)) is not None:
            path.write_text(text[:row.end()] + "\n臨時職員数  人  1.2" + text[row.end():], encoding="utf-8")
            break
    settings = AssistantSettings(home=root / "store", models={"cache_dir": model_cache()})
    report = build([root / "corpus" / "sheets"], settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    truths = [Sheet.from_json(p.read_text(encoding="utf-8")) for p in sorted((root / "corpus" / "truth").glob("*.json"))]
    return Assistant.from_settings(settings, retrieval=False), truths


def ask(a: Assistant, question: str):
    answer = a.ask(question)
    computed = [f.value for f in answer.facts if f.computed]
    assert guard(answer.answer, answer.facts, answer.citations, computed, question=question).ok, answer.answer
    return answer


def _first_of_several_cities(truths: list[Sheet]) -> str:
    """The first city of a store holding several (the test is skipped where the corpus wrote one)."""
    cities = sorted({t.municipality for t in truths if t.municipality})
    if len(cities) < 2:
        pytest.skip("the corpus wrote one city only")
    return cities[0]


def _fmt(v: float | int) -> str:
    return f"{v:,}" if float(v).is_integer() else f"{v:,}".rstrip("0").rstrip(".")


def test_a_cost_row_by_the_label_the_sheet_prints(world) -> None:
    a, truths = world
    asked = 0
    for t in truths:
        cost = t.cost(t.target_fy)
        if cost is None or t.status == "incomplete":
            continue
        for row in cost.rows:
            if row.value is None or row.label in ("事業費", "人件費", "総事業費"):
                continue
            ans = ask(a, f"{t.project.name}の{t.target_fy}年度の{row.label}は？")
            assert ans.answerable and _fmt(row.value) in ans.answer, (row, ans.answer)
            assert any(f.value == row.value and f.fy == t.target_fy for f in ans.facts)
            asked += 1
            break
    assert asked >= 3


def test_a_year_printed_as_budget_and_settlement_gives_the_settlement(world) -> None:
    a, truths = world
    both = [(t, fy) for t in truths for fy in {c.fy for c in t.costs}
            if {c.basis for c in t.costs if c.fy == fy} >= {"予算", "決算"} and t.cost(fy, "決算").rows]
    if not both:
        pytest.skip("the corpus printed no year twice")
    t, fy = both[0]
    settled = next(r for r in t.cost(fy, "決算").rows if r.value is not None)
    ans = ask(a, f"{t.project.name}の{fy}年度の{settled.label}は？")
    assert _fmt(settled.value) in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}の{fy}年度の{row}、予算に対して決算は何％？", "{p}、{fy}年度の{row}は予算と決算でどれくらいズレた？",
                                  "What was the budget versus actual {row} of {p} in FY{fy}?",
                                  "{p}: how far did the FY{fy} settlement's {row} differ from the FY{fy} budget?"])
def test_a_years_settlement_against_its_budget(world, form: str) -> None:
    # a year printed as both 予算 and 決算: both, their difference and the settled share of the budget
    a, truths = world
    both = [(t, fy) for t in truths for fy in {c.fy for c in t.costs}
            if {c.basis for c in t.costs if c.fy == fy} >= {"予算", "決算"}]
    pairs = [(t, fy, b, s) for t, fy in both for b in t.cost(fy, "予算").rows for s in t.cost(fy, "決算").rows
             if b.label == s.label and b.value and s.value is not None and b.unit == "千円" and b.value != s.value]
    if not pairs:
        pytest.skip("the corpus printed no year twice")
    t, fy, budget, settled = pairs[0]
    ans = ask(a, form.format(p=t.project.name, fy=fy, row=budget.label))
    share = round(settled.value / budget.value * 100 + 1e-9, 1)
    assert _fmt(budget.value) in ans.answer and _fmt(settled.value) in ans.answer, ans.answer
    assert _fmt(share) in ans.answer and _fmt(abs(settled.value - budget.value)) in ans.answer, ans.answer


def test_the_city_a_sheet_belongs_to_may_be_named(world) -> None:
    # 「西山市の観光イベント開催支援事業、…」: the sheet's own municipality is whose project it is,
    # not something asked that the sheet lacks
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and t.municipality and (c := t.cost(t.target_fy)) is not None
             and any(r.value is not None for r in c.rows))
    row = next(r for r in t.cost(t.target_fy).rows if r.value is not None)
    ans = ask(a, f"{t.municipality}の{t.project.name}、{t.target_fy}年度の{row.label}は？")
    assert ans.answerable and _fmt(row.value) in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}ってどこの自治体のシート？担当課は？", "Which city is the {p} sheet from, and which section runs it?"])
def test_which_city_a_sheet_is_of(world, form: str) -> None:
    # 「どこの自治体のシート？」 "Which city is it from": the sheet's municipality, beside who runs it
    # ("Which city" names no other city)
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and t.municipality and t.project.section)
    ans = ask(a, form.format(p=t.project.name))
    assert ans.answerable and t.municipality in ans.answer and t.project.section in ans.answer, ans.answer


def test_a_city_named_scopes_a_store_of_several_cities(world) -> None:
    # 「○○市の事業で一番…」 over sheets of several cities: only that city's projects are ranked
    a, truths = world
    city = _first_of_several_cities(truths)
    own = {t.project.name for t in truths if t.municipality == city}
    others = {t.project.name for t in truths if t.municipality != city} - own
    ans = ask(a, f"{city}の事業で、フルコストが一番大きいのは？")
    named = {f.project for f in ans.facts if f.project}
    assert named and named <= own and not named & others, ans.answer


def test_a_city_of_the_store_named_in_english_is_no_other_city(world) -> None:
    # "Hokushin City's …" over 北辰市's sheet: that sheet, not "figures from outside the sheets"
    from assistant.query import city_romaji

    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and t.municipality and (c := t.cost(t.target_fy)) is not None
             and any(r.value is not None and r.label == "フルコスト" for r in c.rows))
    spelled = next(iter(city_romaji(frozenset([t.municipality])))).capitalize()
    full = next(r for r in t.cost(t.target_fy).rows if r.label == "フルコスト")
    ans = ask(a, f"What was the full cost (フルコスト) of {spelled} City's {t.project.name} in FY{t.target_fy}?")
    assert ans.answerable and "outside" not in ans.answer, ans.answer
    assert any(f.value in (full.value, round(full.value / 1000)) for f in ans.facts), ans.answer


@pytest.mark.parametrize("word", ["総事業費", "総事業費って全部でいくら？ 金額"])
def test_the_total_cost_of_another_layout_is_its_full_cost(world, word: str) -> None:
    # 「総事業費」 over a sheet that prints 直接事業費・間接事業費・フルコスト: the total, not the
    # 直接事業費 that shares its words
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and any(r.label == "フルコスト" and r.value is not None for r in c.rows)
             and any(r.label == "直接事業費" and r.value is not None for r in c.rows))
    rows = {r.label: r.value for r in t.cost(t.target_fy).rows}
    ans = ask(a, f"{t.project.name}の{t.target_fy}年度の{word}は？")
    assert ans.answerable and _fmt(rows["フルコスト"]) in ans.answer, ans.answer
    assert _fmt(rows["直接事業費"]) not in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{city}以外の事業はいくつある？", "How many projects in here come from municipalities other than {en}?"])
def test_the_other_cities_sheets_of_the_store(world, form: str) -> None:
    # 「○○市以外の事業」 over a store of several cities' sheets: the store's own sheets of the other
    # cities, not "figures from outside the sheets"
    from assistant.query import city_romaji

    a, truths = world
    city = _first_of_several_cities(truths)
    others = {t.project.name for t in truths if t.municipality != city}
    en = next(iter(city_romaji(frozenset([city])))).capitalize()
    own = {t.project.name for t in truths if t.municipality == city} - others
    ans = ask(a, form.format(city=city, en=en))
    assert ans.answerable and re.search(rf"(?<!\d){len(others)}(件| project)", ans.answer), ans.answer
    assert all(name in ans.answer for name in others) and not any(name in ans.answer for name in own), ans.answer


@pytest.mark.parametrize("words", ["他の市町のシートの中で", "他市町のシートで", "ほかの自治体の事業のうち", "よその町の分で"])
def test_the_other_towns_sheets_are_said_many_ways(words: str) -> None:
    from assistant.query import _OTHER_CITIES_SHEETS

    assert _OTHER_CITIES_SHEETS.search(words)
    assert not _OTHER_CITIES_SHEETS.search("他の市町と比べて")  # a comparison with outside figures


def test_another_neighbourhood_association_is_no_other_town() -> None:
    from assistant.lexicon import lexicon

    outside = lambda text: [h for h in lexicon().find(text) if h.group == "op" and h.key == "outside"]  # noqa: E731
    assert outside("他の町と比べて多い？") and not outside("他の町内会と比べて加入率は？")


def test_a_result_asked_without_a_stage_is_each_sheets_last_word(world) -> None:
    # 「評価結果が『拡充』の事業」 over layouts that print one evaluation: that one, not a 二次評価 they lack
    a, truths = world
    latest = {}
    for t in truths:
        if t.evaluations and (t.project.name not in latest or t.target_fy > latest[t.project.name].target_fy):
            latest[t.project.name] = t
    word = max({e.result for t in latest.values() for e in t.evaluations if e.result},
               key=lambda w: sum(t.evaluations[-1].result == w for t in latest.values()))
    rated = {name for name, t in latest.items() if t.evaluations[-1].result == word}
    ans = ask(a, f"評価結果が「{word}」になってる事業はどれ？")
    assert ans.answerable and all(name in ans.answer for name in rated), ans.answer
    assert re.search(rf"(?<!\d){len(rated)}件", ans.answer), ans.answer


@pytest.mark.parametrize("stage", ["二次評価", "the secondary evaluation"])
def test_a_stage_a_layout_printing_one_result_lacks(world, stage: str) -> None:
    # a layout printing one 評価結果 has no 二次評価: declined, with the one result it prints
    a, truths = world
    t = next(t for t in truths if len([e for e in t.evaluations if e.result]) == 1 and t.project.name
             and sum(x.project.name == t.project.name for x in truths) == 1)
    result = t.evaluations[0].result
    question = f"{t.project.name}の{stage}は？" if stage == "二次評価" else f"What was {stage} of {t.project.name}?"
    ans = ask(a, question)
    assert not ans.answerable and result in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["補助金以外の事業はいくつある？", "建設部以外の事業の数は？"])
def test_a_word_before_igai_that_is_no_city_sets_no_city_aside(world, question: str) -> None:
    # 補助金・建設部 are no city: no list of "the other cities' projects"
    a, _ = world
    ans = ask(a, question)
    assert not re.search(r"[一-龥ァ-ヶ]+[市町村区]・[一-龥ァ-ヶ・]+の事業", ans.answer), ans.answer


def test_a_share_of_a_printed_row_in_the_printed_total(world) -> None:
    # 「フルコストのうち一般財源は何割？」 over a layout printing both rows: the share, computed
    from assistant.measures import percent

    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and all(any(r.label == w and r.value for r in c.rows) for w in ("フルコスト", "一般財源")))
    rows = {r.label: r.value for r in t.cost(t.target_fy).rows}
    ans = ask(a, f"{t.project.name}の{t.target_fy}年度、フルコストのうち一般財源は何割？")
    share = percent(rows["一般財源"], rows["フルコスト"])
    assert share is not None and f"{share:g}%" in ans.answer, (share, ans.answer)


@pytest.mark.parametrize("form", ["What portion of the {name}'s FY{fy} full cost was indirect cost?",
                                  "What share of the full cost was indirect cost in FY{fy} for the {name}?"])
def test_a_share_of_a_printed_row_asked_in_english(world, form: str) -> None:
    # "indirect cost" is the printed 間接事業費 (through the glossary), "full cost" the printed フルコスト
    from assistant.measures import percent

    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and all(any(r.label == w and r.value for r in c.rows) for w in ("フルコスト", "間接事業費")))
    rows = {r.label: r.value for r in t.cost(t.target_fy).rows}
    ans = ask(a, form.format(name=t.project.name, fy=t.target_fy))
    share = percent(rows["間接事業費"], rows["フルコスト"])
    assert share is not None and f"{share:g}%" in ans.answer, (share, ans.answer)


def test_a_breakdown_named_by_the_printed_rows_words(world) -> None:
    # 「直接・間接の内訳」 over a sheet printing 直接事業費 and 間接事業費: those two rows
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and {"直接事業費", "間接事業費"} <= {r.label for r in c.rows if r.value is not None})
    rows = {r.label: r.value for r in t.cost(t.target_fy).rows}
    ans = ask(a, f"{t.project.name}の{t.target_fy}年度の事業費の直接・間接の内訳は？")
    assert _fmt(rows["直接事業費"]) in ans.answer and _fmt(rows["間接事業費"]) in ans.answer, ans.answer


def test_a_printed_cost_label_named_with_a_city_is_a_filter(world) -> None:
    # 「○○市の地方債が入ってる事業は？」: the projects of that city with 地方債, not every project of it
    a, truths = world
    cities = sorted({t.municipality for t in truths if t.municipality})
    with_bonds = {t.municipality for t in truths for c in t.costs for r in c.rows if r.label == "地方債" and r.value}
    city = next((c for c in cities if c in with_bonds), None)
    if city is None:
        pytest.skip("no city's sheet prints 地方債")
    ans = ask(a, f"{city}の地方債が入ってる事業は？")
    own = {t.project.name for t in truths if t.municipality == city}
    bonded = {t.project.name for t in truths if t.municipality == city
              for c in t.costs for r in c.rows if r.label == "地方債" and r.value}
    assert ans.answerable and all(n in ans.answer for n in bonded), ans.answer
    assert not any(n in ans.answer for n in own - bonded), ans.answer  # not every project of the city


@pytest.mark.parametrize("form", ["What was the total cost of {p} in FY{y}?", "{p}の{y}年度の総事業費は？"])
def test_a_total_asked_of_a_sheet_printed_in_yen_is_its_own_row(world, form: str) -> None:
    # the sheet prints フルコスト in 円: the answer is that row as printed, not the 千円 it converts to
    a, truths = world
    t = next((t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
              and any(r.label == "フルコスト" and r.unit == "円" and r.value for r in c.rows)), None)
    if t is None:
        pytest.skip("no sheet printed in 円")
    full = next(r.value for r in t.cost(t.target_fy).rows if r.label == "フルコスト")
    ans = ask(a, form.format(p=t.project.name, y=t.target_fy))
    assert ans.answerable and _fmt(full) in ans.answer, ans.answer


_TO_THOUSANDS = {"千円": 1.0, "円": 0.001, "万円": 10.0, "百万円": 1000.0}


def _latest_settled(truths: list[Sheet], label: str) -> list[tuple[float, str, float | int]]:
    """(value in one scale, project, value as printed) of each project's latest settled ``label``."""
    latest: dict[str, tuple[int, float, float | int]] = {}
    for t in truths:
        for c in t.costs:
            row = c.row(label) if c.basis in ("決算", "実績") else None
            if row is not None and row.value is not None and t.project.name and (
                    t.project.name not in latest or c.fy >= latest[t.project.name][0]):
                latest[t.project.name] = (c.fy, row.value * _TO_THOUSANDS.get(row.unit or "", 1.0), row.value)
    return sorted(((scaled, name, v) for name, (_, scaled, v) in latest.items()), reverse=True)


@pytest.mark.parametrize("label, question", [
    ("間接事業費", "間接事業費が一番大きい事業は？"),
    ("正職員数", "直近の決算で正職員数が一番多い事業は？何人？"),
    ("正職員数", "Which project had the most full-time staff?"),
])
def test_a_ranking_by_a_row_only_other_layouts_print(world, label: str, question: str) -> None:
    # ranked by that row, never by the total cost; sheets printing 円 and 千円 compared in one scale
    a, truths = world
    ranked = _latest_settled(truths, label)
    assert len(ranked) >= 2
    _, top, value = ranked[0]
    ans = ask(a, question)
    first = ans.answer.split("\n")[0]
    assert ans.answerable and label in first and top in first and _fmt(value) in first, ans.answer


def test_a_row_the_reader_could_not_place_is_said_to_be_unread(world) -> None:
    # a row printed with fewer figures than columns (正職員数: 2 values under 3 years) is not read;
    # asked for, it is "printed but unread", with the reader's note — not "the sheet says nothing"
    a, _ = world
    unread = [(ref, w) for ref in a.catalog.sheets for sheet in [a.sheet(ref.sheet_id)] if sheet
              for w in sheet.warnings if "読み取っていません" in w and ":" in w]
    assert unread, "the world's unplaceable row was read"
    ref, warning = unread[0]
    label = warning.split(":", 1)[0]
    ans = ask(a, f"{ref.project}の{label}、{ref.target_fy}年度は？")
    assert not ans.answerable and "読み取れなかった" in ans.answer and label in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["{name}のシート、要点だけ教えて", "What's the direction going forward for the {name}?"])
def test_another_layouts_direction_is_in_its_gist(world, question: str) -> None:
    # the one-page sheets print 今後の方向性 as one line: a summary gives it, and "direction" asks it
    a, truths = world
    t = next(t for t in truths if any(s.key == "kaizen" and s.text for s in t.sections) and t.status != "incomplete")
    line = next(s.text for s in t.sections if s.key == "kaizen")
    ans = a.ask(question.format(name=t.project.name))
    assert ans.answerable and line.split("。")[0] in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{city}以外の市町の事業で、フルコストが一番大きいのは？", "{core}以外の自治体の事業で、フルコストが一番大きいのは？"])
def test_a_city_set_aside_before_the_word_for_towns(world, form: str) -> None:
    # 「郡山以外の市町の事業」: the other cities' projects, never the one named
    a, truths = world
    city = _first_of_several_cities(truths)
    own = {t.project.name for t in truths if t.municipality == city}
    ans = ask(a, form.format(city=city, core=city[:-1]))
    named = {f.project for f in ans.facts if f.project}
    assert named and not named & own, ans.answer


def test_other_cities_sheets_included_is_no_outside_figure(world) -> None:
    # 「（他市のシートも含めて）」 widens the question to every sheet the store holds
    a, truths = world
    t = next(t for t in truths if t.project.department)
    ans = ask(a, f"{t.project.department}の事業って何がある？（他市のシートも含めて）")
    assert ans.answerable and t.project.name in ans.answer, ans.answer


def test_a_printed_row_goes_on_in_a_follow_up(world) -> None:
    # 「そのうち一般財源は？」 then 「前の年は？」: the row another city's sheet prints under its own label
    # stays the conversation's row (it is no fixed cost field)
    from assistant.chain import Turn

    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and (b := t.cost(t.target_fy - 1)) is not None
             and all(any(r.label == "一般財源" and r.value for r in x.rows) for x in (c, b)))
    before = next(r.value for r in t.cost(t.target_fy - 1).rows if r.label == "一般財源")
    first = ask(a, f"{t.project.name}の{t.target_fy}年度の一般財源は？")
    ans = a.ask("その前の年は？", [Turn(first.question, first)])
    assert ans.answerable and _fmt(before) in ans.answer, ans.answer


@pytest.mark.parametrize("words", ["How many full-time staff were assigned to {name} in FY{fy}?",
                                   "What was the full-time staff count of {name} in FY{fy}?"])
def test_full_time_staff_in_english_is_the_printed_staff_row(world, words: str) -> None:
    # 正職員数, a row only another city's layout prints, asked in English
    a, truths = world
    asked = 0
    for t in truths:
        cost = t.cost(t.target_fy)
        staff = next((r for r in (cost.rows if cost else []) if r.label == "正職員数" and r.value is not None), None)
        if staff is None or t.status == "incomplete":
            continue
        ja = ask(a, f"{t.project.name}の{t.target_fy}年度の正職員数は？")
        if not (ja.answerable and _fmt(staff.value) in ja.answer):
            continue  # a layout whose blank cells leave the row unread: declined alike in either language
        ans = ask(a, words.format(name=t.project.name, fy=t.target_fy))
        assert ans.answerable and _fmt(staff.value) in ans.answer and "正職員数" in ans.answer, ans.answer
        asked += 1
    if not asked:
        pytest.skip("no sheet of the corpus prints its staff for its year")


@pytest.mark.parametrize("words", ["How many ALTs does {city} employ?", "How many school buses does {city} run?"])
def test_how_many_of_something_in_a_city_is_no_count_of_its_projects(world, words: str) -> None:
    # the city names whose sheets; "how many ALTs" counts ALTs, which no sheet gives — not the city's projects
    a, truths = world
    ans = ask(a, words.format(city=_first_of_several_cities(truths)))
    assert not ans.answerable and "project(s) for" not in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{city}以外の自治体のシート、何団体分入ってる？", "How many municipalities other than {en} are in the store?"])
def test_the_other_cities_of_the_store_counted(world, form: str) -> None:
    # 「何団体分」 counts the cities whose sheets the store holds (the one named set aside), not projects
    from assistant.query import city_romaji

    a, truths = world
    city = _first_of_several_cities(truths)
    others = sorted({t.municipality for t in truths if t.municipality and t.municipality != city})
    en = next(iter(city_romaji(frozenset([city])))).capitalize()
    ans = ask(a, form.format(city=city, en=en))
    assert ans.answerable and re.search(rf"(?<!\d){len(others)}(団体| municipalities)", ans.answer), ans.answer
    assert all(c in ans.answer for c in others), ans.answer


@pytest.mark.parametrize("form", ["{p}の{y}年度のフルコストを千円単位で教えて", "What was the full cost of {p} in FY{y}, in thousand yen?"])
def test_a_row_printed_in_yen_asked_in_thousands(world, form: str) -> None:
    # the sheet's 円 as printed, and ÷ 1,000 in 千円 as asked
    a, truths = world
    t = next((t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
              and any(r.label == "フルコスト" and r.unit == "円" and r.value for r in c.rows)), None)
    assert t is not None, "the world prints no フルコスト in 円"
    full = next(r.value for r in t.cost(t.target_fy).rows if r.label == "フルコスト")
    thousands = int(full / 1000) if float(full / 1000).is_integer() else full / 1000
    ans = ask(a, form.format(p=t.project.name, y=t.target_fy))
    assert ans.answerable and _fmt(full) in ans.answer and f"{_fmt(thousands)}千円" in ans.answer.replace(" ", ""), ans.answer


def test_a_change_of_a_printed_row_is_ranked_by_its_change(world) -> None:
    # 「正職員数が前年度から一番増えた事業」: each project's step into its latest settled year, not the total's
    a, truths = world
    steps: dict[str, tuple[int, float]] = {}
    for t in truths:
        settled = {c.fy: r.value for c in t.costs if c.basis in ("決算", "実績") and (r := c.row("正職員数")) and r.value is not None}
        if settled and max(settled) - 1 in settled and t.project.name and (
                t.project.name not in steps or max(settled) > steps[t.project.name][0]):
            steps[t.project.name] = (max(settled), round(settled[max(settled)] - settled[max(settled) - 1], 6))
    top = max(steps.items(), key=lambda kv: kv[1][1])
    ans = ask(a, "正職員数が前年度から一番増えた事業は？")
    first = ans.answer.split("\n")[0]
    assert ans.answerable and "前年度からの増加" in first and top[0] in first, ans.answer


def test_a_share_of_a_printed_row_is_not_ranked_as_its_value(world) -> None:
    a, _ = world
    ans = a.ask("総事業費に占める間接事業費の割合が一番高い事業は？")
    assert not ans.answerable and "割合" in ans.answer, ans.answer


def _budget_and_settled(truths: list[Sheet]) -> tuple[Sheet, CostRow, CostRow]:
    """A sheet printing its evaluated year's 直接事業費 both as 予算 and as 決算, with those two rows."""
    for t in truths:
        budget, settled = t.cost(t.target_fy, "予算"), t.cost(t.target_fy, "決算")  # type: ignore[arg-type]
        if budget and settled and (b := budget.row("直接事業費")) and (s := settled.row("直接事業費")) and b.value and s.value:
            return t, b, s
    raise AssertionError("the world prints no year as both 予算 and 決算")


def test_an_execution_rate_is_the_settled_figure_over_the_budget(world) -> None:
    # 「執行率」 of a year printed as 予算 and 決算: 決算 ÷ 予算, not a row the sheet lacks
    a, truths = world
    t, b, s = _budget_and_settled(truths)
    from assistant.measures import rate

    ans = ask(a, f"{t.project.name}の{t.target_fy}年度の直接事業費の執行率は？")
    assert ans.answerable and f"{rate(s.value, b.value)}%" in ans.answer, ans.answer


def test_what_a_program_costs_is_its_full_cost(world) -> None:
    # "how much does the … program cost?": cost is the verb — the total (フルコスト), not 事業費 ("program cost")
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and (full := c.row("フルコスト")) is not None and full.value)
    full = t.cost(t.target_fy).row("フルコスト").value
    ans = ask(a, f"How much does the {t.project.name} program cost in FY{t.target_fy}?")
    assert ans.answerable and _fmt(full) in ans.answer, ans.answer


@pytest.mark.parametrize("follow_up", ["予算と比べてどうだった？", "How does that compare with that year's budget?"])
def test_compared_with_the_budget_after_a_settled_figure(world, follow_up: str) -> None:
    # after a year's settled figure, 「予算と比べて」 is that year's budget against it, not the year before
    from assistant.chain import Turn
    from assistant.measures import rate

    a, truths = world
    t, b, s = _budget_and_settled(truths)
    first_q = f"{t.project.name}の{t.target_fy}年度決算の直接事業費は？"
    first = a.ask(first_q)
    ans = a.ask(follow_up, [Turn(question=first_q, answer=first)])
    assert ans.answerable and _fmt(b.value) in ans.answer and f"{rate(s.value, b.value)}%" in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}、{fy}年度予算の直接事業費は？", "What was the FY{fy} budget for the direct cost of {p}?"])
def test_a_years_budget_asked_alone_is_its_budget(world, form: str) -> None:
    # a year printed as both 予算 and 決算: the budget asked is the budget, said to be one (not the settled figure)
    a, truths = world
    t, b, s = _budget_and_settled(truths)
    ans = ask(a, form.format(p=t.project.name, fy=t.target_fy))
    assert ans.answerable and _fmt(b.value) in ans.answer and _fmt(s.value) not in ans.answer, ans.answer
    assert "予算" in ans.answer or "budget" in ans.answer, ans.answer
    assert any(f.field == "budget" and f.value == b.value and f.fy == t.target_fy for f in ans.facts)


@pytest.mark.parametrize("gap", ["差額は？", "How far off was that from the budget?"])
def test_the_gap_after_a_settled_figure_and_then_its_budget(world, gap: str) -> None:
    # 「H29決算の…は？」「予算だといくら？」「差額は？」: the settled figure against the budget of the same
    # year, not the year before nor one row against another
    from assistant.chain import Turn

    a, truths = world
    t, b, s = _budget_and_settled(truths)
    turns: list[Turn] = []
    for q in (f"{t.project.name}の{t.target_fy}年度決算の直接事業費は？", "予算だといくらだった？"):
        turns.append(Turn(question=q, answer=a.ask(q, list(turns))))
    assert _fmt(b.value) in turns[-1].answer.answer and _fmt(s.value) not in turns[-1].answer.answer, turns[-1].answer.answer
    ans = a.ask(gap, turns)
    assert ans.answerable and _fmt(abs(s.value - b.value)) in ans.answer, ans.answer
    assert f"{t.target_fy - 1}" not in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}の実績教えて", "{p}の実績は？"])
def test_results_of_a_sheet_without_indicators_are_its_settled_costs(world, form: str) -> None:
    # another city's layout prints no indicator table: its 実績 are the settled figures of its costs
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and not t.indicators
             and (c := t.cost(t.target_fy, "決算") or t.cost(t.target_fy, "実績")) is not None
             and (full := c.row("フルコスト")) is not None and full.value)
    c = t.cost(t.target_fy, "決算") or t.cost(t.target_fy, "実績")
    assert c is not None
    ans = ask(a, form.format(p=t.project.name))
    assert ans.answerable and _fmt(c.row("フルコスト").value) in ans.answer, ans.answer


def test_an_outcome_asked_of_a_sheet_without_indicators_is_declined(world) -> None:
    # 「成果指標の実績」 of a layout with no indicator table: none is set, not its costs
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and not t.indicators)
    ans = ask(a, f"{t.project.name}、成果指標の実績ってどうなってる？")
    assert not ans.answerable, ans.answer


def test_a_settled_year_named_as_the_base_after_a_budget(world) -> None:
    # 「H28予算のフルコストは？」「H27決算と比べてどれくらい減る？」: from the year named to the year under
    # discussion (not the year before the one named); then 「評価結果は？」 is the sheet's own evaluation
    from assistant.chain import Turn

    a, truths = world
    t, fy, before, after = next(
        (t, t.target_fy, b, n) for t in truths if t.status != "incomplete" and t.evaluations
        and (b := t.cost(t.target_fy)) and (n := t.cost(t.target_fy + 1))
        and (x := b.row("フルコスト")) and (y := n.row("フルコスト")) and x.value and y.value and x.value != y.value)
    settled, budget = before.row("フルコスト").value, after.row("フルコスト").value
    turns: list[Turn] = []
    for q in (f"{t.project.name}、{fy + 1}年度予算のフルコストは？", f"{fy}年度決算と比べてどれくらい変わる？"):
        turns.append(Turn(question=q, answer=a.ask(q, list(turns))))
    ans = turns[-1].answer
    assert ans.answerable and _fmt(abs(budget - settled)) in ans.answer and _fmt(settled) in ans.answer, ans.answer
    result = a.ask("評価結果は？", turns)
    assert result.answerable and any(e.result and e.result in result.answer for e in t.evaluations), result.answer


def _printed(t: Sheet, fy: int, label: str) -> float | None:
    c = t.cost(fy)
    row = c.row(label) if c is not None else None
    return row.value if row is not None else None


def test_a_printed_label_named_whole_is_that_row_alone(world) -> None:
    # 「直接事業費は？」 is no 間接事業費 for sharing 事業費; 「間接費」 is short for 間接事業費
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and _printed(t, t.target_fy, "直接事業費")
             and _printed(t, t.target_fy, "間接事業費"))
    direct, indirect = _printed(t, t.target_fy, "直接事業費"), _printed(t, t.target_fy, "間接事業費")
    ans = ask(a, f"{t.project.name}、{t.target_fy}年度の直接事業費は？")
    assert _fmt(direct) in ans.answer and "間接事業費" not in ans.answer, ans.answer
    ans = ask(a, f"{t.project.name}、{t.target_fy}年度の間接費は？")
    assert ans.answerable and _fmt(indirect) in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}、{fy}年度の事業費のうち市債の割合は？",
                                  "{p}: what percentage of the FY{fy} direct costs is covered by local bonds?"])
def test_a_revenue_rows_share_of_the_project_cost_named(world, form: str) -> None:
    # 「事業費のうち市債」 on a layout printing 直接事業費 and 地方債: 地方債 ÷ 直接事業費, not a share of the total
    from assistant.measures import rate

    a, truths = world
    t, fy = next((t, fy) for t in truths if t.status != "incomplete" for fy in sorted({c.fy for c in t.costs})
                 if _printed(t, fy, "地方債") and _printed(t, fy, "直接事業費"))
    bonds, direct = _printed(t, fy, "地方債"), _printed(t, fy, "直接事業費")
    ans = ask(a, form.format(p=t.project.name, fy=fy))
    assert ans.answerable and f"{float(rate(bonds, direct)):g}%" in ans.answer, ans.answer


def _two_budget_years(truths: list[Sheet]) -> tuple[Sheet, int, float, float, float, float]:
    """A sheet printing two consecutive years each as 予算 and as 決算 (フルコスト): the later year, its
    budget and settled figures, and the year before's."""
    for t in truths:
        for fy in sorted({c.fy for c in t.costs}):
            rows = [(t.cost(y, "予算"), t.cost(y, "決算")) for y in (fy - 1, fy)]
            if all(b and s and b.row("フルコスト") and s.row("フルコスト") for b, s in rows):
                (b0, s0), (b1, s1) = rows
                return (t, fy, b1.row("フルコスト").value, s1.row("フルコスト").value,  # type: ignore[union-attr]
                        b0.row("フルコスト").value, s0.row("フルコスト").value)  # type: ignore[union-attr]
    pytest.skip("the corpus printed no two years twice")


def test_after_a_budget_turn_the_year_before_is_still_a_change_between_years(world) -> None:
    # 「H29予算のフルコストは？」「前年からどれだけ増えた？」: the year before's settled figure to this one's,
    # not this year's budget against its settlement (and 「差額は？」 alone is that)
    from assistant.chain import Turn

    a, truths = world
    t, fy, budget, settled, _, settled_before = _two_budget_years(truths)
    first_q = f"{t.project.name}の{fy}年度予算のフルコストは？"
    turns = [Turn(question=first_q, answer=a.ask(first_q))]
    ans = a.ask("前年からどれだけ増えた？", turns)
    assert _fmt(abs(settled - settled_before)) in ans.answer, ans.answer
    assert _fmt(abs(settled - budget)) not in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["{p}の{fy}年度予算のフルコストは、{fy0}年度予算と比べてどれだけ変わった？",
                                  "How much did the FY{fy} budget for the full cost of {p} differ from the FY{fy0} budget?"])
def test_two_years_budgets_compared(world, form: str) -> None:
    a, truths = world
    t, fy, budget, _, budget_before, _ = _two_budget_years(truths)
    ans = ask(a, form.format(p=t.project.name, fy=fy, fy0=fy - 1))
    assert _fmt(abs(budget - budget_before)) in ans.answer, ans.answer


def test_the_gap_between_two_budgets_shown(world) -> None:
    # 「H27とH28の予算は？」「差額は？」: the two budgets' difference, not a budget against a settlement
    from assistant.chain import Turn

    a, truths = world
    t, fy, budget, _, budget_before, _ = _two_budget_years(truths)
    first_q = f"{t.project.name}の{fy - 1}年度と{fy}年度の予算のフルコストは？"
    ans = a.ask("差額は？", [Turn(question=first_q, answer=a.ask(first_q))])
    assert _fmt(abs(budget - budget_before)) in ans.answer, ans.answer


@pytest.mark.parametrize("question", ["{p}の{fy}年度の目標値は？", "{p}の計画値は？"])
def test_a_target_of_a_sheet_without_indicators_is_declined(world, question: str) -> None:
    # no indicator table, so no target: its costs are no answer to 目標値/計画値
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and not t.indicators)
    ans = ask(a, question.format(p=t.project.name, fy=t.target_fy))
    assert not ans.answerable, ans.answer


def test_a_budget_asked_of_a_year_printed_only_as_settled_says_so(world) -> None:
    a, truths = world
    t, fy = next((t, fy) for t in truths if t.status != "incomplete" for fy in sorted({c.fy for c in t.costs})
                 if t.cost(fy, "決算") and not t.cost(fy, "予算") and any(c.basis == "予算" for c in t.costs)
                 and t.cost(fy, "決算").row("フルコスト"))  # type: ignore[union-attr]
    ans = ask(a, f"{t.project.name}の{fy}年度予算のフルコストは？")
    assert "決算" in ans.answer, ans.answer


def test_a_breakdown_of_a_printed_row_the_table_gives_no_parts_of(world) -> None:
    # 「間接事業費の内訳」: the sheet prints the row, not what it was spent on — declined with its figure
    a, truths = world
    t = next(t for t in truths if t.status != "incomplete" and (c := t.cost(t.target_fy)) is not None
             and "間接事業費" in {r.label for r in c.rows if r.value is not None})
    ans = ask(a, f"{t.project.name}の{t.target_fy}年度の間接事業費って何に使ってるか内訳わかる？")
    assert not ans.answerable, ans.answer
    assert _fmt(next(r.value for r in t.cost(t.target_fy).rows if r.label == "間接事業費")) in ans.answer
    both = ask(a, f"{t.project.name}の{t.target_fy}年度の事業費の直接・間接の内訳は？")
    assert both.answerable, both.answer  # the two rows are the breakdown asked


@pytest.mark.parametrize("form", ["{p}の一番新しい予算額（直接事業費）は？", "{p}、最新の予算だと直接事業費いくら？",
                                  "What is the latest budget for 直接事業費 of {p}?"])
def test_the_newest_budget_is_the_last_year_budgeted(world, form: str) -> None:
    # a sheet printing budgets of several years (2016予算, 2017予算, 2018予算): 「一番新しい予算」 is the last
    # of them, not the evaluated year's budget nor its settled figure
    a, truths = world
    sheets = [t for t in truths if t.status != "incomplete"
              and len({c.fy for c in t.costs if c.basis == "予算" and c.row("直接事業費") is not None}) >= 2]
    if not sheets:
        pytest.skip("the corpus printed no sheet with budgets of several years")
    t = sheets[0]
    budgets = sorted((c for c in t.costs if c.basis == "予算" and (r := c.row("直接事業費")) and r.value), key=lambda c: c.fy)
    newest, older = budgets[-1].row("直接事業費").value, budgets[0].row("直接事業費").value
    assert newest != older
    ans = ask(a, form.format(p=t.project.name))
    assert ans.answerable and _fmt(newest) in ans.answer, ans.answer
    assert _fmt(older) not in ans.answer, ans.answer


@pytest.mark.parametrize("form", ["正職員数が{v}人以上の事業は？", "直近の決算で正職員数{v}人以上の事業を教えて",
                                  "Which projects have at least {v} full-time staff?"])
def test_a_printed_row_over_an_amount(world, form: str) -> None:
    # 正職員数 only other cities' layouts print: each project's latest settled figure against the amount —
    # never the total cost put in its place
    a, truths = world
    latest: dict[str, tuple[int, float]] = {}
    for t in truths:
        for c in t.costs:
            row = c.row("正職員数")
            if c.basis in ("決算", "実績") and row is not None and row.value is not None and c.fy <= (t.target_fy or c.fy):
                if t.project.name not in latest or c.fy >= latest[t.project.name][0]:
                    latest[t.project.name] = (c.fy, row.value)
    if len(latest) < 2:
        pytest.skip("the corpus printed 正職員数 for fewer than two projects")
    values = sorted({v for _, v in latest.values()})
    cut = values[len(values) // 2]
    want = {name for name, (_, v) in latest.items() if v >= cut}
    ans = ask(a, form.format(v=_fmt(cut)))
    assert ans.answerable and {f.project for f in ans.facts if f.field == "printed"} == want, ans.answer
    assert "総事業費" not in ans.answer and "total cost" not in ans.answer, ans.answer
