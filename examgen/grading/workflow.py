"""The grading workflow at the edge: manifests, rosters and sheets in; sheets and results out.

Three entry points, one per command:

- :func:`write_score_sheets` (``examgen sheets``): one workbook per judge from a
  manifest and a roster, and with ``anonymize`` a separate code table (密号对照表).
- :func:`write_pending_sheets` (``examgen sheets --pending``): from filled double-marking
  sheets, a sheet of the answers waiting for a third mark or for arbitration.
- :func:`run_grading` (``examgen grade``): read every filled sheet, check everything,
  aggregate, rank, and write results.xlsx and results.docx.

The middle (examgen.grading.aggregate, examgen.grading.rank) is pure; this module reads and writes files and
collects every problem of every file before raising once.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from examgen.encodings import clip
from examgen.errors import (
    ExamgenError,
    GradingError,
    ManifestError,
    MappingNeededError,
    Problem,
    SheetError,
    raise_if,
)
from examgen.grading.aggregate import aggregate_marks
from examgen.grading.contest import load_contest
from examgen.grading.entry_sheets import (
    ENTRY_COPIES,
    EntrySheet,
    entry_file_name,
    entry_paper_id,
    entry_workbook_bytes,
    is_entry_workbook,
    read_entry_workbook,
)
from examgen.grading.foreign_reader import (
    Mapping,
    explain_files,
    load_mapping,
    read_sheet_file,
    sheet_paper,
)
from examgen.grading.foreign_sheets import MAP_HINT, fold_section_marks
from examgen.grading.objective import (
    FilledEntry,
    VariantKey,
    entry_answers,
    form_answer,
    join_objective,
)
from examgen.grading.publication import DRAFT_MARK, method_text, notes_rows, rounding_text, tie_text
from examgen.grading.rank import combine_rounds, rank_contestants, team_standings
from examgen.grading.results_xlsx import results_xlsx_bytes
from examgen.grading.roster import Roster, read_roster
from examgen.grading.score_sheets import ScoreSheet, SheetRow, code_table_bytes, score_sheet_bytes
from examgen.grading.sheet_reader import FilledSheet, blank_cell_problems
from examgen.i18n import _, colon, listing, ngettext
from examgen.models import (
    ABSENT_TEXT,
    FLAG_LABELS,
    OPTION_LETTERS,
    Contestant,
    ContestInfo,
    ContestRound,
    GradingRules,
    KeyPoint,
    Mark,
    Marks,
    ObjectiveQuestion,
    Results,
    ScoredQuestion,
    Scores,
    TeamResult,
    format_points,
)
from examgen.numbers import to_decimal
from examgen.outputs import write_outputs
from examgen.paper.manifest import load_manifest, sha256_hex
from examgen.paper.rules import (
    apply_overrides,
    check_contest_info,
    contest_info,
    parse_grading_rules,
)
from examgen.render.results import results_docx_bytes
from examgen.xlsxio import timestamp_of
from examgen.yamlio import paused_gc

RESULTS_XLSX = "results.xlsx"
RESULTS_DOCX = "results.docx"
#: Provisional results: a draft workbook only, never a 成绩公示.
DRAFT_XLSX = f"results-{DRAFT_MARK}.xlsx"
#: Exit code of `examgen grade` when it wrote a draft (something is pending).
EXIT_PROVISIONAL = 3
SHEETS_FOLDER = "sheets"
_KEY_NAMES = {True: "密号", False: "准考证号"}


# --- The manifest as grading sees it ----------------------------------------------------


@dataclass(frozen=True)
class GradingPaper:
    """What grading needs from a manifest: the paper, its forms' questions and its rules."""

    path: Path
    paper_id: str
    title: str
    #: Form letter -> questions in paper order, forms in manifest order.
    forms: dict[str, tuple[ScoredQuestion, ...]] = field(compare=False)
    rules: GradingRules = field(compare=False)
    #: Form letter -> objective questions (scored from answer-entry workbooks, not judges).
    objective: dict[str, tuple[ObjectiveQuestion, ...]] = field(default_factory=dict, compare=False)
    #: The blueprint's contest block (name, organizer, 公示期, contact), when it has one.
    info: ContestInfo = ContestInfo()
    #: sha256 of the manifest file, stated in results.xlsx.
    digest: str = ""
    #: Form letter -> 卷码 -> variant (``build --variants``), for forms that have variants.
    variants: dict[str, dict[str, VariantKey]] = field(default_factory=dict, compare=False)
    #: 准考证号 -> 卷码 dealt at build (``build --variants-for``).
    assignment: dict[str, str] = field(default_factory=dict, compare=False)


def load_grading_paper(path: Path) -> GradingPaper:
    """Return the paper of the manifest at ``path``; raise ManifestError when it is unusable."""
    record = load_manifest(path)
    forms: dict[str, tuple[ScoredQuestion, ...]] = {}
    objective: dict[str, tuple[ObjectiveQuestion, ...]] = {}
    variants: dict[str, dict[str, VariantKey]] = {}
    try:
        for form in record["forms"]:
            questions = []
            objective_questions = []
            number = 0
            for section in form["sections"]:
                for question in section["questions"]:
                    number += 1
                    points = to_decimal(question["points"])
                    if points is None:
                        raise ValueError(_("`points` {value}").format(value=repr(question["points"])))
                    scored = ScoredQuestion(
                        label=str(question["label"]), id=str(question["id"]), points=points,
                        section_number=int(section["number"]), section_name=str(section["name"]),
                        section_type=str(section["type"]),
                        display_label=str(question.get("display_label", "")),
                        key_points=tuple(
                            KeyPoint(str(kp["text"]), to_decimal(kp["points"]) or Decimal(0))
                            for kp in question.get("key_points", ())
                        ),
                    )
                    if section.get("objective"):
                        scored = replace(scored, answer=str(question["answer"]))
                        objective_questions.append(objective_question(scored, number, section, question))
                    else:
                        questions.append(scored)
            letter = str(form["form"])
            if not (len(letter) == 1 and "A" <= letter <= "Z"):
                raise ValueError(_("form {form} is not a letter A–Z").format(form=repr(clip(letter))))
            forms[letter] = tuple(questions)
            objective[letter] = tuple(objective_questions)
            if form.get("variants"):
                variants[letter] = variant_keys(form["variants"], letter, objective[letter])
        assignment = {
            str(entry["id"]): str(entry["code"])
            for entry in (record.get("variant_assignment") or {}).get("contestants", ())
        }
        paper_id = str(record["paper_id"])
        title = str(record.get("blueprint", {}).get("title", "") or paper_id)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise ManifestError(
            _("malformed manifest (`{reason}`)").format(reason=f"{type(exc).__name__}: {clip(str(exc))}"), where=str(path),
            hint=_("rebuild it with `examgen build --force`"),
        ) from None
    if not forms:
        raise ManifestError(_("the manifest lists no forms"), where=str(path))
    rules = parse_grading_rules(record.get("grading") or {}, where=str(path))
    info_values, info_problems = check_contest_info(record.get("contest"), "contest")
    if info_problems:
        raise ManifestError(
            _("malformed `contest` block: `{key}`: {problem}").format(key=info_problems[0][0], problem=info_problems[0][1]),
            where=str(path),
            hint=_("rebuild it with `examgen build --force`"),
        )
    return GradingPaper(
        path=path, paper_id=paper_id, title=title, forms=forms, rules=rules,
        info=contest_info(info_values), digest=sha256_hex(path.read_bytes()), objective=objective,
        variants=variants, assignment=assignment,
    )


