"""The workspace history (``history.jsonl``): which questions were used when, and how they did.

One JSON object per line, one line per event, oldest first, so the file diffs and merges
well under version control. Today there is one kind of event, ``release`` (written by
``examgen release``)::

    {"kind": "release", "date": "2026-05-01", "paper_id": "default", "title": "…",
     "seed": 42, "bank_fingerprint": "…", "contestants": 40,
     "questions": [{"id": "SA-003", "label": "一.1", "form": "A", "points": 5,
                    "p": 0.69, "d": 0.47}, …]}

``p`` and ``d`` (observed difficulty and discrimination) are present when the paper was
analysed (``examgen analyse`` writes ``item-stats.json`` beside the results), else null.

Readers keep events of kinds they do not know and skip them in the summaries, so a later
version may add kinds (e.g. ``build``) and keys (e.g. exposure rules reading
:func:`usage_counts`) without breaking older workspaces.
"""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from examgen.errors import HistoryError, ManifestError, Problem, raise_if
from examgen.i18n import N_, _, colon
from examgen.models import Bank
from examgen.outputs import write_atomic
from examgen.paper.manifest import MANIFEST_NAME, load_manifest

HISTORY_NAME = "history.jsonl"
ITEM_STATS_NAME = "item-stats.json"
RELEASE = "release"
#: How the history table names each kind of event.
EVENT_NAMES = {RELEASE: N_("release")}

#: Observed score rate (P) → difficulty 1–5, as the bank's ``difficulty`` counts (5 hardest):
#: P ≥ .85 → 1, ≥ .70 → 2, ≥ .50 → 3, ≥ .30 → 4, below → 5.
OBSERVED_LEVELS: tuple[tuple[float, int], ...] = ((0.85, 1), (0.70, 2), (0.50, 3), (0.30, 4))


@dataclass(frozen=True)
class QuestionUse:
    """One question of a released paper, with its observed P and D when analysed."""

    id: str
    label: str = ""
    form: str = ""
    points: float | None = None
    p: float | None = None
    d: float | None = None
    count: int = 0


