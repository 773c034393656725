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

import datetime as dt
import functools
import math
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

# Page (GB/T 9704-2012 §5.2): A4, 版心 156 × 225 mm.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225
# GB/T 9704 §5.2.2: 22 lines of 28 characters on every page. Word's 公文 templates
# say so with a document grid (w:docGrid type linesAndChars): linePitch is the
# line height in twips, charSpace how much narrower than the 16 pt default font
# each character cell is, in 1/4096 pt; Word's page set-up then shows 22 × 28.
# A full line of plain 16 pt characters (28 × 16 = 448 pt) does not fit the 442 pt
# 版心: it holds 27, and LibreOffice lost the line-end mark that hung past it.
#
# LibreOffice (7.4) lays the grid out differently from Word: a 16 pt character
# does not fit a 15.79 pt cell, so it takes two and a line holds 14. The body
# therefore does not snap to the grid (w:snapToGrid 0, in Word too) and reaches
# 28 characters by condensing each by 0.25 pt, the same pitch the grid gives in
# Word. Body text is left-aligned: 28 full-width characters fill the line anyway,
# and LibreOffice drops a line-end mark that hangs past a justified line
# ("之间、" printed as "之间"), while it prints one hanging past a left-aligned line.
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
GRID_LINE_TWIPS = int(TEXT_HEIGHT_MM / 25.4 * 1440 / LINES_PER_PAGE)  # 579
CHAR_PITCH_PT = TEXT_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE  # 15.79 pt
GRID_CHAR_SPACE = math.floor((CHAR_PITCH_PT - 16) * 4096)  # -848: 28 cells fit, never 27
BODY_CONDENSE_TWENTIETHS = -5  # 16 pt - 0.25 pt = 15.75 pt a character: 28 × 15.75 ≤ 442 pt
# The page number's top sits 7 mm below the 版心 (§7.5): the footer paragraph
# is one exact 四号 line, so its bottom is 35 - 7 - 5 mm from the page edge.
PAGE_NUMBER_GAP_MM = 7

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
PAGE_NUMBER_LINE = Pt(14)
FOOTER_DISTANCE_MM = MARGINS_MM["bottom"] - PAGE_NUMBER_GAP_MM - 14 * 25.4 / 72  # 23.1
LINE_PITCH = Pt(28)  # fixed 28 pt: 22 lines a page (a 23rd would need 644 pt of the 638)
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
    attachment: str = "附件标识"  # "附件" top left of an attachment, 黑体 三号


STYLE = _Styles()


def new_gbt9704_document(*, landscape: bool = False):
    """A new python-docx Document with the GB/T 9704 page, styles and page numbers."""
    doc = Document()
    apply_gbt9704(doc, landscape=landscape)
    # not python-docx's own ("python-docx", 2013): a writer that knows its title and
    # 党组织 calls finish_document or set_properties before saving
    set_properties(doc, title="", author="")
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
    _doc_grid(section, landscape)


