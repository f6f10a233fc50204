"""The .docx reader: runs, content controls, Word numbering through styles, tables."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from examgen.bank.importer.readers import read_document

W = nsdecls("w")


def _lines(document, tmp_path: Path) -> list[tuple[str, int]]:
    path = tmp_path / "t.docx"
    document.save(str(path))
    return [(line.text, line.number) for line in read_document(path).lines]


def _numbered(document, text: str, num_id: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_run_text_breaks_hyperlinks_and_content_controls(tmp_path):
    document = Document()
    body = document.element.body
    body.insert(0, parse_xml(
        f'<w:p {W}><w:r><w:t xml:space="preserve">1、 甲 </w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>下一行</w:t>'
        '<w:br w:type="page"/><w:t>页</w:t><w:cr/><w:t>回车</w:t><w:noBreakHyphen/><w:t/></w:r>'
        '<w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink>'
        '<w:ins w:id="1" w:author="a"><w:r><w:t>修订插入</w:t></w:r></w:ins><w:r><w:t>？</w:t></w:r></w:p>'
    ))
    body.insert(1, parse_xml(f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的段落</w:t></w:r></w:p>'
                             '</w:sdtContent></w:sdt>'))
    assert _lines(document, tmp_path) == [
        ("1、 甲 \t乙", 1), ("下一行页", 1), ("回车-链接？", 1), ("控件里的段落", 2)
    ]


def test_word_numbering_through_styles_levels_and_formats(tmp_path):
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="77">'
        '<w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:numFmt w:val="none"/><w:lvlText w:val="%3"/></w:lvl></w:abstractNum>'
    ))
    numbering.append(parse_xml(f'<w:num {W} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    styles = document.styles.element
    # A style that takes its list from the style it is based on, and two based on each other.
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="Q"><w:name w:val="Q"/>'
                            '<w:basedOn w:val="QBase"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'))
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="QBase"><w:name w:val="QBase"/>'
                            '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="77"/></w:numPr></w:pPr></w:style>'))
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/></w:style>'))
    styles.append(parse_xml(f'<w:style {W} w:type="paragraph" w:styleId="B"><w:name w:val="B"/><w:basedOn w:val="A"/></w:style>'))
    _numbered(document, "第一部分", "77", 0)
    for style in ("Q", "Q", "QBase", "Q", "A"):
        paragraph = document.add_paragraph(f"{style}样式")
        paragraph._p.get_or_add_pPr().insert(0, parse_xml(f'<w:pStyle {W} w:val="{style}"/>'))
    _numbered(document, "不显示编号", "77", 2)
    document.add_paragraph("题目", style="List Number")
    assert [text for text, _ in _lines(document, tmp_path)] == [
        "三、第一部分", "三.①Q样式", "三.②Q样式", "四、QBase样式", "四.①Q样式", "A样式", "不显示编号", "1.题目"
    ]


def test_tables_grids_merged_cells_and_nested_tables(tmp_path):
    document = Document()
    grid = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["题号", "1", "2"], ["答案", "A", "√"]]):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "1、纵向合并的单元格里的题目是什么？"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "答：横向合并的答案。"
    table.cell(1, 1).add_table(rows=1, cols=1).cell(0, 0).text = "嵌套表格里的文字比较长"
    table.cell(1, 2).text = "备注"
    assert _lines(document, tmp_path) == [
        ("题号\t1\t2", 1), ("答案\tA\t√", 2),
        ("1、纵向合并的单元格里的题目是什么？", 3), ("答：横向合并的答案。", 4),
        ("", 5), ("嵌套表格里的文字比较长", 6), ("", 7), ("备注", 8),
    ]
