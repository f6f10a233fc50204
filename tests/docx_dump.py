"""Read a .docx back as a person sees it: paragraphs with their style, tables as text."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """Return (style name, text) of every body paragraph, in order."""
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def body_text(path: Path) -> str:
    """Return all text of the body, paragraphs and table cells, one per line."""
    document = Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def tables(path: Path) -> list[list[list[str]]]:
    """Return every body table as rows of cell texts."""
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]


def style_fonts(path: Path, name: str) -> dict[str, str]:
    """Return the rFonts attributes (ascii, eastAsia, …) and eastAsia lang of a named style."""
    style = Document(str(path)).styles[name]
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts"))
    lang = rpr.find(qn("w:lang"))
    found = {k.split("}")[1]: v for k, v in fonts.attrib.items()}
    found["lang.eastAsia"] = lang.get(qn("w:eastAsia"))
    return found


def field_codes(part_element) -> list[str]:
    """Return the field instructions (PAGE, NUMPAGES) in an XML element."""
    return [el.text.strip() for el in part_element.iter(qn("w:instrText"))]
