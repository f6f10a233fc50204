"""Benchmark: reading a judge's own workbook with python-calamine versus openpyxl.

Issue 17 suggested python-calamine for .xls/.xlsx/.ods. This measures reading the cell
values of one wide .xlsx of N contestants × 30 questions, and `read_grids` (calamine for
the values plus a scan of the formulas; openpyxl is opened only when a formula names
another sheet or workbook).

Measured (300 contestants): calamine 21 ms, openpyxl read-only 272 ms, openpyxl 492 ms,
read_grids 26 ms; 3000 contestants: 301 ms, 2.4 s, 3.5 s.

Run:  python tests/benchmarks/bench_foreign_sheets.py [N]   (default 300 contestants)
Not collected by pytest (a timed unit test would be flaky); run it by hand.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import python_calamine

from examgen.grading.foreign_reader import read_grids


def _workbook(path: Path, contestants: int, questions: int = 30) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["大赛评分表"])
    ws.append(["准考证号", "姓名", *(f"第{q}题" for q in range(1, questions + 1)), "总分"])
    for n in range(contestants):
        marks = [(n + q) % 11 for q in range(questions)]
        ws.append([f"2026{n:04d}", f"选手{n}", *marks, sum(marks)])
    wb.save(path)


def _best(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    contestants = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "marks.xlsx"
        _workbook(path, contestants)
        data = path.read_bytes()

        def calamine() -> None:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            book.get_sheet_by_index(0).to_python()

        def openpyxl_values() -> None:
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
            list(book.active.iter_rows(values_only=True))

        def openpyxl_full() -> None:
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            list(book.active.iter_rows(values_only=True))

        print(f"{contestants} contestants × 30 questions, {len(data) // 1024} KiB")
        print(f"calamine values           {_best(calamine) * 1000:8.1f} ms")
        print(f"openpyxl values read-only {_best(openpyxl_values) * 1000:8.1f} ms")
        print(f"openpyxl values full      {_best(openpyxl_full) * 1000:8.1f} ms")
        print(f"read_grids (both)         {_best(lambda: read_grids(path)) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
