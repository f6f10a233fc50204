"""The import corpus (tests/data/import/): macro F1 of question detection and answer accuracy ≥ 0.95."""

from __future__ import annotations

from tests.bank.import_score import Score, corpus, macro, score_document

THRESHOLD = 0.95


def test_corpus_has_25_documents_or_more_each_with_a_gold_file():
    documents = corpus()
    assert len(documents) >= 25
    suffixes = {p.suffix for p in documents}
    assert {".txt", ".docx", ".xlsx", ".md"} <= suffixes


def test_corpus_macro_f1_and_answer_accuracy_reach_the_threshold():
    scores = [score_document(p) for p in corpus()]
    f1, accuracy = macro(scores)
    weak = [(s.name, round(s.f1, 2), round(s.accuracy, 2)) for s in scores if s.f1 < 1 or s.accuracy < 1]
    assert f1 >= THRESHOLD, weak
    assert accuracy >= THRESHOLD, weak


def test_scorer_counts_a_missed_and_an_invented_question():
    score = Score("x", gold=4, found=5, matched=3, answers=2)
    assert (score.precision, score.recall) == (0.6, 0.75)
    assert round(score.f1, 4) == round(2 * 0.6 * 0.75 / 1.35, 4)
    assert score.accuracy == 0.5
    # Prose: nothing to find, nothing found is perfect; anything found is wrong.
    assert Score("p", 0, 0, 0, 0).f1 == 1.0
    assert Score("p", 0, 2, 0, 0).f1 == 0.0
