"""Words that name the project, and the words run on from them that ask something of it: the kind
of project (「太陽光の補助」), a measure made of the project's own word (「洋式化率」), and one name
run by two 課 in different years. Sheets written for this test from the seed's figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_support import model_cache, real_embeddings

from assistant.chain import Assistant
from assistant.dictionary import available
from assistant.settings import AssistantSettings
from ingest.index import build
from ingest.vectors import E5Embedding

SEED_TRUTH = Path(__file__).resolve().parents[2] / "shared" / "seed" / "koriyama_r7_digital_first.expected.json"
needs_jmdict = pytest.mark.skipif(not available(), reason="jamdict-data is not installed")
SHIFT = -10  # the older namesake: the same figures ten years earlier


FINAL_FY = 2030  # a 最終指標's year: a target, never the year a conversation goes on about
USER_CHARGES = 4321  # 受益者負担金（使用料、負担金等） written onto the solar sheet's 2023 column


def _sheet(folder: Path, sheet_id: str, name: str, section: str, shift: int = 0, city: str | None = None,
           scale: int = 1, results: tuple[str, str] | None = None) -> Path:
    sheet = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))
    sheet.update(sheet_id=sheet_id, project={**sheet["project"], "name": name, "section": section}, sections=[])
    if results:
        sheet["evaluations"] = [{"stage": "primary", "result": results[0]}, {"stage": "secondary", "result": results[1]}]
    if city:
        sheet["municipality"] = city
    if sheet_id == "snow":  # rows that measure 延長 of other things than the snow-cleared roads
        names = {("activity", 1): ("配水管更新延長", "km"), ("activity", 2): ("歩道整備延長", "km")}
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) in names:
                i["name"], i["unit"] = names[(i["kind"], i["no"])]
    if sheet_id == "loan":  # an amount and a count of the same thing
        names = {("outcome", 1): ("制度融資の融資額", "千円"), ("activity", 2): ("制度融資の実行件数", "件")}
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) in names:
                i["name"], i["unit"] = names[(i["kind"], i["no"])]
    if sheet_id == "aide":  # a row named by the project's own words (支援員) and a verb (配置)
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("activity", 1):
                i["name"], i["unit"] = "特別支援教育支援員の配置人数", "人"
            if (i["kind"], i["no"]) == ("outcome", 1):  # a row an English "school" finds
                i["name"], i["unit"] = "不登校児童生徒の学校復帰率", "%"
    if sheet_id in ("city-pr", "flood", "trip"):  # rows an English question names in words only JMdict carries
        row = {"city-pr": "住宅取得補助件数", "flood": "応急手当講習会の受講者数", "trip": "旅行会社等への誘致活動件数"}[sheet_id]
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("activity", 1):
                i["name"], i["unit"] = row, "人" if sheet_id == "flood" else "件"
    if sheet_id == "turnout":  # a row whose name holds the project's 投票率 but counts sessions
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("activity", 1):
                i["name"], i["unit"] = "投票率の向上に関する出前講座の開催回数", "回"
    if sheet_id == "brand":  # a row named by the project's words and ＰＲ, two letters that start "project"
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("activity", 3):
                i["name"], i["unit"] = "ブランド野菜のＰＲイベントの開催回数", "回"
    if sheet_id == "tax":  # a name holding a rate (収納率) that no row gives, and one row in %
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("outcome", 1):
                i["name"], i["unit"] = "研修受講者の理解度", "%"
    if sheet_id == "toilet":  # a row counting sessions that train people
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("activity", 2):
                i["name"], i["unit"] = "認知症サポーター養成講座の開催回数", "回"
    if sheet_id == "library":  # the seed's rows as a library's: 活動指標① counts the mobile library's rounds
        names = {("activity", 1): "移動図書館の巡回回数", ("activity", 3): "図書館だよりの発行回数",
                 ("outcome", 1): "読書ボランティア活動の参加者数",
                 ("outcome", 2): "電子書籍の貸出件数", ("outcome", 3): "図書館の貸出冊数"}
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) in names:
                i["name"] = names[(i["kind"], i["no"])]
                i["unit"] = "回" if i["kind"] == "activity" else "冊" if i["no"] == 3 else "人" if i["no"] == 1 else i["unit"]
    if sheet_id in ("dx", "telework"):  # an abbreviation the name prints; a row staff shorthand also finds
        row = {"dx": ("ＲＰＡによる業務削減時間", "時間"), "telework": ("デジタル化に関する職員研修の受講者数", "人")}[sheet_id]
        for i in sheet["indicators"]:
            if (i["kind"], i["no"]) == ("outcome", 1):
                i["name"], i["unit"] = row
                i["milestones"] = [{"kind": "final", "fy": FINAL_FY, "value": 9000}]
    if sheet_id.startswith("east-farm"):  # each year's sheet rewrites its 背景: one of them says when it began
        text = "農業者の高齢化が進み、農地の保全が求められた。" + ("本事業は、平成２１年度から取り組んでいる。" if sheet_id == "east-farm-r5" else "")
        sheet["sections"] = [{"key": "background", "label": "事業開始時周辺環境（背景）", "text": text}]
    for c in sheet["costs"]:
        for k in ("project_cost", "personnel_cost", "total_cost", "general_revenue"):
            c[k] = c[k] * scale if c.get(k) is not None else None
        if sheet_id == "solar" and c["fy"] == 2023:
            c["user_charges"] = USER_CHARGES
            c["general_revenue"] -= USER_CHARGES
    sheet["evaluation_fy"] += shift
    sheet["target_fy"] += shift
    for c in sheet["costs"]:
        c["fy"] += shift
    for i in sheet["indicators"]:
        for v in i["values"]:
            v["fy"] += shift
        for m in i.get("milestones") or []:
            m["fy"] += shift
    path = folder / f"{sheet_id}.json"
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    if not SEED_TRUTH.exists():
        pytest.skip("../shared is not beside this checkout")
    folder = tmp_path_factory.mktemp("project-words")
    files = [
        _sheet(folder, "toilet", "公園トイレ洋式化推進事業", "公園緑地課"),
        _sheet(folder, "solar", "住宅用太陽光発電導入支援事業", "環境政策課"),
        _sheet(folder, "old-namesake", "電子行政推進事業", "情報政策課", shift=SHIFT),
        _sheet(folder, "namesake", "電子行政推進事業", "ＤＸ戦略課"),
        _sheet(folder, "east", "ふるさと寄附活用事業", "市民税課", city="東山市"),
        _sheet(folder, "west", "ふるさと寄附活用事業", "資産管理課", city="西川市", scale=3),
        _sheet(folder, "library", "図書館サービス充実事業", "中央図書館"),
        _sheet(folder, "snow", "喜久田地区道路除雪対策事業", "道路維持課"),
        _sheet(folder, "loan", "中小企業融資事業", "商工課"),
        _sheet(folder, "aide", "特別支援教育支援員配置事業", "学校教育推進課"),
        _sheet(folder, "flood", "浸水対策事業", "河川課", scale=5),
        _sheet(folder, "council", "議会広報事業", "議会事務局", scale=7),
        _sheet(folder, "trip", "教育旅行誘致推進事業", "観光課", scale=11),
        _sheet(folder, "city-pr", "シティプロモーション事業", "広報課", scale=13),
        _sheet(folder, "sewer-r5", "下水道管路耐震化推進事業", "下水道整備課", shift=-1, results=("改善", "継続")),
        _sheet(folder, "sewer-r6", "下水道管路耐震化推進事業", "下水道整備課", results=("継続", "継続")),
        _sheet(folder, "brand", "郡山ブランド野菜振興事業", "園芸畜産振興課"),  # the city's name in a project's
        _sheet(folder, "school", "学校施設長寿命化事業", "教育総務課", scale=2),  # schools: its own word
        _sheet(folder, "college", "市民大学事業", "生涯学習課", scale=4),  # 市民大学: one word to Sudachi
        _sheet(folder, "dx", "地域ＤＸ推進事業", "ＤＸ戦略課"),
        _sheet(folder, "telework", "テレワーク環境整備事業", "行政マネジメント課"),
        _sheet(folder, "east-farm", "東部地区多面的機能支払事業", "農地課"),
        _sheet(folder, "east-farm-r5", "東部地区多面的機能支払事業", "農地課", shift=-1),
        _sheet(folder, "event", "観光イベント開催支援事業", "商工振興課"),
        _sheet(folder, "boar", "菜根地区有害鳥獣対策事業", "農業政策課", scale=6),  # 鳥獣対策: a compound of two names
        _sheet(folder, "boar-old", "有害鳥獣対策被害防止事業", "農林課", shift=SHIFT, city="南原市"),
        _sheet(folder, "pets", "動物愛護推進事業", "生活衛生課", scale=8),  # reached in English by its words' glosses
        _sheet(folder, "ditch", "農業用水路整備事業", "農村整備課", scale=9),
        _sheet(folder, "turnout", "投票率向上推進事業", "選挙管理委員会事務局"),  # no row of the turnout itself
        _sheet(folder, "eco", "環境学習推進事業", "環境政策課", scale=10),
        _sheet(folder, "tax", "市税収納率向上事業", "納税課", scale=12),  # 環境: a word of 周辺環境 too
        _sheet(folder, "farm", "多面的機能支払事業", "農政課"),  # a name inside 東部地区多面的機能支払事業  # 観光 of 観光課, in another name
    ]
    settings = AssistantSettings(home=folder / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False)


def _personnel(fy: int) -> str:
    costs = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))["costs"]
    return f"{next(c['personnel_cost'] for c in costs if c['fy'] == fy):,}"


@pytest.mark.parametrize("question", ["公園トイレの洋式化率、R6は？", "トイレ洋式化の事業で、洋式化率はどのくらい？"])
def test_a_measure_made_of_the_projects_word_is_asked_not_named(store: Assistant, question: str) -> None:
    # 洋式化 names the project; 洋式化率 is a rate no row of its sheet gives
    a = store.ask(question)
    assert not a.answerable, a.answer
    assert "洋式化率" in a.answer


def test_a_measure_asked_after_another_row_is_no_follow_up_of_it(store: Assistant) -> None:
    from assistant.chain import Turn

    first = "公園トイレ洋式化推進事業のオンライン申請件数、R6は？"
    before = store.ask(first)
    assert before.answerable
    a = store.ask("で、肝心の洋式化率は？", history=[Turn(question=first, answer=before)])
    assert not a.answerable, a.answer


@pytest.mark.parametrize("question", ["太陽光の補助事業、R6の人件費は？", "太陽光発電の補助、令和6年度の人件費っていくら？"])
def test_the_kind_of_project_is_part_of_its_name(store: Assistant, question: str) -> None:
    # 補助 (事業) says what kind of project 住宅用太陽光発電導入支援事業 is: nothing the sheet lacks
    a = store.ask(question)
    assert a.answerable and _personnel(2024) in a.answer, a.answer


@pytest.mark.parametrize("question", ["電子行政の人件費、R6は？", "電子行政推進事業の令和６年度の人件費を教えて"])
def test_of_two_namesakes_the_one_whose_sheets_reach_the_year(store: Assistant, question: str) -> None:
    # the 情報政策課 sheet ends a decade earlier: it could not answer R6, and is not said to lack it
    a = store.ask(question)
    assert a.answerable and _personnel(2024) in a.answer, a.answer
    assert "ありません" not in a.answer and "情報政策課" not in a.answer


def test_namesakes_asked_with_no_year_are_both_answered(store: Assistant) -> None:
    a = store.ask("電子行政推進事業の人件費は？")
    assert a.answer.count("電子行政推進事業") >= 2 or a.choices, a.answer


def test_a_row_and_the_like_is_that_row(store: Assistant) -> None:
    # 「使用料等」: the sheet's 受益者負担金（使用料、負担金等）, and only it — no list of every revenue row
    a = store.ask("太陽光の事業、R5の使用料等の収入は？")
    assert a.answerable and f"{USER_CHARGES:,}" in a.answer, a.answer
    assert "国・県支出金" not in a.answer and "市債" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["電子行政推進事業と東山市のふるさと寄附、R6の人件費の差は？",
                                      "東山市のふるさと寄附と電子行政推進事業、R6の人件費の差は？"])
def test_of_namesakes_in_two_cities_the_one_of_the_city_named(store: Assistant, question: str) -> None:
    # both projects answered (in either order), and of the two ふるさと寄附 the 東山市 one
    a = store.ask(question)
    assert a.answerable and _personnel(2024) in a.answer and "ふるさと寄附活用事業" in a.answer, a.answer
    tripled = f"{int(_personnel(2024).replace(',', '')) * 3:,}"
    assert tripled not in a.answer, a.answer


def test_of_namesakes_the_one_of_the_city_named_in_english(store: Assistant) -> None:
    a = store.ask("What was the personnel cost of Higashiyama's hometown donation project in FY2024?")
    assert a.answerable and _personnel(2024) in a.answer, a.answer
    assert f"{int(_personnel(2024).replace(',', '')) * 3:,}" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["移動図書館、R6は何回回った？", "移動図書館って令和６年度に何回まわったの？計画比は？"])
def test_a_word_a_row_spells_whole_is_the_rows_not_the_projects(store: Assistant, question: str) -> None:
    # 移動図書館 shares 図書館 with the project's name, but only 移動図書館の巡回回数 spells it whole:
    # that row, never the 電子書籍 row a counter would otherwise fall back to
    a = store.ask(question)
    assert a.answerable and "移動図書館の巡回回数" in a.answer and "電子書籍" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["下水道管路耐震化で、一次評価と二次評価の結果が食い違ってる年ってある？",
                                      "Did the primary and secondary evaluations of the sewer quake-proofing project ever differ?"])
def test_the_years_the_two_evaluations_differ(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert a.answerable and "2023" in a.answer and "改善" in a.answer, a.answer
    lead = a.answer.splitlines()[0]
    assert "2023" in lead and "2024" not in lead, a.answer  # 2024: 継続 and 継続, the same


@pytest.mark.parametrize("question", ["喜久田の除雪、R6に除雪した道路の延長って何km？", "喜久田の除雪事業で、除雪した道路の延長は？"])
def test_a_bare_measure_of_something_no_row_measures_is_declined(store: Assistant, question: str) -> None:
    # 延長 of the roads cleared of snow: the sheet measures 配水管更新延長 and 歩道整備延長, neither of them
    a = store.ask(question)
    assert not a.answerable, a.answer


def test_a_bare_measure_whose_qualifier_a_row_has_is_that_row(store: Assistant) -> None:
    a = store.ask("喜久田の除雪事業で、R6の歩道の延長は？")
    assert a.answerable and "歩道整備延長" in a.answer and "配水管" not in a.answer, a.answer


def test_of_namesakes_the_newest_when_the_newest_sheet_is_asked(store: Assistant) -> None:
    a = store.ask("電子行政推進事業の人件費、最新のシートだといくら？")
    assert a.answerable and "情報政策課" not in a.answer and "ありません" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["中小企業融資事業、R6の融資は何件？", "中小企業融資の事業、令和６年度に融資って何件やった？"])
def test_a_count_asked_of_a_thing_the_sheet_has_in_money_and_count(store: Assistant, question: str) -> None:
    # 「融資は何件」 matched 制度融資の融資額 (千円) first: the count is 制度融資の実行件数
    a = store.ask(question)
    assert a.answerable and "制度融資の実行件数" in a.answer and "融資額" not in a.answer, a.answer


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Sheets of the generated corpus (eval.corpus, seed 29) whose rows count other things than the
    words of their project's name: 成年後見制度利用促進事業 (就労者数 …), 書かない窓口導入事業."""
    from eval.corpus import write_corpus

    root = tmp_path_factory.mktemp("generated")
    write_corpus(root / "corpus", n=40, seed=29, pdf_share=0.0, cp932_share=0.0)
    wanted = ("成年後見制度利用促進事業", "書かない窓口導入事業")
    files = [p for p in sorted((root / "corpus" / "truth").glob("*.json"))
             if json.loads(p.read_text(encoding="utf-8"))["project"]["name"] in wanted]
    assert files
    settings = AssistantSettings(home=root / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False)


