"""GB/T 9704-2012 (党政机关公文格式) page and style set-up for python-docx documents.

Used by ``scripts/build_docx_templates.py`` for the branch templates and meant
to be reused by every other document the toolkit writes (the committee's
汇总报告 included): call ``new_gbt9704_document()`` for a fresh document, or
``apply_gbt9704(doc)`` on one you already have, then write paragraphs with the
style names in ``STYLE`` (``STYLE.body``, ``STYLE.h1`` …) and tables with
``gbt9704_table(doc, headers, widths_mm)``.

Why styles and not direct formatting: a unit edits the templates in Word, and
a paragraph that carries its look in a named style keeps it when the text is
retyped. Chinese fonts are set as East Asian fonts (``w:eastAsia``) on every
style and every theme-font attribute is removed, because Word otherwise shows
Chinese text in the theme's default font whatever the Latin font says.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

# Page (GB/T 9704-2012 §5.2): A4, 版心 156 × 225 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FOOTER_DISTANCE_MM = 28  # puts the page number about 7 mm below the text block

FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE_NUMBER = "宋体"
# Digits and Latin letters: the usual choice in 公文 and present on every office PC.
FONT_LATIN = "Times New Roman"

SIZE_BODY = Pt(16)  # 三号
SIZE_TITLE = Pt(22)  # 二号
SIZE_PAGE_NUMBER = Pt(14)  # 四号
SIZE_TABLE = Pt(12)  # 小四
LINE_PITCH = Pt(28)  # fixed 28 pt: 22 lines per page
TABLE_LINE = Pt(20)
INDENT_2_CHARS = Pt(32)  # two characters of 16 pt text


@dataclass(frozen=True)
class _Styles:
    """Style names, Chinese so people editing the template in Word recognise them."""

    body: str = "Normal"
    title: str = "公文标题"
    addressee: str = "主送机关"
    h1: str = "一级标题"
    h2: str = "二级标题"
    h3: str = "三级标题"
    signature: str = "落款"
    table: str = "表格文字"
    table_header: str = "表格标题行"
    page_number: str = "页码"
    no_indent: str = "正文无缩进"
    # character styles, for a lead inside a body paragraph: 「（一）方面。」 in 楷体
    h2_run: str = "二级标题字符"
    h1_run: str = "一级标题字符"


STYLE = _Styles()


def new_gbt9704_document(*, landscape: bool = False):
    """A new python-docx Document with the GB/T 9704 page, styles and page numbers."""
    doc = Document()
    apply_gbt9704(doc, landscape=landscape)
    return doc


def apply_gbt9704(doc, *, landscape: bool = False) -> None:
    """Set the page, styles and the `— 1 —` footer of ``doc`` to GB/T 9704."""
    _strip_theme_fonts(doc)
    _doc_defaults(doc)
    _paragraph_styles(doc)
    for section in doc.sections:
        _page(section, landscape)
        _footer(doc, section)


# --- page ----------------------------------------------------------------------

def _page(section, landscape: bool) -> None:
    width, height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)


def _footer(doc, section) -> None:
    """`— 1 —` in 宋体 四号 through a PAGE field, so Word numbers every page."""
    footer = section.footer
    footer.is_linked_to_previous = False
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for run in list(para.runs):
        run._r.getparent().remove(run._r)
    para.style = doc.styles[STYLE.page_number]
    para.add_run("— ")
    add_field(para, "PAGE", "1")
    para.add_run(" —")


def add_field(para, instruction: str, shown: str, *, dirty: bool = False) -> None:
    def run_with(child):
        r = para.add_run()
        r._r.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    if dirty:  # Word recomputes the field on open instead of trusting the shown value
        begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    para.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# --- fonts and styles ---------------------------------------------------------------

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _strip_theme_fonts(doc) -> None:
    """Theme fonts win over explicit ones in Word: remove every theme attribute."""
    root = doc.styles.element
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)


def set_fonts(rpr_owner, east_asia: str, latin: str = FONT_LATIN) -> None:
    """Write all four font slots on a style's or run's rPr (eastAsia is the one Word uses for Chinese)."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _doc_defaults(doc) -> None:
    root = doc.styles.element
    defaults = root.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(slot), FONT_LATIN)
    rfonts.set(qn("w:eastAsia"), FONT_BODY)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH):
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, kind)
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            style.base_style = doc.styles["Normal"]
        style.quick_style = True
        return style


def _paragraph(style, *, font: str, size, bold: bool = False, align=WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
               indent=INDENT_2_CHARS, line=LINE_PITCH, outline: int | None = None) -> None:
    set_fonts(style.element, font)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = None
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    pf.first_line_indent = indent if indent is not None else Pt(0)
    pf.left_indent = Pt(0)
    pf.widow_control = False
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    # firstLineChars keeps the indent at two characters even if the font size changes
    if indent:
        ind.set(qn("w:firstLineChars"), "200")
    elif ind is not None:
        ind.set(qn("w:firstLineChars"), "0")
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)


def _paragraph_styles(doc) -> None:
    center, right = WD_PARAGRAPH_ALIGNMENT.CENTER, WD_PARAGRAPH_ALIGNMENT.RIGHT
    _paragraph(doc.styles["Normal"], font=FONT_BODY, size=SIZE_BODY)
    _paragraph(_style(doc, STYLE.title), font=FONT_TITLE, size=SIZE_TITLE, align=center, indent=None)
    _paragraph(_style(doc, STYLE.addressee), font=FONT_BODY, size=SIZE_BODY, indent=None)
    _paragraph(_style(doc, STYLE.no_indent), font=FONT_BODY, size=SIZE_BODY, indent=None)
    _paragraph(_style(doc, STYLE.h1), font=FONT_H1, size=SIZE_BODY, outline=0)
    _paragraph(_style(doc, STYLE.h2), font=FONT_H2, size=SIZE_BODY, outline=1)
    _paragraph(_style(doc, STYLE.h3), font=FONT_BODY, size=SIZE_BODY, bold=True, outline=2)
    sig = _style(doc, STYLE.signature)
    _paragraph(sig, font=FONT_BODY, size=SIZE_BODY, align=right, indent=None)
    sig.paragraph_format.right_indent = INDENT_2_CHARS
    _paragraph(_style(doc, STYLE.table), font=FONT_BODY, size=SIZE_TABLE, indent=None, line=TABLE_LINE,
               align=WD_PARAGRAPH_ALIGNMENT.LEFT)
    _paragraph(_style(doc, STYLE.table_header), font=FONT_H1, size=SIZE_TABLE, indent=None,
               line=TABLE_LINE, align=center)
    page = _style(doc, STYLE.page_number)
    _paragraph(page, font=FONT_PAGE_NUMBER, size=SIZE_PAGE_NUMBER, align=center, indent=None,
               line=None)
    set_fonts(page.element, FONT_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    page.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for name, font in ((STYLE.h2_run, FONT_H2), (STYLE.h1_run, FONT_H1)):
        char = _style(doc, name, WD_STYLE_TYPE.CHARACTER)
        set_fonts(char.element, font)


# --- tables --------------------------------------------------------------------------

def gbt9704_table(doc, headers: list[str], widths_mm: list[float]):
    """A bordered table whose first row repeats on every page, in the table styles."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    header = table.rows[0]
    repeat_header(header)
    for cell, text, width in zip(header.cells, headers, widths_mm):
        cell.width = Mm(width)
        para = cell.paragraphs[0]
        para.style = doc.styles[STYLE.table_header]
        para.add_run(text)
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    return table


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _fixed_layout(table) -> None:
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
