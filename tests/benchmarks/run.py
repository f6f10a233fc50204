"""Benchmark suite: every line of the performance table, examgen against a baseline, same run.

    python -m tests.benchmarks.run              # the whole suite (a few minutes)
    python -m tests.benchmarks.run --quick      # smoke: tiny inputs, one repetition, seconds
    python -m tests.benchmarks.run load grade   # some cases only

For each case it prints examgen's median time, the baseline's median in the same run,
their ratio, the peak memory of a process doing the work once, and for growth cases the
time per question. The inputs are synthetic (see synthetic.py) and made in a temporary
folder. Not collected by pytest as a timed test; tests/benchmarks/test_smoke.py runs
``--quick`` to keep the suite working.
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.benchmarks import synthetic
from tests.benchmarks.bench_import import document_text

PYTHON = sys.executable
EXAMGEN = [PYTHON, "-m", "examgen.cli"]
DATE = "2026-05-01"
#: The paper of judged questions only (12 of them): synthetic banks hold no objective ones.
JUDGED = "templates/judged.yaml"


@dataclass
class Line:
    """One printed line: a piece of work at a size, examgen against the baseline."""

    case: str
    work: str
    size: str
    examgen_s: float
    baseline_s: float | None = None
    baseline: str = ""
    examgen_mb: float | None = None
    baseline_mb: float | None = None
    per_item_ms: float | None = None
    goal: str = ""

    @property
    def ratio(self) -> float | None:
        return self.examgen_s / self.baseline_s if self.baseline_s else None


# --- Measuring ---------------------------------------------------------------------------


def median_time(work: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of ``repeat`` runs of ``work`` (after a warm-up run if repeated)."""
    if repeat > 1:
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: GNU time reports a process's own peak memory; a child's rusage would include the
#: memory of the Python process that forked it.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run_process(command: list[str], cwd: Path | None = None) -> tuple[float, float | None]:
    """Run ``command``; return (wall seconds, peak resident memory in MB or None) of that process."""
    report = Path(tempfile.mkstemp(suffix=".time")[1])
    prefix = [GNU_TIME, "-f", "%M", "-o", str(report)] if GNU_TIME else []
    start = time.perf_counter()
    done = subprocess.run([*prefix, *command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3):  # 3: provisional results (marks still missing)
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode(errors='replace')}")
    text = report.read_text().strip().splitlines() if GNU_TIME else []
    report.unlink()
    return elapsed, (int(text[-1]) / 1024 if text and text[-1].isdigit() else None)


def median_process(command: list[str], repeat: int, cwd: Path | None = None) -> tuple[float, float]:
    """Return the median wall time and the largest peak memory of ``repeat`` runs of ``command``."""
    runs = [run_process(command, cwd) for _ in range(repeat)]
    peaks = [r[1] for r in runs if r[1] is not None]
    return statistics.median(r[0] for r in runs), max(peaks) if peaks else None


#: Whether to measure peak memory of in-process work in a child process (not in --quick).
MEASURE_MEMORY = True


