"""The data that flows between stages: frozen dataclasses, no I/O.

Points are :class:`decimal.Decimal` everywhere so that half points add up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

#: Question types every workspace knows, with their Chinese names.
QUESTION_TYPES: dict[str, str] = {
    "short_answer": "简答题",
    "case_analysis": "案例分析题",
    "practical": "实训操作题",
    "interview": "面试/情景题",
    "single_choice": "单项选择题",
    "multiple_choice": "多项选择题",
    "true_false": "判断题",
}

#: Objective types: the answer is letters (or true/false) scored by examgen, not by judges.
OBJECTIVE_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice", "true_false")

#: Choice types: questions with ``options`` labelled A, B, ….
CHOICE_TYPES: tuple[str, ...] = ("single_choice", "multiple_choice")

#: Labels of options, in order; a choice question has 2–8 options.
OPTION_LETTERS = "ABCDEFGH"
MIN_OPTIONS = 2

#: The answer of a true/false question as stored ("true"/"false") and as printed in a key.
TRUE_FALSE_MARKS: dict[str, str] = {"true": "√", "false": "×"}

#: The tag `bank import` puts on a question a person still has to review; `build` refuses
#: such questions in the sections it draws (unless told otherwise).
REVIEW_TAG = "导入待审"

#: Topics of the sample bank; a workspace may use others.
TOPICS: tuple[str, ...] = (
    "投诉处理",
    "倾听与提问",
    "服务规范与礼仪",
    "工单与记录",
    "情绪与压力",
    "业务咨询",
    "信息安全与保密",
    "欠费催缴",
    "客户挽留",
    "故障报修",
)

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """Return the Chinese numeral for 1..99 (一, 十, 十一, 二十三)."""
    if not 1 <= n <= 99:
        raise ValueError(f"no Chinese numeral for {n}")
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
    if ones:
        text += CHINESE_NUMERALS[ones - 1]
    return text


def format_points(value: Decimal) -> str:
    """Return points as a person writes them: ``5``, ``7.5``, never ``5.0`` or ``7.50``."""
    return format(value.normalize(), "f")


#: The instruction of each objective type, as national papers print it in the heading.
OBJECTIVE_INSTRUCTIONS: dict[str, str] = {
    "single_choice": "选择一个正确的答案，将相应的字母填入题内的括号中。",
    "multiple_choice": "选择两个或两个以上正确的答案，将相应的字母填入题内的括号中。",
    "true_false": "将判断结果填入括号中。正确的填“√”，错误的填“×”。",
}


def section_heading_text(
    numeral: str,
    name: str,
    first: int,
    last: int,
    points_each: Decimal,
    total: Decimal,
    instruction: str = "",
) -> str:
    """Return a section heading in the national style, full-width punctuation.

    ``一、单项选择题（第1题～第20题。选择一个正确的答案，将相应的字母填入题内的括号中。每题1分，满分20分。）``;
    a one-question section reads ``（第21题。每题10分，满分10分。）``. Numbers run on
    through the paper, as on national papers; ``instruction`` ends with ``。``.
    """
    numbers = f"第{first}题" if first == last else f"第{first}题～第{last}题"
    rule = f"每题{format_points(points_each)}分，满分{format_points(total)}分。"
    return f"{numeral}、{name}（{numbers}。{instruction}{rule}）"


@dataclass(frozen=True)
class Origin:
    """Where a thing was read from, for error messages: ``banks/case.yaml:42``."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class KeyPoint:
    """One scoring point of an answer (答案要点) and the points it is worth."""

    text: str
    points: Decimal