@pytest.mark.parametrize("question", ["成年後見制度を実際に利用してる人の数、2024年度は？",
                                      "成年後見の事業で、制度を実際に利用した人は何人？"])
def test_the_projects_words_said_again_say_what_is_counted(generated: Assistant, question: str) -> None:
    # 利用, said again apart from the project's name, says what is counted (users of the system): no
    # row counts them, so no row of people that happens to fit 人 (就労者数) is the answer
    a = generated.ask(question)
    assert not a.answerable, a.answer


def test_a_measure_after_the_projects_full_name_is_the_row_that_has_it(store: Assistant) -> None:
    # the project named in full before 歩道整備延長's own words: that row, not a decline
    a = store.ask("喜久田地区道路除雪対策事業の整備延長、R6は？")
    assert a.answerable and "歩道整備延長" in a.answer, a.answer


@pytest.mark.parametrize("question", ["特別支援教育支援員、令和６年度は何人配置したっけ？", "特別支援教育支援員はR6に何人配置された？"])
def test_a_counter_with_the_projects_words_again_is_the_row_they_name(store: Assistant, question: str) -> None:
    # every word is the project's, said again with a verb (配置): the one row of people that names it
    truth = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))
    row = next(i for i in truth["indicators"] if (i["kind"], i["no"]) == ("activity", 1))
    actual = next(v["actual"] for v in row["values"] if v["fy"] == 2024)
    a = store.ask(question)
    assert a.answerable and "配置人数" in a.answer and f"{actual:,}" in a.answer, a.answer


