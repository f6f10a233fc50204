"""Bank import: question documents (.txt .md .docx .xlsx .csv) → a bank file.

The stages, one module each:

- :mod:`.readers` (and :mod:`.docx_reader`, :mod:`.xlsx`): a file → numbered lines or tables;
- :mod:`.normalise`: pinyin annotations out, punctuation widths, a simplified twin for matching;
- :mod:`.parser` (and :mod:`.table` for spreadsheets): lines → sections, questions, skipped text;
- :mod:`.objective`: option runs and objective answers (choice, true/false) in a question's text;
- :mod:`.build`: parsed questions → :class:`examgen.models.Question` (types, points, ids, repeats);
- :mod:`.ledger`: every input character placed, consumed or skipped; :mod:`.report`: the report.

:func:`import_documents` runs them; :func:`import_to_bank` also reads the workspace's other
banks (to continue their ids and spot near-duplicates) and writes the bank file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from examgen.bank.importer.build import REVIEW_TAG, ImportOptions, build_questions, resolve_type
from examgen.bank.importer.ledger import Ledger, coverage_gaps, ledger
from examgen.bank.importer.model import ParsedDocument, SourceDocument
from examgen.bank.importer.normalise import normalise_lines
from examgen.bank.importer.parser import SKIP_CUT, merge_stretches, parse_document
from examgen.bank.importer.readers import SUFFIXES, read_document
from examgen.bank.importer.report import ImportReport, format_report, make_report
from examgen.bank.importer.table import parse_table_document
from examgen.bank.load import bank_files, check_bank_items, dump_bank_items, parse_bank_text
from examgen.errors import BankImportError, ExamgenError, Problem, raise_if
from examgen.i18n import _, colon, listing
from examgen.inputs import read_input
from examgen.models import Question
from examgen.outputs import refuse_existing, refuse_inputs, write_outputs
from examgen.yamlio import paused_gc

__all__ = [
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "REVIEW_TAG",
    "SUFFIXES",
    "format_report",
    "import_documents",
    "import_to_bank",
    "parse_source",
    "resolve_type",
]


@dataclass(frozen=True)
class ImportResult:
    """The imported questions, the bank file text, the report, and the parsed documents."""

    questions: tuple[Question, ...]
    yaml_text: str
    report: ImportReport
    documents: tuple[ParsedDocument, ...]
    ledgers: tuple[Ledger, ...]


def parse_source(document: SourceDocument) -> list[ParsedDocument]:
    """Return a read document parsed: one parsed document per file, or per sheet of a workbook."""
    if document.kind == "table":
        return parse_table_document(document)
    lines = normalise_lines(document.lines, markdown=document.kind == "markdown")
    return [parse_document(document.path, document.name, document.unit, lines)]


def import_documents(
    paths: Sequence[Path], options: ImportOptions | None = None, *, out: str = "banks/imported.yaml"
) -> ImportResult:
    """Return the questions found in the files at ``paths`` and the report; write nothing.

    ``out`` names the bank file in the report and in validation messages. Raise
    BankImportError (naming every unreadable file at once) when a file cannot be read.
    """
    options = options or ImportOptions()
    documents: list[SourceDocument] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            documents.append(read_document(path))
        except BankImportError as error:
            problems.extend(error.problems)
    raise_if(problems, BankImportError)
    parsed = [p for document in documents for p in parse_source(document)]
    built = build_questions(parsed, options)
    # A last guard: text no stage claimed is listed as skipped, never dropped.
    built.documents = [
        replace(d, skipped=tuple(merge_stretches([*d.skipped, *gaps], d.lines)))
        if (gaps := coverage_gaps(d))
        else d
        for d in built.documents
    ]
    questions = tuple(item.question for item in built.imported)
    sources = listing(dict.fromkeys(d.name for d in documents))
    text, items = _bank_text(questions, sources)
    # The written file is checked as `examgen check` will read it; the writer knows what
    # a reader makes of it (values and lines), unless a question went to PyYAML.
    _, validation = parse_bank_text(text, out) if items is None else check_bank_items(items, out)
    validation.extend(_id_clashes(questions, options, out))
    ledgers = tuple(ledger(d) for d in built.documents)
    report = make_report(built, ledgers, validation, out, SKIP_CUT)
    return ImportResult(questions, text, report, tuple(built.documents), ledgers)


def _bank_text(questions: Sequence[Question], sources: str) -> tuple[str, list | None]:
    """Return the bank file's text and what YAML reads from it (None: read the text)."""
    header = (
        f"# 由 examgen bank import 导入自：{sources}\n"
        f"# 带“{REVIEW_TAG}”标签的题目需要人工确认（主题、难度、分值、答案），确认后删除该标签。\n"
    )
    if not questions:
        return header + "[]\n", None
    body, items = dump_bank_items(questions, first_line=header.count("\n") + 1)
    return header + body, items


