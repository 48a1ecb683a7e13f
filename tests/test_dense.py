"""Names linked by meaning (assistant/dense.py): vectors computed once, ahead of time when warmed."""

from __future__ import annotations

from assistant.dense import DenseNames


def _counting() -> tuple[DenseNames, list[list[str]]]:
    calls: list[list[str]] = []

    def passages(texts: list[str]) -> list[list[float]]:
        calls.append(list(texts))
        return [[float(len(t)), 1.0] for t in texts]

    return DenseNames(passages, lambda texts: [[float(len(t)), 1.0] for t in texts]), calls


def test_warmed_names_are_not_embedded_again() -> None:
    dense, calls = _counting()
    dense.warm(["浸水対策事業", "市民大学事業", "浸水対策事業", ""], batch=1)
    assert calls == [["浸水対策事業"], ["市民大学事業"]]  # each name once, the empty one never
    dense.best("flood countermeasures", ["浸水対策事業", "市民大学事業"])
    assert len(calls) == 2  # the question found them computed


def test_the_best_name_and_its_lead() -> None:
    dense, _ = _counting()
    m = dense.best("abc", ["ab", "abcdef"])
    assert m is not None and m.name in ("ab", "abcdef") and m.score >= m.runner_up
    assert dense.best("", ["ab"]) is None and dense.best("abc", []) is None