@dataclass(frozen=True)
class Question:
    """A question as written in the bank, for the full mark ``points``."""

    id: str
    type: str
    topic: str
    difficulty: int
    points: Decimal
    stem: str
    question: str
    key_points: tuple[KeyPoint, ...]
    analysis: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    origin: Origin = field(default=Origin(""), compare=False)
    #: Choice questions: the option texts in bank order, labelled A, B, … by position.
    options: tuple[str, ...] = ()
    #: Objective questions: the letters of the right options, sorted (``B``, ``ACD``), or
    #: ``true`` / ``false``; empty for judge-marked questions.
    answer: str = ""

    @property
    def objective(self) -> bool:
        """Return whether examgen scores this question from the contestant's answer."""
        return self.type in OBJECTIVE_TYPES


@dataclass(frozen=True)
class Bank:
    """All questions of a workspace, sorted by id, and a fingerprint of the files they came from."""

    questions: tuple[Question, ...]
    fingerprint: str
    files: tuple[str, ...] = ()

    def by_id(self) -> dict[str, Question]:
        """Return the questions keyed by id."""
        return {q.id: q for q in self.questions}


@dataclass(frozen=True)
class Section:
    """One section of a blueprint: ``count`` questions of ``type`` at ``points`` each."""

    name: str
    type: str
    count: int
    points: Decimal
    topics: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 5)
    #: Ids that must not be drawn for this section.
    exclude: tuple[str, ...] = ()
    origin: Origin = field(default=Origin(""), compare=False)
    #: multiple_choice: ``all_or_nothing`` (少选、多选、错选均不得分) or ``partial``
    #: (全部选对得满分；少选且所选都对得部分分; any wrong option 0).
    scoring: str = "all_or_nothing"
    #: partial: points per right option chosen (``partial_per_option``), or a fixed share
    #: of the question's points (``partial_share`` 0.5 for 50%); exactly one is set.
    partial_per_option: Decimal | None = None
    partial_share: Decimal | None = None
    #: multiple_choice: the fewest right options a question may have (2 forbids one-letter answers).
    min_answer_letters: int = 1
    #: Objective sections: shuffle each question's options per form (the manifest keeps the order).
    shuffle_options: bool = False

    @property
    def total(self) -> Decimal:
        return self.points * self.count

    @property
    def objective(self) -> bool:
        """Return whether examgen scores this section from the contestants' answers."""
        return self.type in OBJECTIVE_TYPES

    def scoring_text(self) -> str:
        """Return the scoring rule of a multiple-choice section as printed: ``错选、少选、多选均不得分。``."""
        if self.type != "multiple_choice":
            return ""
        if self.scoring != "partial":
            return "错选、多选、少选均不得分。"
        if self.partial_per_option is not None:
            part = f"每选对一项得{format_points(self.partial_per_option)}分"
        else:
            share = self.partial_share if self.partial_share is not None else Decimal(0)
            part = f"得{format_points(self.points * share)}分"
        return f"全部选对得满分；少选且所选都对的，{part}；错选、多选不得分。"


@dataclass(frozen=True)
class Layout:
    """How the documents look, beyond what the reference .docx styles say."""

    lines_per_point: Decimal = Decimal("1")
    min_answer_lines: int = 3
    max_answer_lines: int = 30
    #: Text for judges on partial marks, printed in the key.
    scoring_note: str = ""
    reference_docx: str = ""
    #: Questions on a page of an interview's 题本 (面试题本).
    questions_per_page: int = 1


@dataclass(frozen=True)
class SharedCap:
    """How many questions two forms may share: a count, or a share of the questions."""

    count: int | None = None
    share: Decimal | None = None

    def limit(self, questions: int) -> int:
        """Return the number of shared questions allowed out of ``questions`` (share rounded down)."""
        if self.count is not None:
            return self.count
        return int(self.share * questions) if self.share is not None else questions


