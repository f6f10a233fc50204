"""The manifest: the record of a build, and the contract grading reads (never the bank)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from examgen import __version__
from examgen.encodings import clip
from examgen.errors import ManifestError, Problem, raise_if
from examgen.inputs import read_input
from examgen.models import QUESTION_TYPES, Form, Paper, PaperQuestion, Section, Variant
from examgen.numbers import json_number
from examgen.outputs import is_safe_name
from examgen.paper.variants import variant_form

MANIFEST_NAME = "manifest.json"
FORMAT = 1


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def form_record(form: Form, documents: dict[str, tuple[str, str]]) -> dict:
    """Return the manifest entry of a form; ``documents`` maps kind to (file name, sha256)."""
    sections = []
    for section in form.sections:
        rule = section.section
        sections.append(
            {
                "number": section.number,
                "numeral": section.numeral,
                "name": rule.name,
                "type": rule.type,
                "type_name": QUESTION_TYPES.get(rule.type, rule.type),
                "points_each": json_number(rule.points),
                "count": rule.count,
                "total": json_number(section.total),
                **_section_scoring(rule),
                "questions": [
                    {
                        "number": q.number,
                        "label": f"{section.numeral}.{q.number}",
                        "id": q.question.id,
                        "points": json_number(q.points),
                        "written_points": json_number(q.question.points),
                        "topic": q.question.topic,
                        "difficulty": q.question.difficulty,
                        "key_points": [
                            {"text": kp.text, "points": json_number(kp.points)} for kp in q.key_points
                        ],
                        **_objective_record(q),
                    }
                    for q in section.questions
                ],
            }
        )
    return {
        "form": form.letter,
        "sections": sections,
        "documents": {kind: {"file": name, "sha256": digest} for kind, (name, digest) in documents.items()},
    }


def _section_scoring(rule: Section) -> dict:
    """Return the scoring keys of an objective section, so grading never needs the blueprint."""
    if not rule.objective:
        return {}
    record: dict = {"objective": True}
    if rule.type == "multiple_choice":
        record["scoring"] = rule.scoring
        if rule.partial_per_option is not None:
            record["partial_per_option"] = json_number(rule.partial_per_option)
        if rule.partial_share is not None:
            record["partial_share"] = json_number(rule.partial_share)
    return record


def _objective_record(question: PaperQuestion) -> dict:
    """Return an objective question's options in paper order and its answer in those letters."""
    if not question.question.objective:
        return {}
    return {"options": list(question.options), "answer": question.answer}


def variant_record(form: Form, variant: Variant, documents: dict[str, tuple[str, str]]) -> dict:
    """Return the manifest entry of a variant: per section, its questions in printed order.

    Each question gives its printed number and label, the form's number and label, its id,
    and for objective questions the answer in the variant's letters; a choice question
    also gives ``options``, the form's letters in printed order (``CADB``: the variant's A
    is the form's C), so that grading maps every answer back to the form.
    """
    printed = variant_form(form, variant)
    sections = []
    for section, shown, order, options in zip(
        form.sections, printed.sections, variant.order, variant.options, strict=True
    ):
        questions = []
        for question, number, letters in zip(shown.questions, order, options, strict=True):
            entry = {
                "number": question.number,
                "label": f"{section.numeral}.{question.number}",
                "form_number": number,
                "form_label": f"{section.numeral}.{number}",
                "id": question.question.id,
            }
            if question.question.objective:
                if letters:
                    entry["options"] = letters
                entry["answer"] = question.answer
            questions.append(entry)
        sections.append({"number": section.number, "numeral": section.numeral, "questions": questions})
    return {
        "code": variant.code,
        "sections": sections,
        "documents": {kind: {"file": name, "sha256": digest} for kind, (name, digest) in documents.items()},
    }


def manifest_record(
    paper: Paper,
    documents: dict[str, dict[str, tuple[str, str]]],
    assignment_file: tuple[str, str] | None = None,
) -> dict:
    """Return the manifest of ``paper``; ``documents`` maps form letter (or 卷码) → kind → (file, sha256).

    ``assignment_file`` is the (file, sha256) of the table of who sits which variant.
    """
    blueprint = paper.blueprint
    forms = []
    for form in paper.forms:
        record = form_record(form, documents[form.letter])
        variants = paper.variants_of(form.letter)
        if variants:
            record["variants"] = [variant_record(form, v, documents[v.code]) for v in variants]
        forms.append(record)
    assignment = {}
    if paper.assignment:
        name, digest = assignment_file or ("", "")
        assignment = {"variant_assignment": {
            "file": name, "sha256": digest,
            "contestants": [{"id": contestant.id, "code": code} for contestant, code in paper.assignment],
        }}
    return {
        "format": FORMAT,
        "examgen_version": __version__,
        "paper_id": paper.paper_id,
        "blueprint": {
            "name": blueprint.name,
            "path": blueprint.path,
            "title": blueprint.title,
            "subtitle": blueprint.subtitle,
        },
        "seed": paper.seed,
        "assembly": paper.assembly,
        "bank_fingerprint": paper.bank_fingerprint,
        "total": json_number(blueprint.total),
        "grading": blueprint.grading,
        **({"contest": blueprint.contest} if blueprint.contest else {}),
        "analysis": blueprint.analysis,
        "difficulty_by": blueprint.difficulty_by,
        "forms": forms,
        **assignment,
    }


