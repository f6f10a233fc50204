"""The analysis at the edge: read what grading reads, analyse, write the workbook and report.

``examgen analyse`` calls :func:`run_analysis` (manifest and filled sheets, as for
``examgen grade``); ``examgen grade --analyse`` calls :func:`write_analysis` with the
results it has just computed. Both write, beside the results:

- ``analysis.xlsx`` (tables and native Excel charts),
- ``成绩分析报告.docx`` (the report, with PNG charts),
- ``item-stats.json`` (each question's observed P and D, read by ``examgen release``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from examgen.analysis.analyse import analyse_results
from examgen.analysis.charts import analysis_charts, find_cjk_font
from examgen.analysis.model import Analysis
from examgen.analysis.options import choices_of
from examgen.analysis.report import report_docx_bytes
from examgen.analysis.workbook import analysis_xlsx_bytes
from examgen.errors import ExamgenError
from examgen.grading.workflow import grade_paper, load_grading_paper, split_inputs
from examgen.i18n import N_, _, listing
from examgen.models import Results
from examgen.numbers import to_decimal
from examgen.outputs import refuse_existing, write_atomic
from examgen.paper.manifest import load_manifest
from examgen.xlsxio import timestamp_of

ANALYSIS_XLSX = "analysis.xlsx"
ANALYSIS_DOCX = "成绩分析报告.docx"
ITEM_STATS = "item-stats.json"
NO_CJK_FONT = N_(
    "no Chinese (CJK) font found for the charts; their Chinese labels may show as boxes "
    "(install e.g. fonts-noto-cjk or SimHei)"
)


@dataclass(frozen=True)
class AnalysisOutcome:
    """What an analysis found and wrote, and what the user should know."""

    analysis: Analysis
    written: tuple[Path, ...]
    warnings: tuple[str, ...]


def run_analysis(
    inputs: Sequence[Path],
    *,
    roster_path: Path | None = None,
    out_dir: Path | None = None,
    allow_missing: bool = False,
    single_entry: bool = False,
    force: bool = False,
    date: datetime.date,
) -> AnalysisOutcome:
    """Read a manifest and its filled sheets as ``examgen grade`` does, and write the analysis.

    The sheets are the judges' score sheets and the answer-entry workbooks (录入表) of
    the objective questions, read, checked and scored by grading itself.
    """
    manifests, contests, sheets = split_inputs(inputs)
    if contests or len(manifests) != 1:
        raise ExamgenError(
            _("the analysis takes one manifest.json and its filled sheets"),
            where=listing(str(p) for p in [*contests, *manifests]) or _("the command line"),
            hint=_("analyse each paper of a contest on its own: `examgen analyse output/<paper-id>/manifest.json sheets…`"),
        )
    if not sheets:
        raise ExamgenError(
            _("no score sheets given"),
            hint=_("list the filled .xlsx sheets (and answer-entry workbooks, “录入表”) after the manifest"),
        )
    _paper, results = grade_paper(
        manifests[0], sheets, roster_path=roster_path, allow_missing=allow_missing, single_entry=single_entry,
    )
    return write_analysis(results, manifests[0], out_dir or manifests[0].parent, force=force, date=date)


def write_analysis(
    results: Results,
    manifest_path: Path,
    folder: Path,
    *,
    force: bool = False,
    date: datetime.date,
) -> AnalysisOutcome:
    """Analyse the graded ``results`` of the paper of ``manifest_path``; write the files into ``folder``.

    The option tables of choice questions come from the answers entered in the
    answer-entry workbooks, which grading keeps in ``results.scores``.
    """
    if results.scores is None:
        raise ExamgenError(
            _("an analysis needs the results of one paper, not a combined ranking"),
            where=str(manifest_path), hint=_("analyse each paper with `examgen analyse`"),
        )
    paths = analysis_paths(folder)
    refuse_existing(paths, force=force)
    record = load_manifest(manifest_path)
    title = str((record.get("blueprint") or {}).get("title") or results.title)
    paper_id = str(record.get("paper_id", ""))
    letters = {
        question.question.id: question.letters
        for questions in load_grading_paper(manifest_path).objective.values() for question in questions
    }
    choices, keys, options = choices_of(results.scores, letters)
    analysis = analyse_results(
        results, title=title, paper_id=paper_id, pass_mark=pass_mark_of(record, results.maximum),
        choices=choices, keys=keys, options=options,
    )
    warnings = []
    font_note = ""
    if find_cjk_font() is None:
        warnings.append(_(NO_CJK_FONT))
        font_note = "（说明：本机未找到中文字体，图中中文可能无法正常显示。）"
    charts = analysis_charts(analysis)
    timestamp = timestamp_of(date)
    outputs = [
        analysis_xlsx_bytes(analysis, date=date.isoformat(), timestamp=timestamp),
        report_docx_bytes(analysis, charts, date=date, font_note=font_note),
        item_stats_bytes(analysis, date),
    ]
    for path, data in zip(paths, outputs, strict=True):
        write_atomic(path, data)
    return AnalysisOutcome(analysis, tuple(paths), tuple(warnings))


def analysis_paths(folder: Path) -> list[Path]:
    """Return the files an analysis writes into ``folder`` (to refuse early what exists)."""
    return [folder / ANALYSIS_XLSX, folder / ANALYSIS_DOCX, folder / ITEM_STATS]


def pass_mark_of(record: dict, maximum: Decimal) -> Decimal | None:
    """Return the pass mark in points from a manifest's ``analysis.pass_mark`` (points or "N%")."""
    raw = (record.get("analysis") or {}).get("pass_mark")
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(("%", "％")):
        share = to_decimal(text[:-1])
        return maximum * share / 100 if share is not None else None
    return to_decimal(raw)


def item_stats_bytes(analysis: Analysis, date: datetime.date) -> bytes:
    """Return item-stats.json: each question's observed P and D, for ``examgen release``."""
    record = {
        "paper_id": analysis.paper_id,
        "title": analysis.title,
        "date": date.isoformat(),
        "contestants": analysis.analysed,
        "questions": [
            {"id": i.id, "label": i.label, "form": i.form, "points": i.points, "count": i.count,
             "p": _rounded(i.p), "d": _rounded(i.d)}
            for i in analysis.items
        ],
    }
    return (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _rounded(value: float) -> float | None:
    return None if value != value else round(value, 4)  # NaN is not JSON
