"""The workspace history: release events, usage counts, observed P/D, difficulty_by: observed."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from examgen.bank.load import load_bank
from examgen.errors import BlueprintError, HistoryError
from examgen.paper.assemble import eligible
from examgen.paper.blueprint import load_blueprint
from examgen.paper.build import draw_paper
from examgen.paper.history import (
    History,
    HistoryEvent,
    QuestionUse,
    dump_history,
    exposed_questions,
    load_history,
    observed_difficulty,
    observed_level,
    observed_stats,
    release_paper,
    usage_counts,
)
from tests.paper.test_blueprint import BLUEPRINT, problems_of, write

DAY = datetime.date(2026, 5, 1)


def _event(date: str, paper: str, uses: list[tuple[str, float | None, float | None, int]]) -> HistoryEvent:
    return HistoryEvent(
        kind="release", date=date, paper_id=paper, seed=1, contestants=40,
        questions=tuple(QuestionUse(id=i, p=p, d=d, count=n) for i, p, d, n in uses),
    )


def test_history_round_trips_and_keeps_unknown_kinds_and_keys(tmp_path):
    events = [
        _event("2026-01-10", "spring", [("SA-001", 0.8, 0.3, 40), ("CA-001", None, None, 0)]),
        HistoryEvent(kind="build", date="2026-02-01", paper_id="x", raw={"kind": "build", "extra": [1, 2]}),
    ]
    (tmp_path / "history.jsonl").write_bytes(dump_history(events))
    loaded = load_history(tmp_path)
    assert loaded.events == tuple(events)
    assert [e.kind for e in loaded.releases] == ["release"]
    assert json.loads((tmp_path / "history.jsonl").read_text(encoding="utf-8").splitlines()[1])["extra"] == [1, 2]
    assert dump_history(loaded.events) == (tmp_path / "history.jsonl").read_bytes()


def test_no_history_is_an_empty_history(tmp_path):
    assert load_history(tmp_path).events == ()


def test_bad_lines_are_reported_with_file_and_line(tmp_path):
    path = tmp_path / "history.jsonl"
    path.write_text('{"kind": "release", "questions": []}\nnot json\n[1]\n', encoding="utf-8")
    with pytest.raises(HistoryError) as info:
        load_history(tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert messages[0].startswith(f"{path}:2: not a history event (JSONDecodeError")
    assert messages[1].startswith(f"{path}:3: not a history event (TypeError: a line must be a JSON object")


def test_usage_counts_and_observed_means_weighted_by_contestants(tmp_path):
    history = History(tmp_path / "history.jsonl", (
        _event("2026-01-10", "a", [("SA-001", 0.8, 0.4, 30), ("SA-002", 0.5, 0.2, 30)]),
        _event("2026-06-10", "b", [("SA-001", 0.4, 0.1, 10), ("SA-003", None, None, 0)]),
    ))
    assert usage_counts(history) == {"SA-001": 2, "SA-002": 1, "SA-003": 1}
    stats = observed_stats(history)
    assert stats["SA-001"].p == pytest.approx((0.8 * 30 + 0.4 * 10) / 40)
    assert stats["SA-001"].d == pytest.approx((0.4 * 30 + 0.1 * 10) / 40)
    assert stats["SA-001"].last_date == "2026-06-10" and stats["SA-001"].uses == 2
    assert stats["SA-003"].p is None and stats["SA-003"].level is None
    assert observed_difficulty(history) == {"SA-001": 2, "SA-002": 3}


@pytest.mark.parametrize(("p", "level"), [(1.0, 1), (0.85, 1), (0.84, 2), (0.7, 2), (0.5, 3), (0.3, 4), (0.29, 5), (0, 5)])
def test_observed_level_of_a_score_rate(p, level):
    assert observed_level(p) == level


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_harder_question_never_gets_an_easier_level(a, b):
    low, high = sorted((a, b))
    assert observed_level(low) >= observed_level(high)


def test_difficulty_by_observed_uses_the_history_where_there_is_one(workspace):
    bank = load_bank(workspace / "banks")
    short = [q for q in bank.questions if q.type == "short_answer"]
    easy = short[0]
    section = load_blueprint(workspace / "templates" / "judged.yaml").sections[0]  # 简答题
    only_easy = replace(section, difficulty=(1, 4))
    assert easy.id in [q.id for q in eligible(bank.questions, only_easy)]
    assert easy.id not in [q.id for q in eligible(bank.questions, only_easy, {easy.id: 5})]
    # Through the workspace: every short-answer question turned out hard (P 0.1 → level 5).
    history = [_event("2026-01-01", "x", [(q.id, 0.1, 0.3, 40) for q in short])]
    (workspace / "history.jsonl").write_bytes(dump_history(history))
    text = (workspace / "templates" / "judged.yaml").read_text(encoding="utf-8")
    text = text.replace("    type: short_answer\n", "    type: short_answer\n    difficulty: [1, 4]\n")
    author = workspace / "templates" / "author.yaml"
    author.write_text(text, encoding="utf-8")
    observed = workspace / "templates" / "observed.yaml"
    observed.write_text(text + "difficulty_by: observed\n", encoding="utf-8")
    assert load_blueprint(observed).difficulty_by == "observed"
    assert draw_paper(workspace, blueprint_path=author, seed=1).forms[0].sections[0].questions
    with pytest.raises(BlueprintError) as info:
        draw_paper(workspace, blueprint_path=observed, seed=1)
    assert "section 一、简答题 needs 4 questions" in str(info.value)


def test_blueprint_refuses_an_unknown_difficulty_source_and_bad_pass_marks(tmp_path):
    text = BLUEPRINT + "difficulty_by: measured\nanalysis:\n  pass_mark: 120\n  cutoff: 3\n"
    problems = problems_of(write(tmp_path, text))
    assert any("difficulty_by must be author or observed, not 'measured'" in p for p in problems)
    assert any("analysis.pass_mark must be points within the total or a share like 60%, not 120" in p for p in problems)
    assert any("analysis: unknown field 'cutoff'" in p for p in problems)


def test_blueprint_pass_mark_as_points_or_share(tmp_path):
    assert load_blueprint(write(tmp_path, BLUEPRINT + "analysis: {pass_mark: 72}\n")).analysis == {"pass_mark": 72}
    assert load_blueprint(write(tmp_path, BLUEPRINT + "analysis: {pass_mark: 65%}\n")).analysis == {"pass_mark": "65%"}
    assert load_blueprint(write(tmp_path, BLUEPRINT)).analysis == {}


@pytest.fixture(scope="module")
def manifest_bytes(tmp_path_factory) -> bytes:
    """Return the manifest of the sample workspace built with seed 42 (built once)."""
    from examgen.paper.build import build_paper
    from examgen.paper.workspace import init_workspace

    workspace = tmp_path_factory.mktemp("history") / "ws"
    init_workspace(workspace)
    return (build_paper(workspace, seed=42).folder / "manifest.json").read_bytes()


@pytest.fixture
def released(tmp_path, manifest_bytes) -> tuple[Path, Path]:
    """Return (workspace, build folder) with the build's manifest; release needs nothing else."""
    folder = tmp_path / "output" / "default"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_bytes(manifest_bytes)
    return tmp_path, folder


