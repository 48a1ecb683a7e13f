"""Labels once (#16): every cost, stage, indicator-kind, section, score and result label the code
writes is defined in ingest/vocabulary.py, and the model, the readers, the answers, the LLM prompt
and the UI name each cost row with the same string.

The source scan is grep-like, over the syntax tree of the package (docstrings and comments are not
strings of the tree, so they may name labels freely). What it refuses outside the vocabulary:

* a table keyed by the vocabulary's keys with labels for values (``{"primary": "一次評価", …}``);
* a tuple, list or set of two or more labels of one kind (result words, score items, stage labels,
  kind labels, cost labels), which is how a copy of a label list looks;
* the unit of a cost field chosen in place (``"円" if … else "千円"``) instead of ``cost_unit``;
* a second ``lower_is_better``.

A reader's list of the words a sheet *prints* (what it matches, not what it writes) and a
question's trigger words are not labels; the few such lists are allowed by name below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest import vocabulary as v

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p for p in [*(ROOT / "ingest").rglob("*.py"), *(ROOT / "assistant").rglob("*.py"),
                *(ROOT / "sheetqa").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]
    if p.exists() and p.name != "vocabulary.py"
)

KEYED = {
    "cost": set(v.COST_FIELDS),
    "stage": set(v.STAGE_LABELS),
    "kind": set(v.KIND_LABELS),
    "section": set(v.SECTION_LABELS),
    "milestone": set(v.MILESTONE_LABELS),
}
LABELS = {
    "result": set(v.RESULT_WORDS),
    "score": set(v.SCORE_ITEMS),
    "stage": set(v.STAGE_LABELS.values()),
    "kind": set(v.KIND_LABELS.values()),
    "cost": set(v.COST_FIELDS.values()) | {ja for ja, _ in v.ANSWER_ROW_LABELS.values()},
}
# (file, the labels the literal holds): lists of words matched in text, not written.
ALLOWED = {
    ("ingest/templates/koriyama_h27.py", ("一次評価", "二次評価")),  # vertical labels printed one piece a line
    ("ingest/templates/generic.py", ("事業費", "人件費", "市債")),  # words that mark a money row on any sheet
    ("ingest/templates/generic.py", ("成果指標", "活動指標")),  # words that mark an indicator table
    ("assistant/claims.py", ("事業費", "人件費")),  # the row words a claimed reason may name
    ("assistant/kinds/prose.py", ("事業費", "人件費")),  # 総事業費 asked: its parts' reasons count too
}
UNITS = {v.YEN, v.THOUSAND_YEN}


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _copies(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{rel}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Dict):
            pairs = [(_str(k), _str(val)) for k, val in zip(node.keys, node.values, strict=True)]
            for name, keys in KEYED.items():
                labelled = [k for k, val in pairs if k in keys and val is not None and val not in keys]
                if len(labelled) >= 2:
                    out.append(f"{where}: {name} labels keyed by {labelled}")
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [s for e in node.elts if (s := _str(e)) is not None]
            for name, labels in LABELS.items():
                hit = tuple(w for w in words if w in labels)
                if len(hit) >= 2 and (rel, hit) not in ALLOWED:
                    out.append(f"{where}: {name} labels {hit}")
        elif isinstance(node, ast.IfExp) and {_str(node.body), _str(node.orelse)} == UNITS:
            out.append(f"{where}: a cost unit chosen in place (use vocabulary.cost_unit / COST_UNITS)")
        elif isinstance(node, ast.FunctionDef) and node.name == "lower_is_better" and rel != "assistant/measures.py":
            out.append(f"{where}: a second lower_is_better (assistant/measures.py has the one)")
    return out


def test_labels_are_defined_only_in_the_vocabulary() -> None:
    found = [c for p in SOURCES for c in _copies(p)]
    assert not found, "labels copied outside ingest/vocabulary.py:\n" + "\n".join(found)


def test_the_scan_catches_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    src = tmp_path / "copy.py"
    src.write_text('LABELS = {"primary": "一次評価", "secondary": "二次評価"}\n'
                   'ENDS = ("完了", "廃止")\n'
                   'def unit(f):\n    return "円" if f.startswith("unit_cost") else "千円"\n'
                   'def lower_is_better(name):\n    return False\n', encoding="utf-8")
    assert len(_copies(src)) == 4


def test_each_cost_field_has_one_label_everywhere() -> None:
    """The model, the reader's warnings, the UI's fact table and cost sheet, and the LLM prompt use
    the vocabulary's very strings (the prompt once said 単位コスト（総事業費） for （総コスト））."""
    from assistant import llm
    from ingest import chunk, model
    from ingest.templates import koriyama_r7
    from ui import charts as ui_charts
    from ui import format as ui_format
    from ui import sheets as ui_sheets

    assert model.COST_FIELDS is v.COST_FIELDS
    assert ui_charts.COST_FIELDS is v.COST_FIELDS and ui_sheets.COST_FIELDS is v.COST_FIELDS
    assert chunk.COST_FIELDS is v.COST_FIELDS
    for field, label in v.COST_FIELDS.items():
        assert ui_format.FIELD_LABELS[field] is label, field
        assert ui_format.field_label(field) is label, field
        assert llm._FIELD_LABELS[field] is label, field
        assert koriyama_r7._ROW_LABELS[field] is label, field
    assert llm._FIELD_LABELS["unit_cost_total"] == "単位コスト（総コスト）"


def test_answers_name_rows_as_the_vocabulary_and_the_lexicon_agree() -> None:
    """Answers take a cost row's name from the vocabulary; lexicon.toml still carries a ``label`` per
    row for its own use, which must say the same."""
    from assistant import compose
    from assistant.kinds.rows import cost_row
    from assistant.lexicon import lexicon

    assert set(lexicon().rows) == set(v.ANSWER_ROW_LABELS) == set(v.COST_FIELDS)
    for field in v.COST_FIELDS:
        for lang in ("ja", "en"):
            assert compose.row_label(field, lang) == v.row_label(field, lang) == lexicon().row_label(field, lang)
        assert cost_row(field).name == v.row_label(field)
        assert cost_row(field).unit == v.cost_unit(field) == v.COST_UNITS[field]


def test_one_direction_rule_for_indicators() -> None:
    """One ``lower_is_better`` and one word list (the two copies differed: 負傷 was only in one,
    and 回収量 there made 資源物回収量 an indicator to keep down)."""
    from assistant import figures, measures

    assert figures.lower_is_better is measures.lower_is_better
    for name in ("交通事故の発生件数", "家庭系ごみ排出量", "負傷者数", "待機児童数"):
        assert measures.lower_is_better(name), name
    for name in ("資源物回収量", "温室効果ガス排出量削減率", "事故防止講習の受講者数"):
        assert not measures.lower_is_better(name), name


def test_score_items_and_stages_are_shared() -> None:
    from assistant.kinds import evaluation
    from ui import sheets as ui_sheets

    assert evaluation.SCORE_ITEMS is v.SCORE_ITEMS
    assert v.SCORE_ITEMS[3:] == (v.KIND_LABELS["activity"], v.KIND_LABELS["outcome"])
    assert ui_sheets.STAGE_LABELS is v.STAGE_LABELS
    assert set(v.TERMINAL_RESULTS) <= set(v.RESULT_WORDS) and set(v.RESULT_WORDS) < set(v.PLAN_CATEGORY_WORDS)
