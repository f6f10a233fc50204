"""The ``examgen`` command line: parse arguments, call the library, report. No logic here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from examgen import __version__
from examgen.assemble import parse_forms
from examgen.bank import crosstab, load_bank
from examgen.build import build_paper
from examgen.errors import ExamgenError
from examgen.manifest import verify_documents
from examgen.textable import format_table
from examgen.workspace import init_workspace


class _Group(click.Group):
    """A click group that turns ExamgenError into ``error: …`` lines and exit code 1."""

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        try:
            return super().invoke(ctx)
        except ExamgenError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            if len(error.problems) > 1:
                click.echo(f"{len(error.problems)} problems found; nothing was written.", err=True)
            ctx.exit(1)


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
def build(workspace: Path, seed: int | None, blueprint_path: Path | None, forms: str, out: Path | None, force: bool) -> None:
    """Draw a paper and write the papers, answer keys and manifest.

    \b
    Example:
        examgen build --seed 42
        examgen build --blueprint templates/interview.yaml --forms A,B --force
    """
    letters = parse_forms(forms)
    with click.progressbar(length=2 * len(letters), label="writing documents", file=sys.stderr) as bar:
        result = build_paper(
            workspace,
            blueprint_path=blueprint_path,
            seed=seed,
            forms=letters,
            out=out,
            force=force,
            on_document=lambda _name: bar.update(1),
        )
    drawn = " (drawn; rebuild with --seed to get the same paper)" if result.seed_drawn else ""
    click.echo(f"seed: {result.seed}{drawn}")
    for path in result.files:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite sample files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Make a new workspace with the sample banks and templates.

    \b
    Example:
        examgen init 2026-contest && cd 2026-contest && examgen build --seed 7
    """
    written = init_workspace(directory, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"workspace ready in {directory}; run `examgen build` there")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
def verify(folder: Path) -> None:
    """Check that the documents of a build are the ones its manifest recorded.

    \b
    Example:
        examgen verify output/default
    """
    checks = verify_documents(folder)
    for check in checks:
        state = "ok" if check.ok else ("missing" if check.actual is None else "CHANGED")
        click.echo(f"{state:8} {check.path}")
    bad = [c for c in checks if not c.ok]
    if bad:
        raise ExamgenError(
            f"{len(bad)} of {len(checks)} document(s) differ from the manifest",
            where=str(folder),
            hint="rebuild with the recorded seed, or find the original files",
        )
    click.echo(f"all {len(checks)} documents match the manifest")


@bank.command("validate")
@_workspace_option
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def bank_validate(workspace: Path, files: tuple[Path, ...]) -> None:
    """Check the bank files (all of banks/, or the FILES given) and list every problem.

    \b
    Example:
        examgen bank validate
        examgen bank validate banks/case_analysis.yaml
    """
    loaded = load_bank(list(files) if files else workspace / "banks")
    click.echo(f"ok: {len(loaded.questions)} questions in {len(loaded.files)} file(s), no problems")


@bank.command("stats")
@_workspace_option
def bank_stats(workspace: Path) -> None:
    """Show how many questions the bank has by type × topic and type × difficulty.

    \b
    Example:
        examgen bank stats
    """
    loaded = load_bank(workspace / "banks")
    for by, title in (("topic", "by type and topic"), ("difficulty", "by type and difficulty")):
        header, rows = crosstab(loaded, by)
        click.echo(f"{len(loaded.questions)} questions {title}:")
        click.echo(format_table(header, rows))
        click.echo()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
