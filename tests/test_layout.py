"""GB/T 9704 layout, checked where it shows: in the PDF LibreOffice makes, and in the docx.

One soffice batch converts the three documents of two sample branches; the
checks read them with pdftotext and pdffonts (tests/pdf_check.py).
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from docx import Document

from tests.pdf_check import body_line_lengths, lost_punctuation, pdf_fonts, pdf_text
from tests.render_helpers import NS, part_xml, sample_content, write_workbook
from toolkit.core import sample_data
from toolkit.io.pdf import convert_to_pdf
from toolkit.workflows.branch import render_workbook
from toolkit.writers.docx_format import GRID_CHAR_SPACE, GRID_LINE_TWIPS, STYLE, text_width_chars

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                                reason="needs LibreOffice and poppler-utils")
W = "{" + NS["w"] + "}"
BRANCH_IDS = sorted(sample_data.BRANCHES)[:2]
DOCS = ("情况报告", "对照检查材料", "整改清单")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """{(branch, document): (docx, pdf)} and the time just before rendering."""
    base = tmp_path_factory.mktemp("layout")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    docs = {}
    for bid in BRANCH_IDS:
        book = write_workbook(sample_content(bid), base / f"{bid}.xlsx")
        result = render_workbook(book, base / bid)
        assert result.report.ok
        docs.update({(bid, d): p for d, p in zip(DOCS, result.docx)})
    pdfs = convert_to_pdf(list(docs.values()), base / "pdf")
    return {k: (d, p) for (k, d), p in zip(docs.items(), pdfs)}, before


CASES = [(b, d) for b in BRANCH_IDS for d in DOCS]


@pytest.mark.parametrize("key", CASES)
def test_no_punctuation_lost_in_pdf(made, key):
    docx, pdf = made[0][key]
    assert lost_punctuation(docx, pdf) == {}


@pytest.mark.parametrize("key", [k for k in CASES if k[1] != "整改清单"])
def test_full_body_line_holds_28_characters(made, key):
    _, pdf = made[0][key]
    lengths = body_line_lengths(pdf)
    assert max(lengths) <= 28.5  # a line-end mark may hang past the 28th cell
    assert sum(1 for n in lengths if n >= 27) >= 5  # full lines are 28, not 27 or 14


@pytest.mark.parametrize("key", CASES)
def test_fonts_are_the_mapped_substitutes(made, key):
    _, pdf = made[0][key]
    fonts = pdf_fonts(pdf)
    assert not [f for f in fonts if "DejaVu" in f or "UMing" in f], fonts
    assert any(f.startswith("NotoSerifCJK") and "Bold" not in f for f in fonts), fonts  # 仿宋 body
    assert any(f.startswith("NotoSerifCJK") and "Bold" in f for f in fonts), fonts  # 小标宋 title
    assert any(f.startswith("NotoSansCJK") for f in fonts), fonts  # 黑体 一、 heads / 附件
    if key[1] == "对照检查材料":
        assert any("UKai" in f for f in fonts), fonts  # 楷体 （一） leads


def test_document_grid_and_page_number(made):
    docx, pdf = made[0][(BRANCH_IDS[0], "情况报告")]
    grid = part_xml(docx, "word/document.xml").find(".//w:body/w:sectPr/w:docGrid", NS)
    assert grid.get(W + "type") == "linesAndChars"
    assert int(grid.get(W + "linePitch")) == GRID_LINE_TWIPS == 579
    assert int(grid.get(W + "charSpace")) == GRID_CHAR_SPACE < 0
    # page number: "— N —", odd pages right and even pages left, its top ~7 mm below the 版心
    bbox = pdf_text(pdf, "-bbox")
    text_bottom_pt = (297 - 35) / 25.4 * 72
    pages = bbox.split("<page ")[1:]
    assert len(pages) >= 2
    for number, page in enumerate(pages[:2], start=1):
        dashes = [w for w in page.splitlines() if ">—</word>" in w]
        assert dashes, number
        y = float(dashes[0].split('yMin="')[1].split('"')[0])
        x = float(dashes[0].split('xMin="')[1].split('"')[0])
        assert 5.5 <= (y - text_bottom_pt) / 72 * 25.4 <= 8.5
        assert (x > 297) == (number % 2 == 1)


@pytest.mark.parametrize("doc", ("情况报告", "对照检查材料"))
def test_signature_block_per_gbt(made, doc):
    docx, _ = made[0][(BRANCH_IDS[0], doc)]
    d = Document(str(docx))
    sig = [p for p in d.paragraphs if p.style.name == STYLE.signature]
    org, date = sig
    # without a seal: organisation first, the date's first character two characters right of it
    cell = 442.2 / 28
    shift = (date.paragraph_format.left_indent.pt - org.paragraph_format.left_indent.pt) / cell
    assert abs(shift - 2) < 0.01
    right = 28 - org.paragraph_format.left_indent.pt / cell - text_width_chars(org.text)
    assert right >= 1.99 and (abs(right - 2) < 0.01 or
                              abs(28 - date.paragraph_format.left_indent.pt / cell
                                  - text_width_chars(date.text) - 2) < 0.01)
    # kept with the last body lines: everything from the last text paragraph down is keep-with-next
    el = org._p
    assert el.find("w:pPr/w:keepNext", NS) is not None
    el = el.getprevious()
    while not "".join(t.text or "" for t in el.iter(W + "t")).strip() or \
            "".join(t.text or "" for t in el.iter(W + "t")).startswith("附件"):
        assert el.find("w:pPr/w:keepNext", NS) is not None
        el = el.getprevious()
    assert el.find("w:pPr/w:keepNext", NS) is not None


def test_report_names_its_attachment_and_list_is_one(made):
    _docx, pdf = made[0][(BRANCH_IDS[0], "情况报告")]
    assert "附件：整改清单" in pdf_text(pdf, "-raw")
    listing, list_pdf = made[0][(BRANCH_IDS[0], "整改清单")]
    first = Document(str(listing)).paragraphs[0]
    assert first.text == "附件" and first.style.name == STYLE.attachment
    assert pdf_text(list_pdf, "-raw").lstrip().startswith("附件")


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_list_rows_grouped_and_problem_cells_merged(made, bid):
    docx, pdf = made[0][(bid, "整改清单")]
    table = Document(str(docx)).tables[0]
    rows = table._tbl.findall(W + "tr")[1:]
    seen, last = [], None
    for tr in rows:
        cell = tr.findall(W + "tc")[2]
        merge = cell.find("w:tcPr/w:vMerge", NS)
        text = "".join(t.text or "" for t in cell.iter(W + "t"))
        if merge is not None and merge.get(W + "val") == "continue":
            assert text == "" and last is not None
        else:
            assert text not in seen, f"problem {text} split over non-adjacent rows"
            seen.append(text)
            last = text
    # dates and names are never broken across lines in the PDF
    raw = pdf_text(pdf, "-raw")
    assert not [line for line in raw.splitlines() if line.strip().endswith(("年", "月")) and "20" in line]


@pytest.mark.parametrize("key", CASES)
def test_document_properties_are_its_own(made, key):
    docx, _ = made[0][key]
    d = Document(str(docx))
    props = d.core_properties
    title = next(p for p in d.paragraphs if p.style.name == STYLE.title)
    assert props.author == sample_data.BRANCHES[key[0]]["基本信息"]["党组织名称"]
    assert props.title == "".join(title.text.split())
    created = props.created if props.created.tzinfo else props.created.replace(tzinfo=dt.UTC)
    assert created >= made[1]
    assert props.comments == ""


# --- the printed 汇总表 --------------------------------------------------------------------

@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    from toolkit.app.cli import main

    base = tmp_path_factory.mktemp("collect")
    inbox = base / "回收"
    inbox.mkdir()
    for bid in sorted(sample_data.BRANCHES):
        write_workbook(sample_content(bid), inbox / f"{bid}.xlsx")
    out = base / "汇总"
    main(["collect", str(inbox), "-o", str(out), "--jobs", "1", "--as-of", "2023-10-15", "--pdf"])
    return out


def test_committee_report_pdf_keeps_every_mark_and_the_fonts(collected):
    docx, pdf = collected / "汇总报告.docx", collected / "汇总报告.pdf"
    assert lost_punctuation(docx, pdf) == {}
    assert max(body_line_lengths(pdf)) <= 28.5
    fonts = pdf_fonts(pdf)
    assert not [f for f in fonts if "DejaVu" in f], fonts
    assert any(f.startswith("NotoSerifCJK") for f in fonts), fonts
    props = Document(str(docx)).core_properties
    assert props.author and props.author != "python-docx" and props.title.endswith("报告")


def test_every_summary_sheet_prints_one_page_wide_with_its_header(collected):
    import openpyxl

    book = openpyxl.load_workbook(collected / "汇总表.xlsx")
    for ws in book.worksheets:
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title  # 1 is the default, left out
        assert setup.paperSize in (8, 9), ws.title  # A3 or A4
        assert "&P" in (ws.oddFooter.right.text or ""), ws.title
        if ws.title == "总览":
            assert setup.orientation == "landscape"
            continue
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
        widths = sum(ws.column_dimensions[c].width or 8 for c in ws.column_dimensions)
        if widths > 100:
            assert setup.orientation == "landscape", ws.title
    ledger = book["整改总台账"]
    long_cells = [c for row in ledger.iter_rows(min_row=2) for c in row
                  if isinstance(c.value, str) and len(c.value) > 20]
    assert long_cells and all(c.alignment.wrap_text for c in long_cells)


def test_chart_labels_print_at_9_pt_or_more(collected):
    import re
    import zipfile

    with zipfile.ZipFile(collected / "汇总表.xlsx") as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert charts
    # 总览 prints at 145/175 of its size (docx_format-free: see consolidate.OVERVIEW_UNITS)
    from toolkit.writers.consolidate import _A4_LANDSCAPE_UNITS, OVERVIEW_UNITS

    scale = min(1.0, _A4_LANDSCAPE_UNITS / OVERVIEW_UNITS)
    for xml in charts:
        sizes = [int(s) / 100 for s in re.findall(r'<a:defRPr[^>]* sz="(\d+)"', xml)]
        assert sizes and min(sizes) * scale >= 9 - 0.01


@pytest.mark.parametrize("key", [k for k in CASES if k[1] != "整改清单"])
def test_signature_never_alone_on_the_last_page(made, key):
    _, pdf = made[0][key]
    last = pdf_text(pdf, "-raw").split("\f")
    last = [page for page in last if page.strip()][-1]
    lines = [ln.strip() for ln in last.splitlines() if ln.strip() and not ln.strip().startswith("—")]
    # besides the organisation and the date, at least the end of the body (or 附件) is on it
    assert len(lines) >= 4, lines