def _total(fy: int, scale: int) -> str:
    costs = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))["costs"]
    return f"{next(c['total_cost'] for c in costs if c['fy'] == fy) * scale:,}"


@needs_jmdict
@pytest.mark.parametrize(("question", "scale"), [
    ("What was the total cost of the flood countermeasures project in FY2024?", 5),
    ("How much did the inundation measures program cost in total in FY2024?", 5),
    ("Total cost of the school-trip promotion project, FY2024?", 11),
    # a name in capitals, with no "project" after it
    ("What did Flood Countermeasures cost in total in FY2024?", 5),
    ("In FY2024, what was the total cost of the city's School Trip Promotion?", 11),
    # "the city" spending is the municipality, not the シティ of シティプロモーション事業
    ("How much did the city spend on the school-trip promotion project in FY2024?", 11),
    ("What was the total cost of the city promotion project in FY2024?", 13),
    ("For the city branding project, what was the total cost in FY2024?", 13),
    # whose cost, with no "project": "the … 's"
    ("What was the school-trip promotion's total cost in FY2024?", 11),
    ("How big was the flood countermeasures' total cost in FY2024?", 5),
])
def test_a_project_named_in_english_words_the_glossary_lacks(store: Assistant, question: str, scale: int) -> None:
    # the words before "project" read through JMdict (flood → 浸水, countermeasure → 対策)
    a = store.ask(question)
    assert a.answerable and _total(2024, scale) in a.answer, a.answer