@dataclass(frozen=True)
class FormRules:
    """The blueprint's ``forms:`` block: how parallel forms A, B, … may overlap and must balance."""

    #: Questions any two forms may share over the whole paper (None: no cap).
    max_shared: SharedCap | None = None
    #: Per-section caps, by section name, on top of the paper's.
    section_max_shared: tuple[tuple[str, SharedCap], ...] = ()
    #: Per section, the largest difference of the forms' mean difficulties.
    difficulty_tolerance: Decimal | None = None
    #: Per section and topic, the largest difference of the forms' question counts.
    topic_tolerance: int | None = None
    #: Objective sections: the largest share of a section's answers that one answer may take.
    max_answer_share: Decimal | None = None
    #: Groups of question ids that give each other away: at most one of a group per form.
    exclude_together: tuple[tuple[str, ...], ...] = ()
    #: Where each key was written, for messages (``templates/x.yaml:31``).
    where: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def bind_one_form(self) -> bool:
        """Return whether a rule applies inside a single form (enemies, answer spread)."""
        return bool(self.exclude_together) or self.max_answer_share is not None

    def where_of(self, key: str) -> str:
        """Return where ``key`` was written, or where the block was."""
        places = dict(self.where)
        return places.get(key) or places.get("forms", "")


@dataclass(frozen=True)
class Blueprint:
    """The rules of a paper: title, sections, layout, and the grading rules (kept as given)."""

    name: str
    title: str
    total: Decimal
    sections: tuple[Section, ...]
    subtitle: str = ""
    duration: int = 0
    instructions: tuple[str, ...] = ()
    paper_id: str = ""
    layout: Layout = Layout()
    #: The blueprint's ``grading`` mapping (policy, awards, ranking, teams), validated
    #: by :mod:`examgen.paper.rules` and passed to grading through the manifest.
    grading: dict = field(default_factory=dict, compare=False, hash=False)
    path: str = ""
    #: How parallel forms overlap and balance (the ``forms:`` block).
    forms: FormRules = FormRules()
    #: Exposure: leave out every question of the last N released papers (``exclude_used:
    #: {within: N}``), and questions already used ``max_uses`` times (workspace history).
    exclude_used_within: int | None = None
    max_uses: int | None = None
    #: Which difficulty section filters use: "author" (the bank's) or "observed" (from the
    #: workspace history where a question has been analysed, else the bank's).
    difficulty_by: str = "author"
    #: Settings of the analysis after grading, normalised: {"pass_mark": 60 | "60%"}.
    analysis: dict = field(default_factory=dict, compare=False, hash=False)
    #: The blueprint's ``contest`` mapping (name, organizer, 公示期, contact), normalised by
    #: :func:`examgen.paper.rules.check_contest_info`; passed on in the manifest.
    contest: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_interview(self) -> bool:
        """Return whether the blueprint is an oral interview (every section of interview questions).

        An interview gets a 题本, judges' 评分表 and a key instead of a written paper.
        """
        return all(section.type == "interview" for section in self.sections)


@dataclass(frozen=True)
class PaperQuestion:
    """A question placed on a paper: its number in the section and the points it is used at."""

    number: int
    question: Question
    points: Decimal
    #: Key points rescaled to ``points`` (the bank's own when the points match).
    key_points: tuple[KeyPoint, ...]
    #: Objective questions: the options in paper order (shuffled when the section says so)
    #: and the answer's letters in that order (or ``true``/``false``).
    options: tuple[str, ...] = ()
    answer: str = ""


@dataclass(frozen=True)
class PaperSection:
    """A section of a paper, numbered 一、二、三 in paper order."""

    number: int
    section: Section
    questions: tuple[PaperQuestion, ...]

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number)

    @property
    def total(self) -> Decimal:
        return sum((q.points for q in self.questions), Decimal(0))


@dataclass(frozen=True)
class Form:
    """One form (A卷, B卷, …) of a paper."""

    letter: str
    sections: tuple[PaperSection, ...]
    #: A variant's code (卷码 A1, A2, …), printed in the header and beside the 准考证号;
    #: "" for the form itself.
    code: str = ""

    def questions(self) -> list[PaperQuestion]:
        """Return every question of the form in paper order."""
        return [q for s in self.sections for q in s.questions]


