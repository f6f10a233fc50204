"""Exceptions raised by examgen.

Every problem a user can cause is an :class:`ExamgenError`. The CLI prints it as
``错误：<where>：<what>（how to fix it）`` (``error: <where>: <what> (…)`` in English) and
exits 1; anything else that escapes is a bug. The parts are translated where the
problem is found (``examgen.i18n._``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from examgen.i18n import colon, parenthesised


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, how to fix it."""

    where: str
    what: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}{colon()}{self.what}" if self.where else self.what
        return f"{text}{parenthesised(self.hint)}" if self.hint else text


class ExamgenError(Exception):
    """Raised when user input or the workspace is wrong; the message says where and how to fix it.

    A validator that finds several problems raises once with all of them in
    ``problems``; ``str(error)`` lists them one per line.
    """

    def __init__(
        self,
        message: str = "",
        *,
        where: str = "",
        hint: str = "",
        problems: Iterable[Problem] = (),
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems) or (Problem(where, message, hint),)
        super().__init__(self.format())

    @property
    def where(self) -> str:
        return self.problems[0].where

    @property
    def hint(self) -> str:
        return self.problems[0].hint

    def format(self) -> str:
        """Return every problem, one per line."""
        return "\n".join(str(p) for p in self.problems)


class BankError(ExamgenError):
    """Raised when a question bank file is missing, malformed or inconsistent."""


class BlueprintError(ExamgenError):
    """Raised when a blueprint is malformed or cannot be satisfied by the bank."""


class OutputError(ExamgenError):
    """Raised when outputs cannot be written, e.g. they exist and --force was not given."""


class ManifestError(ExamgenError):
    """Raised when a manifest is missing, malformed or does not match the documents."""


class SheetError(ExamgenError):
    """Raised when a roster or a judge's score sheet cannot be read or is inconsistent."""


class NoScoreSheetError(SheetError):
    """Raised when a workbook holds no sheet written by ``examgen sheets`` (a judge's own layout, maybe)."""


class MappingNeededError(SheetError):
    """Raised when judges' own spreadsheets are ambiguous; ``draft`` is a mapping file to complete."""

    def __init__(self, *args, draft: str = "", **kwargs) -> None:
        self.draft = draft
        super().__init__(*args, **kwargs)


class GradingError(ExamgenError):
    """Raised when marks cannot be aggregated or ranked under the blueprint's rules."""


class ContestError(ExamgenError):
    """Raised when a contest file (contest.yaml) is missing, malformed or inconsistent."""


class BankImportError(ExamgenError):
    """Raised when a question document cannot be imported into a bank."""


class HistoryError(ExamgenError):
    """Raised when the workspace history cannot be read, or a release cannot be recorded."""


def raise_if(problems: list[Problem], error: type[ExamgenError]) -> None:
    """Raise ``error`` with all ``problems`` at once, if there are any."""
    if problems:
        raise error(problems=problems)
