"""Question types, one module each. A type says how well it fits a linked question and answers
it; the Assistant only dispatches. A new type is one module here and words in lexicon.toml.

across       rankings, totals, filters and lists over many projects
contains     whether a section lists something (「手段に…って入ってる？」): asked before the others,
             as the thing may be written nowhere
evaluation   一次・二次評価の結果と評点
figure       indicator and cost figures: values, rates, verdicts, changes, shares, ranges
inventory    which sheets (years) the store holds for a project
prose        sections looked up, summarised, and reasons
ratio        one row per unit of another (1回あたりの参加人数)
scorecard    which of a project's indicators met or missed their plans
"""

from assistant.kinds.across import FilterKind, ListKind, RankKind, TotalKind
from assistant.kinds.base import Desk, Kind, Part
from assistant.kinds.evaluation import EvaluationKind
from assistant.kinds.figure import FigureKind
from assistant.kinds.inventory import InventoryKind
from assistant.kinds.prose import ProseKind
from assistant.kinds.ratio import RatioKind
from assistant.kinds.scorecard import ScorecardKind

CROSS: tuple[Kind, ...] = (RankKind(), TotalKind(), FilterKind(), ListKind())
SINGLE: tuple[Kind, ...] = (InventoryKind(), ScorecardKind(), RatioKind(), FigureKind(), EvaluationKind(), ProseKind())

__all__ = ["CROSS", "SINGLE", "Desk", "Kind", "Part"]