@dataclass(frozen=True)
class Variant:
    """A variant of a form (卷码 A1): the form's questions, each section in its own order,
    the options of choice questions in their own order.

    ``order[s]`` lists the form's question numbers (within section ``s``, in paper order)
    in the order the variant prints them; ``options[s][k]`` the form's option letters in
    the order the variant prints them for its ``k``-th question (``CADB``: the variant's A
    is the form's C), "" for a question without options.
    """

    code: str
    form: str
    order: tuple[tuple[int, ...], ...]
    options: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Paper:
    """The result of assembly: the forms drawn from a bank under a blueprint with a seed."""

    blueprint: Blueprint
    seed: int
    bank_fingerprint: str
    forms: tuple[Form, ...]
    #: How the questions were chosen: "random draw", or the solver and its version.
    assembly: str = "random draw"
    #: Variants of the forms (``build --variants``), form by form; empty without variants.
    variants: tuple[Variant, ...] = ()
    #: ``build --variants-for``: each contestant of the roster and their 卷码, in roster order.
    assignment: tuple[tuple[Contestant, str], ...] = ()

    def variants_of(self, letter: str) -> tuple[Variant, ...]:
        """Return the variants of form ``letter`` (none without ``--variants``)."""
        return tuple(v for v in self.variants if v.form == letter)

    @property
    def paper_id(self) -> str:
        return self.blueprint.paper_id or self.blueprint.name


# --- Grading -----------------------------------------------------------------------------
# The manifest side of grading: what a score sheet is checked against.