@dataclass(frozen=True)
class HistoryEvent:
    """One line of the history."""

    kind: str
    date: str
    paper_id: str
    title: str = ""
    seed: int | None = None
    bank_fingerprint: str = ""
    contestants: int = 0
    questions: tuple[QuestionUse, ...] = ()
    #: The line as read, so that unknown keys and kinds survive a rewrite.
    raw: Mapping = field(default_factory=dict, compare=False, hash=False, repr=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class History:
    """The events of a workspace's history, oldest first."""

    path: Path
    events: tuple[HistoryEvent, ...] = ()

    @property
    def releases(self) -> tuple[HistoryEvent, ...]:
        """Return the release events."""
        return tuple(e for e in self.events if e.kind == RELEASE)


@dataclass(frozen=True)
class ObservedStats:
    """A question's record over its releases: uses, last use, P and D weighted by contestants."""

    id: str
    uses: int
    last_date: str
    contestants: int
    p: float | None
    d: float | None

    @property
    def level(self) -> int | None:
        """Return the observed difficulty 1–5, or None when never analysed."""
        return observed_level(self.p) if self.p is not None else None


def history_path(workspace: Path) -> Path:
    """Return the history file of a workspace."""
    return workspace / HISTORY_NAME


def load_history(workspace: Path) -> History:
    """Return the workspace's history (empty when there is none); raise HistoryError naming bad lines."""
    path = history_path(workspace)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return History(path)
    except (OSError, UnicodeDecodeError) as error:
        raise HistoryError(_("cannot read: {problem}").format(problem=error), where=str(path)) from None
    events: list[HistoryEvent] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(_event(json.loads(line), number))
        except (ValueError, TypeError, KeyError) as error:
            problems.append(Problem(
                f"{path}:{number}", _("not a history event ({problem})").format(problem=f"{type(error).__name__}{colon()}{error}"),
                _("restore the line from version control, or delete it"),
            ))
    raise_if(problems, HistoryError)
    return History(path, tuple(events))


def _event(record: object, line: int) -> HistoryEvent:
    if not isinstance(record, dict):
        raise TypeError(_("a line must be a JSON object"))
    questions = tuple(
        QuestionUse(
            id=str(q["id"]), label=str(q.get("label", "")), form=str(q.get("form", "")),
            points=_number(q.get("points")), p=_number(q.get("p")), d=_number(q.get("d")),
            count=int(q.get("count") or 0),
        )
        for q in record.get("questions") or ()
    )
    return HistoryEvent(
        kind=str(record["kind"]), date=str(record.get("date", "")), paper_id=str(record.get("paper_id", "")),
        title=str(record.get("title", "")), seed=record.get("seed"),
        bank_fingerprint=str(record.get("bank_fingerprint", "")),
        contestants=int(record.get("contestants") or 0), questions=questions, raw=record, line=line,
    )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        raise ValueError(_("{value!r} is not a number").format(value=value))
    return number


def event_record(event: HistoryEvent) -> dict:
    """Return the JSON object of an event, keys in a fixed order (unknown keys kept at the end)."""
    record: dict = {
        "kind": event.kind, "date": event.date, "paper_id": event.paper_id, "title": event.title,
        "seed": event.seed, "bank_fingerprint": event.bank_fingerprint, "contestants": event.contestants,
        "questions": [
            {"id": q.id, "label": q.label, "form": q.form, "points": _plain(q.points), "count": q.count,
             "p": q.p, "d": q.d}
            for q in event.questions
        ],
    }
    for key, value in event.raw.items():
        record.setdefault(key, value)
    return record


def _plain(value: float | None) -> float | int | None:
    return int(value) if value is not None and value.is_integer() else value


def dump_history(events: Sequence[HistoryEvent]) -> bytes:
    """Return the history file's bytes: one JSON object per line."""
    lines = [json.dumps(event_record(e), ensure_ascii=False, separators=(", ", ": ")) for e in events]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def usage_counts(history: History) -> dict[str, int]:
    """Return question id → how many released papers used it."""
    counts: dict[str, int] = defaultdict(int)
    for event in history.releases:
        for qid in {q.id for q in event.questions}:
            counts[qid] += 1
    return dict(counts)


def exposed_questions(history: History, *, within: int | None = None, max_uses: int | None = None) -> frozenset[str]:
    """Return the ids a blueprint's exposure rules keep off a new paper.

    ``within``: every question of the last ``within`` released papers (events, in the
    order they were recorded); ``max_uses``: every question already used that many times.
    """
    excluded: set[str] = set()
    if within:
        for event in history.releases[-within:]:
            excluded.update(q.id for q in event.questions)
    if max_uses is not None:
        excluded.update(qid for qid, uses in usage_counts(history).items() if uses >= max_uses)
    return frozenset(excluded)


def observed_stats(history: History) -> dict[str, ObservedStats]:
    """Return question id → its uses and observed P and D (means over releases, weighted by contestants)."""
    uses: dict[str, int] = defaultdict(int)
    last: dict[str, str] = {}
    weights: dict[str, int] = defaultdict(int)
    p_sum: dict[str, float] = defaultdict(float)
    d_sum: dict[str, float] = defaultdict(float)
    d_weight: dict[str, int] = defaultdict(int)
    for event in history.releases:
        seen: set[str] = set()
        for q in event.questions:
            if q.id not in seen:
                seen.add(q.id)
                uses[q.id] += 1
                last[q.id] = max(last.get(q.id, ""), event.date)
            weight = q.count or event.contestants or 1
            if q.p is not None:
                weights[q.id] += weight
                p_sum[q.id] += q.p * weight
            if q.d is not None:
                d_weight[q.id] += weight
                d_sum[q.id] += q.d * weight
    return {
        qid: ObservedStats(
            id=qid, uses=uses[qid], last_date=last[qid], contestants=weights[qid],
            p=p_sum[qid] / weights[qid] if weights[qid] else None,
            d=d_sum[qid] / d_weight[qid] if d_weight[qid] else None,
        )
        for qid in sorted(uses)
    }


def observed_level(p: float) -> int:
    """Return the difficulty 1 (easy) … 5 (hard) that an observed score rate P stands for."""
    return next((level for bound, level in OBSERVED_LEVELS if p >= bound), 5)


def observed_difficulty(history: History) -> dict[str, int]:
    """Return question id → observed difficulty 1–5, for questions released with results."""
    return {qid: s.level for qid, s in observed_stats(history).items() if s.level is not None}


# --- examgen release -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseOutcome:
    """What ``examgen release`` recorded."""

    event: HistoryEvent
    path: Path
    with_results: bool
    replaced: bool


def release_event(manifest: Mapping, item_stats: Mapping | None, date: datetime.date) -> HistoryEvent:
    """Return the release event of a manifest, with the observed P and D of ``item_stats`` (pure)."""
    observed = {str(q["id"]): q for q in (item_stats or {}).get("questions", ())}
    questions = []
    for form in manifest["forms"]:
        for section in form["sections"]:
            for q in section["questions"]:
                stats = observed.get(str(q["id"]), {})
                questions.append(QuestionUse(
                    id=str(q["id"]), label=str(q.get("label", "")), form=str(form["form"]),
                    points=_number(q.get("points")), p=_number(stats.get("p")), d=_number(stats.get("d")),
                    count=int(stats.get("count") or 0),
                ))
    return HistoryEvent(
        kind=RELEASE, date=(item_stats or {}).get("date") or date.isoformat(),
        paper_id=str(manifest["paper_id"]), title=str((manifest.get("blueprint") or {}).get("title", "")),
        seed=manifest.get("seed"), bank_fingerprint=str(manifest.get("bank_fingerprint", "")),
        contestants=int((item_stats or {}).get("contestants") or 0), questions=tuple(questions),
    )


def release_paper(
    workspace: Path, folder: Path, *, date: datetime.date, item_stats: Path | None = None, force: bool = False,
) -> ReleaseOutcome:
    """Record the paper built into ``folder`` in the workspace history; return what was recorded.

    The observed P and D come from ``item_stats`` (default: item-stats.json in ``folder``,
    written by ``examgen analyse``) when it exists. A paper already released (same paper id
    and seed) is refused unless ``force``, which replaces its line.
    """
    manifest = load_manifest(folder / MANIFEST_NAME)
    stats_path = item_stats or folder / ITEM_STATS_NAME
    stats = None
    if stats_path.exists():
        try:
            stats = json.loads(stats_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise HistoryError(_("not readable item statistics ({problem})").format(problem=error), where=str(stats_path),
                               hint=_("write it again with `examgen analyse --force`")) from None
        if str(stats.get("paper_id", "")) != str(manifest.get("paper_id")):
            raise HistoryError(
                _("item statistics of paper {found!r}, not {expected!r}").format(
                    found=stats.get("paper_id"), expected=manifest.get("paper_id")
                ),
                where=str(stats_path), hint=_("give the item-stats.json written for this paper"),
            )
    elif item_stats is not None:
        raise HistoryError(_("not found"), where=str(item_stats), hint=_("run `examgen analyse` first"))
    try:
        event = release_event(manifest, stats, date)
    except (KeyError, TypeError, ValueError) as error:
        raise ManifestError(_("malformed manifest or item statistics ({problem})").format(problem=error), where=str(folder)) from None
    history = load_history(workspace)
    same = [e for e in history.releases if e.paper_id == event.paper_id and e.seed == event.seed]
    if same and not force:
        raise HistoryError(
            _("paper {paper} (seed {seed}) was released on {date}; nothing was written").format(
                paper=event.paper_id, seed=event.seed, date=same[0].date
            ),
            where=f"{history.path}:{same[0].line}",
            hint=_("pass --force to replace that record (e.g. after analysing the results)"),
        )
    events = [e for e in history.events if e not in same]
    events.append(event)
    write_atomic(history.path, dump_history(events))
    return ReleaseOutcome(event, history.path, stats is not None, bool(same))


# --- Tables for the terminal ----------------------------------------------------------------


def history_rows(history: History) -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of the history's events, oldest first."""
    header = [_("date"), _("event"), _("paper"), _("title"), _("questions"), _("contestants"), "P/D"]
    rows = [
        [e.date, _(EVENT_NAMES.get(e.kind, e.kind)), e.paper_id, e.title, str(len({q.id for q in e.questions})),
         str(e.contestants or "-"), _("yes") if any(q.p is not None for q in e.questions) else _("no")]
        for e in history.events
    ]
    return header, rows


def most_used_rows(history: History, top: int = 10) -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of the ``top`` most used questions: uses, then id, most first."""
    stats = observed_stats(history)
    ranked = sorted(stats.values(), key=lambda s: (-s.uses, s.id))[:top]
    return [_("question"), _("uses"), _("last used")], [[s.id, str(s.uses), s.last_date] for s in ranked]


def usage_rows(bank: Bank, history: History) -> tuple[list[str], list[list[str]]]:
    """Return (header, rows) of the bank's questions that were used: uses, last use, observed P, D and level."""
    stats = observed_stats(history)
    header = [
        _("id"), _("type"), _("difficulty"), _("uses"), _("last used"), _("observed P"), _("observed D"),
        _("observed difficulty"),
    ]
    rows = []
    for question in sorted(bank.questions, key=lambda q: q.id):
        record = stats.get(question.id)
        if record is None:
            continue
        rows.append([
            question.id, question.type, str(question.difficulty), str(record.uses), record.last_date,
            "-" if record.p is None else f"{record.p:.2f}", "-" if record.d is None else f"{record.d:.2f}",
            "-" if record.level is None else str(record.level),
        ])
    return header, rows