def variant_keys(
    records: list, letter: str, questions: Sequence[ObjectiveQuestion]
) -> dict[str, VariantKey]:
    """Return the variants of form ``letter`` from their manifest records, checked against the form.

    Raise ValueError (a malformed manifest) when a variant does not print exactly the
    form's objective questions, its letters are not a reordering of the form's, or its
    answer is not the form's answer in its letters.
    """
    by_label = {q.question.label: q for q in questions}
    keys: dict[str, VariantKey] = {}
    for record in records:
        code = str(record["code"])
        if not re.fullmatch(rf"{letter}[1-9][0-9]{{0,2}}", code) or code in keys:
            raise ValueError(_("variant code {code} of form {form}").format(code=repr(clip(code)), form=letter))
        printed, to_form = [], []
        for section in record["sections"]:
            for question in section["questions"]:
                form_label, label = str(question["form_label"]), str(question["label"])
                if form_label not in by_label:
                    continue  # a judge-marked question: its marks go by the score sheet
                base = by_label[form_label]
                letters = str(question.get("options", ""))
                answer = str(question["answer"])
                if (
                    str(question["id"]) != base.question.id or label not in by_label
                    or "".join(sorted(letters)) != (base.letters if letters else "")
                    or form_answer(answer, letters) != base.answer
                ):
                    raise ValueError(_("variant {code} question {label} does not match {form_label} of the form").format(
                        code=code, label=clip(label), form_label=form_label))
                at = by_label[label]
                printed.append(replace(
                    base, question=replace(base.question, label=label), number=at.number, answer=answer,
                ))
                to_form.append((label, form_label, letters))
        if sorted(label for label, _, _ in to_form) != sorted(by_label):
            raise ValueError(_("variant {code} does not print every objective question of form {form} once").format(
                code=code, form=letter))
        printed.sort(key=lambda q: q.number)
        keys[code] = VariantKey(code, letter, tuple(printed), tuple(to_form))
    return keys


def objective_question(scored: ScoredQuestion, number: int, section: dict, question: dict) -> ObjectiveQuestion:
    """Return an objective question of the manifest: its letters, answer and section's scoring."""
    partial_per_option = to_decimal(section.get("partial_per_option"))
    partial_share = to_decimal(section.get("partial_share"))
    return ObjectiveQuestion(
        question=scored, number=number, letters=OPTION_LETTERS[: len(question.get("options", []))],
        answer=str(question["answer"]), scoring=str(section.get("scoring", "all_or_nothing")),
        partial_per_option=partial_per_option, partial_share=partial_share,
    )


def has_judged_questions(paper: GradingPaper) -> bool:
    """Return whether any form of the paper has questions marked by judges."""
    return any(paper.forms.values())


# --- examgen sheets ---------------------------------------------------------------------


@dataclass(frozen=True)
class SheetsOutcome:
    """What ``examgen sheets`` wrote."""

    sheets: tuple[Path, ...]
    code_table: Path | None
    contestants: int
    form: str


def judge_names(count: int) -> tuple[str, ...]:
    """Return the default judge names 评委1 … 评委N."""
    return tuple(f"评委{i}" for i in range(1, count + 1))