@dataclass(frozen=True)
class ScoredQuestion:
    """A question as grading sees it, from the manifest: its label, id, maximum and section."""

    label: str  # "一.1", unique within a form
    id: str
    points: Decimal
    section_number: int
    section_name: str
    section_type: str
    #: Objective questions: the right answer (letters, or true/false); "" when judge-marked.
    answer: str = ""
    #: The key points with their points (答案要点), shown to judges of an interview.
    key_points: tuple[KeyPoint, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ObjectiveQuestion:
    """An objective question as grading sees it, from the manifest: answer and scoring rule.

    ``letters`` are its option letters on the paper (``ABCD``; empty for true/false);
    ``answer`` is sorted letters or ``true``/``false``; ``number`` its paper number.
    """

    question: ScoredQuestion
    number: int
    letters: str
    answer: str
    scoring: str = "all_or_nothing"
    partial_per_option: Decimal | None = None
    partial_share: Decimal | None = None

    @property
    def type(self) -> str:
        return self.question.section_type


@dataclass(frozen=True)
class Contestant:
    """A contestant from the roster (准考证号, 姓名, 单位) and, when anonymised, the secret code."""

    id: str
    name: str
    unit: str = ""
    code: str = ""  # 密号, when sheets were anonymised


#: Kinds of mark under double marking; other policies use only "regular".
MARK_KINDS = ("regular", "third", "arbitration")


@dataclass(frozen=True)
class Mark:
    """One judge's mark for one contestant's answer to one question, and where it was read."""

    contestant_id: str
    question_label: str
    judge: str
    value: Decimal
    kind: str = "regular"
    where: str = field(default="", compare=False)  # "sheets/judge-1.xlsx!评分!D7"


@dataclass(frozen=True)
class Marks:
    """Everything imported for one form: the questions, the contestants, and every mark."""

    form: str
    questions: tuple[ScoredQuestion, ...]
    contestants: tuple[Contestant, ...]
    marks: tuple[Mark, ...]
    judges: tuple[str, ...] = ()
    #: Contestants marked 缺考 (absent) by every judge or by the roster.
    absent: tuple[str, ...] = ()


# --- Grading rules, scores and results (examgen.paper.rules, examgen.grading.aggregate, examgen.grading.rank) ------
# Built by rules.parse_grading_rules, grade.aggregate_marks, rank.rank_contestants,
# rank.team_standings and rank.combine_rounds. Described for users of the API in
# the module docstrings; every point value is a Decimal.

#: Aggregation policies (评分方式) a blueprint may choose.
POLICIES = ("mean", "median", "trimmed_mean", "double_marking")

#: What a policy is applied to: each judge's total, section total, or each answer.
AGGREGATE_ON = ("total", "section", "question")

#: What 缺考 (absent) contestants count for: ``exclude`` = not ranked, not in award quotas.
ABSENT_RULES = ("exclude",)

#: What a judge types, or a roster says, for a contestant who did not sit the paper.
ABSENT_TEXT = "缺考"

#: Ways of rounding the number of contestants an award share gives.
AWARD_ROUNDINGS = ("half_up", "floor", "ceil")

#: What happens to contestants tied across an award boundary.
AWARD_TIES = ("better", "worse")

#: Chinese labels of the flag codes, for results documents.
FLAG_LABELS: dict[str, str] = {
    "disagreement": "评分差异过大",
    "missing": "缺评分",
    "third_needed": "待三评",
    "arbitration_needed": "待仲裁",
    "third_ignored": "三评未采用",
    "arbitration_unrequested": "仲裁(未触发)",
    "incomplete": "成绩不完整",
    "absent": "未参加本轮",
    "absent_exam": "缺考",
    "award_tie": "获奖线并列",
    "short_team": "人数不足",
}


@dataclass(frozen=True)
class Threshold:
    """A largest allowed gap between marks: fixed ``points``, or ``percent`` of the question's maximum."""

    points: Decimal | None = None
    percent: Decimal | None = None

    def for_max(self, maximum: Decimal) -> Decimal:
        """Return the gap in points for a question worth ``maximum``."""
        if self.percent is not None:
            return maximum * self.percent / 100
        return self.points if self.points is not None else Decimal(0)

    def __str__(self) -> str:
        if self.percent is not None:
            return f"{format_points(self.percent)}%"
        return format_points(self.points if self.points is not None else Decimal(0))


@dataclass(frozen=True)
class Award:
    """One award (一等奖) and the share of ranked contestants it goes to (0.1 for 10%)."""

    name: str
    share: Decimal


@dataclass(frozen=True)
class TeamRules:
    """How units (单位) are ranked: ``sum`` or ``mean`` of their best ``best_k`` members.

    ``short_units`` says what happens to a unit with fewer than ``best_k`` ranked
    members: ``count`` (scored with the members it has, flagged) or ``exclude``
    (listed without a rank, flagged). ``best_k`` 0 means every member counts.
    """

    aggregate: str = "sum"
    best_k: int = 3
    short_units: str = "count"


@dataclass(frozen=True)
class GradingRules:
    """The grading rules of a blueprint, parsed by :func:`examgen.paper.rules.parse_grading_rules`."""

    policy: str = "mean"
    #: What the policy applies to: each judge's ``total`` (default for mean, median,
    #: trimmed_mean), each ``section`` total, or each ``question`` (always, under double_marking).
    aggregate_on: str = "total"
    #: Marks expected per answer: judges (sheets) per contestant; 2 under double marking.
    judges: int = 3
    #: trimmed_mean drops the highest and lowest mark only when there are at least this many.
    trim_min_judges: int = 3
    #: double_marking: the largest gap at which two marks still agree.
    threshold: Threshold = Threshold(percent=Decimal(20))
    #: Any policy: marks of one answer further apart than this are flagged (分差过大).
    disagreement_threshold: Threshold = Threshold(percent=Decimal(20))
    #: Marks are multiples of this (score sheets validate it).
    mark_step: Decimal = Decimal("0.5")
    #: Decimals of question scores and totals, rounded half up.
    precision: int = 2
    #: Section (or round) references, by type, numeral, name or number, compared in order.
    tie_breakers: tuple[str, ...] = ()
    #: Contestants with missing or pending marks: ``exclude`` from ranking, or count as ``zero``.
    missing: str = "exclude"
    awards: tuple[Award, ...] = (
        Award("一等奖", Decimal("0.1")),
        Award("二等奖", Decimal("0.2")),
        Award("三等奖", Decimal("0.3")),
    )
    award_rounding: str = "half_up"
    award_ties: str = "better"
    teams: TeamRules = TeamRules()
    #: 缺考 contestants: ``exclude`` (listed as 缺考, not ranked, not in award quotas).
    absent: str = "exclude"


@dataclass(frozen=True)
class Flag:
    """A warning attached to an answer, a contestant or a unit: a code and a readable message."""

    code: str  # a key of FLAG_LABELS
    message: str
    question_label: str = ""


@dataclass(frozen=True)
class AnswerScore:
    """The score of one contestant's answer to one question, and how it was reached.

    ``final`` is exact (a fraction, never rounded): this answer's share of the
    contestant's score under the policy, so that answers add up exactly to sections and
    the total. It is None while marks are missing or a third mark / arbitration is
    pending (``status`` says which). Numbers are rounded once, when published.
    """

    contestant_id: str
    question: ScoredQuestion
    #: Every mark given for this answer: regular marks in judge order, then third, arbitration.
    marks: tuple[Mark, ...]
    #: The marks the final score was computed from (e.g. without the trimmed ones).
    used: tuple[Mark, ...]
    final: Fraction | None
    #: "ok", "missing", "third_needed", "arbitration_needed" or "absent" (缺考).
    status: str
    #: How ``final`` was reached: "mean", "median", "trimmed_mean", "agreed", "third",
    #: "arbitration", "objective" (scored from the entered answer), or "" when there is
    #: no final score.
    method: str
    flags: tuple[Flag, ...] = ()
    #: Objective questions: the contestant's answer as entered and normalised ("" = none).
    response: str = ""


@dataclass(frozen=True)
class PendingAnswer:
    """An answer still needing marks: ``needed`` is "third", "arbitration" or "marks" (missing)."""

    contestant: Contestant
    question: ScoredQuestion
    marks: tuple[Mark, ...]  # marks so far
    needed: str
    reason: str


@dataclass(frozen=True)
class ContestantScores:
    """One contestant's answers, in question order."""

    contestant: Contestant
    answers: tuple[AnswerScore, ...]
    #: 缺考: the contestant did not sit the paper; no answer has a score.
    absent: bool = False

    @property
    def complete(self) -> bool:
        """Return whether every answer has a final score (never for a 缺考 contestant)."""
        return not self.absent and all(a.final is not None for a in self.answers)

    def section_scores(self) -> dict[int, Fraction]:
        """Return the exact score of each section (by number) from the answers that have one.

        Totals are the sums of these; a later stage may add sections scored elsewhere
        (objective answers read by machine) before ranking.
        """
        sums: dict[int, Fraction] = {}
        for answer in self.answers:
            number = answer.question.section_number
            sums.setdefault(number, Fraction(0))
            if answer.final is not None:
                sums[number] += Fraction(answer.final)
        return sums


@dataclass(frozen=True)
class Scores:
    """Aggregated marks of one form: every contestant's answers, and what is still pending."""

    form: str
    policy: str
    precision: int
    questions: tuple[ScoredQuestion, ...]
    contestants: tuple[ContestantScores, ...]  # roster order
    #: Answers waiting for a third mark or arbitration (double marking), for a follow-up sheet.
    pending: tuple[PendingAnswer, ...] = ()
    #: Answers with fewer regular marks than expected.
    missing: tuple[PendingAnswer, ...] = ()
    judges: tuple[str, ...] = ()

    def answer(self, contestant_id: str, question_label: str) -> AnswerScore:
        """Return one answer's score; KeyError when there is no such answer."""
        for scores in self.contestants:
            if scores.contestant.id == contestant_id:
                for answer in scores.answers:
                    if answer.question.label == question_label:
                        return answer
        raise KeyError((contestant_id, question_label))

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Return every answer flag, contestant by contestant, in question order."""
        return tuple(f for c in self.contestants for a in c.answers for f in a.flags)


@dataclass(frozen=True)
class Part:
    """A scored part of a ranking, one results column: a paper section, or a contest round."""

    number: int  # 1-based, in paper / contest order
    key: str  # section numeral ("三") or round name ("实操")
    name: str  # section name ("实训操作题") or round name
    type: str  # section type ("practical"); "" for a round
    maximum: Decimal
    weight: Decimal | None = None  # rounds only: the share of the combined score


@dataclass(frozen=True)
class ContestantResult:
    """One row of a ranking: rank, contestant, part scores, total, award and flags."""

    contestant: Contestant
    rank: int | None  # None when excluded from the ranking
    #: The published total: the exact total rounded once, half up, to the precision
    #: (partial when incomplete). Ranks, ties and awards compare these.
    total: Decimal
    #: Published part scores (each exact part score rounded once), aligned with
    #: Results.parts; None where the contestant has no score at all (absent from a round).
    part_scores: tuple[Decimal | None, ...]
    #: The tie-breaker values compared after the total, in the rules' order.
    tie_break_values: tuple[Decimal, ...] = ()
    award: str = ""  # "" for no award
    excluded: bool = False
    flags: tuple[Flag, ...] = ()
    #: 缺考: listed as absent, never ranked, never shown with a score.
    absent: bool = False


@dataclass(frozen=True)
class AwardCount:
    """How many contestants got one award: the nominal count from its share, and the actual one."""

    name: str
    share: Decimal
    nominal: int
    count: int


@dataclass(frozen=True)
class Results:
    """A ranking of one paper (parts are sections) or of a contest (parts are rounds)."""

    title: str  # form letter ("A") or contest name
    parts: tuple[Part, ...]
    #: Ranked contestants best first (equal ranks ordered by id), then excluded ones by id.
    rows: tuple[ContestantResult, ...]
    maximum: Decimal
    precision: int
    tie_breakers: tuple[str, ...] = ()
    awards: tuple[AwardCount, ...] = ()
    #: Per-question detail and per-judge marks, for a single paper.
    scores: Scores | None = None
    #: The rounds' own results, for a combined ranking.
    rounds: tuple[Results, ...] = ()

    @property
    def ranked(self) -> tuple[ContestantResult, ...]:
        """Return the rows that have a rank."""
        return tuple(r for r in self.rows if r.rank is not None)


@dataclass(frozen=True)
class TeamResult:
    """One unit's standing: rank, score, and the members that counted."""

    unit: str
    rank: int | None  # None when excluded (short unit under short_units: exclude)
    score: Decimal
    counted: tuple[str, ...]  # contestant ids whose totals make the score, best first
    members: int  # ranked members of the unit
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class ContestInfo:
    """Who runs a contest and how its results are published: the heading and 落款 of the 成绩公示."""

    name: str = ""  # 大赛名称
    organizer: str = ""  # 主办单位, signs the 公示
    host: str = ""  # 承办单位
    notice_from: str = ""  # 公示期, first and last day, YYYY-MM-DD
    notice_to: str = ""
    contact: str = ""  # 联系人 for objections
    phone: str = ""  # 联系电话


@dataclass(frozen=True)
class ContestRound:
    """One round of a contest (理论, 实操): its name, manifest path and weight (0.3 for 30%)."""

    name: str
    manifest: str
    weight: Decimal


@dataclass(frozen=True)
class Contest:
    """A contest of several weighted rounds, loaded by :func:`examgen.grading.contest.load_contest`."""

    name: str
    rounds: tuple[ContestRound, ...]
    #: Scale each round's total to 100 before weighting (rounds with different maxima).
    normalize: bool = False
    #: Grading keys given in contest.yaml (tie_breakers, awards, teams, …), validated and
    #: normalised; applied over a base with rules.apply_overrides.
    overrides: dict = field(default_factory=dict, compare=False, hash=False)
    path: str = ""
    info: ContestInfo = ContestInfo()
