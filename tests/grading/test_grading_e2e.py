"""End to end: build a paper, write sheets for 40 contestants, fill them as 3 judges, grade.

Every total, rank and award is recomputed here from the marks typed in, without the
library's aggregation or ranking, and compared with results.xlsx — as a spectator would
check the 成绩公示 by hand: add up each judge's total, average (or drop the highest and
the lowest), round once, half up.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from examgen.cli import main

UNITS = ("北京分公司", "上海分公司", "广州分公司", "深圳分公司", "成都分公司")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
DATE = ["--date", "2026-05-01"]
#: Contestants marked exactly like an earlier one, so that two share a rank.
TWINS = {"2026040": "2026033", "2026031": "2026010"}
_ROUNDING = {"half_up": ROUND_HALF_UP, "floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    """Return (manifest path, manifest) of `examgen build --seed 42` in a new workspace."""
    workspace = tmp_path_factory.mktemp("e2e") / "contest"
    invoke("init", workspace)
    # The judge-marked paper; objective questions: tests/grading/test_objective_e2e.py.
    invoke("build", "-w", workspace, "--seed", 42, "--blueprint", workspace / "templates" / "judged.yaml")
    manifest = workspace / "output" / "judged" / "manifest.json"
    return manifest, json.loads(manifest.read_text(encoding="utf-8"), parse_float=Decimal)


def make_roster(path: Path, count: int = 40) -> list[tuple[str, str, str]]:
    """Write a roster as Chinese Excel saves CSV (GBK) and return its rows."""
    rows = [
        (f"2026{i:03d}", SURNAMES[i % len(SURNAMES)] + "选手" + str(i), UNITS[i % len(UNITS)])
        for i in range(1, count + 1)
    ]
    lines = ["准考证号,姓名,单位"] + [",".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return rows


def questions_of(manifest: dict) -> list[dict]:
    return [
        {**q, "section": s["number"], "refs": (s["type"], s["name"], s["numeral"], str(s["number"]))}
        for s in manifest["forms"][0]["sections"]
        for q in s["questions"]
    ]


def fill_sheets(sheets: list[Path], questions: list[dict], seed: int) -> dict[tuple[str, str, int], Decimal]:
    """Type marks into every sheet (some as text, as judges do); return them by (id, label, judge)."""
    rng = random.Random(seed)
    typed: dict[tuple[str, str, int], Decimal] = {}
    for judge, path in enumerate(sheets, start=1):
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        columns = {ws.cell(5, c).value: c for c in range(1, ws.max_column + 1)}
        for r in range(8, ws.max_row + 1):
            key = ws.cell(r, 2).value
            if key is None:
                continue  # the judge's signature line
            # Contestants differ in strength, so ranks are spread but ties still happen.
            strength = Decimal(int(key[-2:]) % 7 + 4) / 10
            for q in questions:
                maximum = Decimal(q["points"])
                base = (maximum * strength * 2).to_integral_value() / 2
                value = min(maximum, max(Decimal(0), base + Decimal(rng.choice((-1, -0.5, 0, 0, 0.5, 1)))))
                if key in TWINS:  # the same marks as another contestant: a tie no tie-breaker splits
                    value = typed[(TWINS[key], q["label"], judge)]
                typed[(key, q["label"], judge)] = value
                # Some marks typed as text, as WPS or a copy-paste leaves them.
                ws.cell(r, columns[q["display_label"]]).value = str(value) if rng.random() < 0.1 else value
        wb.save(path)
    return typed


def expected_ranking(manifest: dict, roster, typed, judges: int) -> dict[str, tuple[Decimal, int, str]]:
    """Return id -> (total, rank, award), computed from the typed marks and the manifest's rules."""
    rules = manifest["grading"]
    assert rules["policy"] == "mean" and rules["aggregate_on"] == "total"
    precision = int(rules["precision"])
    quantum = Decimal(1).scaleb(-precision)
    questions = questions_of(manifest)
    totals: dict[str, Decimal] = {}
    sections: dict[str, dict[str, Decimal]] = {}
    for contestant_id, _, _ in roster:
        # Each judge's total, averaged, rounded once; sections the same way.
        judge_totals = [sum(typed[(contestant_id, q["label"], j)] for q in questions) for j in range(1, judges + 1)]
        totals[contestant_id] = hand_round(Fraction(sum(judge_totals)) / judges, quantum)
        by_type: dict[str, Decimal] = {}
        for number in {q["section"] for q in questions}:
            in_section = [q for q in questions if q["section"] == number]
            marks = sum(typed[(contestant_id, q["label"], j)] for q in in_section for j in range(1, judges + 1))
            # A tie-breaker names a section by type, name, numeral or number.
            for ref in in_section[0]["refs"]:
                by_type[ref] = hand_round(Fraction(marks) / judges, quantum)
        sections[contestant_id] = by_type

    def key(contestant_id: str):
        return (totals[contestant_id], *[sections[contestant_id].get(t, Decimal(0)) for t in rules["tie_breakers"]])

    order = sorted(totals, key=lambda c: (tuple(-v for v in key(c)), c))
    ranks: dict[str, int] = {}
    for position, contestant_id in enumerate(order):
        previous = order[position - 1] if position else None
        ranks[contestant_id] = ranks[previous] if previous and key(previous) == key(contestant_id) else position + 1

    count = len(order)
    boundaries, cumulative = [], Decimal(0)
    for award in rules["awards"]:
        cumulative += Decimal(str(award["share"]))
        boundaries.append(int((count * cumulative).quantize(Decimal(1), rounding=_ROUNDING[rules["award_rounding"]])))
    group_end = {}
    for contestant_id in order:
        group_end[ranks[contestant_id]] = group_end.get(ranks[contestant_id], 0) + 1
    awards = {}
    for contestant_id in order:
        start = ranks[contestant_id] - 1
        end = start + group_end[ranks[contestant_id]]
        # A tied group across a boundary gets the better award ("better") or the worse one.
        better = rules["award_ties"] == "better"
        awards[contestant_id] = next(
            (
                a["name"] for a, b in zip(rules["awards"], boundaries, strict=True)
                if (start < b if better else end <= b)
            ),
            "",
        )
    return {c: (totals[c], ranks[c], awards[c]) for c in totals}