def dump_manifest(record: dict) -> bytes:
    """Return the manifest as UTF-8 JSON bytes, stable for the same record."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number examgen writes")


def load_manifest(path: Path) -> dict:
    """Return the manifest at ``path`` with every number as Decimal (ints stay ints)."""
    if not path.exists() and not path.is_symlink():
        raise ManifestError(
            "manifest not found", where=str(path), hint="run `examgen build` first, or give the right path"
        )
    try:
        text = read_input(path, ManifestError).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ManifestError(f"not UTF-8 text (byte {error.start})", where=str(path)) from None
    try:
        record = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise ManifestError(
            "nests too deeply to be an examgen manifest", where=str(path),
            hint="rebuild it with `examgen build --force`",
        ) from None
    except ValueError as error:
        if not isinstance(error, json.JSONDecodeError):
            raise ManifestError(f"not valid JSON: {error}", where=str(path)) from None
        raise ManifestError(
            f"not valid JSON: {error.msg}", where=f"{path}:{error.lineno}", hint="rebuild it with `examgen build --force`"
        ) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT or "forms" not in record:
        raise ManifestError(
            "not an examgen manifest (format 1)", where=str(path), hint="give the manifest.json that `examgen build` wrote"
        )
    return record


@dataclass(frozen=True)
class DocumentCheck:
    """The result of checking one document against its recorded hash."""

    path: Path
    expected: str
    actual: str | None  # None when the file is missing

    @property
    def ok(self) -> bool:
        return self.actual == self.expected


def manifest_path_of(folder: Path) -> Path:
    """Return the manifest of a build folder, or ``folder`` itself when it names the file."""
    return folder / MANIFEST_NAME if folder.is_dir() else folder


def verify_documents(folder: Path) -> list[DocumentCheck]:
    """Return, for every document the manifest in ``folder`` lists, whether its hash matches.

    Only documents inside the build folder are read: a manifest naming any other path
    is refused. This cannot tell a manifest rewritten with new hashes; compare its own
    hash (:func:`manifest_digest`) with the one printed at build time for that.
    """
    manifest_path = manifest_path_of(folder)
    record = load_manifest(manifest_path)
    checks = []
    problems = []
    try:
        entries = [
            entry for form in record["forms"]
            for owner in (form, *form.get("variants", ()))
            for entry in owner.get("documents", {}).values()
        ]
        if "variant_assignment" in record:
            entries.append(record["variant_assignment"])
        for entry in entries:
            name, expected = entry["file"], entry["sha256"]
            if not isinstance(name, str) or not is_safe_name(name) or not isinstance(expected, str):
                problems.append(Problem(
                    str(manifest_path), f"names the document {clip(str(name))!r}, which is not "
                    "a file of the build folder", "rebuild it with `examgen build --force`",
                ))
                continue
            path = manifest_path.parent / name
            actual = sha256_hex(read_input(path, ManifestError)) if path.exists() else None
            checks.append(DocumentCheck(path, expected, actual))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(
            f"malformed manifest ({type(exc).__name__}: {clip(str(exc))})", where=str(manifest_path),
            hint="rebuild it with `examgen build --force`",
        ) from None
    raise_if(problems, ManifestError)
    return checks


def manifest_digest(folder: Path) -> str:
    """Return the SHA-256 of the manifest of ``folder`` (printed by build, checked by verify)."""
    return sha256_hex(read_input(manifest_path_of(folder), ManifestError))


def check_manifest_digest(folder: Path, expect: str | None) -> str:
    """Return the manifest's SHA-256; raise ManifestError when ``expect`` (printed at build) differs."""
    digest = manifest_digest(folder)
    if expect is not None and expect.strip().lower() != digest:
        raise ManifestError(
            f"the manifest's sha256 is {digest}, not the {clip(expect, 70)} printed at build time",
            where=str(manifest_path_of(folder)),
            hint="the manifest was changed after the build; rebuild with the recorded seed",
        )
    return digest
