"""Benchmark: parallel forms chosen by the solver from a large synthetic bank.

Goals (forms issue): 3 disjoint, balanced forms of the default blueprint from a
5,000-question bank in ≤ 1 s; 10 forms from 5,000 in ≤ 10 s. Times are the median of
several runs of ``assemble`` in process (the bank is loaded once, as ``build`` does).

Run:  python tests/benchmarks/bench_forms.py [QUESTIONS]   (default 5000)
Not collected by pytest; run it by hand.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import replace
from decimal import Decimal
from itertools import combinations
from pathlib import Path

from examgen.models import Bank, FormRules, KeyPoint, Question, SharedCap
from examgen.paper.assemble import assemble
from examgen.paper.blueprint import load_blueprint

REPO = Path(__file__).resolve().parents[2]
TOPICS = ("投诉处理", "倾听与提问", "服务规范与礼仪", "工单与记录", "情绪与压力", "业务咨询",
          "信息安全与保密", "欠费催缴", "客户挽留", "故障报修")  # fmt: skip


def synthetic_bank(size: int, types: list[str]) -> Bank:
    """Return ``size`` questions spread evenly over ``types``, topics and difficulties."""
    rng = random.Random(2026)
    questions = []
    for i in range(size):
        qtype = types[i % len(types)]
        options: tuple[str, ...] = ()
        answer = ""
        if qtype in ("single_choice", "multiple_choice"):
            options = ("选项一", "选项二", "选项三", "选项四")
            answer = "ABCD"[rng.randrange(4)] if qtype == "single_choice" else "".join(sorted(rng.sample("ABCD", 2)))
        elif qtype == "true_false":
            answer = rng.choice(("true", "false"))
        questions.append(
            Question(
                id=f"Q{i:05d}", type=qtype, topic=TOPICS[rng.randrange(len(TOPICS))],
                difficulty=rng.randint(1, 5), points=Decimal(10), stem="", question=f"第{i}题",
                key_points=(KeyPoint("要点", Decimal(10)),), options=options, answer=answer,
            )  # fmt: skip
        )
    return Bank(questions=tuple(questions), fingerprint="synthetic")


def median_time(bank: Bank, blueprint, letters: tuple[str, ...], runs: int) -> tuple[float, object]:
    times, paper = [], None
    for seed in range(runs):
        start = time.perf_counter()
        paper = assemble(bank, blueprint, seed=seed, forms=letters)
        times.append(time.perf_counter() - start)
    return statistics.median(times), paper


def check(paper, rules: FormRules) -> None:
    """Fail loudly if a rule does not hold (a benchmark of a wrong answer is worthless)."""
    for f, g in combinations(paper.forms, 2):
        assert not {q.question.id for q in f.questions()} & {q.question.id for q in g.questions()}
    for index, _ in enumerate(paper.blueprint.sections):
        means = [
            Decimal(sum(q.question.difficulty for q in f.sections[index].questions)) / len(f.sections[index].questions)
            for f in paper.forms
        ]
        assert max(means) - min(means) <= rules.difficulty_tolerance


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    blueprint = load_blueprint(REPO / "templates" / "default.yaml")
    rules = replace(
        blueprint.forms,
        max_shared=SharedCap(count=0),
        difficulty_tolerance=blueprint.forms.difficulty_tolerance or Decimal("0.25"),
        topic_tolerance=blueprint.forms.topic_tolerance if blueprint.forms.topic_tolerance is not None else 1,
    )
    blueprint = replace(blueprint, forms=rules)
    types = sorted({s.type for s in blueprint.sections})
    bank = synthetic_bank(size, types)
    print(f"bank: {size} questions of {', '.join(types)}; blueprint: {len(blueprint.sections)} sections")
    assemble(bank, blueprint, seed=99, forms=("A", "B"))  # warm the solver's import
    for letters, goal, runs in ((tuple("ABC"), 1.0, 5), (tuple("ABCDEFGHJK"), 10.0, 3)):
        seconds, paper = median_time(bank, blueprint, letters, runs)
        check(paper, rules)
        verdict = "ok" if seconds <= goal else "OVER GOAL"
        print(f"{len(letters):>2} disjoint balanced forms: median {seconds:.3f} s over {runs} runs "
              f"(goal ≤ {goal:.0f} s) {verdict}")


if __name__ == "__main__":
    main()
