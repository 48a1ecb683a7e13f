"""Question types, one module each. A type says how well it fits a linked question and answers
it; the Assistant only dispatches. A new type is one module here and words in lexicon.toml.

across       rankings, filters and lists over many projects
evaluation   一次・二次評価の結果と評点
figure       indicator and cost figures: values, rates, verdicts, changes, shares, ranges
prose        sections looked up, summarised, and reasons
"""

from assistant.kinds.across import FilterKind, ListKind, RankKind
from assistant.kinds.base import Desk, Kind, Part
from assistant.kinds.evaluation import EvaluationKind
from assistant.kinds.figure import FigureKind
from assistant.kinds.prose import ProseKind

CROSS: tuple[Kind, ...] = (RankKind(), FilterKind(), ListKind())
SINGLE: tuple[Kind, ...] = (FigureKind(), EvaluationKind(), ProseKind())

__all__ = ["CROSS", "SINGLE", "Desk", "Kind", "Part"]
