"""The statistics of an analysis, as small pure functions over sequences of numbers.

Descriptive statistics are computed in binary floating point: they describe a
competition, they are never published as anyone's score, and they are shown to two or
three decimals. Scores themselves stay exact Decimals in grading.

References:

- Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
  reliability. *Psychological Bulletin* 86(2), 420–428. ICC(1,1), ICC(2,1), ICC(3,1)
  and their averages over k judges from a two-way ANOVA of targets × judges.
- Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
  α = k/(k−1) · (1 − Σ var(item) / var(total)); it equals ICC(3,k) of the same table.
- Kelley, T. L. (1939): the upper and lower 27 % groups for the discrimination index D.
- Koo, T. K. & Li, M. Y. (2016): ICC below .5 poor, .5–.75 moderate, .75–.9 good,
  above .9 excellent (the readings 差 / 一般 / 好 below).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Share of contestants in the upper and lower groups of the discrimination index.
GROUP_SHARE = 0.27


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean; NaN for no values."""
    return math.fsum(values) / len(values) if len(values) else math.nan


def variance(values: Sequence[float]) -> float:
    """Return the sample variance (n − 1); NaN for fewer than two values."""
    if len(values) < 2:
        return math.nan
    return float(np.var(np.asarray(values, dtype=float), ddof=1))


def sd(values: Sequence[float]) -> float:
    """Return the sample standard deviation (n − 1); NaN for fewer than two values."""
    v = variance(values)
    return math.sqrt(v) if not math.isnan(v) else math.nan


def median(values: Sequence[float]) -> float:
    """Return the median; NaN for no values."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return math.nan
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """Return the first and third quartiles (linear interpolation, as Excel's QUARTILE.INC)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan, math.nan

    def at(q: float) -> float:
        position = q * (len(ordered) - 1)
        low = math.floor(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return at(0.25), at(0.75)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Return Pearson's correlation of two equally long sequences; NaN when one is constant."""
    if len(xs) != len(ys):
        raise ValueError("pearson needs sequences of equal length")
    if len(xs) < 2:
        return math.nan
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    # Relative tolerance: a constant column can leave rounding dust in its deviations.
    if sxx <= 1e-12 * max(1.0, float(x @ x)) or syy <= 1e-12 * max(1.0, float(y @ y)):
        return math.nan
    return max(-1.0, min(1.0, float(dx @ dy) / math.sqrt(sxx * syy)))


def cronbach_alpha(items: Sequence[Sequence[float]]) -> float:
    """Return Cronbach's α of a table of item scores, one inner sequence per item.

    NaN with fewer than two items, fewer than two contestants, or no variance in the totals.
    """
    table = np.asarray(items, dtype=float)
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        return math.nan
    return _alpha(table.shape[0], float(table.var(axis=1, ddof=1).sum()), float(table.sum(axis=0).var(ddof=1)))


def _alpha(k: int, item_variances: float, total_variance: float) -> float:
    if not total_variance > 1e-12:
        return math.nan
    return k / (k - 1) * (1 - item_variances / total_variance)


def alpha_if_deleted(items: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """Return Cronbach's α of the table without each item in turn.

    var(total − item) = var(total) + var(item) − 2 cov(total, item), so one pass serves all.
    """
    table = np.asarray(items, dtype=float)
    k = table.shape[0] if table.ndim == 2 else 0
    if k < 3 or table.shape[1] < 2:
        return tuple(math.nan for _ in range(k))
    variances = table.var(axis=1, ddof=1)
    totals = table.sum(axis=0)
    centred = table - table.mean(axis=1, keepdims=True)
    covariances = centred @ (totals - totals.mean()) / (table.shape[1] - 1)
    total_variance = float(totals.var(ddof=1))
    return tuple(
        _alpha(k - 1, float(variances.sum() - variances[i]), total_variance + float(variances[i]) - 2 * float(covariances[i]))
        for i in range(k)
    )


def group_size(count: int, share: float = GROUP_SHARE) -> int:
    """Return the size of the upper (and lower) group: ``share`` of ``count``, half up, at least 1."""
    if count <= 0:
        return 0
    return max(1, min(count // 2 if count > 1 else 1, math.floor(count * share + 0.5)))


def extreme_groups(totals: Sequence[float], share: float = GROUP_SHARE) -> tuple[list[int], list[int]]:
    """Return the indices of the upper and lower groups by total (ties broken by position).

    The order is deterministic: higher total first, then earlier position, so that the
    same results always give the same groups.
    """
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    size = group_size(len(totals), share)
    return order[:size], order[len(order) - size :]


def discrimination(rates: Sequence[float], totals: Sequence[float], share: float = GROUP_SHARE) -> float:
    """Return D: the mean score rate of the upper group minus that of the lower group."""
    if len(rates) < 2:
        return math.nan
    upper, lower = extreme_groups(totals, share)
    return mean([rates[i] for i in upper]) - mean([rates[i] for i in lower])


@dataclass(frozen=True)
class Icc:
    """Intraclass correlations of a targets × judges table (Shrout & Fleiss 1979)."""

    targets: int
    judges: int
    icc1_1: float
    icc2_1: float
    icc3_1: float
    icc1_k: float
    icc2_k: float
    icc3_k: float


def icc(table: Sequence[Sequence[float]]) -> Icc:
    """Return the six Shrout & Fleiss ICCs of ``table``: one row per target, one column per judge.

    Rows must be complete (one rating per judge). Needs two or more targets and judges;
    a coefficient whose denominator is zero (no variation at all) is NaN.
    """
    if not len(table) or any(len(row) != len(table[0]) for row in table):
        raise ValueError("icc needs at least 2 complete rows of at least 2 judges")
    x = np.asarray(table, dtype=float)
    n, k = x.shape
    if n < 2 or k < 2:
        raise ValueError("icc needs at least 2 complete rows of at least 2 judges")
    grand = x.mean()
    ss_total = float(((x - grand) ** 2).sum())
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_error = max(ss_total - ss_rows - ss_cols, 0.0)
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = ss_error / ((n - 1) * (k - 1))

    def ratio(numerator: float, denominator: float) -> float:
        if abs(denominator) < 1e-12:
            return math.nan
        return numerator / denominator

    return Icc(
        targets=n,
        judges=k,
        icc1_1=ratio(bms - wms, bms + (k - 1) * wms),
        icc2_1=ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=ratio(bms - ems, bms + (k - 1) * ems),
        icc1_k=ratio(bms - wms, bms),
        icc2_k=ratio(bms - ems, bms + (jms - ems) / n),
        icc3_k=ratio(bms - ems, bms),
    )


#: Readings of an ICC, lowest bound first (Koo & Li 2016, 好 merging good and excellent).
ICC_READINGS: tuple[tuple[float, str], ...] = ((0.75, "好"), (0.5, "一般"), (-math.inf, "差"))


def icc_reading(value: float) -> str:
    """Return 好 (≥ .75), 一般 (.5–.75) or 差 (< .5) for an ICC; 无法计算 for NaN."""
    if math.isnan(value):
        return "无法计算"
    return next(label for bound, label in ICC_READINGS if value >= bound)