def test_release_records_the_manifest_and_item_stats_once(released):
    workspace, folder = released
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    ids = [q["id"] for s in manifest["forms"][0]["sections"] for q in s["questions"]]
    stats = {"paper_id": "default", "date": "2026-05-02", "contestants": 40,
             "questions": [{"id": ids[0], "p": 0.55, "d": 0.31, "count": 40}]}
    (folder / "item-stats.json").write_text(json.dumps(stats), encoding="utf-8")
    outcome = release_paper(workspace, folder, date=DAY)
    assert outcome.with_results and not outcome.replaced
    event = load_history(workspace).releases[0]
    assert event.date == "2026-05-02" and event.seed == 42 and [q.id for q in event.questions] == ids
    assert (event.questions[0].p, event.questions[0].d) == (0.55, 0.31) and event.questions[1].p is None
    with pytest.raises(HistoryError) as info:
        release_paper(workspace, folder, date=DAY)
    assert str(info.value.problems[0]) == (
        f"{workspace / 'history.jsonl'}:1: paper default (seed 42) was released on 2026-05-02; nothing was "
        "written (pass --force to replace that record (e.g. after analysing the results))"
    )
    assert release_paper(workspace, folder, date=DAY, force=True).replaced
    assert len(load_history(workspace).events) == 1


