"""Synthetic inputs for the benchmarks: banks of N questions, a workspace, filled score sheets.

Written with plain string formatting and openpyxl's write-only mode, so that making a
20,000-question bank takes a moment and does not depend on the code being measured.
The text is invented filler about telecom customer service; only its size matters.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: (type, id prefix, points, key points) of the default blueprint's sections.
KINDS = (
    ("short_answer", "SA", 5, (2, 2, 1)),
    ("case_analysis", "CA", 10, (3, 3, 2, 2)),
    ("practical", "PR", 10, (2, 2, 2, 2, 2)),
)
TOPICS = ("投诉处理", "业务受理", "工单与记录", "服务规范", "话费账单", "宽带故障")
PHRASES = (
    "先向客户致歉并安抚情绪", "核实机主身份后调取详单", "说明费用构成和计费标准", "按规定升级工单并告知时限",
    "主动回访确认处理结果", "介绍防范高额费用的方法", "不得推诿或指责客户", "如实记录来电内容和诉求",
)  # fmt: skip


def question_yaml(kind: int, number: int, rng: random.Random) -> str:
    """Return one bank entry of the ``kind``-th type as YAML text."""
    qtype, prefix, points, parts = KINDS[kind]
    stem = "\n".join(
        f"    {'坐席员' if turn % 2 else '客户'}：第{number}号来电，{rng.choice(PHRASES)}，{rng.choice(PHRASES)}。"
        for turn in range(4 + number % 4)
    )
    key_points = "".join(
        f"    - text: {rng.choice(PHRASES)}，并且{rng.choice(PHRASES)}（第{number}题第{n}点）。\n"
        f"      points: {p}\n"
        for n, p in enumerate(parts, start=1)
    )
    return (
        f"- id: {prefix}-{number:05d}\n"
        f"  type: {qtype}\n"
        f"  topic: {TOPICS[number % len(TOPICS)]}\n"
        f"  difficulty: {1 + number % 5}\n"
        f"  points: {points}\n"
        f"  stem: |-\n{stem}\n"
        f"  question: |-\n    请分析第{number}号来电中坐席员的问题，并写出正确的处理思路。\n"
        f"  key_points:\n{key_points}"
        f"  analysis: |-\n    本题考查{TOPICS[number % len(TOPICS)]}。{rng.choice(PHRASES)}；{rng.choice(PHRASES)}。\n"
        f"  source: original\n"
        f"  tags: [{TOPICS[number % len(TOPICS)]}, 基准]\n\n"
    )


def bank_texts(count: int, seed: int = 1) -> dict[str, str]:
    """Return bank files (name → YAML text) holding ``count`` questions, a third of each type."""
    rng = random.Random(seed)
    files = {}
    for kind, (qtype, _, _, _) in enumerate(KINDS):
        share = count // len(KINDS) + (1 if kind < count % len(KINDS) else 0)
        files[f"{qtype}.yaml"] = "".join(question_yaml(kind, n, rng) for n in range(1, share + 1))
    return files


def make_workspace(root: Path, questions: int | None = None) -> Path:
    """Make a workspace under ``root``: the sample banks (or ``questions`` synthetic ones) and templates."""
    shutil.copytree(REPO / "templates", root / "templates")
    banks = root / "banks"
    if questions is None:
        shutil.copytree(REPO / "banks", banks)
    else:
        banks.mkdir()
        for name, text in bank_texts(questions).items():
            (banks / name).write_text(text, encoding="utf-8")
    return root


def make_roster(path: Path, contestants: int) -> None:
    """Write a roster .xlsx of ``contestants`` (准考证号, 姓名, 单位)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(["准考证号", "姓名", "单位"])
    for n in range(1, contestants + 1):
        sheet.append([f"2026{n:05d}", f"选手{n}", f"第{n % 40 + 1}分公司"])
    book.save(path)


def fill_sheets(sheets: list[Path], labels: list[str], seed: int = 7) -> int:
    """Type a mark for every contestant and question into judges' ``sheets``; return how many.

    The header row is the first row holding every question label; every row below it
    whose second cell holds an id is a contestant. Marks are multiples of 0.5 up to 5.
    """
    from openpyxl import load_workbook

    rng = random.Random(seed)
    typed = 0
    for path in sheets:
        book = load_workbook(path)
        sheet = book.worksheets[0]
        header = next(
            row for row in sheet.iter_rows(max_row=20)
            if set(labels) <= {cell.value for cell in row}
        )
        columns = [cell.column for cell in header if cell.value in labels]
        for row in range(header[0].row + 1, sheet.max_row + 1):
            if not sheet.cell(row, 2).value:
                continue
            for column in columns:
                sheet.cell(row, column).value = rng.randint(0, 10) / 2
                typed += 1
        book.save(path)
    return typed