@needs_jmdict
def test_two_projects_named_in_english_each_by_its_own_words(store: Assistant) -> None:
    # "city council PR" is 議会広報事業, not the シティ of シティプロモーション事業 named beside it
    a = store.ask("Compare the total costs of the city council PR project and the city promotion project in FY2024.")
    assert _total(2024, 7) in a.answer and _total(2024, 13) in a.answer, a.answer


def test_a_project_named_in_english_is_not_outdone_by_a_row_of_another(store: Assistant) -> None:
    # "the school-trip attraction project": that project, not the one whose row 不登校児童生徒の学校復帰率
    # the words "school" and "trip" find
    a = store.ask("Total cost of the school-trip attraction project in FY2024?")
    assert a.answerable and _total(2024, 11) in a.answer and "特別支援" not in a.answer, a.answer


def test_a_word_before_the_english_name_is_no_part_of_it(store: Assistant) -> None:
    # "drones did the flood countermeasures project": the name starts after "the"; drones are asked
    a = store.ask("How many drones did the flood countermeasures project buy in FY2024?")
    assert not a.answerable and "drones" in a.answer, a.answer


def test_english_words_that_name_no_project_name_none(store: Assistant) -> None:
    # no project's figure is given as the answer (a decline, or the question asked back)
    a = store.ask("What was the total cost of the space exploration project in FY2024?")
    assert not any(_total(2024, k) in a.answer for k in (1, 3, 5, 7, 11, 13)), a.answer


@pytest.mark.parametrize("question", ["一次評価と二次評価で結論が違ってるシートってある？", "一次と二次で評価結果が異なってる事業は？"])
def test_sheets_whose_two_stages_differ_across_the_store(store: Assistant, question: str) -> None:
    # no project named: every sheet whose 一次 and 二次 results differ (下水道's R5: 改善 → 継続)
    a = store.ask(question)
    assert a.intent == "filter" and "下水道管路耐震化推進事業" in a.answer and "改善" in a.answer, a.answer


def test_the_largest_amount_among_a_listed_rows_projects_is_of_that_row(store: Assistant) -> None:
    # 「その中で金額が一番大きいのは？」 after the projects with 一般財源等: ranked by 一般財源等, not 総事業費
    from assistant.chain import Turn

    first = "2024年度に一般財源等がある事業を全部挙げて"
    before = store.ask(first)
    assert before.intent == "filter", before.answer
    a = store.ask("その中で金額が一番大きいのは？", history=[Turn(question=first, answer=before)])
    assert a.intent == "ranking" and "一般財源" in a.answer.splitlines()[0], a.answer
    general = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))["costs"]
    top = next(c["general_revenue"] for c in general if c["fy"] == 2024) * 13
    assert f"{top:,}" in a.answer.splitlines()[0], a.answer


@needs_jmdict
@pytest.mark.parametrize("question", [
    "Under the City Promotion Project, how many home-purchase subsidies were granted in FY2024?",
    "Flood countermeasures project: how did first-aid course attendance in FY2024 compare with FY2023?",
])
def test_a_row_named_in_english_words_only_the_dictionary_carries(store: Assistant, question: str) -> None:
    # purchase → 取得 and subsidy → 補助 (住宅取得補助件数); first aid → 応急手当 (応急手当講習会の受講者数),
    # looked for among the named project's own rows
    a = store.ask(question)
    assert a.answerable and "55" in a.answer and ("住宅取得補助件数" in a.answer or "応急手当" in a.answer), a.answer


@pytest.mark.parametrize("question", [
    "How many subsidy recipients did the city promotion project survey in FY2024?",
    "How satisfied were subsidy recipients with the city promotion project in FY2024?",
])
def test_one_english_word_a_row_shares_names_no_row(store: Assistant, question: str) -> None:
    # "subsidy" alone (補助 of 住宅取得補助件数) does not make that row what is asked
    a = store.ask(question)
    assert not a.answerable and "住宅取得補助件数」: FY2024" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["2024年度の総事業費が一番大きい郡山の事業は？", "郡山市の事業で、R6の総事業費トップはどれ？"])
