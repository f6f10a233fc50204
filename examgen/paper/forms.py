"""Choose the questions of parallel forms A, B, … as one integer program (pure).

Automated test assembly in the usual model (as in eatATA, TestDesign, xxIRT): a binary
variable per form, section and candidate question; each section gets its count; a question
appears once per form; any two forms share at most ``max_shared`` questions; per section the
forms' difficulty sums (so their means), topic counts and answer spreads stay within the
blueprint's tolerances; enemy questions (``exclude_together``) never meet on a form. The
objective is a weight per (form, question) drawn from the seed, so different seeds give
different papers and the same seed the same paper; shared questions cost more than any
weight, so without a cap forms are still as far apart as the bank allows.

The solver is HiGHS (``highspy``), run single-threaded with node limits rather than time
limits, so the result depends only on the inputs and the solver's version, which the
manifest records. Large pools are cut down to a seeded sample first (several times what the
forms need), so a model stays small whatever the size of the bank; if the sample cannot
satisfy the rules, the full pool is tried before the rules are declared impossible.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import combinations

from examgen.errors import BlueprintError, Problem
from examgen.i18n import _, colon, ngettext
from examgen.models import (
    OBJECTIVE_TYPES,
    QUESTION_TYPES,
    FormRules,
    Question,
    Section,
    chinese_numeral,
)

#: Candidates kept per section: this many times what all forms need, and at least MIN_POOL.
POOL_FACTOR = 6
MIN_POOL = 40
#: The cost of one shared question, above any sum of weight differences it could buy.
SHARE_PENALTY = 4.0
#: A deterministic bound on the branch-and-bound search (never a wall-clock limit).
MAX_NODES = 20_000
#: Stop at a paper within this share of the best weight sum.
MIP_GAP = 0.01


@dataclass(frozen=True)
class Selection:
    """The questions chosen for each form: ``chosen[letter][section index]`` in id order."""

    chosen: dict[str, tuple[tuple[Question, ...], ...]]
    solver: str


def solver_name() -> str:
    """Return the solver and its version, as recorded in the manifest."""
    import highspy

    return f"HiGHS {highspy.Highs().version()}"


def select_forms(
    pools: Sequence[Sequence[Question]],
    sections: Sequence[Section],
    rules: FormRules,
    letters: Sequence[str],
    seed: int,
    *,
    where: str = "",
) -> Selection:
    """Return the questions of every form; raise BlueprintError naming the rule that fails.

    ``pools[i]`` holds the questions section ``i`` may take (sorted by id). The check of
    counts comes first, with exact figures; only a model that passes it is solved.
    """
    problems = _count_problems(pools, sections, rules, letters, where)
    if problems:
        raise BlueprintError(problems=problems)
    full = [list(pool) for pool in pools]
    ids = [q.id for pool in pools for q in pool]
    overlapping = len(ids) != len(set(ids))
    total_questions = sum(section.count for section in sections)
    disjoint_only = rules.max_shared is not None and rules.max_shared.limit(total_questions) == 0
    if not overlapping:
        # Disjoint forms keep every sharing cap; try the small program first.
        chosen = _ClassModel(full, sections, rules, letters, seed).solve()
        if chosen is not None:
            return Selection(chosen=chosen, solver=solver_name())
        if disjoint_only:
            raise BlueprintError(problems=_diagnose(_ClassModel, full, sections, rules, letters, seed, where))
    rng = random.Random(int.from_bytes(hashlib.sha256(f"examgen-forms:{seed}".encode()).digest()[:8], "big"))
    sampled = [_sample(rng, pool, section.count * len(letters)) for pool, section in zip(pools, sections, strict=True)]
    chosen = _Model(sampled, sections, rules, letters, seed).solve()
    if chosen is None and sampled != full:
        chosen = _Model(full, sections, rules, letters, seed).solve()
    if chosen is None:
        raise BlueprintError(problems=_diagnose(_Model, full, sections, rules, letters, seed, where))
    return Selection(chosen=chosen, solver=solver_name())


def _sample(rng: random.Random, pool: Sequence[Question], needed: int) -> list[Question]:
    """Return a seeded sample of ``pool`` large enough to leave the solver real choice."""
    keep = max(MIN_POOL, POOL_FACTOR * needed)
    if len(pool) <= keep:
        return list(pool)
    picked = list(pool)
    for i in range(keep):
        j = i + int(rng.random() * (len(picked) - i))
        picked[i], picked[j] = picked[j], picked[i]
    return sorted(picked[:keep], key=lambda q: q.id)


def section_label(index: int, section: Section) -> str:
    """Return ``二、案例分析题`` for section ``index`` (1-based)."""
    return f"{chinese_numeral(index)}、{section.name}"


def _cap_for(rules: FormRules, section: Section, total_questions: int) -> int | None:
    """Return the cap on questions two forms share in ``section`` implied by the rules, if any."""
    caps = [cap.limit(section.count) for name, cap in rules.section_max_shared if name == section.name]
    if rules.max_shared is not None:
        # A paper-wide cap bounds every section too.
        caps.append(rules.max_shared.limit(total_questions))
    return min(caps) if caps else None


def _count_problems(
    pools: Sequence[Sequence[Question]],
    sections: Sequence[Section],
    rules: FormRules,
    letters: Sequence[str],
    where: str,
) -> list[Problem]:
    """Return a problem for each section whose pool is too small for the overlap caps."""
    problems = []
    n = len(letters)
    forms = ",".join(letters)
    total_questions = sum(section.count for section in sections)
    for index, (pool, section) in enumerate(zip(pools, sections, strict=True), start=1):
        cap = _cap_for(rules, section, total_questions)
        if n < 2 or cap is None:
            continue
        # Form k can reuse at most cap questions from each earlier form: a lower bound.
        needed = section.count + sum(max(0, section.count - k * cap) for k in range(1, n))
        if len(pool) >= needed:
            continue
        type_name = QUESTION_TYPES.get(section.type, section.type)
        topics = sorted({q.topic for q in pool})
        values = dict(
            forms=forms, section=section_label(index, section), needed=needed, cap=cap, count=len(pool),
            type=section.type, type_name=type_name, topics="、".join(topics),
        )
        if cap == 0:
            need = _("forms {forms} of {section} need {needed} questions that no two forms share").format(**values)
        else:
            need = _("forms {forms} of {section} need {needed} questions with at most {cap} shared by any two forms").format(
                **values
            )
        if topics:
            have = ngettext(
                "the bank has {count} {type} ({type_name}) question for it with topics {topics}",
                "the bank has {count} {type} ({type_name}) questions for it with topics {topics}",
                len(pool),
            ).format(**values)
        else:
            have = ngettext(
                "the bank has {count} {type} ({type_name}) question for it",
                "the bank has {count} {type} ({type_name}) questions for it",
                len(pool),
            ).format(**values)
        problems.append(
            Problem(
                rules.where_of("max_shared") or where,
                _("{need}; {have}").format(need=need, have=have),
                _("add questions to the bank, allow more sharing (forms.max_shared), or build fewer forms"),
            )
        )
    return problems


class _Program:
    """A small mixed-integer program, maximised by HiGHS: columns, rows, one solve."""

    def __init__(self) -> None:
        import highspy

        self.inf = highspy.kHighsInf
        self.costs: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []

    def column(self, cost: float, *, upper: float = 1.0, integer: bool = True) -> int:
        """Add a variable in [0, upper] with ``cost`` in the objective; return its index."""
        self.costs.append(cost)
        self.upper.append(upper)
        if integer:
            self.integer.append(len(self.costs) - 1)
        return len(self.costs) - 1

    def row(self, cols: Sequence[int], coefs: Sequence[float], low: float, high: float) -> None:
        """Add ``low ≤ Σ coefs·cols ≤ high``."""
        self.rows.append((list(cols), list(coefs), low, high))

    def at_most(self, cols: Sequence[int], limit: float, coefs: Sequence[float] | None = None) -> None:
        """Add ``Σ cols ≤ limit`` (weighted by ``coefs`` when given)."""
        self.row(cols, coefs if coefs is not None else [1.0] * len(cols), -self.inf, limit)

    def window(self, sums: Sequence[tuple[Sequence[int], Sequence[float]]], width: float) -> None:
        """Keep every weighted sum within one window of ``width``: max − min ≤ width."""
        if len(sums) < 2:
            return
        low = self.column(0.0, upper=self.inf, integer=False)
        for cols, weights in sums:
            self.row([*cols, low], [*weights, -1.0], 0.0, self.inf)
            self.row([*cols, low], [*weights, -1.0], -self.inf, width)

    def solve(self) -> list[float] | None:
        """Return the best values found, or None when the program has no solution."""
        import highspy
        import numpy as np

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("mip_max_nodes", MAX_NODES)
        # Any of the near-best papers will do: the weights are random, not a quality.
        h.setOptionValue("mip_rel_gap", MIP_GAP)
        n = len(self.costs)
        empty_int = np.array([], dtype=np.int32)
        h.addCols(n, np.array(self.costs), np.zeros(n), np.array(self.upper), 0, empty_int, empty_int,
                  np.array([], dtype=np.float64))  # fmt: skip
        h.changeColsIntegrality(
            len(self.integer), np.array(self.integer, dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * len(self.integer)),
        )  # fmt: skip
        starts, index, value, lower, upper = [], [], [], [], []
        for cols, coefs, lo, hi in self.rows:
            starts.append(len(index))
            index.extend(cols)
            value.extend(coefs)
            lower.append(lo)
            upper.append(hi)
        h.addRows(len(self.rows), np.array(lower), np.array(upper), len(index),
                  np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32), np.array(value))  # fmt: skip
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        solution = h.getSolution()
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible or not solution.value_valid:
            return None
        return list(solution.col_value)


def _weights(seed: int, letter: str) -> random.Random:
    """Return the generator of form ``letter``'s objective weights."""
    digest = hashlib.sha256(f"examgen-forms:{seed}:{letter}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


class _FormsModel:
    """What both programs are built from; ``relax`` drops one family of rules (for diagnosis)."""

    def __init__(
        self,
        pools: Sequence[Sequence[Question]],
        sections: Sequence[Section],
        rules: FormRules,
        letters: Sequence[str],
        seed: int,
        relax: frozenset[str] = frozenset(),
    ) -> None:
        self.pools = pools
        self.sections = sections
        self.rules = rules
        self.letters = letters
        self.seed = seed
        self.relax = relax


class _Model(_FormsModel):
    """The per-question program: a variable per form, section and question.

    Needed when forms may share questions (a cap above 0, or none) and when one question
    is eligible for two sections; ``relax`` drops one family of rules (for diagnosis).
    """

    def solve(self) -> dict[str, tuple[tuple[Question, ...], ...]] | None:
        """Return the chosen questions per form and section, or None if the rules cannot hold."""
        program = _Program()
        # x[f][s][q]: form f takes question q (index into pool s) in section s.
        x: list[list[list[int]]] = []
        for letter in self.letters:
            rng = _weights(self.seed, letter)
            x.append([[program.column(rng.random()) for _ in pool] for pool in self.pools])
        by_form_question: list[dict[str, list[int]]] = []
        for f in range(len(self.letters)):
            columns: dict[str, list[int]] = {}
            for s, pool in enumerate(self.pools):
                count = self.sections[s].count
                program.row(x[f][s], [1.0] * len(pool), count, count)
                for q, question in enumerate(pool):
                    columns.setdefault(question.id, []).append(x[f][s][q])
            for cols in columns.values():
                if len(cols) > 1:  # a question eligible for two sections is used once
                    program.at_most(cols, 1)
            by_form_question.append(columns)
            if "exclude_together" not in self.relax:
                for group in self.rules.exclude_together:
                    cols = [c for qid in group for c in columns.get(qid, [])]
                    if len(cols) > 1:
                        program.at_most(cols, 1)
        self._overlap(program, x, by_form_question)
        forms = range(len(self.letters))
        for s, (pool, section) in enumerate(zip(self.pools, self.sections, strict=True)):
            _balance(program, self.rules, self.relax, section, pool, [x[f][s] for f in forms])
        values = program.solve()
        if values is None:
            return None
        return {
            letter: tuple(
                tuple(question for q, question in enumerate(pool) if values[x[f][s][q]] > 0.5)
                for s, pool in enumerate(self.pools)
            )
            for f, letter in enumerate(self.letters)
        }

    def _overlap(self, program: _Program, x, by_form_question) -> None:
        """Add the caps on shared questions, or their cost where no cap is set."""
        rules = self.rules
        paper_cap = None if "max_shared" in self.relax or rules.max_shared is None else rules.max_shared
        total_questions = sum(section.count for section in self.sections)
        if paper_cap is not None and paper_cap.limit(total_questions) == 0:
            # Disjoint forms: each question on one form at most (one row per question, far
            # tighter than a row per pair of forms).
            every: dict[str, list[int]] = {}
            for columns in by_form_question:
                for qid, cols in columns.items():
                    every.setdefault(qid, []).extend(cols)
            for qid in sorted(every):
                if len(every[qid]) > 1:
                    program.at_most(every[qid], 1)
            return
        for f, g in combinations(range(len(self.letters)), 2):
            shared_f, shared_g = by_form_question[f], by_form_question[g]
            # y[q] ≥ x_f[q] + x_g[q] − 1: y is 1 exactly when both forms take q.
            y = []
            for qid in sorted(set(shared_f) & set(shared_g)):
                y.append(program.column(0.0 if paper_cap is not None else -SHARE_PENALTY, integer=False))
                cols = shared_f[qid] + shared_g[qid]
                program.at_most([*cols, y[-1]], 1, [1.0] * len(cols) + [-1.0])
            if paper_cap is not None and y:
                program.at_most(y, paper_cap.limit(total_questions))
            if "section_max_shared" in self.relax:
                continue
            for s, (pool, section) in enumerate(zip(self.pools, self.sections, strict=True)):
                caps = [cap.limit(section.count) for name, cap in rules.section_max_shared if name == section.name]
                if not caps:
                    continue
                z = []
                for q in range(len(pool)):
                    # Shared within this section: both forms take q here.
                    z.append(program.column(0.0, integer=False))
                    program.at_most([x[f][s][q], x[g][s][q], z[-1]], 1, [1.0, 1.0, -1.0])
                program.at_most(z, min(caps))


def _classes(pool: Sequence[Question], apart: set[str], answers: bool) -> list[list[Question]]:
    """Return ``pool`` grouped into interchangeable questions: same difficulty, topic and answer.

    Questions named in ``exclude_together`` (``apart``) are a class of their own.
    """
    groups: dict[tuple, list[Question]] = {}
    for question in pool:
        key = (question.difficulty, question.topic, question.answer if answers else "")
        if question.id in apart:
            key = (*key, question.id)
        groups.setdefault(key, []).append(question)
    return [groups[key] for key in sorted(groups, key=str)]


class _ClassModel(_FormsModel):
    """The program over classes of interchangeable questions, for disjoint forms.

    Questions alike in every attribute a rule looks at can be swapped without breaking a
    rule, so the program only decides how many of each class each form takes; the seed
    then deals the actual questions. Far smaller and far less symmetric than a variable
    per question, which is what keeps ten forms from a large bank fast.
    """

    def solve(self) -> dict[str, tuple[tuple[Question, ...], ...]] | None:
        """Return the chosen questions per form and section, or None if the rules cannot hold."""
        program = _Program()
        apart = {qid for group in self.rules.exclude_together for qid in group}
        answers = self.rules.max_answer_share is not None
        classes = [_classes(pool, apart, answers) for pool in self.pools]
        disjoint = "max_shared" not in self.relax
        # n[f][s][c]: how many questions of class c form f takes in section s.
        n: list[list[list[int]]] = []
        for letter in self.letters:
            rng = _weights(self.seed, letter)
            n.append(
                [
                    [program.column(rng.random(), upper=min(len(c), section.count)) for c in section_classes]
                    for section, section_classes in zip(self.sections, classes, strict=True)
                ]
            )
        forms = range(len(self.letters))
        for s, (section, section_classes) in enumerate(zip(self.sections, classes, strict=True)):
            for f in forms:
                program.row(n[f][s], [1.0] * len(section_classes), section.count, section.count)
            if disjoint:
                for c, members in enumerate(section_classes):
                    if len(forms) > 1 and len(members) < len(forms) * section.count:
                        program.at_most([n[f][s][c] for f in forms], len(members))
            representatives = [members[0] for members in section_classes]
            _balance(program, self.rules, self.relax, section, representatives, [n[f][s] for f in forms])
        if "exclude_together" not in self.relax:
            for f in forms:
                for group in self.rules.exclude_together:
                    cols = [
                        n[f][s][c]
                        for s, section_classes in enumerate(classes)
                        for c, members in enumerate(section_classes)
                        if members[0].id in group and members[0].id in apart and len(members) == 1
                    ]
                    if len(cols) > 1:
                        program.at_most(cols, 1)
        values = program.solve()
        if values is None:
            return None
        return self._deal(classes, n, values, disjoint)

    def _deal(self, classes, n, values, disjoint: bool) -> dict[str, tuple[tuple[Question, ...], ...]]:
        """Give each form the number of questions of each class it was allotted, by the seed."""
        rng = _weights(self.seed, "deal")
        chosen: dict[str, list[list[Question]]] = {letter: [[] for _ in classes] for letter in self.letters}
        for s, section_classes in enumerate(classes):
            for c, members in enumerate(section_classes):
                shuffled = list(members)
                for i in range(len(shuffled) - 1, 0, -1):
                    j = int(rng.random() * (i + 1))
                    shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
                start = 0
                for f, letter in enumerate(self.letters):
                    take = round(values[n[f][s][c]])
                    if not disjoint:
                        start = 0  # without the cap, every form deals from the whole class
                    chosen[letter][s].extend(shuffled[start : start + take])
                    start += take
        return {
            letter: tuple(tuple(sorted(qs, key=lambda q: q.id)) for qs in per_section)
            for letter, per_section in chosen.items()
        }


def _balance(
    program: _Program,
    rules: FormRules,
    relax: frozenset[str],
    section: Section,
    items: Sequence[Question],
    columns: Sequence[Sequence[int]],
) -> None:
    """Add a section's difficulty, topic and answer-spread rules.

    ``items[i]`` is the question (or a class's representative) behind ``columns[f][i]``,
    the variable counting how many of it form f takes.
    """
    if rules.difficulty_tolerance is not None and "difficulty_tolerance" not in relax:
        # Equal counts: means differ by ≤ t exactly when sums differ by ≤ t × count, that is
        # when every form's sum lies in one window of that width.
        bound = math.floor(rules.difficulty_tolerance * section.count)
        weights = [float(q.difficulty) for q in items]
        program.window([(cols, weights) for cols in columns], bound)
    if rules.topic_tolerance is not None and "topic_tolerance" not in relax:
        for topic in sorted({q.topic for q in items}):
            members = [i for i, q in enumerate(items) if q.topic == topic]
            program.window(
                [([cols[i] for i in members], [1.0] * len(members)) for cols in columns], rules.topic_tolerance
            )
    if rules.max_answer_share is not None and "max_answer_share" not in relax and section.type in OBJECTIVE_TYPES:
        limit = answer_limit(rules.max_answer_share, section.count)
        for cols in columns:
            for letter in answer_letters(items):
                members = [cols[i] for i, q in enumerate(items) if letter in _answer_values(q)]
                program.at_most(members, limit)

def answer_limit(share: Decimal, count: int) -> int:
    """Return how many of ``count`` answers one answer may take under ``share`` (at least 1)."""
    return max(1, math.ceil(share * count))


def _answer_values(question: Question) -> set[str]:
    """Return what a question's answer counts as in the spread: its letters, or true/false."""
    return {question.answer} if question.answer in ("true", "false") else set(question.answer)


def answer_letters(questions: Sequence[Question]) -> list[str]:
    """Return the answers that count for the spread: letters of choices, or true/false."""
    return sorted(set().union(*(_answer_values(q) for q in questions)))


_FAMILIES = {
    "max_shared": "forms.max_shared",
    "section_max_shared": "forms.sections",
    "difficulty_tolerance": "forms.difficulty_tolerance",
    "topic_tolerance": "forms.topic_tolerance",
    "max_answer_share": "forms.max_answer_share",
    "exclude_together": "forms.exclude_together",
}


def _diagnose(
    model: type[_Model] | type[_ClassModel],
    pools: Sequence[Sequence[Question]],
    sections: Sequence[Section],
    rules: FormRules,
    letters: Sequence[str],
    seed: int,
    where: str,
) -> list[Problem]:
    """Return the rules whose removal makes the forms possible, with the figures behind them."""
    present = [
        family
        for family, on in (
            ("max_shared", rules.max_shared is not None),
            ("section_max_shared", bool(rules.section_max_shared)),
            ("difficulty_tolerance", rules.difficulty_tolerance is not None),
            ("topic_tolerance", rules.topic_tolerance is not None),
            ("max_answer_share", rules.max_answer_share is not None),
            ("exclude_together", bool(rules.exclude_together)),
        )
        if on
    ]
    forms = ",".join(letters)
    culprits = [
        family
        for family in present
        if model(pools, sections, rules, letters, seed, relax=frozenset({family})).solve() is not None
    ]
    if not culprits:
        culprits = present
    problems = []
    for family in culprits:
        detail = _family_detail(family, pools, sections, rules)
        problems.append(
            Problem(
                rules.where_of(family if family != "section_max_shared" else "sections") or where,
                _("forms {forms} cannot meet {rule} together with the other rules").format(forms=forms, rule=_FAMILIES[family])
                + detail,
                _("relax that rule, add questions to the bank, or build fewer forms"),
            )
        )
    return problems


def _family_detail(family: str, pools, sections, rules: FormRules) -> str:
    """Return a short account of what the bank offers against one family of rules."""
    parts = []
    for index, (pool, section) in enumerate(zip(pools, sections, strict=True), start=1):
        label = section_label(index, section)
        if family == "difficulty_tolerance":
            spread = sorted(q.difficulty for q in pool)
            parts.append(label + colon() + _("tolerance {tolerance}, difficulties {spread}").format(
                tolerance=rules.difficulty_tolerance, spread=_histogram(spread)
            ))
        elif family == "topic_tolerance":
            topics = sorted({q.topic for q in pool})
            counts = "、".join(f"{t} {sum(q.topic == t for q in pool)}" for t in topics)
            parts.append(label + colon() + _("{count} per form, topics {topics}").format(count=section.count, topics=counts))
        elif family == "max_answer_share" and section.type in OBJECTIVE_TYPES:
            limit = answer_limit(rules.max_answer_share, section.count)
            counts = "、".join(f"{a} {sum(a in _answer_values(q) for q in pool)}" for a in answer_letters(pool))
            parts.append(label + colon() + _("at most {limit} of {count} per answer, the bank has {answers}").format(
                limit=limit, count=section.count, answers=counts
            ))
    separator = _("; ")
    return (separator + separator.join(parts)) if parts else ""


def _histogram(values: Sequence[int]) -> str:
    return " ".join(f"{d}×{values.count(d)}" for d in sorted(set(values)))


def form_comparison(paper) -> tuple[list[str], list[list[str]]]:
    """Return a table comparing the forms of ``paper`` section by section (for the terminal).

    Per section and form: mean difficulty, questions per topic, questions shared with the
    other forms, and for objective sections the spread of answers.
    """
    header = [_("Section"), _("Form"), _("Mean difficulty"), _("Topics (questions)"), _("Shared with other forms"), _("Answers")]
    rows = []
    for index, section in enumerate(paper.blueprint.sections):
        ids_by_form = {
            form.letter: {q.question.id for q in form.sections[index].questions} for form in paper.forms
        }
        for form in paper.forms:
            on_paper = form.sections[index].questions
            # Answers as printed: the paper's letters (options may be shuffled per form).
            placed = [replace(q.question, answer=q.answer or q.question.answer) for q in on_paper]
            mean = Decimal(sum(q.difficulty for q in placed)) / len(placed)
            topics = sorted({q.topic for q in placed})
            topic_text = "、".join(f"{t}{sum(q.topic == t for q in placed)}" for t in topics)
            others = set().union(*(ids for letter, ids in ids_by_form.items() if letter != form.letter))
            shared = len(ids_by_form[form.letter] & others)
            spread = ""
            if section.type in OBJECTIVE_TYPES:
                spread = " ".join(
                    f"{_answer_label(a)}{sum(a in _answer_values(q) for q in placed)}" for a in answer_letters(placed)
                )
            rows.append(
                [
                    section_label(index + 1, section),
                    form.letter,
                    f"{mean.quantize(Decimal('0.01'))}",
                    topic_text,
                    str(shared),
                    spread,
                ]
            )
    return header, rows


def _answer_label(answer: str) -> str:
    return {"true": "√", "false": "×"}.get(answer, answer)