def write_score_sheets(
    manifest_path: Path,
    roster_path: Path,
    *,
    form: str | None = None,
    judges: int | None = None,
    names: Sequence[str] = (),
    anonymize: bool = False,
    date: datetime.date,
    code_seed: int | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> SheetsOutcome:
    """Write one score sheet per judge (and the code table when anonymising); return the paths.

    The number of judges defaults to the manifest's grading rules; ``names`` names the
    judges instead (评委4), one sheet each. Secret codes are drawn
    from the OS unless ``code_seed`` is given; a code table given as the roster keeps its
    codes, so sheets for a judge added later match the first ones.
    """
    paper = load_grading_paper(manifest_path)
    letter = _choose_form(paper, form, manifest_path)
    if not paper.forms[letter]:
        raise SheetError(
            _("form {form} has only objective questions: nothing for judges to mark").format(form=letter),
            where=str(manifest_path), hint=_("write the answer-entry workbooks with --entry"),
        )
    roster = read_roster(roster_path)
    contestants = _roster_for_form(roster, letter)
    if names:
        judge_files = _named_judges(names)
    else:
        count = judges if judges is not None else paper.rules.judges
        if count < 1:
            raise SheetError(_("needs at least one judge"), where="--judges", hint=_("pass --judges 1 or more"))
        judge_files = [(name, f"judge-{i}") for i, name in enumerate(judge_names(count), start=1)]
    folder = out_dir or manifest_path.parent / SHEETS_FOLDER
    date_text = date.isoformat()
    timestamp = timestamp_of(date)

    # A code table given as the roster keeps its codes (a judge added later gets the same
    # codes); otherwise fresh codes are drawn and a code table is written.
    reuse_codes = anonymize and roster.has_codes
    if anonymize:
        if not reuse_codes:
            codes = _draw_codes(len(contestants), code_seed)
            contestants = [
                Contestant(c.id, c.name, c.unit, code) for c, code in zip(contestants, codes, strict=True)
            ]
        absent = set(roster.absent)
        rows = tuple(SheetRow(c.code, absent=c.id in absent) for c in sorted(contestants, key=lambda c: c.code))
    else:
        absent = set(roster.absent)
        rows = tuple(SheetRow(c.id, c.name, c.unit, c.id in absent) for c in contestants)

    outputs: list[tuple[Path, bytes]] = []
    for judge, stem in judge_files:
        sheet = ScoreSheet(
            paper_id=paper.paper_id, title=paper.title, form=letter, judge=judge, date=date_text,
            questions=paper.forms[letter], rows=rows, anonymized=anonymize,
            mark_step=paper.rules.mark_step,
        )
        outputs.append((folder / f"{letter}-{stem}.xlsx", score_sheet_bytes(sheet, timestamp=timestamp)))
    code_path = None
    if anonymize and not reuse_codes:
        # Beside the manifest, not in sheets/: the folder handed to judges must not hold it.
        code_path = manifest_path.parent / f"codes-{letter}.xlsx"
        outputs.append((code_path, code_table_bytes(
            contestants, paper_id=paper.paper_id, form=letter, date=date_text, timestamp=timestamp,
        )))
    write_outputs(outputs, force=force, inputs=[manifest_path, roster_path])
    return SheetsOutcome(
        sheets=tuple(p for p, _ in outputs if p != code_path), code_table=code_path,
        contestants=len(rows), form=letter,
    )


def write_entry_sheets(
    manifest_path: Path,
    roster_path: Path,
    *,
    form: str | None = None,
    date: datetime.date,
    out_dir: Path | None = None,
    force: bool = False,
) -> SheetsOutcome:
    """Write the two answer-entry workbooks (录入1, 录入2) of a form's objective sections."""
    paper = load_grading_paper(manifest_path)
    letter = _choose_form(paper, form, manifest_path)
    questions = paper.objective.get(letter, ())
    if not questions:
        raise SheetError(
            _("form {form} has no objective questions (“单选”, “多选”, “判断”) to enter").format(form=letter),
            where=str(manifest_path), hint=_("write score sheets for judges without --entry"),
        )
    contestants = _roster_for_form(read_roster(roster_path), letter)
    rows = tuple(SheetRow(c.id, c.name, c.unit) for c in contestants)
    folder = out_dir or manifest_path.parent / SHEETS_FOLDER
    variants = paper.variants.get(letter, {})
    codes: tuple[str, ...] = tuple(variants)
    prefilled: tuple[str, ...] = ()
    if variants:
        # Columns are the printed numbers; a column takes every letter a variant prints there.
        questions = tuple(
            replace(q, letters=max((v.questions[i].letters for v in variants.values()), key=len))
            for i, q in enumerate(questions)
        )
        prefilled = tuple(paper.assignment.get(c.id, "") for c in contestants)
        prefilled = tuple(code if code in variants else "" for code in prefilled)
    outputs = [
        (
            folder / entry_file_name(letter, copy),
            entry_workbook_bytes(
                EntrySheet(
                    paper.paper_id, paper.title, letter, copy, date.isoformat(), questions, rows,
                    codes=codes, prefilled=prefilled,
                ),
                timestamp=timestamp_of(date),
            ),
        )
        for copy in ENTRY_COPIES
    ]
    write_outputs(outputs, force=force, inputs=[manifest_path, roster_path])
    return SheetsOutcome(
        sheets=tuple(p for p, _ in outputs), code_table=None, contestants=len(rows), form=letter
    )


def read_entries(paper: GradingPaper, paths: Sequence[Path]) -> list[FilledEntry]:
    """Return the answer-entry workbooks of ``paper``; raise SheetError with every problem."""
    problems: list[Problem] = []
    entries: list[FilledEntry] = []
    for path in paths:
        try:
            entries.append(read_entry_workbook(
                path, paper.objective, paper_id=paper.paper_id, variants=paper.variants,
            ))
        except SheetError as error:
            problems.extend(error.problems)
    raise_if(problems, SheetError)
    return entries


def _named_judges(names: Sequence[str]) -> list[tuple[str, str]]:
    """Return (judge, file stem) for judges named by the user; refuse blank or repeated names."""
    result: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for name in names:
        name = name.strip()
        stem = re.sub(r'[\\/:*?"<>|\s]+', "_", name)
        if not name:
            problems.append(Problem("--judge", _("a judge's name is blank"), _("give each judge a name")))
        elif any(stem == s for _, s in result):
            problems.append(Problem(
                "--judge", _("judge {judge} is named twice").format(judge=name), _("give each judge one name")))
        else:
            result.append((name, stem))
    raise_if(problems, SheetError)
    return result


def _choose_form(paper: GradingPaper, form: str | None, manifest_path: Path) -> str:
    letters = list(paper.forms)
    if form is None:
        if len(letters) == 1:
            return letters[0]
        raise SheetError(
            _("the paper has forms {forms}; say which one the sheets are for").format(forms=listing(letters)),
            where=str(manifest_path), hint=_("pass --form {form}").format(form=letters[0]),
        )
    letter = form.strip().upper()
    if letter not in paper.forms:
        raise SheetError(
            _("form {form} is not in the manifest (forms: {known})").format(form=form, known=listing(letters)),
            where=str(manifest_path), hint=_("pass one of the forms the paper was built with"),
        )
    return letter


def _roster_for_form(roster: Roster, letter: str) -> list[Contestant]:
    """Return the roster's contestants who sit form ``letter`` (all, when it does not say)."""
    forms = roster.form_of()
    if not forms:
        return list(roster.contestants)
    chosen = [c for c in roster.contestants if forms.get(c.id, letter) == letter]
    if not chosen:
        raise SheetError(
            _("no contestant of the roster sits form {form} (its “卷别” column)").format(form=letter),
            where=roster.path, hint=_("check the “卷别” column or pass another --form"),
        )
    return chosen


def _draw_codes(count: int, seed: int | None) -> list[str]:
    """Return ``count`` distinct six-digit secret codes, in a random order."""
    rng = random.Random(seed) if seed is not None else secrets.SystemRandom()
    return [str(n) for n in rng.sample(range(100000, 1000000), count)]


# --- Reading filled sheets --------------------------------------------------------------


@dataclass(frozen=True)
class ImportedPaper:
    """The marks of one paper read from its filled sheets, one Marks per form with sheets."""

    paper: GradingPaper
    marks: tuple[Marks, ...]
    sheets: tuple[FilledSheet, ...]
    anonymized: bool
    #: Missing marks and missing judges' sheets reported (with allow_missing), one line each.
    missing: tuple[str, ...] = ()


def import_sheets(
    paper: GradingPaper,
    sheet_paths: Sequence[Path],
    *,
    roster: Roster | None,
    allow_missing: bool,
    need_identities: bool = True,
    mapping: Mapping | None = None,
) -> ImportedPaper:
    """Return the marks of ``paper`` read from ``sheet_paths``; raise SheetError with every problem.

    With ``need_identities`` anonymised sheets need a code table as roster; without, a
    contestant is known by code alone (enough to find pending answers). The grading
    rules say how many judges mark each form; fewer sheets (or blank marks) are
    problems unless ``allow_missing``, which reports them in ``missing`` instead (a
    provisional grading).
    """
    problems: list[Problem] = []
    filled: list[FilledSheet] = []
    seen_paths: dict[Path, Path] = {}
    for path in sheet_paths:
        resolved = path.resolve()
        if resolved in seen_paths:
            problems.append(Problem(
                str(path), _("is given twice (also as {other})").format(other=seen_paths[resolved]),
                _("give each sheet once")))
            continue
        seen_paths[resolved] = path
        try:
            # An examgen score sheet, or a judge's own spreadsheet (one or more tables).
            filled.extend(read_sheet_file(
                path, paper.forms, paper_id=paper.paper_id, mark_step=paper.rules.mark_step,
                mapping=mapping, roster=roster, report_blanks=not allow_missing,
            ))
        except SheetError as error:
            problems.extend(error.problems)
    if any(p.hint.endswith(_(MAP_HINT)) for p in problems):
        # What examgen cannot tell is settled by a mapping file: give the user its draft.
        draft = explain_files(sheet_paths, paper.forms, paper_id=paper.paper_id,
                              mark_step=paper.rules.mark_step, mapping=mapping)
        raise MappingNeededError(problems=problems, draft=draft)
    # A section marked as a whole on some sheet is graded as one question on every sheet.
    forms, filled, folded = fold_section_marks(paper.forms, filled, paper.rules)
    problems.extend(folded)
    paper = replace(paper, forms=forms)

    judges_seen: dict[tuple[str, str, str], str] = {}
    for sheet in filled:
        slot = (sheet.form, sheet.kind, sheet.judge)
        if slot in judges_seen:
            problems.append(Problem(
                f"{sheet.path}!{sheet.sheet}",
                (_("judge {judge} has a second sheet for form {form} (first: {first})") if sheet.kind == "regular"
                 else _("judge {judge} has a second `{kind}` sheet for form {form} (first: {first})")).format(
                    judge=sheet.judge, kind=sheet.kind, form=sheet.form, first=judges_seen[slot]),
                _("give each judge's sheet once; rename the judge on a sheet marked by someone else"),
            ))
        else:
            judges_seen[slot] = sheet.path
    modes = {s.anonymized for s in filled}
    if len(modes) > 1:
        problems.append(Problem(
            listing(s.path for s in filled if s.anonymized),
            _("these sheets use secret codes (“密号”) and the others “准考证号”"),
            _("grade sheets made by one `examgen sheets` run together"),
        ))
        raise_if(problems, SheetError)
    anonymized = bool(filled) and all(s.anonymized for s in filled)
    if paper.rules.policy == "double_marking":
        by_form: dict[str, list[str]] = defaultdict(list)
        for sheet in filled:
            if sheet.kind == "regular":
                by_form[sheet.form].append(sheet.path)
        for letter, paths in sorted(by_form.items()):
            if len(paths) > 2:
                problems.append(Problem(
                    listing(paths),
                    _("double marking takes two regular sheets per form; form {form} has {count}").format(
                        form=letter, count=len(paths)),
                    _("give the two judges' sheets; a third mark comes from `examgen sheets --pending`"),
                ))
    if not filled:
        raise_if(problems, SheetError)
        raise SheetError(_("no score sheets given"), hint=_("list the filled .xlsx sheets after the manifest"))

    # Go on with the sheets that could be read, so that one run reports every problem.
    # A sheet that could not be read is reported as such, not as a missing judge.
    judge_lines = _missing_judges(paper, filled) if len(filled) == len(seen_paths) else []
    identities = _identities(paper, filled, roster, anonymized, need_identities, problems)
    marks, missing = _form_marks(paper, filled, identities, anonymized, allow_missing, problems)
    if not allow_missing:
        problems.extend(judge_lines)
    raise_if(problems, SheetError)
    lines = [str(p) for p in judge_lines] + missing if allow_missing else missing
    return ImportedPaper(paper, tuple(marks), tuple(filled), anonymized, tuple(lines))


def _missing_judges(paper: GradingPaper, filled: list[FilledSheet]) -> list[Problem]:
    """Return a problem for each form with fewer (or more) judges' sheets than the rules say."""
    expected = paper.rules.judges
    by_form: dict[str, set[str]] = defaultdict(set)
    for sheet in filled:
        if sheet.kind == "regular":
            by_form[sheet.form].add(sheet.judge)
    problems = []
    for letter in paper.forms:
        judges = by_form.get(letter, set())
        if not judges or len(judges) == expected:
            continue
        names = sorted(judges, key=_natural_key)
        given = ngettext(
            "form {form} has the sheets of {count} judge ({names}); the grading rules (`{policy}`) need {expected}",
            "form {form} has the sheets of {count} judges ({names}); the grading rules (`{policy}`) need {expected}",
            len(names),
        ).format(form=letter, count=len(names), names=listing(names), policy=paper.rules.policy, expected=expected)
        if len(names) < expected:
            numbered = {int(n[2:]) for n in names if re.fullmatch(r"评委\d+", n)}
            if len(numbered) == len(names):
                absent = [f"评委{i}" for i in range(1, expected + len(names) + 1) if i not in numbered]
                what = _("{given}; missing: {judges}").format(given=given, judges=listing(absent[: expected - len(names)]))
            else:
                what = _("{given}; {count} missing").format(given=given, count=expected - len(names))
            problems.append(Problem(
                str(paper.path), what,
                _("give every judge's sheet, or pass --provisional for a draft (“草稿”) ranking"),
            ))
        else:
            problems.append(Problem(
                str(paper.path), given,
                _("give only this paper's judges' sheets, or change `grading.judges` in the blueprint and rebuild"),
            ))
    return problems


@dataclass
class _Identities:
    """Who the sheet rows are: key (id or code) -> contestant, and who sits which form."""

    by_key: dict[str, Contestant]
    #: Form letter -> contestants expected on its sheets, in roster (or first-seen) order.
    expected: dict[str, list[Contestant]]
    #: Ids the roster marks 缺考.
    absent: frozenset[str] = frozenset()


def _identities(
    paper: GradingPaper, filled: list[FilledSheet], roster: Roster | None, anonymized: bool,
    need_identities: bool, problems: list[Problem],
) -> _Identities:
    key_name = _KEY_NAMES[anonymized]
    sheet_forms = [f for f in paper.forms if any(s.form == f for s in filled)]
    by_key: dict[str, Contestant] = {}
    order: list[str] = []
    if roster is not None:
        if anonymized and not roster.has_codes:
            problems.append(Problem(
                roster.path, _("the sheets use secret codes (“密号”) but this roster has no “密号” column"),
                _("pass the code table written by `examgen sheets --anonymize` as --roster"),
            ))
            return _Identities({}, {})
        source = roster.by_code() if anonymized else roster.by_id()
        by_key.update(source)
        order = list(source)
    elif anonymized and need_identities:
        problems.append(Problem(
            "--roster", _("the sheets use secret codes (“密号”); the code table is needed to name the contestants"),
            _("pass --roster output/<paper-id>/codes-<form>.xlsx"),
        ))
        return _Identities({}, {})

    # Every row must be a known contestant; without a roster the sheets themselves say who.
    form_of_key: dict[str, tuple[str, str]] = {}
    for sheet in filled:
        for row, where in zip(sheet.rows, sheet.row_cells, strict=True):
            if roster is not None:
                if row.key not in by_key:
                    problems.append(Problem(
                        where,
                        (_("“{key_label}” {key} is not in the code table {roster}") if anonymized
                         else _("“{key_label}” {key} is not in the roster {roster}")).format(
                            key_label=key_name, key=row.key, roster=roster.path),
                        _("check the number, or add the contestant to the roster"),
                    ))
                    continue
            else:
                known = by_key.get(row.key)
                if known is None:
                    by_key[row.key] = Contestant(row.key, row.name, row.unit, row.key if anonymized else "")
                    order.append(row.key)
                elif not _same_person(row, known):
                    problems.append(Problem(
                        where,
                        _("“{key_label}” {key} is '{here}' here but '{there}' on another sheet").format(
                            key_label=key_name, key=row.key, here=_who(row.name, row.unit),
                            there=_who(known.name, known.unit)),
                        _("make the sheets agree, or pass --roster"),
                    ))
            first = form_of_key.setdefault(row.key, (sheet.form, where))
            if first[0] != sheet.form:
                problems.append(Problem(
                    where,
                    _("“{key_label}” {key} is on form {form} here but on form {other} at {first}").format(
                        key_label=key_name, key=row.key, form=sheet.form, other=first[0], first=first[1]),
                    _("a contestant sits one form"),
                ))

    expected: dict[str, list[Contestant]] = {}
    roster_forms = roster.form_of() if roster is not None else {}
    for letter in sheet_forms:
        if roster is not None and roster_forms:
            keys = [k for k in order if roster_forms.get(by_key[k].id) == letter]
        elif roster is not None and len(sheet_forms) == 1:
            keys = order
        else:
            keys = [k for k in order if form_of_key.get(k, ("",))[0] == letter]
        expected[letter] = [by_key[k] for k in keys]
    if roster is not None and len(sheet_forms) > 1 and not roster_forms:
        for key in order:
            if key not in form_of_key:
                contestant = by_key[key]
                problems.append(Problem(
                    roster.path,
                    _("“{key_label}” {key} ({name}) is on no score sheet").format(
                        key_label=key_name, key=key, name=contestant.name),
                    _("add a “卷别” column to the roster, or give that form's sheets"),
                ))
    return _Identities(by_key, expected, frozenset(roster.absent) if roster is not None else frozenset())


def _same_person(row: SheetRow, known: Contestant) -> bool:
    """Return whether a row agrees with what another sheet said (a sheet may omit 姓名, 单位)."""
    return all(not a or not b or a == b for a, b in ((row.name, known.name), (row.unit, known.unit)))


def _who(name: str, unit: str) -> str:
    return f"{name} {unit}".strip() or _("nameless")


def _form_marks(
    paper: GradingPaper, filled: list[FilledSheet], identities: _Identities, anonymized: bool,
    allow_missing: bool, problems: list[Problem],
) -> tuple[list[Marks], list[str]]:
    key_name = _KEY_NAMES[anonymized]
    missing_lines: list[Problem] = []
    result: list[Marks] = []
    for letter, contestants in identities.expected.items():
        sheets = [s for s in filled if s.form == letter]
        key_of = {c.id: (c.code if anonymized else c.id) for c in contestants}
        expected_keys = set(key_of.values())
        absent = _absent_keys(
            sheets, {key_of[c.id] for c in contestants if c.id in identities.absent}, key_name, problems,
        )
        marks: list[Mark] = []
        for sheet in sheets:
            rows = {row.key for row in sheet.rows}
            for row, where in zip(sheet.rows, sheet.row_cells, strict=True):
                if row.key in identities.by_key and row.key not in expected_keys:
                    problems.append(Problem(
                        where,
                        _("“{key_label}” {key} does not sit form {form} by the roster's “卷别”").format(
                            key_label=key_name, key=row.key, form=letter),
                        _("correct the “卷别” column of the roster, or mark the contestant on the right form"),
                    ))
            if sheet.kind == "regular":
                for contestant in contestants:
                    key = key_of[contestant.id]
                    if key not in rows and key not in absent:
                        missing_lines.append(Problem(
                            f"{sheet.path}!{sheet.sheet}",
                            _("“{key_label}” {contestant} has no row on this sheet").format(
                                key_label=key_name, contestant=f"{key} {contestant.name}".rstrip()),
                            _("add the row and the marks (or “{absent}” if absent), or pass --provisional").format(
                                absent=ABSENT_TEXT),
                        ))
            missing_lines.extend(blank_cell_problems(
                [b for b in sheet.missing if b[0] in expected_keys and b[0] not in absent],
                key_name, len(paper.forms[letter]),
            ))
            for mark in sheet.marks:
                contestant = identities.by_key.get(mark.contestant_id)
                if contestant is None or mark.contestant_id not in expected_keys:
                    continue
                # The sheet's own mark when its key is the contestant's id (not a secret code).
                marks.append(mark if mark.contestant_id == contestant.id else Mark(
                    contestant.id, mark.question_label, mark.judge, mark.value, mark.kind, mark.where,
                ))
        judges = tuple(sorted({s.judge for s in sheets if s.kind == "regular"}, key=_natural_key))
        result.append(Marks(
            form=letter, questions=paper.forms[letter], contestants=tuple(contestants),
            marks=tuple(marks), judges=judges,
            absent=tuple(c.id for c in contestants if key_of[c.id] in absent),
        ))
    if not allow_missing:
        problems.extend(missing_lines)
    return result, [str(p) for p in missing_lines]


def _absent_keys(
    sheets: list[FilledSheet], roster_absent: set[str], key_name: str, problems: list[Problem],
) -> set[str]:
    """Return the row keys that are 缺考 (on a sheet or in the roster) and have no marks anywhere.

    A contestant 缺考 in one place and marked in another is a problem naming both cells.
    """
    said: dict[str, list[str]] = defaultdict(list)
    for key in sorted(roster_absent):
        said[key].append(_("the roster"))
    marked: dict[str, list[str]] = defaultdict(list)
    for sheet in sheets:
        for key, where in sheet.absent:
            said[key].append(where)
        seen: set[str] = set()
        for mark in sheet.marks:
            if mark.contestant_id not in seen:
                seen.add(mark.contestant_id)
                marked[mark.contestant_id].append(mark.where)
    absent = set()
    for key, places in said.items():
        if key in marked:
            problems.append(Problem(
                places[0] if places[0] != _("the roster") else marked[key][0],
                _("“{key_label}” {key} is “缺考” at {places} but has marks at {marked}").format(
                    key_label=key_name, key=key, places=listing(places), marked=listing(marked[key])),
                _("a contestant is either absent on every sheet or marked on every sheet: "
                  "clear the marks or the “缺考”"),
            ))
        else:
            absent.add(key)
    return absent


def _natural_key(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


# --- examgen sheets --pending -----------------------------------------------------------


@dataclass(frozen=True)
class PendingOutcome:
    """What ``examgen sheets --pending`` wrote, and how many answers wait."""

    sheets: tuple[Path, ...]
    answers: int
    #: Missing marks found on the way (they are not pending; they need the first marks).
    missing: tuple[str, ...] = ()


def write_pending_sheets(
    manifest_path: Path,
    sheet_paths: Sequence[Path],
    *,
    roster_path: Path | None = None,
    judge: str | None = None,
    date: datetime.date,
    out_dir: Path | None = None,
    force: bool = False,
) -> PendingOutcome:
    """Write a follow-up sheet per form and kind (三评 / 仲裁) of the answers still waiting.

    Its marks come back as kind "third" or "arbitration". Nothing is written when no
    answer waits.
    """
    paper = load_grading_paper(manifest_path)
    roster = read_roster(roster_path) if roster_path else None
    imported = import_sheets(paper, sheet_paths, roster=roster, allow_missing=True, need_identities=False)
    folder = out_dir or manifest_path.parent / SHEETS_FOLDER
    outputs: list[tuple[Path, bytes]] = []
    answers = 0
    for marks in imported.marks:
        scores = aggregate_marks(marks, paper.rules)
        for kind, title in (("third", "三评"), ("arbitration", "仲裁")):
            waiting = [p for p in scores.pending if p.needed == kind]
            if not waiting:
                continue
            answers += len(waiting)
            open_cells = frozenset(
                (_row_key(p.contestant, imported.anonymized), p.question.label) for p in waiting
            )
            keys = {key for key, _ in open_cells}
            rows = tuple(
                SheetRow(_row_key(c, imported.anonymized), "" if imported.anonymized else c.name,
                         "" if imported.anonymized else c.unit)
                for c in marks.contestants if _row_key(c, imported.anonymized) in keys
            )
            sheet = ScoreSheet(
                paper_id=paper.paper_id, title=paper.title, form=marks.form, judge=judge or title,
                date=date.isoformat(), questions=marks.questions, rows=rows,
                anonymized=imported.anonymized, kind=kind, mark_step=paper.rules.mark_step,
                open_cells=open_cells,
            )
            outputs.append((folder / f"{marks.form}-{kind}.xlsx", score_sheet_bytes(sheet, timestamp=timestamp_of(date))))
    write_outputs(
        outputs, force=force, inputs=[manifest_path, *sheet_paths, *([roster_path] if roster_path else [])]
    )
    return PendingOutcome(tuple(p for p, _ in outputs), answers, imported.missing)


def _row_key(contestant: Contestant, anonymized: bool) -> str:
    return contestant.code if anonymized and contestant.code else contestant.id


# --- examgen grade ----------------------------------------------------------------------


@dataclass(frozen=True)
class GradingOutcome:
    """The results of ``examgen grade``, what was written, and what the user should know."""

    results: Results
    teams: tuple[TeamResult, ...]
    written: tuple[Path, ...]
    warnings: tuple[str, ...]
    #: What keeps the results a draft (草稿): missing sheets or marks, 三评/仲裁 pending.
    pending: tuple[str, ...] = ()

    @property
    def provisional(self) -> bool:
        """Return whether only a draft was written (no 成绩公示)."""
        return bool(self.pending)


def split_inputs(inputs: Sequence[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Return (manifests, contest files, sheets) of the command's arguments, by file name."""
    manifests, contests, sheets = [], [], []
    for path in inputs:
        suffix = path.suffix.lower()
        if suffix == ".json":
            manifests.append(path)
        elif suffix in (".yaml", ".yml"):
            contests.append(path)
        else:
            sheets.append(path)
    return manifests, contests, sheets


def run_grading(
    inputs: Sequence[Path],
    *,
    roster_path: Path | None = None,
    out_dir: Path | None = None,
    allow_missing: bool = False,
    provisional: bool = False,
    force: bool = False,
    date: datetime.date,
    single_entry: bool = False,
    map_path: Path | None = None,
) -> GradingOutcome:
    """Grade filled sheets and write results.xlsx and results.docx (成绩公示); return the results.

    ``inputs`` are one manifest, several manifests (rounds of equal weight) or a
    contest.yaml, followed by the filled sheets of every paper. Nothing is written
    unless every sheet is read without a problem. Missing judges' sheets and blank marks
    are problems unless ``provisional`` (``allow_missing`` is its old name). Final
    results are written only when every contestant is complete or 缺考; otherwise
    (provisional, or 三评/仲裁 pending) only a draft workbook marked 草稿（未经复核）is
    written, and ``outcome.pending`` says what is missing.
    """
    provisional = provisional or allow_missing
    manifests, contests, sheet_paths = split_inputs(inputs)
    if len(contests) > 1 or (contests and manifests):
        raise ExamgenError(
            _("give one manifest.json, several manifests, or one contest.yaml"),
            where=listing(str(p) for p in contests + manifests),
        )
    if not manifests and not contests:
        raise ExamgenError(
            _("no manifest.json or contest.yaml given"),
            hint=_("start with output/<paper-id>/manifest.json, then the filled sheets"),
        )
    contest = load_contest(contests[0]) if contests else None
    if contest is not None:
        rounds = list(contest.rounds)
        base = contests[0].parent
    else:
        rounds = [ContestRound(name="", manifest=str(m), weight=Decimal(1)) for m in manifests]
        base = Path(os.path.commonpath([str(m.resolve().parent) for m in manifests])) if len(manifests) > 1 else manifests[0].parent
    papers = [load_grading_paper(Path(r.manifest)) for r in rounds]
    roster = read_roster(roster_path) if roster_path else None

    entry_paths, sheet_paths = _split_entry_workbooks(sheet_paths)
    entry_warnings: list[str] = []
    objective_answers = _objective_answers(papers, entry_paths, single_entry=single_entry, warnings=entry_warnings)
    mapping = load_mapping(map_path) if map_path else None
    routed = _route_sheets(papers, sheet_paths, mapping)
    problems: list[Problem] = []
    drafts: list[str] = []  # mapping files to complete, for judges' ambiguous spreadsheets
    imported: list[ImportedPaper] = []
    for paper in papers:
        try:
            imported.append(_import_paper(
                paper, routed[paper.paper_id], objective_answers.get(paper.paper_id, {}),
                roster=roster, allow_missing=provisional, mapping=mapping,
            ))
        except SheetError as error:
            problems.extend(error.problems)
            drafts.append(getattr(error, "draft", ""))
    if any(drafts):
        raise MappingNeededError(problems=problems, draft="".join(drafts))
    raise_if(problems, SheetError)

    warnings: list[str] = list(entry_warnings)
    pending: list[str] = []
    round_results: list[tuple[ContestRound, Results]] = []
    details: list[tuple[str, Scores]] = []
    all_teams: tuple[TeamResult, ...] = ()
    for contest_round, paper, one in zip(rounds, papers, imported, strict=True):
        pending.extend(one.missing)
        per_form = _form_scores(
            paper, one, objective_answers.get(paper.paper_id, {}), allow_missing=provisional, problems=problems,
        )
        if problems:
            continue
        scores = _merge_forms(per_form)
        results = rank_contestants(scores, paper.rules)
        prefix = contest_round.name or (paper.paper_id if len(papers) > 1 else "")
        for form_scores in per_form:
            label = " ".join(p for p in (prefix, form_scores.form if len(per_form) > 1 else "") if p)
            details.append((label, form_scores))
            warnings.extend(_score_warnings(form_scores, label))
            pending.extend(_pending_lines(form_scores, label))
        name = contest_round.name or paper.title
        round_results.append((ContestRound(name, contest_round.manifest, contest_round.weight), results))
    raise_if(problems, GradingError)

    if len(round_results) == 1 and contest is None:
        paper = papers[0]
        results, rules, title = round_results[0][1], paper.rules, paper.title
    else:
        # A round's tie-breakers name its sections, which a combined ranking has not got;
        # the contest's own tie_breakers (naming rounds) apply instead.
        rules = replace(papers[0].rules, tie_breakers=())
        if contest is not None:
            rules = apply_overrides(rules, contest.overrides)
        title = contest.name if contest is not None else " + ".join(p.title for p in papers)
        results = combine_rounds(
            round_results, rules, title=title, normalize=bool(contest and contest.normalize),
        )
    all_teams = team_standings(results, rules)
    warnings.extend(_result_warnings(results))
    if not pending:
        # Complete sheets can still leave a contestant without a score (a combined
        # contest whose rounds disagree on who sat): never publish around them.
        pending.extend(
            f"{r.contestant.id} {r.contestant.name}{colon()}{_flags_text(r.flags)}"
            for r in results.rows if r.excluded and not r.absent
        )

    folder = out_dir or base
    date_text = date.isoformat()
    info = contest.info if contest is not None else papers[0].info
    judges = papers[0].rules.judges
    manifests = [
        (r.name or (p.paper_id if len(papers) > 1 else ""), p.digest)
        for r, p in zip(rounds, papers, strict=True)
    ]
    method = method_text(papers[0].rules, judges) if len(papers) == 1 else _rounds_text(round_results)
    notes = notes_rows(
        rules, results, judges=judges, manifests=manifests, date=date_text, draft=bool(pending),
        method=method,
    )
    workbook = results_xlsx_bytes(
        results, all_teams, details, title=title, date=date_text, timestamp=timestamp_of(date),
        notes=notes, draft=bool(pending), pending=pending,
    )
    if pending:
        outputs = [(folder / DRAFT_XLSX, workbook)]
    else:
        outputs = [
            (folder / RESULTS_XLSX, workbook),
            (folder / RESULTS_DOCX, results_docx_bytes(
                results, all_teams if _has_units(results) else (),
                title=title, info=info, date=date,
                method=f"{method}；{rounding_text(results.precision)}；{tie_text(results.tie_breakers)}",
            )),
        ]
    write_outputs(outputs, force=force, inputs=[*inputs, *([roster_path] if roster_path else [])])
    return GradingOutcome(
        results, all_teams, tuple(p for p, _ in outputs), tuple(warnings), tuple(pending),
    )


def _has_units(results: Results) -> bool:
    return any(row.contestant.unit.strip() for row in results.rows)


def _rounds_text(rounds: Sequence[tuple[ContestRound, Results]]) -> str:
    parts = "＋".join(f"{r.name}×{format_points(r.weight * 100)}%" for r, _ in rounds)
    return f"总成绩＝{parts}（各轮成绩为该轮公布成绩）"


def _flags_text(flags) -> str:
    return "；".join(dict.fromkeys(FLAG_LABELS.get(f.code, f.code) for f in flags))


def _pending_lines(scores: Scores, label: str) -> list[str]:
    """Return one line per answer waiting for 三评 or 仲裁."""
    where = f"{label}{colon()}" if label else ""
    texts = {"third": "待三评", "arbitration": "待仲裁"}
    return [
        f"{where}{p.contestant.id} {p.contestant.name} {p.question.shown_label}：{texts[p.needed]}（{p.reason}）"
        for p in scores.pending if p.needed in texts
    ]


def explain_reading(inputs: Sequence[Path], *, map_path: Path | None = None) -> str:
    """Return how ``examgen grade`` would read each file of marks (a mapping file to complete)."""
    manifests, contests, sheet_paths = split_inputs(inputs)
    _entries, sheet_paths = _split_entry_workbooks(sheet_paths)
    if contests:
        manifests = [Path(r.manifest) for r in load_contest(contests[0]).rounds]
    if not manifests:
        raise ExamgenError(_("no manifest.json given"), hint=_("start with output/<paper-id>/manifest.json"))
    mapping = load_mapping(map_path) if map_path else None
    parts = []
    for manifest in manifests:
        paper = load_grading_paper(manifest)
        text = explain_files(sheet_paths, paper.forms, paper_id=paper.paper_id,
                             mark_step=paper.rules.mark_step, mapping=mapping)
        parts.append(("# " + _("paper {paper} ({manifest})").format(paper=paper.paper_id, manifest=manifest) + "\n"
                      if len(manifests) > 1 else "") + text)
    return "\n".join(parts)


def _split_entry_workbooks(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Return (answer-entry workbooks, judges' sheets) of the sheets given."""
    entries = [p for p in paths if p.suffix.lower() == ".xlsx" and is_entry_workbook(p)]
    return entries, [p for p in paths if p not in entries]


def _import_paper(
    paper: GradingPaper,
    sheet_paths: Sequence[Path],
    answers: dict[str, dict[str, dict[str, str]]],
    *,
    roster: Roster | None,
    allow_missing: bool,
    mapping: Mapping | None = None,
) -> ImportedPaper:
    """Return a paper's judges' marks as imported, or its entered contestants when it has no judges."""
    if has_judged_questions(paper):
        return import_sheets(paper, sheet_paths, roster=roster, allow_missing=allow_missing, mapping=mapping)
    return _objective_only(paper, roster, answers)


# Aggregation makes hundreds of thousands of small objects, none in a cycle: without the
# cyclic collector's passes over them it takes a sixth less time (120,000 marks).
@paused_gc()
def _form_scores(
    paper: GradingPaper,
    imported: ImportedPaper,
    answers: dict[str, dict[str, dict[str, str]]],
    *,
    allow_missing: bool,
    problems: list[Problem],
) -> list[Scores]:
    """Return each form's scores: judges' marks aggregated, objective answers scored and joined.

    Problems are added to ``problems`` (all of them, to be raised once by the caller).
    """
    per_form = []
    for marks in imported.marks:
        try:
            form_scores = aggregate_marks(marks, paper.rules)
            per_form.append(join_objective(
                form_scores, paper.objective.get(marks.form, ()), answers.get(marks.form, {}),
                allow_missing=allow_missing, where=_("{path}, form {form}").format(path=paper.path, form=marks.form),
            ))
        except GradingError as error:
            problems.extend(error.problems)
    return per_form


def _objective_only(
    paper: GradingPaper, roster: Roster | None, answers: dict[str, dict[str, dict[str, str]]]
) -> ImportedPaper:
    """Return a paper of objective questions only as imported: no judges, no marks.

    The contestants are the roster's (by 卷别), or without a roster those entered.
    """
    marks = []
    for letter, table in answers.items():
        if roster is not None:
            contestants = _roster_for_form(roster, letter)
        else:
            contestants = [Contestant(key, "") for key in table]
        marks.append(Marks(form=letter, questions=(), contestants=tuple(contestants), marks=()))
    return ImportedPaper(paper, tuple(marks), (), False)


def _objective_answers(
    papers: Sequence[GradingPaper], entry_paths: Sequence[Path], *, single_entry: bool,
    warnings: list[str] | None = None,
) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
    """Return paper id → form → 准考证号 → label → answer, from checked entry workbooks.

    A paper with objective questions needs its entry workbooks; with several papers each
    workbook goes to the paper it names. Answers entered from a variant are mapped to
    the form's labels and letters. A 卷码 entered that differs from the one dealt at
    build is added to ``warnings`` (the paper says what the contestant sat).
    """
    problems: list[Problem] = []
    result: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    for paper in papers:
        if not any(paper.objective.values()):
            continue
        mine = [p for p in entry_paths if len(papers) == 1 or entry_paper_id(p) == paper.paper_id]
        if not mine:
            problems.append(Problem(
                str(paper.path),
                _("the paper has objective questions but no answer-entry workbook (“录入表”) was given"),
                _("write them with `examgen sheets MANIFEST --entry`, fill both, and list them too"),
            ))
            continue
        try:
            entries = read_entries(paper, mine)
            result[paper.paper_id] = entry_answers(entries, single_entry=single_entry, variants=paper.variants)
        except ExamgenError as error:
            problems.extend(error.problems)
            continue
        if warnings is not None:
            warnings.extend(_assignment_warnings(paper, entries))
    raise_if(problems, GradingError)
    return result


def _assignment_warnings(paper: GradingPaper, entries: Sequence[FilledEntry]) -> list[str]:
    """Return a line per contestant whose entered 卷码 is not the one dealt at build."""
    lines: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: e.copy):
        for key, code, where in entry.codes:
            dealt = paper.assignment.get(key)
            if dealt and code and code != dealt and key not in lines:
                lines[key] = where + colon() + _(
                    "“准考证号” {key} sat {code} by the entry workbook, but {dealt} was dealt "
                    "at build (variants.xlsx); scored as {code}, the paper's code"
                ).format(key=key, code=code, dealt=dealt)
    return list(lines.values())


def _route_sheets(
    papers: list[GradingPaper], sheet_paths: Sequence[Path], mapping: Mapping | None = None,
) -> dict[str, list[Path]]:
    """Return each paper's sheets: all of them for one paper, else by the paper a sheet names."""
    routed: dict[str, list[Path]] = {p.paper_id: [] for p in papers}
    if len(papers) == 1:
        routed[papers[0].paper_id] = list(sheet_paths)
        return routed
    problems: list[Problem] = []
    for path in sheet_paths:
        try:
            paper_id = sheet_paper(path, {p.paper_id: p.forms for p in papers}, mapping)
        except SheetError as error:
            problems.extend(error.problems)
            continue
        # A sheet without its marker row names the paper by its title.
        paper_id = next((p.paper_id for p in papers if paper_id in (p.paper_id, p.title)), paper_id)
        if paper_id not in routed:
            problems.append(Problem(
                str(path),
                _("the sheet is for paper '{paper}', which is not one of {papers}").format(
                    paper=paper_id or "?", papers=listing(routed)),
                _("give the sheets of the papers being graded"),
            ))
            continue
        routed[paper_id].append(path)
    raise_if(problems, SheetError)
    return routed


def _merge_forms(per_form: list[Scores]) -> Scores:
    """Return one Scores for a paper whose contestants sat different forms (A卷, B卷)."""
    if len(per_form) == 1:
        return per_form[0]
    first = per_form[0]
    judges: list[str] = []
    for scores in per_form:
        judges.extend(j for j in scores.judges if j not in judges)
    return Scores(
        form="/".join(s.form for s in per_form),
        policy=first.policy,
        precision=first.precision,
        questions=first.questions,
        contestants=tuple(c for s in per_form for c in s.contestants),
        pending=tuple(p for s in per_form for p in s.pending),
        missing=tuple(p for s in per_form for p in s.missing),
        judges=tuple(judges),
    )


def _score_warnings(scores: Scores, label: str) -> list[str]:
    where = f"{label}{colon()}" if label else ""
    lines = []
    for needed in ("third", "arbitration"):
        count = sum(1 for p in scores.pending if p.needed == needed)
        if not count:
            continue
        if needed == "third":
            text = ngettext(
                "{count} answer waits for third marking (“三评”); make their sheet with `examgen sheets --pending`",
                "{count} answers wait for third marking (“三评”); make their sheet with `examgen sheets --pending`",
                count,
            )
        else:
            text = ngettext(
                "{count} answer waits for arbitration marking (“仲裁”); make their sheet with `examgen sheets --pending`",
                "{count} answers wait for arbitration marking (“仲裁”); make their sheet with `examgen sheets --pending`",
                count,
            )
        lines.append(where + text.format(count=count))
    counts: dict[str, int] = defaultdict(int)
    for flag in scores.flags:
        counts[flag.code] += 1
    for code in sorted(counts):
        if code in ("missing", "third_needed", "arbitration_needed"):
            continue
        lines.append(where + ngettext(
            "{count} answer flagged as “{label}” (`{code}`)", "{count} answers flagged as “{label}” (`{code}`)", counts[code],
        ).format(count=counts[code], label=FLAG_LABELS.get(code, code), code=code))
    return lines


def _result_warnings(results: Results) -> list[str]:
    lines = []
    excluded = [r for r in results.rows if r.excluded and not r.absent]
    absent = [r for r in results.rows if r.absent]
    if absent:
        lines.append(ngettext(
            "{count} contestant “缺考” (absent): listed, not ranked",
            "{count} contestants “缺考” (absent): listed, not ranked", len(absent),
        ).format(count=len(absent)))
    if excluded:
        ids = listing(r.contestant.id for r in excluded[:10]) + (" …" if len(excluded) > 10 else "")
        lines.append(ngettext(
            "{count} contestant not ranked (incomplete marks): {ids}",
            "{count} contestants not ranked (incomplete marks): {ids}", len(excluded),
        ).format(count=len(excluded), ids=ids))
    tied = [r for r in results.rows if any(f.code == "award_tie" for f in r.flags)]
    if tied:
        lines.append(ngettext(
            "{count} contestant tied across an award boundary",
            "{count} contestants tied across an award boundary", len(tied),
        ).format(count=len(tied)))
    return lines


def ranking_rows(results: Results, top: int) -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of the first ``top`` ranked contestants, for the terminal."""
    header = [_("Rank"), _("Exam number"), _("Name"), _("Unit"), _("Total"), _("Award")]
    rows = [
        [str(r.rank), r.contestant.id, r.contestant.name, r.contestant.unit,
         format(r.total, "f"), r.award or "-"]
        for r in results.ranked[:top]
    ]
    return header, rows


# --- For analysis ------------------------------------------------------------------------


def grade_paper(
    manifest_path: Path,
    sheet_paths: Sequence[Path],
    *,
    roster_path: Path | None = None,
    allow_missing: bool = False,
    single_entry: bool = False,
) -> tuple[GradingPaper, Results]:
    """Return the paper and the results of one manifest's filled sheets, writing nothing.

    The same reading, checks, aggregation and ranking as ``examgen grade`` for one paper:
    ``sheet_paths`` holds the judges' sheets and the answer-entry workbooks (录入表), whose
    answers are scored and joined. ``Results.scores`` keeps every judge's mark and every
    entered answer (``AnswerScore.response``) for analysis.
    """
    paper = load_grading_paper(manifest_path)
    roster = read_roster(roster_path) if roster_path else None
    entry_paths, sheet_paths = _split_entry_workbooks(sheet_paths)
    answers = _objective_answers([paper], entry_paths, single_entry=single_entry).get(paper.paper_id, {})
    imported = _import_paper(paper, sheet_paths, answers, roster=roster, allow_missing=allow_missing)
    problems: list[Problem] = []
    per_form = _form_scores(paper, imported, answers, allow_missing=allow_missing, problems=problems)
    raise_if(problems, GradingError)
    return paper, rank_contestants(_merge_forms(per_form), paper.rules)