def test_the_citys_name_is_the_city_not_the_project_named_after_it(store: Assistant, question: str) -> None:
    # 郡山 is whose sheets are ranked, not the 郡山 of 郡山ブランド野菜振興事業 (西川市's sheet is left out)
    a = store.ask(question)
    assert a.answerable and "シティプロモーション事業" in a.answer and _total(2024, 13) in a.answer, a.answer
    assert _total(2024, 3) not in a.answer, a.answer


def test_a_project_named_after_the_city_in_more_words_is_that_project(store: Assistant) -> None:
    a = store.ask("郡山ブランド野菜の2024年度の総事業費は？")
    assert a.answerable and "郡山ブランド野菜振興事業" in a.answer and _total(2024, 1) in a.answer, a.answer


@pytest.mark.parametrize("question", ["How much did the city spend on the summer festival in FY2024?",
                                      "夏祭りの花火にR6でいくら使った？"])
def test_what_no_sheet_mentions_is_declined_not_asked_back(store: Assistant, question: str) -> None:
    # no project named and the thing asked is on no sheet: which project is meant is no question
    a = store.ask(question)
    assert not a.answerable and not a.choices and ("festival" in a.answer or "花火" in a.answer), a.answer


@pytest.mark.parametrize("question", [
    "The electronic government program that helps seniors apply online - how many online applications were there in FY2024?",
    "The flood countermeasures project that protects elderly residents - how many first-aid course attendees were there in FY2024?",
])
def test_whom_the_described_project_serves_narrows_nothing(store: Assistant, question: str) -> None:
    # "the program that helps seniors …, -": the clause describes the project named; the row asked
    # counts everyone (a question that narrows the count itself is told the sheet has no such figure)
    a = store.ask(question)
    assert a.answerable and ("316,799" in a.answer or "応急手当講習会の受講者数」: FY2024: actual 55" in a.answer), a.answer


@pytest.mark.parametrize("question", [
    "How many first-aid course attendees were seniors under the flood countermeasures project in FY2024?",
    # a clause with no separator after it narrows what is counted
    "How many people attended the first-aid courses of the flood countermeasures project for seniors in FY2024?",
])
def test_a_narrowing_of_the_count_itself_is_still_told(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert not a.answerable and "seniors" in a.answer, a.answer


@pytest.mark.parametrize("question", ["図書館だより、R6は何回出した？", "図書館だよりって令和６年度に何回出したっけ"])
def test_what_a_row_counts_said_whole_names_it_with_no_project_named(store: Assistant, question: str) -> None:
    # 図書館だより (Sudachi: 図書館+だ+より) is written whole before the の of 図書館だよりの発行回数, the
    # one row of the store that counts it
    a = store.ask(question)
    assert a.answerable and "図書館だよりの発行回数" in a.answer and "58" in a.answer, a.answer


@pytest.mark.parametrize("question", [
    "How many people joined reading volunteer activities under the library service project in FY2024?",
    "What was the number of participants in reading volunteer activities for the library services project in FY2024?",
])
def test_a_section_word_inside_an_english_row_is_the_rows(store: Assistant, question: str) -> None:
    # "activities" of 読書ボランティア活動の参加者数, asked how many: the row, not the 手段 section
    a = store.ask(question)
    assert a.answerable and "読書ボランティア活動の参加者数" in a.answer and "77,934" in a.answer, a.answer


@pytest.mark.parametrize("question", ["How many council newsletter issues came out under the library service project in FY2024?",
                                      "Library service project: how many library newsletters were published in FY2024?"])
def test_a_newsletter_is_a_dayori(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert a.answerable and "図書館だよりの発行回数" in a.answer and "58" in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", ["How many home-purchase subsidies were granted in FY2024?",
                                      "In FY2024, how many first-aid course attendees were there?"])
def test_a_row_named_in_english_with_no_project_named_finds_its_project(store: Assistant, question: str) -> None:
    # the one row of the store JMdict's words name (two English words at least): its project's figure
    a = store.ask(question)
    assert a.answerable and "55" in a.answer and ("住宅取得補助件数" in a.answer or "応急手当" in a.answer), a.answer


@pytest.fixture(scope="module")
def by_meaning(store: Assistant) -> Assistant:
    """The same store with the e5 model at hand to link by meaning, as the app has it."""
    from assistant.dense import DenseNames

    a = Assistant.from_settings(store.settings, retrieval=False)
    e = real_embeddings()
    a.dense = DenseNames(e.embed_documents, lambda texts: [e.embed_query(t) for t in texts])
    return a


def test_the_rest_of_a_phrase_naming_a_row_describes_it(by_meaning: Assistant) -> None:
    # "travel agencies" names 旅行会社等への誘致活動件数; "promotional visits to" them is what it counts
    # (the row is also the nearest of the project's rows in meaning), no missing content
    a = by_meaning.ask("How many promotional visits to travel agencies did the school-trip promotion project make in FY2024?")
    assert a.answerable and "旅行会社等への誘致活動件数" in a.answer and "55" in a.answer, a.answer


def test_english_phrases_end_at_function_words() -> None:
    from assistant.query import _english_phrases

    norm = "how was the wildlife crop damage split between wild boar and deer in fy2025?"
    assert [norm[a:b] for a, b in _english_phrases(norm)] == ["wildlife crop damage split", "wild boar", "deer"]
    norm = "how many promotional visits to travel agencies were made?"
    assert "promotional visits to travel agencies" in [norm[a:b] for a, b in _english_phrases(norm)]


