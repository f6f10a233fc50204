"""Build a paper in a workspace: load, assemble, render and write the outputs (the edge)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from examgen.bank.load import load_bank
from examgen.errors import BankError, OutputError, raise_if
from examgen.models import Blueprint, Contestant, Form, Paper
from examgen.outputs import staged_folder, write_file
from examgen.paper.assemble import assemble, new_seed, unreviewed
from examgen.paper.blueprint import DEFAULT_BLUEPRINT, load_blueprint
from examgen.paper.manifest import MANIFEST_NAME, dump_manifest, manifest_record, sha256_hex
from examgen.render.key import render_key
from examgen.render.paper import reference_path, render_paper

if TYPE_CHECKING:
    from examgen.paper.history import History


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the output folder, the files in it and the seed used."""

    paper: Paper
    folder: Path
    files: tuple[Path, ...]
    #: SHA-256 of manifest.json: printed, so that `verify --expect` can tell a rewritten manifest.
    manifest_sha256: str = ""


def without_exposed(blueprint: Blueprint, history: History) -> Blueprint:
    """Return ``blueprint`` with the questions its exposure rules leave out added to every section's exclude."""
    from examgen.paper.history import exposed_questions

    exposed = exposed_questions(history, within=blueprint.exclude_used_within, max_uses=blueprint.max_uses)
    if not exposed:
        return blueprint
    sections = tuple(replace(s, exclude=tuple(sorted(set(s.exclude) | exposed))) for s in blueprint.sections)
    return replace(blueprint, sections=sections)


def draw_paper(
    workspace: Path,
    *,
    blueprint_path: Path | None = None,
    seed: int | None = None,
    forms: Sequence[str] = ("A",),
    allow_unreviewed: bool = False,
    variants: int | None = None,
    seats: Sequence[tuple[Contestant, str]] | None = None,
) -> Paper:
    """Return the paper drawn from the workspace's bank under a blueprint (default: templates/default.yaml).

    Without ``seed`` one is drawn from the OS; ``paper.seed`` records it. Raise BankError
    naming every question tagged 导入待审 that a section may draw, unless ``allow_unreviewed``.
    ``variants`` (per form) and ``seats`` (the contestants and their forms, to deal the
    variants to) make variants of each form (:func:`examgen.paper.variants.with_variants`).
    """
    bank = load_bank(workspace / "banks")
    blueprint = load_blueprint(blueprint_path or workspace / DEFAULT_BLUEPRINT)
    if not allow_unreviewed:
        raise_if(unreviewed(bank, blueprint), BankError)
    difficulty = None
    # The history is read (and its module loaded) only for blueprints whose rules use it.
    if blueprint.difficulty_by == "observed":
        from examgen.paper.history import load_history, observed_difficulty

        difficulty = observed_difficulty(load_history(workspace))
    if blueprint.exclude_used_within or blueprint.max_uses is not None:
        from examgen.paper.history import load_history

        blueprint = without_exposed(blueprint, load_history(workspace))
    paper = assemble(
        bank, blueprint, seed=new_seed() if seed is None else seed, forms=forms, difficulty=difficulty
    )
    if variants is not None or seats is not None:
        from examgen.paper.variants import with_variants

        paper = with_variants(paper, count=variants, seats=seats)
    return paper


def write_paper(
    paper: Paper,
    workspace: Path,
    *,
    out: Path | None = None,
    force: bool = False,
    on_document: Callable[[str], None] | None = None,
) -> BuildResult:
    """Write the papers, keys and manifest of ``paper`` to ``out/<paper-id>/`` (default output/).

    Nothing is written unless everything succeeds: the folder is staged and moved into
    place at the end. ``on_document`` is called with each document's name as it is made.
    """
    target = (out or workspace / "output") / paper.paper_id
    _refuse_grading_files(target)
    reference = reference_path(paper.blueprint, workspace)
    documents: dict[str, dict[str, tuple[str, str]]] = {}
    assignment_file = None
    with staged_folder(target, force=force) as staging:
        for owner, form, kinds in documents_to_write(paper):
            documents[owner] = {}
            for kind, render in kinds:
                name = f"{kind}-{owner}.docx"
                data = render(paper, form, reference)
                write_file(staging / name, data)
                documents[owner][kind] = (name, sha256_hex(data))
                if on_document:
                    on_document(name)
        if paper.assignment:
            data = assignment_table_bytes(paper)
            write_file(staging / ASSIGNMENT_NAME, data)
            assignment_file = (ASSIGNMENT_NAME, sha256_hex(data))
        manifest = dump_manifest(manifest_record(paper, documents, assignment_file))
        write_file(staging / MANIFEST_NAME, manifest)
    names = [doc for form in documents.values() for doc, _ in form.values()]
    names += [ASSIGNMENT_NAME] if assignment_file else []
    names += [MANIFEST_NAME]
    return BuildResult(
        paper=paper, folder=target, files=tuple(target / n for n in names),
        manifest_sha256=sha256_hex(manifest),
    )


