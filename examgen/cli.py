"""The ``examgen`` command line: parse arguments, call the library, report. No logic here."""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path

import click

from examgen import __version__
from examgen.encodings import clip
from examgen.errors import ExamgenError, MappingNeededError
from examgen.i18n import (
    LANGUAGES,
    _,
    colon,
    is_chinese,
    ngettext,
    normalise_language,
    set_language,
    translate_click,
)
from examgen.textable import display_width, wrap_line

# The library is imported inside each command, so that `examgen --help` and `--version`
# start in a blink: python-docx, openpyxl, PyYAML and the importer load only when used.

#: Longest error line printed, in characters.
MAX_ERROR_LINE = 1000


def _print_library_warnings() -> None:
    """Print the library's log warnings (e.g. an interrupted run cleaned up) as ``warning: …``.

    Set up when a command runs, not at import: `examgen --help` need not load logging.
    """
    import logging

    class EchoHandler(logging.Handler):
        examgen_echo = True

        def emit(self, record: logging.LogRecord) -> None:
            _echo_warning(clip(record.getMessage(), MAX_ERROR_LINE))

    log = logging.getLogger("examgen")
    if not any(getattr(h, "examgen_echo", False) for h in log.handlers):
        log.addHandler(EchoHandler(logging.WARNING))
        log.propagate = False


def _cleandoc(text: str) -> str:
    """Return a docstring without its indentation, as help shows it (``inspect.cleandoc``).

    Written out so that `examgen --help` need not import inspect.
    """
    lines = text.expandtabs().split("\n")
    margin = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=0)
    lines = [lines[0].lstrip(), *(line[margin:] for line in lines[1:])]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _echo_wrote(path: Path) -> None:
    click.echo(_("wrote {path}").format(path=path))


def _echo_warning(line: str) -> None:
    click.echo(_("warning: {message}").format(message=line), err=True)


def help_messages(command: click.Command) -> list[str]:
    """Return the help texts of ``command`` and its options, as they go into the catalogue."""
    texts = [_cleandoc(command.help)] if command.help else []
    texts += [param.help for param in command.params if getattr(param, "help", None)]
    return texts


def _wrap_help(text: str, width: int, indent: str = "") -> str:
    """Return help ``text`` wrapped for the terminal as click does, Chinese-aware; ``\b`` paragraphs kept."""
    paragraphs = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            paragraphs.append("\n".join(indent + line for line in lines[1:]))
            continue
        joined = " ".join(line.strip() for line in lines)
        # Lines of a Chinese paragraph join without a space.
        joined = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", joined)
        paragraphs.append("\n".join(indent + line for line in wrap_line(joined, max(width - len(indent), 10))))
    return "\n\n".join(paragraphs)