def _id_clashes(questions: Sequence[Question], options: ImportOptions, out: str) -> list[Problem]:
    taken = options.existing_ids
    return [
        Problem(out, f"{q.id}{colon()}" + _("id already used by another bank file of the workspace"),
                _("give the question a new id, or remove the old file"))
        for q in questions
        if q.id in taken
    ]


def workspace_questions(folder: Path, exclude: Path) -> tuple[tuple[Question, ...], frozenset[str]]:
    """Return the questions and ids of the bank files in ``folder``, except ``exclude``.

    Files with problems still give the ids that can be read, so new ids never clash.
    """
    if not folder.is_dir():
        return (), frozenset()
    questions: list[Question] = []
    ids: set[str] = set()
    for path in bank_files(folder):
        if path.resolve() == exclude.resolve():
            continue
        try:
            data = read_input(path)
        except ExamgenError:
            continue
        found, _problems = parse_bank_text(data, str(path))
        questions.extend(found)
        ids.update(q.id for q in found)
        for line in data.decode("utf-8", "replace").splitlines():
            if line.startswith("- id:"):
                ids.add(line[5:].strip().strip("'\""))
    return tuple(questions), frozenset(ids)


def import_to_bank(
    paths: Sequence[Path],
    options: ImportOptions,
    out: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    report_path: Path | None = None,
    workspace: Path | None = None,
) -> ImportResult:
    """Import ``paths`` into the bank file ``out`` (unless ``dry_run``) and return the result.

    Ids continue after those of the other bank files beside ``out``; near-duplicates of
    their questions are reported. Refuse to overwrite ``out`` (or the report) without
    ``force``. The inputs are never modified. With ``workspace``, the ids of its ``banks/``
    folder are taken too, so ids stay unique when ``out`` is elsewhere.
    """
    targets = [*([] if dry_run else [out]), *([report_path] if report_path else [])]
    refuse_inputs(targets, paths)
    if not dry_run:
        refuse_existing(targets, force=force)
    existing, ids = workspace_questions(out.parent, out)
    banks = workspace / "banks" if workspace is not None else None
    if banks is not None and banks.resolve() != out.parent.resolve():
        more, more_ids = workspace_questions(banks, out)
        existing, ids = (*existing, *more), ids | more_ids
    options = replace(options, existing=existing, existing_ids=ids | options.existing_ids)
    # Tens of thousands of small objects (lines, pieces, questions), none in a cycle: the
    # collector's repeated full passes over them cost about a tenth of the import.
    with paused_gc():
        result = import_documents(paths, options, out=str(out))
    if not result.questions and not dry_run:
        raise BankImportError(_nothing_found(result), where=listing(paths),
                              hint=_("check the documents hold numbered questions; run with --dry-run to see what was skipped"))
    outputs: list[tuple[Path, bytes]] = []
    if not dry_run:
        outputs.append((out, result.yaml_text.encode("utf-8")))
    if report_path is not None:
        full = format_report(result.report, written=not dry_run, full=True)
        outputs.append((report_path, full.encode("utf-8")))
    if outputs:
        write_outputs(outputs, force=force or dry_run, inputs=paths)
    return result


def _nothing_found(result: ImportResult) -> str:
    """Say what was found in documents that gave no question; nothing is written."""
    lines = sum(1 for d in result.documents for line in d.lines if line.text.strip())
    skipped = sum(len(d.skipped) for d in result.documents)
    if not lines:
        return _("found no text at all, so no questions; nothing was written")
    return _("found no questions in {lines} line(s) of text ({skipped} stretch(es) skipped as not questions); "
             "nothing was written").format(lines=lines, skipped=skipped)