#: The table of who sits which variant (``build --variants-for``), beside the manifest.
ASSIGNMENT_NAME = "variants.xlsx"


def assignment_table_bytes(paper: Paper) -> bytes:
    """Return the .xlsx table 准考证号 → 卷码 of ``paper``'s contestants (roster order).

    With 卷别 and 卷码 columns it is a roster too: ``examgen sheets`` reads it.
    """
    rows = [
        (str(n), c.id, c.name, c.unit, code.rstrip("0123456789"), code)
        for n, (c, code) in enumerate(paper.assignment, start=1)
    ]
    from examgen.xlsxio import table_workbook_bytes  # openpyxl loads only for this table

    return table_workbook_bytes(
        "卷码分配表", f"{paper.blueprint.title} 卷码分配表（试卷 {paper.paper_id}，种子 {paper.seed}）",
        (("序号", 6), ("准考证号", 16), ("姓名", 10), ("单位", 22), ("卷别", 6), ("卷码", 8)),
        rows, timestamp=ASSIGNMENT_TIME,
    )


#: The fixed date of the assignment table (the documents' properties are fixed the same way).
ASSIGNMENT_TIME = datetime.datetime(2000, 1, 1)


Renderer = Callable[[Paper, Form, "Path | None"], bytes]


def documents_to_write(paper: Paper) -> list[tuple[str, Form, list[tuple[str, Renderer]]]]:
    """Return (form letter or 卷码, form as printed, documents) of each set of documents a build writes.

    A form without variants gets its paper and key (or an interview's documents); a form
    with variants gets the key of the form itself (基准卷, the order of the judges' score
    sheets), then each variant its paper and key.
    """
    renderers = document_renderers(paper)
    sets: list[tuple[str, Form, list[tuple[str, Renderer]]]] = []
    for form in paper.forms:
        variants = paper.variants_of(form.letter)
        if not variants:
            sets.append((form.letter, form, renderers))
            continue
        sets.append((form.letter, form, [(kind, r) for kind, r in renderers if kind == "key"]))
        from examgen.paper.variants import variant_form

        sets.extend((v.code, variant_form(form, v), renderers) for v in variants)
    return sets


def document_count(paper: Paper) -> int:
    """Return how many documents :func:`write_paper` writes for ``paper``."""
    return sum(len(kinds) for _, _, kinds in documents_to_write(paper))


def document_renderers(paper: Paper) -> list[tuple[str, Callable[[Paper, Form, Path | None], bytes]]]:
    """Return (kind, render) of each document a form gets: file ``<kind>-<form>.docx``.

    A written paper gets the paper and its key; an oral interview gets the 面试题本
    (``interview-book``), the judges' 面试评分表 (``interview-form``) and the key.
    """
    if not paper.blueprint.is_interview:
        return [("paper", render_paper), ("key", render_key)]
    # Only an interview loads python-docx for its documents (the paper and key do without).
    from examgen.render.interview import render_interview_book, render_interview_form

    judges = int(paper.blueprint.grading.get("judges", 1) or 1)

    def render_form(paper: Paper, form: Form, reference: Path | None) -> bytes:
        return render_interview_form(paper, form, judges, reference)

    return [("interview-book", render_interview_book), ("interview-form", render_form), ("key", render_key)]


def _refuse_grading_files(target: Path) -> None:
    """Refuse to replace a folder that holds more than a build writes (sheets, codes, results).

    ``--force`` replaces the build's own documents; judges' sheets and the code table
    are never deleted by a rebuild.
    """
    if not target.is_dir():
        return
    own = re.compile(
        r"^(paper|key|interview-book|interview-form)-[A-Z][0-9]*\.docx$|^manifest\.json$|^variants\.xlsx$"
    )
    foreign = sorted(p.name for p in target.iterdir() if not own.match(p.name))
    if foreign:
        raise OutputError(
            f"holds files a rebuild would delete ({', '.join(foreign[:4])}"
            + (", …" if len(foreign) > 4 else "")
            + "); nothing was written",
            where=str(target),
            hint="build into another folder with --out, or move the grading files away first",
        )


def build_paper(
    workspace: Path,
    *,
    blueprint_path: Path | None = None,
    seed: int | None = None,
    forms: Sequence[str] = ("A",),
    out: Path | None = None,
    force: bool = False,
) -> BuildResult:
    """Draw a paper and write it: :func:`draw_paper` then :func:`write_paper`."""
    paper = draw_paper(workspace, blueprint_path=blueprint_path, seed=seed, forms=forms)
    return write_paper(paper, workspace, out=out, force=force)
