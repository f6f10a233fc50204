"""The benchmark suite still runs: its quick mode on tiny inputs (times are not checked)."""

from __future__ import annotations

from tests.benchmarks import run


def test_the_quick_benchmarks_measure_examgen_and_its_baselines(capsys):
    lines = run.main(["--quick", "render", "load"])
    by_work = {(line.work, line.size): line for line in lines}
    render = by_work["paper + key of the default blueprint, in process, per form", "1 form"]
    assert render.examgen_s > 0 and render.baseline_s > 0 and render.ratio > 0
    loads = [line for line in lines if line.case == "load"]
    assert [line.size for line in loads] == ["30 questions", "90 questions"]
    assert all(line.per_item_ms > 0 and line.baseline_s > 0 for line in loads)
    printed = capsys.readouterr().out
    assert "| work | size | examgen | baseline (same run) |" in printed
    assert "cores" in printed.splitlines()[0]


def test_synthetic_banks_load_without_problems():
    from examgen.bank.load import parse_bank_text

    for name, text in run.synthetic.bank_texts(12).items():
        questions, problems = parse_bank_text(text, name)
        assert problems == [] and len(questions) == 4