def test_an_english_count_of_people_is_not_a_count_of_sessions(by_meaning: Assistant) -> None:
    # "how many dementia supporters were trained": supporters are people (the last noun of the phrase);
    # 認知症サポーター養成講座の開催回数 counts courses — not given as the answer
    a = by_meaning.ask("How many dementia supporters were trained in FY2024 under the park toilet project?")
    assert not a.answerable, a.answer
    b = by_meaning.ask("How many dementia supporter training courses were held in FY2024 under the park toilet project?")
    assert b.answerable and "認知症サポーター養成講座の開催回数" in b.answer and "685" in b.answer, b.answer


def test_the_one_row_counted_in_people_is_not_every_people_count(by_meaning: Assistant) -> None:
    # "full-time staff" are no 特別支援教育支援員 for being counted in 人 too
    a = by_meaning.ask("How many full-time staff are assigned to the special needs education support staff placement project?")
    assert "特別支援教育支援員の配置人数」: FY" not in a.answer, a.answer


def test_many_english_words_of_one_name_outweigh_one_own_word_of_another(store: Assistant) -> None:
    # four words of 特別支援教育支援員配置事業 (special needs, support staff) against "schools", the one
    # word 学校施設長寿命化事業 has of its own
    a = store.ask("What was the total cost for special-needs support staff deployed to schools in FY2024?")
    assert a.answerable and "特別支援教育支援員配置事業" in a.answer and "学校施設長寿命化事業" not in a.answer, a.answer
    assert _total(2024, 1) in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", ["What was the total cost of the citizens' university in FY2024?",
                                      "Compare the FY2024 total cost of the citizens university with the city promotion project."])
def test_two_english_words_carried_into_one_japanese_word_name_it(store: Assistant, question: str) -> None:
    # citizens → 市民, university → 大学: together 市民大学, one word of 市民大学事業, with no "project" said
    a = store.ask(question)
    assert a.answerable and "市民大学事業" in a.answer and _total(2024, 4) in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", ["Which projects does the environmental policy division run?",
                                      "Which projects are run by an environment division?"])
def test_a_division_named_in_english(store: Assistant, question: str) -> None:
    # environment → 環境, division → a 課: 環境政策課's project, listed (not the 周辺環境 sections)
    a = store.ask(question)
    assert a.answerable and "住宅用太陽光発電導入支援事業" in a.answer and "環境政策課" in a.answer, a.answer
    assert "公園トイレ洋式化推進事業" not in a.answer and "電子行政推進事業" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["DXのR6の総事業費は？", "ＤＸって総事業費いくら？R6"])
def test_an_abbreviation_the_name_prints_names_the_project(store: Assistant, question: str) -> None:
    # DX is spelled out as デジタル for staff shorthand, which finds テレワーク環境整備事業's デジタル化… row;
    # the name that prints ＤＸ as written is the one meant
    a = store.ask(question)
    assert {f.project for f in a.facts if f.field == "total_cost"} == {"地域ＤＸ推進事業"}, a.answer


def test_an_english_abbreviation_a_row_prints_names_that_row(store: Assistant) -> None:
    a = store.ask("How many hours did RPA save under the regional DX project in FY2024?")
    assert a.answerable and {f.indicator for f in a.facts if f.field == "actual"} == {"ＲＰＡによる業務削減時間"}, a.answer


@pytest.mark.parametrize("question", ["What did the eastern district multifunctional payment project cost in total in FY2024?",
                                      "Total cost of the Tobu multifunctional payments scheme, FY2024?"])
def test_a_district_and_a_program_named_in_english(store: Assistant, question: str) -> None:
    a = store.ask(question)
    assert {(f.project, f.field) for f in a.facts if f.field.endswith("cost")} == {("東部地区多面的機能支払事業", "total_cost")}, a.answer


def test_a_milestone_year_is_not_the_conversations_year(store: Assistant) -> None:
    from assistant.chain import Turn

    first = "地域ＤＸ推進事業のＲＰＡによる業務削減時間、最終目標は？"
    before = store.ask(first)
    assert "9,000" in before.answer, before.answer
    a = store.ask("オンライン申請件数は？", history=[Turn(question=first, answer=before)])
    years = {f.fy for f in a.facts if f.field == "actual"}
    assert years and FINAL_FY not in years and f"{FINAL_FY}年度" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["東部地区の多面的機能支払っていつから始まったの？",
                                      "When did the eastern district multifunctional payment project start?"])
def test_the_year_a_project_began_from_any_of_its_sheets(store: Assistant, question: str) -> None:
    # the latest sheet's 背景 does not say; the year before's does
    a = store.ask(question)
    assert "平成２１年度" in a.answer, a.answer


def test_a_word_of_a_sections_name_and_of_another_projects_name_means_each(store: Assistant) -> None:
    # 観光 is the core of 観光課 (教育旅行誘致推進事業's) and a word of 観光イベント開催支援事業: both are meant
    a = store.ask("観光の事業の総事業費いくら？R6")
    projects = {f.project for f in a.facts if f.field == "total_cost"}
    assert projects == {"教育旅行誘致推進事業", "観光イベント開催支援事業"}, a.answer


def test_a_name_inside_a_place_named_one_means_both(store: Assistant) -> None:
    # 「多面的機能支払の事業」 is 多面的機能支払事業 and 東部地区多面的機能支払事業 alike; written in full, the one
    a = store.ask("多面的機能支払の事業の総事業費いくら？R6")
    assert {f.project for f in a.facts if f.field == "total_cost"} == {"多面的機能支払事業", "東部地区多面的機能支払事業"}, a.answer
    a = store.ask("多面的機能支払事業の総事業費いくら？R6")
    assert {f.project for f in a.facts if f.field == "total_cost"} == {"多面的機能支払事業"}, a.answer