def hand_round(value: Fraction, quantum: Decimal) -> Decimal:
    """Round an exact fraction half up, as by hand: exact decimal digits, then quantize."""
    whole, rest = divmod(value.numerator * 10**8, value.denominator)
    # 8 exact digits decide any half-up at 2 places; a remainder only matters below them.
    digits = Decimal(whole).scaleb(-8) + (Decimal("1e-9") if rest else 0)
    return digits.quantize(quantum, rounding=ROUND_HALF_UP)


def ranking_in(results: Path) -> dict[str, tuple[Decimal, int, str]]:
    ws = openpyxl.load_workbook(results)["排名"]
    header = [c.value for c in ws[2]]
    rows = {}
    for row in ws.iter_rows(min_row=3, values_only=True):
        record = dict(zip(header, row, strict=True))
        rows[record["准考证号"]] = (Decimal(str(record["总分"])), record["名次"], record["奖项"] or "")
    return rows


def test_hand_check_of_5_judges_under_trimmed_mean(built, tmp_path):
    """Every published total is the judges' totals without the highest and lowest, averaged, rounded once."""
    manifest_path, manifest = built
    record = json.loads(manifest_path.read_text(encoding="utf-8"))
    record["grading"].update(policy="trimmed_mean", judges=5)
    trimmed = tmp_path / "trimmed" / "manifest.json"
    trimmed.parent.mkdir()
    trimmed.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    roster = make_roster(tmp_path / "roster.csv", count=40)
    invoke("sheets", trimmed, "--roster", tmp_path / "roster.csv", *DATE)
    sheets = sorted((trimmed.parent / "sheets").glob("*.xlsx"))
    assert len(sheets) == 5
    questions = questions_of(manifest)
    typed = fill_sheets(sheets, questions, seed=5)
    invoke("grade", trimmed, *sheets, "--out", tmp_path, *DATE)

    published = ranking_in(tmp_path / "results.xlsx")
    for contestant_id, _, _ in roster:
        judge_totals = sorted(
            sum(typed[(contestant_id, q["label"], j)] for q in questions) for j in range(1, 6)
        )
        by_hand = hand_round(Fraction(sum(judge_totals[1:-1])) / 3, Decimal("0.01"))
        assert published[contestant_id][0] == by_hand, contestant_id
    assert len({total for total, _, _ in published.values()}) > 20


def test_build_sheets_fill_grade_and_check_every_total_rank_and_award(built, tmp_path):
    manifest_path, manifest = built
    roster = make_roster(tmp_path / "roster.csv")
    out = tmp_path / "sheets"
    result = invoke("sheets", manifest_path, "--roster", tmp_path / "roster.csv", "--judges", 3, "--out", out, *DATE)
    sheets = sorted(out.glob("*.xlsx"))
    assert len(sheets) == 3 and "40 contestants each" in result.stdout
    typed = fill_sheets(sheets, questions_of(manifest), seed=2026)
    before = [p.read_bytes() for p in sheets]

    result = invoke("grade", manifest_path, *sheets, "--roster", tmp_path / "roster.csv", "--out", tmp_path, *DATE)
    assert [p.read_bytes() for p in sheets] == before

    expected = expected_ranking(manifest, roster, typed, judges=3)
    actual = ranking_in(tmp_path / "results.xlsx")
    assert actual == expected
    assert expected["2026040"][1] == expected["2026033"][1], "the data should contain a shared rank"
    assert len({total for total, _, _ in expected.values()}) < 39, "and ties split by the tie-breakers"
    assert {award for _, _, award in expected.values()} >= {"一等奖", "二等奖", "三等奖", ""}
    best = min(expected, key=lambda c: (expected[c][1], c))
    assert result.stdout.splitlines()[2].split()[:2] == ["1", best]
    assert "40 of 40 contestants ranked" in result.stdout


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_sheet_resaved_by_libreoffice_gives_the_same_results(built, tmp_path):
    manifest_path, manifest = built
    make_roster(tmp_path / "roster.csv", count=12)
    out = tmp_path / "sheets"
    invoke("sheets", manifest_path, "--roster", tmp_path / "roster.csv", "--out", out, *DATE)
    sheets = sorted(out.glob("*.xlsx"))
    fill_sheets(sheets, questions_of(manifest), seed=7)
    invoke("grade", manifest_path, *sheets, "--out", tmp_path / "original", *DATE)

    resaved = tmp_path / "resaved"
    profile = (tmp_path / "lo-profile").as_uri()
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(resaved), str(sheets[1])],
        capture_output=True, timeout=300, check=False,
    )
    converted = resaved / sheets[1].name
    assert completed.returncode == 0 and converted.exists(), completed.stderr
    assert converted.read_bytes() != sheets[1].read_bytes()

    invoke("grade", manifest_path, sheets[0], converted, sheets[2], "--out", tmp_path / "again", *DATE)
    original = openpyxl.load_workbook(tmp_path / "original" / "results.xlsx")
    again = openpyxl.load_workbook(tmp_path / "again" / "results.xlsx")
    for name in ("排名", "明细", "评委"):
        assert [[c.value for c in row] for row in again[name].iter_rows()] == [
            [c.value for c in row] for row in original[name].iter_rows()
        ], name