def child_peak(*args: str) -> float | None:
    """Return the peak memory (MB) of a child process doing one in-process piece of work."""
    if not MEASURE_MEMORY:
        return None
    return run_process([PYTHON, "-m", "tests.benchmarks.run", "--child", *args])[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(synthetic.REPO)
    env["PYTHONPATH"] = root + os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else root
    return env


# --- The work itself (also run by --child) ------------------------------------------------


def render_forms(workspace: Path) -> Callable[[], None]:
    """Return a function rendering the paper and key of every form drawn in ``workspace``."""
    from examgen.paper.build import draw_paper
    from examgen.render.key import render_key
    from examgen.render.paper import reference_path, render_paper

    paper = draw_paper(workspace, seed=42)
    reference = reference_path(paper.blueprint, workspace)

    def render() -> None:
        for form in paper.forms:
            render_paper(paper, form, reference)
            render_key(paper, form, reference)

    return render


def document_lines(workspace: Path) -> list[list[str]]:
    """Return the text of examgen's paper and key of form A, one list of lines per document."""
    from docx import Document

    from examgen.paper.build import draw_paper
    from examgen.render.key import render_key
    from examgen.render.paper import reference_path, render_paper

    paper = draw_paper(workspace, seed=42)
    reference = reference_path(paper.blueprint, workspace)
    form = paper.forms[0]
    documents = [render_paper(paper, form, reference), render_key(paper, form, reference)]
    return [[p.text for p in Document(io.BytesIO(data)).paragraphs] for data in documents]


#: The naive script: python-docx, default template, one paragraph per line, no styles.
NAIVE_SCRIPT = """
import io, json, sys
from docx import Document
for lines in json.load(open(sys.argv[1], encoding="utf-8")):
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(io.BytesIO())
"""


def naive_render(lines: list[list[str]]) -> Callable[[], None]:
    """Return a function doing what NAIVE_SCRIPT does, in process."""
    from docx import Document

    def render() -> None:
        for document_text_lines in lines:
            document = Document()
            for line in document_text_lines:
                document.add_paragraph(line)
            document.save(io.BytesIO())

    return render


def load_banks(folder: Path) -> Callable[[], object]:
    from examgen.bank.load import load_bank

    return lambda: load_bank(folder)


def load_banks_plainly(folder: Path) -> Callable[[], object]:
    """Return a function reading the bank files with libyaml's CSafeLoader and nothing else."""
    import yaml

    files = sorted(folder.glob("*.yaml"))

    def load() -> list:
        return [yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files]

    return load


def import_file(source: Path, out: Path) -> Callable[[], object]:
    from examgen.bank.importer import ImportOptions, import_to_bank

    return lambda: import_to_bank([source], ImportOptions(), out, force=True)


#: The grading baseline: pandas reads the five sheets and sums marks per contestant.
PANDAS_SCRIPT = """
import sys
import pandas as pd
frames = [pd.read_excel(path, header=None) for path in sys.argv[1:]]
marks = pd.concat(frames)
numeric = marks.apply(pd.to_numeric, errors="coerce")
numeric[0] = marks[1]
print(numeric.groupby(0).sum(numeric_only=True).sum(axis=1).sort_values().tail(3))
"""


def child(args: list[str]) -> None:
    """Do one piece of in-process work named by ``args`` (for its peak memory)."""
    kind, *rest = args
    if kind == "render":
        render_forms(Path(rest[0]))()
    elif kind == "naive":
        naive_render(json.loads(Path(rest[0]).read_text(encoding="utf-8")))()
    elif kind == "load":
        load_banks(Path(rest[0]))()
    elif kind == "load-plain":
        load_banks_plainly(Path(rest[0]))()
    elif kind == "import":
        import_file(Path(rest[0]), Path(rest[1]))()


# --- Cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Sizes and repetitions: the full suite or the quick smoke run."""

    quick: bool
    profile: bool = False  # also profile an in-process `grade` for the time of its phases

    @property
    def repeat(self) -> int:
        return 1 if self.quick else 5

    @property
    def few(self) -> int:
        return 1 if self.quick else 3

    @property
    def banks(self) -> tuple[int, ...]:
        return (30, 90) if self.quick else (500, 5_000, 20_000)

    @property
    def imports(self) -> tuple[int, ...]:
        return (30, 90) if self.quick else (500, 1_500, 5_000)

    @property
    def grade(self) -> tuple[int, int]:
        return (12, 2) if self.quick else (2_000, 5)


def case_render(tmp: Path, scale: Scale) -> list[Line]:
    workspace = synthetic.make_workspace(tmp / "render-ws")
    lines_path = tmp / "lines.json"
    lines = document_lines(workspace)
    lines_path.write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
    examgen = median_time(render_forms(workspace), scale.repeat * 3)
    naive = median_time(naive_render(lines), scale.repeat * 3)
    build_s, build_mb = median_process(
        [*EXAMGEN, "build", "-w", str(workspace), "--seed", "42", "--out", str(tmp / "out"), "--force"],
        scale.repeat,
    )
    naive_s, naive_mb = median_process([PYTHON, "-c", NAIVE_SCRIPT, str(lines_path)], scale.repeat)
    return [
        Line(
            "render", "paper + key of the default blueprint, in process, per form", "1 form", examgen,
            naive, "naive python-docx script, same text", child_peak("render", str(workspace)),
            child_peak("naive", str(lines_path)), goal="≤ 15 ms, ≥ 2× faster than naive",
        ),
        Line(
            "render", "`examgen build --seed 42`, whole process", "1 form", build_s, naive_s,
            "the naive script as a process", build_mb, naive_mb, goal="≤ 0.35 s",
        ),
    ]


MINIMAL_CLICK = """
import click
@click.group()
@click.version_option("0.1.0")
def main():
    "A minimal click program."
@main.command()
def build():
    "Build."
main()
"""


def case_help(tmp: Path, scale: Scale) -> list[Line]:
    found = []
    for flag in ("--help", "--version"):
        ours = median_process([*EXAMGEN, flag], scale.repeat * 2)
        theirs = median_process([PYTHON, "-c", MINIMAL_CLICK, flag], scale.repeat * 2)
        found.append(
            Line("help", f"`examgen {flag}`", "-", ours[0], theirs[0], "a minimal click program", ours[1], theirs[1], goal="≤ 0.08 s")
        )
    return found


def case_load(tmp: Path, scale: Scale) -> list[Line]:
    found = []
    for count in scale.banks:
        workspace = synthetic.make_workspace(tmp / f"bank-{count}", questions=count)
        folder = workspace / "banks"
        repeat = scale.few if count < 5_000 else 1
        ours = median_time(load_banks(folder), repeat)
        theirs = median_time(load_banks_plainly(folder), repeat)
        found.append(
            Line(
                "load", "load and validate a bank", f"{count:,} questions", ours, theirs,
                "yaml.load with CSafeLoader, same files", child_peak("load", str(folder)),
                child_peak("load-plain", str(folder)), per_item_ms=ours / count * 1000,
                goal="≤ 1.0 s at 5,000" if count == 5_000 else "",
            )
        )
    return found


def case_forms(tmp: Path, scale: Scale) -> list[Line]:
    count = scale.banks[1]
    workspace = synthetic.make_workspace(tmp / "forms-ws", questions=count)
    command = [
        *EXAMGEN, "build", "-w", str(workspace), "--blueprint", str(workspace / JUDGED), "--seed", "42",
        "--forms", "A,B,C", "--out", str(tmp / "forms-out"), "--force",
    ]
    seconds, peak = median_process(command, scale.few)
    return [Line("forms", "`build --forms A,B,C`, whole process", f"{count:,} questions", seconds, examgen_mb=peak, goal="≤ 1.0 s")]


#: The banks `examgen init` puts in a new workspace.
SAMPLE_BANKS = Path(__file__).resolve().parents[2] / "examgen" / "samples" / "banks"


def case_import(tmp: Path, scale: Scale) -> list[Line]:
    from docx import Document

    found = []
    for count in scale.imports:
        text = document_text(count)
        source = tmp / f"import-{count}.txt"
        source.write_text(text, encoding="utf-8")
        sources = [source]
        if count == scale.imports[1]:
            docx_path = tmp / f"import-{count}.docx"
            document = Document()
            for line in text.splitlines():
                document.add_paragraph(line)
            document.save(str(docx_path))
            sources.append(docx_path)
        for path in sources:
            # Each import into its own workspace holding the sample banks (390 questions, whose
            # ids continue and whose near-duplicates are looked for), not beside the banks the
            # other imports wrote: those would make each figure depend on the ones before.
            banks = tmp / f"import-ws-{path.stem}-{path.suffix[1:]}" / "banks"
            shutil.copytree(SAMPLE_BANKS, banks)
            out = banks / "imported.yaml"
            seconds = median_time(import_file(path, out), scale.few if count < 5_000 else 1)
            found.append(
                Line(
                    "import", f"`bank import` from {path.suffix}", f"{count:,} questions", seconds,
                    examgen_mb=child_peak("import", str(path), str(out)), per_item_ms=seconds / count * 1000,
                    goal={".txt": "≤ 1 s at 1,500, linear", ".docx": "≤ 2 s at 1,500"}[path.suffix],
                )
            )
    return found


def case_grade(tmp: Path, scale: Scale) -> list[Line]:
    contestants, judges = scale.grade
    workspace = synthetic.make_workspace(tmp / "grade-ws")
    # The sample blueprint asks for 3 judges; grade refuses sheets of more than it asks for.
    blueprint = workspace / JUDGED
    blueprint.write_text(re.sub(r"(?m)^(  judges:) \d+", rf"\g<1> {judges}", blueprint.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp / "grade-out"
    subprocess.run(
        [*EXAMGEN, "build", "-w", str(workspace), "--blueprint", str(workspace / JUDGED), "--seed", "42", "--out", str(out)],
        check=True, env=_env(), capture_output=True,
    )
    manifest = out / "judged" / "manifest.json"
    roster = tmp / "roster.xlsx"
    synthetic.make_roster(roster, contestants)
    sheets_dir = tmp / "sheets"
    subprocess.run(
        [*EXAMGEN, "sheets", str(manifest), "--roster", str(roster), "--judges", str(judges), "--date", DATE, "--seed", "1", "--out", str(sheets_dir)],
        check=True, env=_env(), capture_output=True,
    )
    sheets = sorted(sheets_dir.glob("*.xlsx"))
    labels = [q.get("display_label") or q["label"] for s in json.loads(manifest.read_text(encoding="utf-8"))["forms"][0]["sections"] for q in s["questions"]]
    typed = synthetic.fill_sheets(sheets, labels)
    grade = [*EXAMGEN, "grade", str(manifest), *map(str, sheets), "--roster", str(roster), "--date", DATE, "--out", str(tmp / "results"), "--force"]
    seconds, peak = median_process(grade, 1)
    try:
        import pandas  # noqa: F401

        pandas_s, pandas_mb = median_process([PYTHON, "-c", PANDAS_SCRIPT, *map(str, sheets)], 1)
    except ImportError:
        pandas_s = pandas_mb = None
    size = f"{contestants:,} × {judges} × {len(labels)} ({typed:,} marks)"
    found = [
        Line(
            "grade", "`grade`, whole process", size, seconds, pandas_s, "pandas.read_excel of the sheets + groupby",
            peak, pandas_mb, goal="≤ 3 s, ≤ 1.0× pandas, ≤ 150 MB",
        )
    ]
    if scale.profile:
        found += grade_phases(grade[3:], seconds)
    return found


#: Where grading spends its time: functions whose cumulative time the profile reports.
GRADE_PHASES = (
    ("reading the sheets", "examgen/grading/sheet_reader.py"),
    ("results.xlsx", "examgen/grading/results_xlsx.py"),
    ("成绩公示 .docx", "examgen/render/results.py"),
)


def grade_phases(arguments: list[str], whole: float) -> list[Line]:
    """Profile one in-process `grade`; return each phase's share of it times the ``whole`` time."""
    import cProfile
    import pstats

    from click.testing import CliRunner

    from examgen.cli import main

    profile = cProfile.Profile()
    profile.enable()
    CliRunner().invoke(main, arguments, catch_exceptions=False)
    profile.disable()
    stats = pstats.Stats(profile).stats
    total = max(entry[3] for entry in stats.values())
    found = []
    for label, module in GRADE_PHASES:
        # The largest cumulative time of a function of the module: its entry point.
        seconds = max((entry[3] for (path, _, _), entry in stats.items() if path.replace(os.sep, "/").endswith(module)), default=0.0)
        found.append(Line("grade", f"of which {label} (profiled share × whole)", "", seconds / total * whole, goal="≤ 1 s"))
    return found


CASES: dict[str, Callable[[Path, Scale], list[Line]]] = {
    "render": case_render,
    "help": case_help,
    "load": case_load,
    "forms": case_forms,
    "grade": case_grade,
    "import": case_import,
}


# --- Report -------------------------------------------------------------------------------


def machine() -> str:
    """Describe the machine: CPU, cores, memory, Python and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB"
    except (ValueError, OSError, AttributeError):
        memory = "?"
    import yaml

    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; PyYAML {yaml.__version__} (libyaml {yaml.__with_libyaml__}){load}"
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def report(lines: list[Line]) -> str:
    """Return the figures as a Markdown table."""
    rows = [
        "| work | size | examgen | baseline (same run) | ratio | peak MB examgen / baseline | per question | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for line in lines:
        baseline = f"{_seconds(line.baseline_s)} ({line.baseline})" if line.baseline_s else "—"
        ratio = f"{line.ratio:.2f}×" if line.ratio else "—"
        memory = " / ".join(f"{m:.0f}" if m is not None else "—" for m in (line.examgen_mb, line.baseline_mb))
        per = f"{line.per_item_ms:.2f} ms" if line.per_item_ms is not None else ""
        rows.append(f"| {line.work} | {line.size} | {_seconds(line.examgen_s)} | {baseline} | {ratio} | {memory} | {per} | {line.goal} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> list[Line]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", help=f"cases to run: {', '.join(CASES)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one repetition (smoke test)")
    parser.add_argument("--profile", action="store_true", help="also split `grade` into its phases (one more, profiled, run)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return []
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    scale = Scale(quick=args.quick, profile=args.profile)
    global MEASURE_MEMORY
    MEASURE_MEMORY = not args.quick
    started = time.perf_counter()
    print(machine(), flush=True)
    # As an installed package is: processes read examgen's bytecode instead of compiling
    # its sources each time (PYTHONDONTWRITEBYTECODE would otherwise keep it from being cached).
    compileall.compile_dir(str(synthetic.REPO / "examgen"), quiet=1)
    lines: list[Line] = []
    tmp = Path(tempfile.mkdtemp(prefix="examgen-bench-"))
    try:
        for name in args.cases or list(CASES):
            case_started = time.perf_counter()
            (tmp / name).mkdir()
            found = CASES[name](tmp / name, scale)
            lines += found
            print(report(found).split("\n", 2)[2], f"  [{name}: {time.perf_counter() - case_started:.0f} s]", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(report(lines))
    print(f"\nsuite: {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps([asdict(line) for line in lines], ensure_ascii=False, indent=1), encoding="utf-8")
    return lines


if __name__ == "__main__":
    main()