def _doc_grid(section, landscape: bool) -> None:
    """22 lines × 28 characters on a portrait page; the landscape tables keep free lines."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in ("w:type", "w:linePitch", "w:charSpace"):
        grid.attrib.pop(qn(attr), None)
    if landscape:
        grid.set(qn("w:linePitch"), str(GRID_LINE_TWIPS))
        return
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(GRID_LINE_TWIPS))
    grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))


def _footer(doc, section) -> None:
    """`— 1 —` in 宋体 四号 through a PAGE field, so Word numbers every page.

    GB/T 9704 §7.5: 单页码居右空一字、双页码居左空一字 — odd pages carry the
    number at the right, even pages at the left, one character in from the edge
    of the 版心 (the document's settings turn on distinct odd/even footers).
    """
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT),
                          (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT)):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for run in list(para.runs):
            run._r.getparent().remove(run._r)
        para.style = doc.styles[STYLE.page_number]
        para.alignment = align
        if align == WD_PARAGRAPH_ALIGNMENT.RIGHT:
            para.paragraph_format.right_indent = SIZE_PAGE_NUMBER
        else:
            para.paragraph_format.left_indent = SIZE_PAGE_NUMBER
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
    # The grid's charSpace is counted from the default font size: make that the
    # body's 16 pt, so Word and LibreOffice both get 28 cells a line.
    previous = rfonts
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            previous.addnext(size)
        size.set(qn("w:val"), str(int(SIZE_BODY.pt * 2)))
        previous = size
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


def _paragraph(style, *, font: str, size, bold: bool = False, align=WD_PARAGRAPH_ALIGNMENT.LEFT,
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
    _condense(doc.styles["Normal"])
    _no_snap(doc.styles["Normal"])
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
               line=PAGE_NUMBER_LINE)
    set_fonts(page.element, FONT_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    _attachment_style(doc)
    # Larger or smaller than the 16 pt grid cell: laid out on their own, not snapped
    # to the grid (a 22 pt title would take two cells a character, a table line 29 pt).
    for name in (STYLE.title, STYLE.table, STYLE.table_header, STYLE.page_number):
        _no_snap(doc.styles[name])
    for name, font in ((STYLE.h2_run, FONT_H2), (STYLE.h1_run, FONT_H1)):
        char = _style(doc, name, WD_STYLE_TYPE.CHARACTER)
        set_fonts(char.element, font)


def _attachment_style(doc) -> None:
    _paragraph(_style(doc, STYLE.attachment), font=FONT_H1, size=SIZE_BODY, indent=None,
               align=WD_PARAGRAPH_ALIGNMENT.LEFT)


def _condense(style) -> None:
    """Character spacing of the body: see BODY_CONDENSE_TWENTIETHS."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(BODY_CONDENSE_TWENTIETHS))
    # schema order: spacing comes before w, kern, position, sz
    anchor = next((c for c in rpr if c.tag in {qn("w:w"), qn("w:kern"), qn("w:position"), qn("w:sz"),
                                               qn("w:szCs"), qn("w:lang")}), None)
    if anchor is not None:
        anchor.addprevious(spacing)
    else:
        rpr.append(spacing)


def _no_snap(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:snapToGrid")):
        ppr.remove(old)
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    # schema order: snapToGrid comes before spacing/ind/jc
    anchor = next((c for c in ppr if c.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc"),
                                               qn("w:outlineLvl")}), None)
    if anchor is not None:
        anchor.addprevious(snap)
    else:
        ppr.append(snap)


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


# --- finishing a written document ---------------------------------------------------------

def finish_document(doc, *, author: str = "", title: str | None = None,
                    created: dt.datetime | None = None) -> None:
    """What a filled-in document needs besides its text: its own properties and a GB/T 落款.

    ``title`` defaults to the text of the first 公文标题 paragraph; ``author`` is
    the 党组织 the document speaks for; ``created`` defaults to now.
    """
    ids = style_ids(doc.styles.element)
    finish_parts(doc.element, doc.core_properties, ids, author=author, title=title, created=created)


def style_ids(styles_element) -> dict[str, str]:
    """{style name: style id} of a styles part (python-docx's lookup, without its objects)."""
    out = {}
    for s in styles_element.iterchildren(qn("w:style")):
        name = s.find(qn("w:name"))
        if name is not None:
            out.setdefault(name.get(qn("w:val")), s.get(qn("w:styleId")))
    return out


def finish_parts(document_element, core_properties, ids: dict[str, str], *, author: str = "",
                 title: str | None = None, created: dt.datetime | None = None) -> None:
    """``finish_document`` on the parts themselves: the document element and its core properties.

    The render engine fills templates without a python-docx ``Document`` (opening
    one per file was most of a render's time); it finishes them through this.
    """
    found = finish_body(document_element, ids)
    set_core_properties(core_properties, title=found if title is None else title, author=author, created=created)


def finish_body(document_element, ids: dict[str, str]) -> str:
    """Lay out the 落款 of a filled document; its title (the first 公文标题 paragraph's text)."""
    body = document_element.find(qn("w:body"))
    title = _title_text(body, ids.get(STYLE.title))
    _place_signature(body, ids.get(STYLE.signature))
    return title


def set_properties(doc, *, title: str, author: str, created: dt.datetime | None = None) -> None:
    """The document's own properties, not python-docx's ("python-docx", 2013)."""
    set_core_properties(doc.core_properties, title=title, author=author, created=created)


def utc_naive(created: dt.datetime | None = None) -> dt.datetime:
    """The time a document is stamped with: ``created`` or now, in UTC without a zone (as python-docx writes it)."""
    when = created or dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:  # python-docx writes the value as UTC ("…Z")
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def set_core_properties(props, *, title: str, author: str, created: dt.datetime | None = None) -> None:
    when = utc_naive(created)
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.created = props.modified = when
    props.revision = 1


def _title_text(body, title_id: str | None) -> str:
    if title_id is None or body is None:
        return ""
    for p in body.iterchildren(qn("w:p")):
        if _style_of(p) == title_id:
            text = "".join(Paragraph(p, None).text.split())
            if text:
                return text
    return ""


def text_width_chars(text: str) -> float:
    """Width in full-width characters: digits and Latin letters are half a character."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def place_signature(doc) -> None:
    """Lay out the 落款 as GB/T 9704 §7.3.5.2 has it for a document without a seal.

    The organisation ends two characters in from the right edge and the date's
    first character stands two characters right of the organisation's first;
    when the date is the longer line, the date keeps the two characters and the
    organisation moves left to stay two characters ahead of it. Both are set
    as left indents in character cells, so the relation holds on the grid
    whatever the lengths. The 落款 also keeps with the last lines above it, so
    it never stands alone at the top of a page.
    """
    _place_signature(doc.element.body, style_ids(doc.styles.element).get(STYLE.signature))


@functools.lru_cache(maxsize=32)
def _grid(sect_pr: bytes) -> tuple[int, float]:
    """(character cells a line holds, cell width in pt) of a section, by its XML (the same for every file)."""
    section = Section(parse_xml(sect_pr), None)
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    pitch = CHAR_PITCH_PT if section.orientation == 0 else SIZE_BODY.pt
    return int(width_pt // pitch), pitch


_W_PPR, _W_PSTYLE, _W_VAL, _W_SECTPR = qn("w:pPr"), qn("w:pStyle"), qn("w:val"), qn("w:sectPr")


def _style_of(p) -> str | None:
    """A paragraph's style id (CT_P.style, without python-docx's element lookups)."""
    ppr = p.find(_W_PPR)
    node = ppr.find(_W_PSTYLE) if ppr is not None else None
    return None if node is None else node.get(_W_VAL)


def _last_sect_pr(body):
    """The last w:sectPr in document order (python-docx's doc.sections[-1]); usually the body's last child."""
    if len(body) and body[-1].tag == _W_SECTPR:
        return body[-1]
    found = body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr")
    return found[-1] if found else None


def _place_signature(body, sig_id: str | None) -> None:
    if sig_id is None or body is None:
        return
    paras = list(body.iterchildren(qn("w:p")))
    sig = [i for i, p in enumerate(paras) if _style_of(p) == sig_id]
    if len(sig) < 2 or sig[1] != sig[0] + 1:
        return
    org, date = paras[sig[0]], paras[sig[0] + 1]
    sect_pr = _last_sect_pr(body)
    if sect_pr is None:
        return
    cells, pitch = _grid(etree.tostring(sect_pr))
    o = text_width_chars(Paragraph(org, None).text.strip())
    d = text_width_chars(Paragraph(date, None).text.strip())
    org_left = max(0.0, min(cells - 2 - o, cells - 4 - d))
    for p, left in ((org, org_left), (date, org_left + 2)):
        _indent_left(p, Pt(round(left * pitch, 2)))
    keep = _ppr_child(_ppr(org), "w:keepNext")  # keep_with_next = True: python-docx drops a w:val
    keep.attrib.pop(qn("w:val"), None)
    _keep_with_previous_text(org)


# What python-docx's ParagraphFormat setters do (alignment, left/right/first-line indent,
# keep_with_next), done on the XML directly: the 落款 of every document of a render is laid
# out this way, and python-docx's element lookups were a fifth of the render's time.
# The order of w:pPr's children (ECMA-376 CT_PPrBase, as python-docx's CT_PPr declares it).
_PPR_SEQUENCE = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_PPR_ORDER = {qn(f"w:{tag}"): rank for rank, tag in enumerate(_PPR_SEQUENCE)}


def _ppr(p):
    """The paragraph's w:pPr, added as its first child when missing (CT_P.get_or_add_pPr)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    return ppr


def _ppr_child(ppr, tag: str):
    """The w:pPr child ``tag``, added before the first later one in schema order when missing."""
    name = qn(tag)
    found = ppr.find(name)
    if found is not None:
        return found
    child = OxmlElement(tag)
    rank = _PPR_ORDER[name]
    later: dict[int, Any] = {}
    for c in ppr:
        r = _PPR_ORDER.get(c.tag)
        if r is not None and r > rank:
            later.setdefault(r, c)
    if later:
        later[min(later)].addprevious(child)
    else:
        ppr.append(child)
    return child


def _indent_left(p, left: Length) -> None:
    """alignment LEFT, left_indent ``left``, right and first-line indent 0 (ParagraphFormat's setters)."""
    ppr = _ppr(p)
    _ppr_child(ppr, "w:jc").set(qn("w:val"), "left")
    ind = _ppr_child(ppr, "w:ind")
    ind.set(qn("w:left"), str(left.twips))
    ind.set(qn("w:right"), "0")
    ind.attrib.pop(qn("w:firstLine"), None)
    ind.attrib.pop(qn("w:hanging"), None)
    ind.set(qn("w:firstLine"), "0")


def _keep_with_previous_text(org) -> None:
    """keep-with-next from the last body lines (and an 附件 line) down to the paragraph ``org``."""
    el = org.getprevious()
    while el is not None:
        if el.tag == qn("w:tbl"):
            rows = el.findall(qn("w:tr"))
            if rows:
                for p in rows[-1].iter(qn("w:p")):
                    _keep_next(p)
            return
        if el.tag != qn("w:p"):
            return
        _keep_next(el)
        text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
        if text and not text.startswith("附件"):
            # the last body paragraph: at least two of its lines go with the 落款
            ppr = _ppr(el)
            widow = ppr.find(qn("w:widowControl"))
            if widow is None:
                _ppr_child(ppr, "w:widowControl")
            else:
                widow.set(qn("w:val"), "1")
            return
        el = el.getprevious()


def _keep_next(p) -> None:
    _ppr_child(_ppr(p), "w:keepNext")


# --- page count -----------------------------------------------------------------------------

_PAGE_HEIGHT_PT = TEXT_HEIGHT_MM / 25.4 * 72  # 637.8: 22 lines of 28 pt
_TITLE_CHARS = int(TEXT_WIDTH_MM / 25.4 * 72 // SIZE_TITLE.pt)  # 20 characters of 22 pt a line
_INDENTED = {"Normal", STYLE.h1, STYLE.h2, STYLE.h3}


def estimate_pages(doc) -> int:
    """How many pages a portrait document in these styles fills, without laying it out.

    Every body line is 28 pt of a 637.8 pt page and holds 28 characters (digits
    count half), a title line 20 characters; a page break before a paragraph
    starts a new page. The contents page of a 情况报告汇编 writes its page numbers
    from this, so that Word shows them without updating fields; LibreOffice
    recomputes them anyway, and tests compare the two on the demo's PDFs.
    """
    styles = {s.get(qn("w:styleId")): s.find(qn("w:name")).get(qn("w:val"))
              for s in doc.styles.element.iterchildren(qn("w:style")) if s.find(qn("w:name")) is not None}
    pages, used = 1, 0.0
    for el in doc.element.body.iterchildren():
        heights: list[float] = []
        if el.tag == qn("w:p"):
            node = el.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            name = styles.get(node.get(qn("w:val")) if node is not None else "Normal", "Normal")
            if el.find(qn("w:pPr") + "/" + qn("w:pageBreakBefore")) is not None and used:
                pages, used = pages + 1, 0.0
            heights = [LINE_PITCH.pt] * _paragraph_lines(el, name)
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                text = max((_text(tc) for tc in tr.iter(qn("w:tc"))), key=len, default="")
                heights.append(TABLE_LINE.pt * max(1, math.ceil(text_width_chars(text) / 12)) + 4)
        for h in heights:
            if used + h > _PAGE_HEIGHT_PT + 0.5:
                pages, used = pages + 1, 0.0
            used += h
    return pages


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _paragraph_lines(p, style_name: str) -> int:
    per_line = _TITLE_CHARS if style_name == STYLE.title else CHARS_PER_LINE
    indent = 2 if style_name in _INDENTED else 0
    lines, segment = 0, ""
    for node in p.iter(qn("w:t"), qn("w:br")):
        if node.tag == qn("w:br"):
            lines += max(1, math.ceil((indent + text_width_chars(segment)) / per_line))
            segment, indent = "", 0
        else:
            segment += node.text or ""
    return lines + max(1, math.ceil((indent + text_width_chars(segment)) / per_line))
