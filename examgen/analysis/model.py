"""The results of an analysis: frozen dataclasses the writers (xlsx, docx, charts) read.

Statistics are floats (NaN where a figure cannot be computed, e.g. the SD of one score);
writers show NaN as "—".
"""

from __future__ import annotations

from dataclasses import dataclass

from examgen.analysis.measures import Icc

#: Item flags and their Chinese names, in the order a report lists them.
ITEM_FLAGS: dict[str, str] = {
    "too_easy": "偏易（P > 0.9）",
    "too_hard": "偏难（P < 0.2）",
    "weak": "区分度弱（D < 0.2）",
    "negative": "负区分（D < 0）",
    "miskey": "疑似答案有误（高分组选干扰项多于正确答案）",
}
#: Aggregation policies as a report names them.
POLICY_NAMES: dict[str, str] = {
    "mean": "多位评委平均分",
    "median": "评委中位数",
    "trimmed_mean": "去掉一个最高分和一个最低分后取平均",
    "double_marking": "双评（分差超限三评、仲裁）",
}
EASY_P = 0.9
HARD_P = 0.2
WEAK_D = 0.2


@dataclass(frozen=True)
class Band:
    """One 分数段: its label, bounds as shares of the maximum, and how many scores fall in it."""

    label: str
    low: float  # inclusive share of the maximum
    high: float  # exclusive (1.0 band: inclusive)
    count: int


@dataclass(frozen=True)
class Summary:
    """The distribution of one score (the total, or a section's score)."""

    name: str
    maximum: float
    count: int
    mean: float
    sd: float
    median: float
    highest: float
    lowest: float
    q1: float
    q3: float
    pass_mark: float
    passed: int
    bands: tuple[Band, ...]
    #: The scores themselves, for histograms and box plots.
    values: tuple[float, ...] = ()

    @property
    def pass_rate(self) -> float:
        """Return the share of scores at or above the pass mark."""
        return self.passed / self.count if self.count else float("nan")

    @property
    def score_rate(self) -> float:
        """Return the mean as a share of the maximum (得分率)."""
        return self.mean / self.maximum if self.maximum else float("nan")


@dataclass(frozen=True)
class UnitSummary:
    """One 单位: how many contestants were analysed, their mean and best total."""

    unit: str
    count: int
    mean: float
    best: float


@dataclass(frozen=True)
class ItemStats:
    """Item analysis of one question."""

    label: str
    id: str
    form: str
    section_name: str
    section_type: str
    points: float
    count: int
    mean: float
    sd: float
    #: Difficulty P = mean / points (得分率).
    p: float
    #: Discrimination D = score rate of the upper 27 % minus the lower 27 % by total.
    d: float
    upper_rate: float
    lower_rate: float
    #: Corrected item–total correlation: with the total without this question.
    item_total_r: float
    alpha_if_deleted: float
    flags: tuple[str, ...] = ()
    #: Double marking: share of answers that needed a third mark (三评), arbitration (仲裁).
    third_rate: float | None = None
    arbitration_rate: float | None = None


@dataclass(frozen=True)
class Reliability:
    """Cronbach's α of one form's questions over the contestants who sat it."""

    form: str
    contestants: int
    items: int
    alpha: float


@dataclass(frozen=True)
class OptionShare:
    """One option of a choice question: the share choosing it overall, in the upper and lower group."""

    letter: str
    is_key: bool
    overall: float
    upper: float
    lower: float


@dataclass(frozen=True)
class OptionTable:
    """The option table of one choice question, and whether its key looks wrong."""

    label: str
    key: str
    options: tuple[OptionShare, ...]
    #: Distractors that drew more of the upper group than the key did.
    suspicious: tuple[str, ...] = ()


@dataclass(frozen=True)
class JudgeStats:
    """One judge: severity, agreement with the others, and 分差 flags."""

    judge: str
    answers: int
    #: Mean of (this judge's mark − the other judges' mean mark) on the same answers, in points;
    #: positive = more lenient (偏宽), negative = more severe (偏严).
    severity: float
    severity_sd: float
    #: Pearson r of this judge's contestant totals with the other judges' mean totals.
    correlation: float
    #: Share of this judge's answers flagged for 分差 (disagreement).
    flagged_share: float
    #: Mean deviation per question, in the order of Analysis.judge_questions (NaN: not marked).
    by_question: tuple[float, ...] = ()


@dataclass(frozen=True)
class IccRow:
    """The ICCs of one question (or of the totals): None when too few complete ratings."""

    label: str
    icc: Icc | None
    reading: str


@dataclass(frozen=True)
class Analysis:
    """Everything an analysis found about one graded paper."""

    title: str
    paper_id: str
    policy: str
    #: Contestants in the results, and those analysed (every answer scored).
    contestants: int
    analysed: int
    total: Summary
    sections: tuple[Summary, ...]
    units: tuple[UnitSummary, ...]
    items: tuple[ItemStats, ...]
    reliability: tuple[Reliability, ...]
    options: tuple[OptionTable, ...]
    judges: tuple[JudgeStats, ...]
    #: Question labels of the judge × question table.
    judge_questions: tuple[str, ...]
    iccs: tuple[IccRow, ...]
    #: Plain-language lines about the questions and judges that need attention.
    attention: tuple[str, ...] = ()
