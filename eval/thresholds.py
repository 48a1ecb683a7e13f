"""``python -m eval thresholds``: choose the meaning-match thresholds of :mod:`assistant.dense` on
the question bank's tune split, not by hand.

For every English tune question (not a follow-up) with a gold project — English is where words
and glossaries run out and meaning has to link — the nearest project name by e5 is found, with its
similarity and its lead over the next name. The table gives, for each (accept, margin) pair, how
many questions would be linked and how many of those to the right project; the recommended pair
links the most while keeping precision at ``--precision`` or above.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from eval.run import DEFAULT_STORE, STORES_DIR, ensure_dev_store, store_files

BANK = Path(__file__).resolve().parent / "questions" / "bank.jsonl"
ACCEPTS = (0.76, 0.78, 0.79, 0.80, 0.82, 0.84, 0.86)
MARGINS = (0.0, 0.01, 0.02, 0.03, 0.04)


def measure(bank: Path = BANK, say: Callable[[str], None] = print) -> list[tuple[float, float, bool]]:
    """(similarity, lead, right) for each tune question with a gold project."""
    from assistant.chain import Assistant
    from assistant.dense import content
    from assistant.settings import AssistantSettings
    from assistant.understand import understand

    assistants: dict[str, Assistant] = {}
    out = []
    for line in bank.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        gold = (q.get("gold") or {}).get("project")
        if q.get("split") != "tune" or q.get("conversation") or not gold or not q.get("answerable") \
                or q.get("lang") != "en":  # where words and glossaries run out: English
            continue
        name = q.get("store") or "dev"
        if name not in assistants:
            settings = AssistantSettings(home=STORES_DIR / name if name != "dev" else DEFAULT_STORE)
            ensure_dev_store(settings, say=say, files=store_files(name) if name != "dev" else None)
            assistants[name] = Assistant.from_settings(settings)
        a = assistants[name]
        text = content(understand(q["question"]))
        names = a.catalog._project_names.names
        if len(text) < 3 or len(names) < 2 or a.dense is None:
            continue
        m = a.dense.best(text, names)
        if m is not None:
            out.append((m.score, m.score - m.runner_up, m.name == gold))
    return out


def choose(rows: list[tuple[float, float, bool]], precision: float) -> tuple[float, float]:
    best = (0, ACCEPTS[-1], MARGINS[-1])
    for a in ACCEPTS:
        for m in MARGINS:
            linked = [r for r in rows if r[0] >= a and r[1] >= m]
            right = sum(1 for r in linked if r[2])
            if linked and right / len(linked) >= precision and right > best[0]:
                best = (right, a, m)
    return best[1], best[2]


def main(args: object) -> int:
    rows = measure()
    precision = getattr(args, "precision", 0.97)
    print(f"{len(rows)} tune questions with a gold project")
    print("| accept | margin | linked | right |")
    print("| ---: | ---: | ---: | ---: |")
    for a in ACCEPTS:
        for m in MARGINS:
            linked = [r for r in rows if r[0] >= a and r[1] >= m]
            print(f"| {a:.2f} | {m:.2f} | {len(linked)} | {sum(1 for r in linked if r[2])} |")
    a, m = choose(rows, precision)
    print(f"recommended (precision ≥ {precision:.0%}): PROJECT_ACCEPT = {a:.2f}, PROJECT_MARGIN = {m:.2f}")
    return 0