def test_two_projects_sharing_a_word_named_in_two_english_phrases(store: Assistant) -> None:
    # "district" is a word of both names; each phrase names its own project
    a = store.ask("Compare the total cost in FY2024 of the eastern district multifunctional payment project and the Kikuta road snow-removal project.")
    assert {f.project for f in a.facts if f.field == "total_cost"} == {"東部地区多面的機能支払事業", "喜久田地区道路除雪対策事業"}, a.answer


def test_a_compound_two_names_print_is_said_of_both(store: Assistant) -> None:
    truth = json.loads(SEED_TRUTH.read_text(encoding="utf-8"))
    total = next(c for c in truth["costs"] if c["fy"] == 2024)["total_cost"] * 6
    # 「鳥獣対策」 of 菜根地区有害鳥獣対策事業 and of 有害鳥獣対策被害防止事業: the one whose sheets reach R6
    a = store.ask("鳥獣対策のR6の総事業費は？")
    assert a.answerable and "菜根地区有害鳥獣対策事業" in a.answer and f"{total:,}" in a.answer, a.answer
    a = store.ask("鳥獣対策の事業の総事業費は？")  # no year: both are meant (answered for each, or asked back)
    names = {c.project for c in a.choices} | {n for n in ("菜根地区有害鳥獣対策事業", "有害鳥獣対策被害防止事業") if n in a.answer}
    assert {"菜根地区有害鳥獣対策事業", "有害鳥獣対策被害防止事業"} <= names, a.answer


@needs_jmdict
def test_a_name_word_made_of_two_words_is_reached_by_its_whole_glosses(store: Assistant) -> None:
    # 動物愛護 = 動物 + 愛護: "animal welfare" reaches it; "animal" alone reaches 動物 only
    english = store.catalog.names_in_english
    assert "動物愛護" in english.get("animal welfare", ()) and "動物愛護" not in english.get("animal", ())
    assert "鳥獣" in english.get("animal", ())  # 鳥獣 is one word: its glosses' words reach it


@needs_jmdict
@pytest.mark.parametrize(("question", "name", "scale"), [
    ("What was the Saikon wild animal project's total cost in FY2024?", "菜根地区有害鳥獣対策事業", 6),
    ("Animal welfare project: total cost in FY2024?", "動物愛護推進事業", 8),
    ("How much did the irrigation channel program cost in total in FY2024?", "農業用水路整備事業", 9),
])
def test_english_reaches_a_name_through_what_its_words_mean(store: Assistant, question: str, name: str,
                                                            scale: int) -> None:
    # JMdict glosses 鳥獣 "birds and wild animals", 用水路 "irrigation channel": the name's own words, reached
    # from English though no first rendering of "animal" or "channel" is theirs
    a = store.ask(question)
    assert a.answerable and name in a.answer and _total(2024, scale) in a.answer, a.answer


def test_namesakes_of_two_cities_named_each_latest(store: Assistant) -> None:
    # 「直近」 picks no namesake where each city is named: both, told apart by their cities
    a = store.ask("東山市のふるさと寄附と西川市のふるさと寄附、直近の総事業費を比べて")
    assert "東山市" in a.answer and "西川市" in a.answer and _total(2024, 1) in a.answer and _total(2024, 3) in a.answer, a.answer


def test_a_rate_the_projects_name_holds_is_no_row_of_its_sheet(store: Assistant) -> None:
    # 「実際の投票率は何％」: the % is the row's unit, not an achievement rate; no row is the turnout, so no
    # count of the sheet (nor its one % row, キャッシュレス決済比率) is presented as it
    a = store.ask("投票率向上の事業で、実際の投票率は何％だった？")
    assert not a.answerable and "比率" not in a.answer.splitlines()[0] and "実績" not in a.answer.splitlines()[0], a.answer


def test_a_total_over_the_projects_a_name_fits_is_theirs_alone(store: Assistant) -> None:
    # 「多面的機能支払の事業」 fits 多面的機能支払事業 and 東部地区多面的機能支払事業: their two figures added,
    # not every project of the store
    a = store.ask("多面的機能支払の事業、R6の総事業費を合計すると？")
    one = int(_total(2024, 1).replace(",", ""))
    assert f"{2 * one:,}" in a.answer and "議会広報事業" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["市民大学のR6、総事業費に占める一般財源の割合は？", "市民大学、R6の人件費は？"])
def test_a_row_name_that_is_half_of_a_projects_word_names_no_row(store: Assistant, question: str) -> None:
    # 市民 is every seed-built sheet's 対象指標, and half of 市民大学: the word is 市民大学事業's
    a = store.ask(question)
    assert a.answerable and "市民大学事業" in a.answer, a.answer
    assert "対象指標" not in a.answer and "テレワーク" not in a.answer, a.answer


def test_a_section_asked_names_no_project_by_its_words(store: Assistant) -> None:
    # 「今後の周辺環境」 asks a section; its 環境 is no word naming テレワーク環境整備事業
    a = store.ask("太陽光の事業、R6の今後の周辺環境の見通しは？")
    assert "テレワーク環境整備事業" not in a.answer and "環境学習推進事業" not in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", ["What was the citizens college personnel cost in FY2024?",
                                      "How has the citizens' college's personnel cost changed from FY2023 to FY2024?"])
def test_english_names_with_plural_possessives_and_an_asked_row_after_them(store: Assistant, question: str) -> None:
    # "citizens'" is a possessive of a plural; "personnel cost" after the name is what is asked, not its words
    a = store.ask(question)
    assert a.answerable and "市民大学事業" in a.answer and f"{int(_personnel(2024).replace(',', '')) * 4:,}" in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", ["What were FY2024 personnel costs for the brand vegetable project?",
                                      "Compare FY2024 personnel costs for the brand vegetable project and the citizens' college."])
