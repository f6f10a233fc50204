"""Measure rendered pages: convert .docx to PDF with LibreOffice, then read ink and text positions.

Used by the tests that look at the layout as a reader would; they skip without LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_libreoffice = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("soffice", "pdftotext", "pdftoppm")),
    reason="LibreOffice (soffice) and poppler (pdftotext, pdftoppm) are not installed",
)

#: Dots per inch of the bitmaps the ink is measured on; 1 pixel is 3.6 pt.
_DPI = 20
_XHTML = "{http://www.w3.org/1999/xhtml}"


def to_pdf(documents: list[Path], outdir: Path) -> list[Path]:
    """Convert the documents to PDF in one LibreOffice run; return the PDFs in the same order."""
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{outdir}/lo", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, documents)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return [outdir / (d.stem + ".pdf") for d in documents]


@dataclass(frozen=True)
class Line:
    """A line of text on a page, with its top and bottom in points from the top of the page."""

    text: str
    top: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Page:
    """One rendered page: its height, the lowest ink in the text area, and its lines of text."""

    number: int
    height: float
    ink_bottom: float
    lines: tuple[Line, ...]


def pages(pdf: Path, *, body_top: float, body_bottom: float) -> list[Page]:
    """Return the pages of ``pdf``; ink is looked for between ``body_top`` and ``body_bottom`` (pt)."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", layout))
    texts = []
    for page in root.iter(f"{_XHTML}page"):
        lines = tuple(
            Line(
                "".join(w.text or "" for w in line.iter(f"{_XHTML}word")),
                float(line.get("yMin")), float(line.get("yMax")), float(line.get("xMin")),
            )
            for line in page.iter(f"{_XHTML}line")
        )  # fmt: skip
        texts.append((float(page.get("height")), lines))
    prefix = pdf.parent / (pdf.stem + "-ink")
    subprocess.run(["pdftoppm", "-gray", "-r", str(_DPI), str(pdf), str(prefix)], check=True)
    bitmaps = sorted(pdf.parent.glob(prefix.name + "-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    result = []
    for number, ((height, lines), bitmap) in enumerate(zip(texts, bitmaps, strict=True), start=1):
        result.append(Page(number, height, _ink_bottom(bitmap, height, body_top, body_bottom), lines))
        bitmap.unlink()
    return result


def _ink_bottom(bitmap: Path, height: float, body_top: float, body_bottom: float) -> float:
    """Return the lowest non-white row between body_top and body_bottom, in points (body_top if none)."""
    magic, width, rows, _, pixels = bitmap.read_bytes().split(maxsplit=4)
    assert magic == b"P5"
    width, rows = int(width), int(rows)
    scale = rows / height
    lowest = body_top
    for y in range(int(body_top * scale), min(rows, int(body_bottom * scale))):
        if min(pixels[y * width : (y + 1) * width]) < 200:
            lowest = (y + 1) / scale
    return lowest