def test_release_refuses_statistics_of_another_paper(released):
    workspace, folder = released
    (folder / "item-stats.json").write_text(json.dumps({"paper_id": "other", "questions": []}), encoding="utf-8")
    with pytest.raises(HistoryError) as info:
        release_paper(workspace, folder, date=DAY)
    assert "item statistics of paper 'other', not 'default'" in str(info.value)
    with pytest.raises(HistoryError) as info:
        release_paper(workspace, folder, date=DAY, item_stats=folder / "missing.json")
    assert str(info.value.problems[0]).endswith("missing.json: not found (run `examgen analyse` first)")


def test_release_refuses_unreadable_item_statistics(released):
    workspace, folder = released
    (folder / "item-stats.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(HistoryError) as info:
        release_paper(workspace, folder, date=DAY)
    message = str(info.value.problems[0])
    assert message.startswith(f"{folder / 'item-stats.json'}: not readable item statistics (")
    assert message.endswith("(write it again with `examgen analyse --force`)")
    assert not (workspace / "history.jsonl").exists()


# --- Exposure rules (exclude_used, max_uses) ------------------------------------------------


def test_exposed_questions_of_the_last_releases_and_of_the_most_used(tmp_path):
    history = History(tmp_path / "history.jsonl", (
        _event("2025-05-01", "a", [("SA-001", None, None, 0), ("SA-002", None, None, 0)]),
        _event("2025-11-01", "b", [("SA-001", None, None, 0), ("SA-003", None, None, 0)]),
        _event("2026-05-01", "c", [("SA-004", None, None, 0)]),
    ))
    assert exposed_questions(history, within=1) == {"SA-004"}
    assert exposed_questions(history, within=2) == {"SA-001", "SA-003", "SA-004"}
    assert exposed_questions(history, max_uses=2) == {"SA-001"}
    assert exposed_questions(history, within=1, max_uses=2) == {"SA-001", "SA-004"}
    assert exposed_questions(history) == frozenset()


def test_build_leaves_out_what_the_exposure_rules_say_and_trial_builds_record_nothing(workspace):
    first = draw_paper(workspace, seed=42)
    used = {q.question.id for q in first.forms[0].questions()}
    history = workspace / "history.jsonl"
    assert not history.exists()  # drawing a paper is a trial: nothing is recorded
    event = HistoryEvent(kind="release", date="2026-05-01", paper_id="default",
                         questions=tuple(QuestionUse(id=i) for i in sorted(used)))
    history.write_bytes(dump_history([event]))
    blueprint = workspace / "templates" / "default.yaml"
    text = blueprint.read_text(encoding="utf-8")
    blueprint.write_text(text + "exclude_used: {within: 1}\n", encoding="utf-8")
    second = draw_paper(workspace, seed=42)
    assert not used & {q.question.id for q in second.forms[0].questions()}
    blueprint.write_text(text + "max_uses: 2\n", encoding="utf-8")
    third = draw_paper(workspace, seed=42)  # one use is below the cap: the same paper again
    assert [q.question.id for q in third.forms[0].questions()] == [q.question.id for q in first.forms[0].questions()]
    blueprint.write_text(text + "max_uses: 1\n", encoding="utf-8")
    assert not used & {q.question.id for q in draw_paper(workspace, seed=42).forms[0].questions()}


def test_blueprint_refuses_bad_exposure_rules(tmp_path):
    problems = problems_of(write(tmp_path, BLUEPRINT + "exclude_used: 2\nmax_uses: 0\n"))
    assert any("exclude_used must be `{within: N}` with N ≥ 1 released papers, not 2" in p for p in problems)
    assert any("max_uses must be a whole number ≥ 1 of released papers, not 0" in p for p in problems)