def test_two_latin_letters_of_a_row_start_no_english_word(store: Assistant, question: str) -> None:
    # ＰＲ of ブランド野菜のＰＲイベントの開催回数 is no "pr" of "project": the project is named, no row of it
    a = store.ask(question)
    assert a.answerable and _personnel(2024) in a.answer and "ＰＲイベント" not in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", [
    "What was the actual tax collection rate (%) in FY2024 for the tax collection improvement project?",
    "What was the tax collection rate in FY2024 for the tax collection improvement project?"])
def test_an_english_rate_made_of_the_projects_words_is_asked_not_named(store: Assistant, question: str) -> None:
    # "tax collection rate" is the 収納率 市税収納率向上事業 names and no row of its sheet gives: neither its
    # one % row nor its カイゼン plan ("improvement" is a word of the name) is presented as it
    a = store.ask(question)
    assert not a.answerable and "FY2024: actual" not in a.answer and "カイゼン策" not in a.answer, a.answer


@pytest.mark.parametrize("question", ["The FY2024 telework sheet claims 102.4% achievement for one of its rows. Check it.",
                                      "テレワークの事業、R6に685件って書いてあるのはどの指標？"])
def test_a_figure_the_question_states_names_the_row_holding_it(store: Assistant, question: str) -> None:
    # 102.4% is the achievement rate and 685件 the actual of オンラインによる電子申請手続き数（上記以外） in 2024
    a = store.ask(question)
    assert a.answerable and "オンラインによる電子申請手続き数" in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", [
    "Between the citizens' college and the brand vegetable project, which took in more national/prefectural money in FY2024?",
    "Which brought in more national and prefectural subsidies in FY2024, the citizens' college or the brand vegetable project?"])
def test_which_with_a_phrasal_verb_compares_the_two_named(store: Assistant, question: str) -> None:
    # "which took in": which of the two, no named facility asked; "took in" asks no 受入
    national = next(c["national_prefectural"] for c in json.loads(SEED_TRUTH.read_text(encoding="utf-8"))["costs"]
                    if c["fy"] == 2024)
    a = store.ask(question)
    assert a.answerable and f"{national:,}" in a.answer and "市民大学事業" in a.answer, a.answer
    assert "郡山ブランド野菜振興事業" in a.answer and "larger" not in a.answer, a.answer  # the seed's figure in both: a tie


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Two names told apart by a generic word only (推進), and one other project."""
    if not SEED_TRUTH.exists():
        pytest.skip("../shared is not beside this checkout")
    folder = tmp_path_factory.mktemp("generic-pair")
    files = [_sheet(folder, "layered", "重層的支援体制整備事業", "福祉総務課", shift=-9),
             _sheet(folder, "layered-town", "重層的支援体制整備推進事業", "保健福祉課", city="東浜町", scale=3),
             _sheet(folder, "solar", "住宅用太陽光発電導入支援事業", "環境政策課")]
    settings = AssistantSettings(home=folder / "store", models={"cache_dir": model_cache()})
    report = build(files, settings, embedding=E5Embedding(embeddings=real_embeddings()))
    assert report.ok, report.failed
    return Assistant.from_settings(settings, retrieval=False)


@needs_jmdict
@pytest.mark.parametrize("question", ["What's the total cost of the multi-layered support system project?",
                                      "Personnel cost of the multilayered support system project?"])
def test_an_english_name_two_names_fit_alike_names_both(pair: Assistant, question: str) -> None:
    # the phrase fits 重層的支援体制整備事業 and 重層的支援体制整備推進事業 alike (推進 is no word of it): each is
    # answered, or the user is asked which
    a = pair.ask(question)
    both = "重層的支援体制整備事業" in a.answer and "重層的支援体制整備推進事業" in a.answer
    assert both or {c.project for c in a.choices} >= {"重層的支援体制整備事業", "重層的支援体制整備推進事業"}, a.answer


@pytest.mark.parametrize("question", ["Which municipal projects' FY2024 sheets show national or prefectural subsidy income?",
                                      "Which of the projects' FY2024 sheets show national or prefectural subsidy income that year?"])
def test_which_projects_with_words_between_lists_them(pair: Assistant, question: str) -> None:
    # "which … projects' sheets show …": the projects holding the row that year (two of the three evaluate 2024)
    a = pair.ask(question)
    assert a.answerable and "2 project(s)" in a.answer and "住宅用太陽光発電導入支援事業" in a.answer, a.answer


@pytest.mark.parametrize("question", ["菜根の鳥獣対策と南原市の鳥獣被害防止、それぞれ最新の人件費は？",
                                      "菜根の鳥獣対策と、南原市の鳥獣被害防止の事業、直近の総事業費を比べて",
                                      "南原市の鳥獣被害防止と菜根の鳥獣対策、それぞれ最新の人件費は？"])
def test_two_mentions_joined_by_to_each_name_their_own_project(store: Assistant, question: str) -> None:
    # 鳥獣対策 is in both names; 有害鳥獣対策被害防止事業 fits its own mention better, and must not take the
    # other one's words too (菜根の鳥獣対策 is 菜根地区有害鳥獣対策事業), in either order: a word said twice
    # is read beside the name's other words (link._nearest_said)
    a = store.ask(question)
    assert a.answerable and "菜根地区有害鳥獣対策事業" in a.answer and "有害鳥獣対策被害防止事業" in a.answer, a.answer


@needs_jmdict
@pytest.mark.parametrize("question", [
    "For the home solar power project (the sheet with pipe-separated cells), what was the personnel cost in FY2024?",
    "Home solar power project, the one in the comma-separated layout: personnel cost in FY2024?"])
def test_words_about_how_a_sheet_is_printed_ask_nothing(store: Assistant, question: str) -> None:
    # "pipe-separated cells" describes the file; its "pipe" (管) is no row the sheet lacks
    a = store.ask(question)
    assert a.answerable and _personnel(2024) in a.answer, a.answer
