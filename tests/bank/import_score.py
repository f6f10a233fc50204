"""Score bank import against the gold files of tests/data/import/: detection F1 and answer accuracy.

Run ``python tests/bank/import_score.py`` for a table per document and the macro figures.
A gold question is found when an imported question's text (stem and question) matches it;
its answer is right when the key points (or, for an objective question, the type, the
options and the answer) match the gold answer. Text is compared after dropping spaces,
punctuation, point notes such as （2分） and key-point numbering; then they must be equal
(``ALIKE`` below 1 would allow a few characters of difference).
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "data" / "import"
ALIKE = 1.0
_POINTS = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_ORDINAL = re.compile(r"^\s*(?:[（(]?\s*(?:\d{1,2}|[一二三四五六七八九十])\s*[)）]|\d{1,2}\s*[、.．]|[①-⑳])\s*")
_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def plain(text: str) -> str:
    """Return ``text`` without spaces, punctuation and point notes, letters lowercased."""
    text = _POINTS.sub("", text)
    return "".join(ch for ch in text.lower() if _KEEP.match(ch))


def alike(a: str, b: str) -> bool:
    """Return whether two texts are the same after :func:`plain`, allowing a few characters."""
    a, b = plain(a), plain(b)
    if a == b:
        return True
    if not a or not b:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


def answer_text(question) -> str:
    """Return an open question's key points run together, each without its numbering."""
    return "".join(_ORDINAL.sub("", kp.text) for kp in question.key_points)


def answer_right(gold: dict, question) -> bool:
    """Return whether ``question`` carries the gold answer (and options, for objective types)."""
    kind = gold.get("type")
    if kind:
        options = [plain(o) for o in gold.get("options", [])]
        got = [plain(getattr(o, "text", o)) for o in (getattr(question, "options", None) or ())]
        answer = str(getattr(question, "answer", "") or "")
        return question.type == kind and got == options and answer.upper() == str(gold["a"]).upper()
    if not gold.get("a"):
        return not question.key_points
    if "key_points" in gold and len(question.key_points) != gold["key_points"]:
        return False
    return alike(gold["a"], answer_text(question))


@dataclass(frozen=True)
class Score:
    """The figures of one document."""

    name: str
    gold: int
    found: int
    matched: int
    answers: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else (1.0 if not self.found else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        """Return the share of gold questions imported with the right answer."""
        return self.answers / self.gold if self.gold else (1.0 if not self.found else 0.0)


def question_text(question) -> str:
    return question.stem + question.question


def match(gold: list[dict], found: list) -> list[tuple[dict, object]]:
    """Pair gold questions with imported ones, in order, each imported question used once."""
    by_text: dict[str, list[int]] = {}
    for i, q in enumerate(found):
        by_text.setdefault(plain(question_text(q)), []).append(i)
    used: set[int] = set()
    pairs = []
    cursor = 0
    for item in gold:
        key = plain(item["q"])
        hit = next((i for i in by_text.get(key, []) if i not in used), None)
        if hit is None:
            window = range(max(0, cursor - 5), min(len(found), cursor + 10))
            hit = next((i for i in window if i not in used and alike(item["q"], question_text(found[i]))), None)
        if hit is not None:
            used.add(hit)
            cursor = hit + 1
            pairs.append((item, found[hit]))
    return pairs


def score_document(path: Path) -> Score:
    """Import the document at ``path`` and score it against ``path.gold.yaml``."""
    from examgen.bank.importer import ImportOptions, import_documents

    gold = yaml.safe_load(Path(f"{path}.gold.yaml").read_text(encoding="utf-8"))["questions"] or []
    found = list(import_documents([path], ImportOptions()).questions)
    pairs = match(gold, found)
    right = sum(answer_right(g, q) for g, q in pairs)
    return Score(path.name, len(gold), len(found), len(pairs), right)


def corpus() -> list[Path]:
    """Return the documents of the corpus (every file with a gold file beside it)."""
    return sorted(p for p in CORPUS.iterdir() if Path(f"{p}.gold.yaml").exists())


def macro(scores: list[Score]) -> tuple[float, float]:
    """Return the macro F1 of question detection and the macro answer accuracy."""
    return sum(s.f1 for s in scores) / len(scores), sum(s.accuracy for s in scores) / len(scores)


def main() -> int:
    scores = [score_document(p) for p in corpus()]
    print(f"{'document':36} {'gold':>5} {'found':>5}  {'P':>5} {'R':>5} {'F1':>5} {'ans':>5}")
    for s in scores:
        print(f"{s.name:36} {s.gold:5} {s.found:5}  {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} {s.accuracy:5.2f}")
    f1, accuracy = macro(scores)
    print(f"macro over {len(scores)} documents: F1 {f1:.3f}, answer accuracy {accuracy:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