class _HelpFormatter(click.HelpFormatter):
    """click's help layout with the current language's colon after headings; Chinese wrapped by characters."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{colon().rstrip()}\n")

    def write_text(self, text: str) -> None:
        if not is_chinese():
            return super().write_text(text)
        self.write(_wrap_help(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        if not is_chinese():
            return super().write_dl(rows, col_max, col_spacing)
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _second in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap_help(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _Command(click.Command):
    """A click command whose help speaks the chosen language and which takes ``--lang``."""

    context_class = _Context

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not any(param.name == "lang" for param in self.params):
            self.params.append(_lang_option())

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        saved = [(self, self.help)] + [(param, getattr(param, "help", None)) for param in self.params]
        try:
            self.help = _(_cleandoc(self.help)) if self.help else self.help
            for param in self.params:
                if getattr(param, "help", None):
                    param.help = _(param.help)
            super().format_help(ctx, formatter)
        finally:
            for owner, text in saved:
                owner.help = text

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        words = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMAND [ARGS]...")}
        return [words.get(piece, piece) for piece in pieces]

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            # click caches the option with its help in the language of the first call.
            option.help = _("Show this message and exit.")
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help or not self.help:
            return super().get_short_help_str(limit)
        # The first sentence of the (translated) help, whole: click's own cut counts
        # words, which a Chinese sentence does not have.
        first = _(_cleandoc(self.help)).split("\n\n")[0].replace("\n", " ")
        for stop in ("。", ". "):
            if stop in first:
                return first.split(stop)[0] + stop.strip()
        return first.rstrip(".")


class _Group(_Command, click.Group):
    """A click group that speaks the chosen language and turns ExamgenError into ``error: …`` and exit 1."""

    command_class = _Command
    group_class = type  # subgroups are _Group too

    def main(self, args=None, *rest, **kwargs):  # noqa: D401 - click API
        # The language is chosen before click parses anything, so that help, usage errors
        # and the library's messages all speak it; --lang may stand anywhere.
        words = list(sys.argv[1:] if args is None else args)
        set_language(_lang_in(words))
        translate_click()
        return super().main(words, *rest, **kwargs)

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        _print_library_warnings()
        try:
            return super().invoke(ctx)
        except ExamgenError as error:
            for problem in error.problems:
                # Capped: a problem may quote a 30,000-character cell.
                message = clip(str(problem), MAX_ERROR_LINE)
                click.echo(_("error: {message}").format(message=message), err=True)
            if len(error.problems) > 1:
                count = len(error.problems)
                click.echo(
                    ngettext("{count} problem found; nothing was written.", "{count} problems found; nothing was written.", count).format(count=count),
                    err=True,
                )
            ctx.exit(1)


def _lang_in(words: list[str]) -> str | None:
    """Return the last ``--lang`` value among the command-line words, if any is valid."""
    chosen = None
    for index, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(words):
            chosen = normalise_language(words[index + 1]) or chosen
        elif word.startswith("--lang="):
            chosen = normalise_language(word.partition("=")[2]) or chosen
    return chosen


def _lang_option() -> click.Option:
    return click.Option(
        ["--lang"],
        type=click.Choice(LANGUAGES),
        expose_value=False,
        help="Language of messages and help: zh (default) or en; also EXAMGEN_LANG.",
    )


def _workspace_option(f):
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="Workspace folder with banks/, templates/ and output/.",
    )(f)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="examgen")
def main() -> None:
    """Build written papers for customer-service skills competitions, and grade them.

    \b
    Example:
        examgen build --seed 42
        examgen sheets output/default/manifest.json --roster roster.xlsx --judges 3
        examgen grade output/default/manifest.json output/default/sheets/*.xlsx
    """


@main.group(cls=_Group)
def bank() -> None:
    """Validate, summarise, import and export question banks."""


@main.command()
@_workspace_option
@click.option("--seed", type=int, default=None, help="Seed of the draw; without it one is drawn and printed.")
@click.option(
    "--blueprint",
    "blueprint_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Blueprint to build (default: templates/default.yaml in the workspace).",
)
@click.option("--forms", default="A", show_default=True, help="Forms to build, e.g. A,B.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: output/).")
@click.option("--force", is_flag=True, help="Overwrite an existing output folder.")
@click.option("--allow-unreviewed", is_flag=True, help="Draw questions still tagged “导入待审” (imported, not reviewed).")
@click.option("--variants", type=click.IntRange(1, 999), default=None, help="Variants (“卷码” A1, A2, …) per form: questions and options in their own order.")
@click.option("--variants-for", "variants_for", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Roster to deal the variants to (one variant per contestant without --variants); writes variants.xlsx.")
def build(workspace: Path, seed: int | None, blueprint_path: Path | None, forms: str, out: Path | None, force: bool, allow_unreviewed: bool, variants: int | None, variants_for: Path | None) -> None:
    """Draw a paper and write the papers, answer keys and manifest.

    \b
    Example:
        examgen build --seed 42
        examgen build --blueprint templates/interview.yaml --forms A,B --force
        examgen build --seed 42 --variants 4 --variants-for roster.csv
    """
    from examgen.paper.assemble import parse_forms
    from examgen.paper.build import document_count, draw_paper, write_paper

    letters = parse_forms(forms)
    seats = None
    if variants_for is not None:
        from examgen.grading.roster import read_roster
        from examgen.paper.variants import seat_forms

        roster = read_roster(variants_for)
        seats = seat_forms(roster.contestants, roster.form_of(), letters, where=str(variants_for))
    paper = draw_paper(
        workspace, blueprint_path=blueprint_path, seed=seed, forms=letters, allow_unreviewed=allow_unreviewed,
        variants=variants, seats=seats,
    )
    documents = document_count(paper)
    with click.progressbar(length=documents, label=_("writing documents"), file=sys.stderr) as bar:
        result = write_paper(paper, workspace, out=out, force=force, on_document=lambda _: bar.update(1))
    if seed is None:
        click.echo(_("seed: {seed} (drawn; rebuild with --seed to get the same paper)").format(seed=paper.seed))
    else:
        click.echo(_("seed: {seed}").format(seed=paper.seed))
    if len(paper.forms) > 1:
        from examgen.paper.forms import form_comparison
        from examgen.textable import format_table

        click.echo(_("forms chosen together by {solver}:").format(solver=paper.assembly))
        click.echo(format_table(*form_comparison(paper)))
    if paper.variants:
        from examgen.paper.variants import variant_notes

        for line in variant_notes(paper):
            click.echo(line)
    for path in result.files:
        _echo_wrote(path)
    click.echo(_("manifest sha256: {digest} (keep it: `examgen verify --expect` checks it)").format(digest=result.manifest_sha256))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite sample files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Make a new workspace with the sample banks and templates.

    \b
    Example:
        examgen init 2026-contest && cd 2026-contest && examgen build --seed 7
    """
    from examgen.paper.workspace import init_workspace

    written = init_workspace(directory, force=force)
    for path in written:
        _echo_wrote(path)
    click.echo(_("workspace ready in {folder}; run `examgen build` there").format(folder=directory))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--expect", default=None, metavar="SHA256", help="The manifest sha256 `examgen build` printed; refuse a manifest that differs.")
def verify(folder: Path, expect: str | None) -> None:
    """Check that the documents of a build are the ones its manifest recorded.

    Without --expect, a manifest rewritten together with the documents goes unnoticed;
    give the manifest sha256 that build printed to catch that.

    \b
    Example:
        examgen verify output/default --expect 3f2a…
    """
    from examgen.paper.manifest import check_manifest_digest, verify_documents

    checks = verify_documents(folder)
    digest = check_manifest_digest(folder, expect)
    for check in checks:
        state = _("ok") if check.ok else (_("missing") if check.actual is None else _("CHANGED"))
        click.echo(f"{state}{' ' * max(0, 8 - display_width(state))} {check.path}")
    bad = [c for c in checks if not c.ok]
    if bad:
        raise ExamgenError(
            ngettext("{count} of {total} document differs from the manifest",
                     "{count} of {total} documents differ from the manifest", len(checks)).format(count=len(bad), total=len(checks)),
            where=str(folder),
            hint=_("rebuild with the recorded seed, or find the original files"),
        )
    click.echo(_("all {count} documents match the manifest (sha256 {digest})").format(count=len(checks), digest=digest))


@bank.command("validate")
@_workspace_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def bank_validate(workspace: Path, files: tuple[Path, ...]) -> None:
    """Check the bank files (all of banks/, or the FILES given) and list every problem.

    \b
    Example:
        examgen bank validate
        examgen bank validate banks/case_analysis.yaml
    """
    from examgen.bank.load import load_bank

    loaded = load_bank(list(files) if files else workspace / "banks")
    click.echo(
        ngettext("ok: {questions} questions in {files} file, no problems", "ok: {questions} questions in {files} files, no problems",
                 len(loaded.files)).format(questions=len(loaded.questions), files=len(loaded.files))
    )


@bank.command("stats")
@_workspace_option
def bank_stats(workspace: Path) -> None:
    """Show how many questions the bank has by type × topic and type × difficulty.

    With a workspace history (`examgen release`), also each used question's number of
    uses and its observed difficulty P and discrimination D.

    \b
    Example:
        examgen bank stats
    """
    from examgen.bank.load import crosstab, load_bank
    from examgen.models import REVIEW_TAG
    from examgen.paper.history import load_history, usage_rows
    from examgen.textable import format_table

    loaded = load_bank(workspace / "banks")
    for by, title in (
        ("topic", _("{count} questions by type and topic:")),
        ("difficulty", _("{count} questions by type and difficulty:")),
    ):
        header, rows = crosstab(loaded, by)
        click.echo(title.format(count=len(loaded.questions)))
        click.echo(format_table(header, rows))
        click.echo()
    waiting = sum(1 for q in loaded.questions if REVIEW_TAG in q.tags)
    if waiting:
        click.echo(ngettext(
            "unreviewed (“{tag}”): {count} question — examgen build refuses them in the sections it draws (--allow-unreviewed to accept)",
            "unreviewed (“{tag}”): {count} questions — examgen build refuses them in the sections it draws (--allow-unreviewed to accept)",
            waiting,
        ).format(tag=REVIEW_TAG, count=waiting))
    else:
        click.echo(_("unreviewed (“{tag}”): 0 questions").format(tag=REVIEW_TAG))
    header, rows = usage_rows(loaded, load_history(workspace))
    if rows:
        click.echo(_("{count} questions used in released papers (history.jsonl):").format(count=len(rows)))
        click.echo(format_table(header, rows))
        click.echo()


@main.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("filled", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--roster", type=click.Path(path_type=Path), help="Roster (.xlsx or .csv: “准考证号”, “姓名”, “单位”); with --pending, the code table.")
@click.option("--form", default=None, help="Form the sheets are for (default: the only form).")
@click.option("--judges", type=click.IntRange(1, 50), default=None, help="Number of judges (default: the blueprint's grading rules).")
@click.option("--anonymize", is_flag=True, help="Show secret codes (“密号”) instead of ids and names; write the code table separately.")
@click.option("--seed", "code_seed", type=int, default=None, help="Seed for the secret codes (default: drawn from the OS).")
@click.option("--pending", is_flag=True, help="Write a sheet of the answers waiting for a third mark or arbitration, from the FILLED sheets.")
@click.option("--judge", "judge_names", multiple=True, help="Name a judge (repeatable), instead of “评委1”…“评委N”; with --pending, the judge of the sheet (default “三评” / “仲裁”).")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help="Date printed on the sheets, YYYY-MM-DD (default: today).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for the sheets (default: sheets/ beside the manifest).")
@click.option("--force", is_flag=True, help="Overwrite existing sheets.")
@click.option("--entry", is_flag=True, help="Write the two answer-entry workbooks (“录入1”, “录入2”) of the objective questions instead.")
def sheets(
    manifest: Path, filled: tuple[Path, ...], roster: Path | None, form: str | None, judges: int | None,
    anonymize: bool, code_seed: int | None, pending: bool, judge_names: tuple[str, ...], date_, out: Path | None, force: bool,
    entry: bool,
) -> None:
    """Write one score sheet per judge, or (--pending) the sheet of answers awaiting “三评”/“仲裁”.

    \b
    Example:
        examgen sheets output/default/manifest.json --roster roster.xlsx --judges 3
        examgen sheets output/default/manifest.json --roster roster.csv --anonymize
        examgen sheets output/default/manifest.json --roster output/default/codes-A.xlsx --anonymize --judge "评委4"
        examgen sheets --pending output/default/manifest.json output/default/sheets/A-judge-*.xlsx
        examgen sheets output/default/manifest.json --roster roster.xlsx --entry
    """
    from examgen.grading.workflow import (
        write_entry_sheets,
        write_pending_sheets,
        write_score_sheets,
    )

    day = (date_ or datetime.datetime.now()).date()
    if pending:
        if not filled:
            raise click.UsageError(_("--pending needs the filled sheets after the manifest"))
        outcome = write_pending_sheets(
            manifest, list(filled), roster_path=roster, judge=judge_names[0] if judge_names else None,
            date=day, out_dir=out, force=force,
        )
        for line in outcome.missing:
            _echo_warning(line)
        if not outcome.sheets:
            click.echo(_("no answer waits for a third mark or arbitration; nothing written"))
        for path in outcome.sheets:
            _echo_wrote(path)
        if outcome.sheets:
            click.echo(ngettext("{count} answer to mark; grade it with the other sheets",
                                "{count} answers to mark; grade them with the other sheets", outcome.answers).format(count=outcome.answers))
        return
    if filled:
        raise click.UsageError(_("filled sheets are only read with --pending"))
    if roster is None:
        raise click.UsageError(_("--roster is required (a .xlsx or .csv with “准考证号”, “姓名”, “单位”)"))
    if entry:
        outcome = write_entry_sheets(manifest, roster, form=form, date=day, out_dir=out, force=force)
        for path in outcome.sheets:
            _echo_wrote(path)
        click.echo(
            _("2 answer-entry workbooks (“录入1”, “录入2”) for form {form}, {count} contestants: two operators fill one each").format(
                form=outcome.form, count=outcome.contestants)
        )
        return
    outcome = write_score_sheets(
        manifest, roster, form=form, judges=judges, names=judge_names, anonymize=anonymize, date=day,
        code_seed=code_seed, out_dir=out, force=force,
    )
    for path in outcome.sheets:
        _echo_wrote(path)
    if outcome.code_table:
        click.echo(_("wrote {path} (code table: keep it away from the judges)").format(path=outcome.code_table))
    click.echo(
        ngettext("{count} sheet for form {form}, {contestants} contestants each",
                 "{count} sheets for form {form}, {contestants} contestants each", len(outcome.sheets)).format(
            count=len(outcome.sheets), form=outcome.form, contestants=outcome.contestants)
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--roster", type=click.Path(path_type=Path), default=None, help="Roster, or the code table for anonymised sheets.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for results.xlsx and results.docx (default: beside the manifest).")
@click.option("--provisional", is_flag=True, help="Grade with missing judges' sheets or blank marks: write only a draft `results-草稿（未经复核）.xlsx` listing what is pending, and exit 3.")
@click.option("--allow-missing", is_flag=True, hidden=True, help="Old name of --provisional.")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help="Date of the results, YYYY-MM-DD (default: today).")
@click.option("--top", type=click.IntRange(0), default=10, show_default=True, help="How many of the ranking to print.")
@click.option("--force", is_flag=True, help="Overwrite existing results.")
@click.option("--single-entry", is_flag=True, help="Accept one answer-entry workbook per form instead of the two of double entry (“双人录入”).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Mapping file saying how to read judges' own spreadsheets (start from --explain).")
@click.option("--explain", is_flag=True, help="Print how each file of marks is read (a mapping file to complete); grade nothing.")
@click.option("--analyse", "analyse_", is_flag=True, help="Also write analysis.xlsx and `成绩分析报告.docx` (as `examgen analyse`).")
def grade(inputs: tuple[Path, ...], roster: Path | None, out: Path | None, provisional: bool, allow_missing: bool, date_, top: int, force: bool, single_entry: bool, map_path: Path | None, explain: bool, analyse_: bool) -> None:
    """Read filled score sheets, check them, rank, and write results.xlsx and results.docx.

    INPUTS: a manifest.json (or several, or a contest.yaml), then the filled sheets.

    Exit codes: 0 final results written (results.xlsx and the “成绩公示” results.docx);
    1 a problem, nothing written; 2 a usage error; 3 provisional: something is
    pending (a judge's sheet, blank marks with --provisional, “三评”/“仲裁”), so only the
    draft `results-草稿（未经复核）.xlsx` was written, listing what is pending.

    \b
    Example:
        examgen grade output/default/manifest.json output/default/sheets/*.xlsx
        examgen grade contest.yaml output/*/sheets/*.xlsx --roster roster.xlsx
        examgen grade output/default/manifest.json marks/*.xls --explain > map.yaml
        examgen grade output/default/manifest.json marks/*.xls --map map.yaml
        examgen grade output/default/manifest.json output/default/sheets/*.xlsx --analyse
    """
    from examgen.grading.workflow import (
        EXIT_PROVISIONAL,
        explain_reading,
        ranking_rows,
        run_grading,
    )
    from examgen.outputs import refuse_existing
    from examgen.textable import format_table

    if explain:
        click.echo(explain_reading(list(inputs), map_path=map_path), nl=False)
        return
    day = (date_ or datetime.datetime.now()).date()
    manifests = [p for p in inputs if p.suffix.lower() == ".json"]
    if analyse_ and len(manifests) != 1:
        raise click.UsageError(_("--analyse works on one paper: give one manifest.json (analyse contest rounds one by one)"))
    if analyse_:
        # Only now: the analysis brings matplotlib (about a second and 40 MB to load).
        from examgen.analysis.workflow import analysis_paths, write_analysis

        # Refuse before grading writes anything, not halfway.
        refuse_existing(analysis_paths(out or manifests[0].parent), force=force)
    try:
        outcome = run_grading(
            list(inputs), roster_path=roster, out_dir=out, provisional=provisional or allow_missing,
            force=force, date=day, single_entry=single_entry, map_path=map_path,
        )
    except MappingNeededError as error:
        click.echo(error.draft + "# " + _("save the lines above as map.yaml, replace every ?, grade with --map map.yaml") + "\n",
                   err=True, nl=False)
        raise
    header, rows = ranking_rows(outcome.results, top)
    if rows:
        click.echo(format_table(header, rows))
    ranked = len(outcome.results.ranked)
    click.echo(_("{ranked} of {total} contestants ranked").format(ranked=ranked, total=len(outcome.results.rows)))
    for line in outcome.warnings:
        _echo_warning(line)
    if outcome.warnings:
        click.echo(ngettext("{count} warning", "{count} warnings", len(outcome.warnings)).format(count=len(outcome.warnings)), err=True)
    for path in outcome.written:
        _echo_wrote(path)
    if analyse_ and not outcome.provisional:
        _echo_analysis(write_analysis(outcome.results, manifests[0], outcome.written[0].parent, force=force, date=day))
    elif analyse_:
        click.echo(_("no analysis: the results are provisional (analyse once they are final)"), err=True)
    if outcome.provisional:
        for line in outcome.pending:
            click.echo(_("pending: {item}").format(item=line), err=True)
        click.echo(
            ngettext("provisional: {count} item pending; wrote a draft only, no “成绩公示” (exit {code})",
                     "provisional: {count} items pending; wrote a draft only, no “成绩公示” (exit {code})",
                     len(outcome.pending)).format(count=len(outcome.pending), code=EXIT_PROVISIONAL),
            err=True,
        )
        sys.exit(EXIT_PROVISIONAL)
@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Roster, or the code table for anonymised sheets.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder for analysis.xlsx and `成绩分析报告.docx` (default: beside the manifest).")
@click.option("--allow-missing", is_flag=True, help="Analyse the contestants whose marks are complete; report the others.")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help="Date of the report, YYYY-MM-DD (default: today).")
@click.option("--force", is_flag=True, help="Overwrite an existing analysis.")
@click.option("--single-entry", is_flag=True, help="Accept one answer-entry workbook per form (as for `examgen grade`).")
def analyse(inputs: tuple[Path, ...], roster: Path | None, out: Path | None, allow_missing: bool, date_, force: bool, single_entry: bool) -> None:
    """Analyse a graded paper: score distribution, items, judges; write analysis.xlsx and `成绩分析报告.docx`.

    INPUTS: the manifest.json, then the filled sheets and answer-entry workbooks (the same
    as for `examgen grade`); the entered answers give the option table of each choice question.
    Also writes item-stats.json, which `examgen release` records in the workspace history.

    \b
    Example:
        examgen analyse output/default/manifest.json output/default/sheets/*.xlsx
        examgen analyse output/default/manifest.json sheets/*.xlsx --roster codes-A.xlsx --out report/
    """
    from examgen.analysis.workflow import run_analysis

    day = (date_ or datetime.datetime.now()).date()
    _echo_analysis(run_analysis(
        list(inputs), roster_path=roster, out_dir=out, allow_missing=allow_missing, single_entry=single_entry,
        force=force, date=day,
    ))


def _echo_analysis(outcome) -> None:
    analysis = outcome.analysis
    total = analysis.total
    click.echo(
        _("analysed {analysed} of {contestants} contestants: mean {mean}, SD {sd}, pass rate {rate}").format(
            analysed=analysis.analysed, contestants=analysis.contestants, mean=f"{total.mean:.2f}",
            sd=f"{total.sd:.2f}", rate=f"{total.pass_rate:.1%}")
    )
    for alpha in analysis.reliability:
        click.echo(_("Cronbach's alpha (form {form}): {alpha}").format(form=alpha.form, alpha=f"{alpha.alpha:.3f}"))
    flagged = [i for i in analysis.items if i.flags]
    click.echo(_("{flagged} of {items} question(s) and {notes} judge note(s) need attention").format(
        flagged=len(flagged), items=len(analysis.items),
        notes=sum(1 for line in analysis.attention if line.startswith("评委"))))
    for line in outcome.warnings:
        _echo_warning(line)
    for path in outcome.written:
        _echo_wrote(path)


@main.command()
@_workspace_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--stats", "stats_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="item-stats.json written by `examgen analyse` (default: the one in FOLDER, when there).")
@click.option("--date", "date_", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help="Date of the event when there are no results (default: today).")
@click.option("--force", is_flag=True, help="Replace the record of a paper released before.")
def release(workspace: Path, folder: Path, stats_path: Path | None, date_, force: bool) -> None:
    """Record a built paper in the workspace history: its questions and their observed P and D.

    FOLDER is the build's folder (output/<paper-id>). With the item-stats.json of
    `examgen analyse` there, each question's observed difficulty P and discrimination D
    are recorded too; `bank stats` shows them and blueprints with `difficulty_by:
    observed` select by them.

    \b
    Example:
        examgen analyse output/default/manifest.json output/default/sheets/*.xlsx
        examgen release output/default
    """
    from examgen.paper.history import release_paper

    day = (date_ or datetime.datetime.now()).date()
    outcome = release_paper(workspace, folder, date=day, item_stats=stats_path, force=force)
    event = outcome.event
    count = len({q.id for q in event.questions})
    if outcome.replaced:
        done = (_("replaced {paper} ({date}): {count} questions, with observed P and D") if outcome.with_results
                else _("replaced {paper} ({date}): {count} questions, without results (run `examgen analyse` first to add P and D)"))
    else:
        done = (_("recorded {paper} ({date}): {count} questions, with observed P and D") if outcome.with_results
                else _("recorded {paper} ({date}): {count} questions, without results (run `examgen analyse` first to add P and D)"))
    click.echo(done.format(paper=event.paper_id, date=event.date, count=count))
    _echo_wrote(outcome.path)


@main.command()
@_workspace_option
def history(workspace: Path) -> None:
    """List the papers released in this workspace (history.jsonl), oldest first.

    \b
    Example:
        examgen history
    """
    from examgen.paper.history import history_rows, load_history, most_used_rows
    from examgen.textable import format_table

    loaded = load_history(workspace)
    header, rows = history_rows(loaded)
    if not rows:
        click.echo(_("no history yet ({path}); record a paper with `examgen release output/<paper-id>`").format(path=loaded.path))
        return
    click.echo(format_table(header, rows))
    header, rows = most_used_rows(loaded)
    if rows:
        click.echo("\n" + _("most used questions (of {count} released papers):").format(count=len(loaded.releases)))
        click.echo(format_table(header, rows))


def _import_type(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from examgen.bank.importer import resolve_type

    if value is None:
        return None
    found = resolve_type(value)
    if found is None:
        raise click.BadParameter(
            _("unknown type {value!r}; use short_answer, case_analysis, practical, interview (or “简答”, “案例分析”, “实训操作”, “面试”)").format(value=value)
        )
    return found


def _import_points(ctx: click.Context, param: click.Parameter, value: str | None):
    from examgen.numbers import is_multiple, to_decimal

    if value is None:
        return None
    number = to_decimal(value)
    if number is None or number <= 0 or not is_multiple(number, to_decimal("0.5")):
        raise click.BadParameter(_("{value!r} is not a positive number of points in half points, e.g. 10 or 7.5").format(value=value))
    return number


def _import_prefix(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,9}", value):
        raise click.BadParameter(_("{value!r} is not an id prefix; use letters and digits, e.g. CA or IMP").format(value=value))
    return value


@bank.command("import")
@_workspace_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--type", "qtype", default=None, callback=_import_type, help="Type of the questions whose section heading does not say (short_answer, case_analysis, practical, interview, or “简答”/“案例分析”/“实训操作”/“面试”).")
@click.option("--topic", default=None, help="Topic of every imported question (default: “未分类”, marked for review).")
@click.option("--id-prefix", default=None, callback=_import_prefix, help="Prefix of the new ids, PREFIX-001… (default: by type, SA CA PR IV, else IMP).")
@click.option("--points", default=None, callback=_import_points, help="Points of questions for which neither the question nor its section gives any.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Bank file to write (default: banks/<first file's name>.yaml in the workspace).")
@click.option("--simplified", is_flag=True, help="Convert traditional Chinese to simplified (OpenCC t2s).")
@click.option("--dry-run", is_flag=True, help="Show the report; write nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also save the report, with skipped text in full, to this file.")
@click.option("--force", is_flag=True, help="Overwrite an existing bank file (and report).")
def bank_import(workspace: Path, files: tuple[Path, ...], qtype: str | None, topic: str | None, id_prefix: str | None, points, out: Path | None, simplified: bool, dry_run: bool, report_path: Path | None, force: bool) -> None:
    """Import question documents (.txt .md .docx .xlsx .csv) into a bank file, with a report.

    The report lists the questions found per section and type, those without an answer
    or still needing a person, repeats and near-duplicates, and every stretch of text that
    was not imported, with its line (paragraph, cell). A sheet written by `bank export`
    comes back as the same bank.

    \b
    Example:
        examgen bank import "复习题.docx" "面试题.txt" --topic "投诉处理" --dry-run
        examgen bank import "题库.xlsx" --out banks/imported.yaml --force
    """
    from examgen.bank.importer import ImportOptions, format_report, import_to_bank

    options = ImportOptions(type=qtype, topic=topic, id_prefix=id_prefix, points=points, simplified=simplified)
    target = out if out is not None else workspace / "banks" / f"{files[0].stem}.yaml"
    result = import_to_bank(
        list(files), options, target, force=force, dry_run=dry_run, report_path=report_path, workspace=workspace
    )
    click.echo(format_report(result.report, written=not dry_run), nl=False)
    if report_path is not None:
        click.echo(_("report saved to {path}").format(path=report_path))


@bank.command("export")
@_workspace_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx_path", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Spreadsheet to write (one row per question).")
@click.option("--force", is_flag=True, help="Overwrite an existing spreadsheet.")
def bank_export(workspace: Path, files: tuple[Path, ...], xlsx_path: Path, force: bool) -> None:
    """Write the bank (all of banks/, or the FILES given) as a spreadsheet for review.

    One row per question, one column per field; key points one per line as `text（2分）`.
    Importing the spreadsheet with `bank import` gives the same bank back.

    \b
    Example:
        examgen bank export --xlsx review.xlsx
        examgen bank import review.xlsx --out banks/reviewed.yaml
    """
    from examgen.bank.export import export_bank_xlsx

    count = export_bank_xlsx(list(files) if files else workspace / "banks", xlsx_path, force=force)
    click.echo(_("wrote {path} ({count} questions)").format(path=xlsx_path, count=count))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
