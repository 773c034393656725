"""Collected branches -> 情况报告汇编.docx, one book of every usable branch's 情况报告.

The committee files the branches' reports together: a title page, a contents
page, then each branch's 情况报告 starting on a new page, in the order of
支部情况, numbered `— N —` straight through. Only branches whose workbook was
汇总 without errors go in (a report rendered from a workbook with errors would
print the errors as fact); the others are listed in ``BookResult.omitted``.

The collect step keeps only what the summary needs from each workbook, so the
book reads the used workbooks again. Worker processes read and render the
branches a chunk at a time and join each chunk into one file on disk; once
all are done (the contents page must know who is in), this process joins the
chunk files into the book one at a time. No more than a few chunks'
workbooks are in memory at once; the book itself is (for 1,000 branches the
book adds about 80 MB to this process; 350 MB peak with the workers).

Joining: every report comes from the same template as the book, so a report
holding only paragraphs and tables in the template's styles is moved in as it
is. Anything else (numbering, pictures, notes, fields tied to document
properties, extra sections: a template edited later might bring them) goes
through docxcompose, which knows how to carry those over but costs about
0.5 ms per paragraph.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree

from toolkit.committee.model import DONE, BookResult, CollectResult
from toolkit.core.values import format_date
from toolkit.io.fsutil import atomic_path, ensure_dir
from toolkit.writers.docx_format import (
    CHARS_PER_LINE,
    LINES_PER_PAGE,
    MARGINS_MM,
    PAGE_WIDTH_MM,
    STYLE,
    add_field,
    estimate_pages,
    set_properties,
    text_width_chars,
)

BOOK_NAME = "情况报告汇编"
REPORT_TEMPLATE = "情况报告.docx"
# Branches per worker task: big enough that starting a task costs little, small
# enough that docxcompose, which slows down as its document grows (25 documents
# 0.6 s, 100 documents 5.3 s), stays fast when a template needs it.
CHUNK = 25
BOOKMARK = "_orglife_branch_{:05d}"  # leading underscore: hidden in Word's bookmark list


@dataclass
class _Entry:
    index: int  # position in the book (1-based), also the bookmark number
    path: str
    shown: str
    name: str
    pages: int = 0  # pages its report fills (docx_format.estimate_pages), for the contents page


def title_lines(cycle_info: dict) -> list[str]:
    """<上级党组织> / <年度><会议类型> / 各党支部情况报告汇编: one line each on the title page."""
    superior = str(cycle_info.get("superior") or "").strip()
    year = cycle_info.get("year")
    meeting = str(cycle_info.get("meeting_type") or "组织生活会").strip()
    return [line for line in (superior, f"{f'{year}年度' if year else ''}{meeting}", "各党支部情况报告汇编") if line]


def book_title(cycle_info: dict) -> str:
    return "".join(title_lines(cycle_info))


def entries(result: CollectResult) -> tuple[list[_Entry], list[tuple[str, str]]]:
    """The branches that go into the book (in 支部情况 order) and those left out with why."""
    by_shown = {f.shown: f for f in result.files}
    chosen: list[_Entry] = []
    omitted: list[tuple[str, str]] = []
    for rec in result.branches:
        f = by_shown.get(rec.file)
        name = rec.org_name or rec.branch_id or rec.file
        if rec.via:  # came inside a lower committee's 汇总表: its book is that committee's
            omitted.append((name, f"由下级党组织汇总表 {rec.via} 报送，情况报告收入该党组织的汇编"))
            continue
        if f is None or f.outcome != DONE:
            omitted.append((name, f"填报表有 {rec.errors} 个错误（{rec.file}），改正后重新汇总才能收入"))
            continue
        chosen.append(_Entry(index=len(chosen) + 1, path=f.path, shown=rec.file, name=name))
    return chosen, omitted


# --- one chunk (runs in a worker process) ---------------------------------------

def _render_chunk(task: tuple[int, list[_Entry], str]) -> tuple[str | None, list[_Entry], list[tuple[str, str]], int]:
    """Render and join a chunk of branches; (chunk file or None, entries included, omitted, docxcompose joins)."""
    from docx import Document

    from toolkit.branch.context import build_context
    from toolkit.branch.validate import check_file
    from toolkit.errors import WorkbookError
    from toolkit.writers.render import TEMPLATE_DIR, render_docx

    number, chunk, folder = task
    joiner = None
    included: list[_Entry] = []
    omitted: list[tuple[str, str]] = []
    scratch = Path(folder) / f"branch_{number:05d}.docx"
    for entry in chunk:
        # The file was read once already; it can have changed or gone since.
        try:
            branch, report = check_file(entry.path)
        except WorkbookError as exc:
            omitted.append((entry.name, f"汇总后无法再次读取填报表（{exc}）"))
            continue
        if report.errors:
            omitted.append((entry.name, f"汇总后填报表被修改，现有 {len(report.errors)} 个错误"))
            continue
        render_docx(TEMPLATE_DIR / REPORT_TEMPLATE, build_context(branch), scratch)
        doc = Document(str(scratch))
        entry.pages = estimate_pages(doc)
        _mark_start(doc, entry.index)
        if joiner is None:
            joiner = _Joiner(doc)
        else:
            joiner.append(doc)
        included.append(entry)
    scratch.unlink(missing_ok=True)
    if joiner is None:
        return None, included, omitted, 0
    out = Path(folder) / f"chunk_{number:05d}.docx"
    joiner.book.save(str(out))
    return str(out), included, omitted, joiner.composed


def _mark_start(doc, index: int) -> None:
    """New page before the branch's first paragraph, and a bookmark the contents page points at."""
    first = doc.paragraphs[0]
    first.paragraph_format.page_break_before = True
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(index))
    start.set(qn("w:name"), BOOKMARK.format(index))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(index))
    ppr = first._p.pPr
    at = 1 if ppr is not None else 0
    first._p.insert(at, start)
    first._p.insert(at + 1, end)


# --- title and contents pages -----------------------------------------------------

def _book_master(result: CollectResult, included: list[_Entry]):
    """The 情况报告 template emptied, with the title and contents pages in it.

    Starting from the template the branches were rendered from gives the book
    the very styles, page set-up and `— N —` footer of every branch report, so
    chunks can be joined without translating anything.
    """
    from docx import Document

    from toolkit.writers.render import TEMPLATE_DIR

    doc = Document(str(TEMPLATE_DIR / REPORT_TEMPLATE))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.sections[0].different_first_page_header_footer = True  # no page number on the title page
    set_properties(doc, title=book_title(result.cycle_info),
                   author=str(result.cycle_info.get("superior") or "").strip())
    for _ in range(4):
        doc.add_paragraph("", style=STYLE.no_indent)
    for line in title_lines(result.cycle_info):
        doc.add_paragraph(line, style=STYLE.title)
    for _ in range(10):
        doc.add_paragraph("", style=STYLE.no_indent)
    para = doc.add_paragraph(format_date(result.as_of), style=STYLE.no_indent)  # the date the figures stand at
    para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER

    heading = doc.add_paragraph("目　　录", style=STYLE.title)
    heading.paragraph_format.page_break_before = True
    doc.add_paragraph("", style=STYLE.no_indent)
    if not included:
        doc.add_paragraph("（本次没有可以收入汇编的支部情况报告。）", style=STYLE.no_indent)
    text_width = Mm(PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"])
    starts = start_pages(included)
    for number, entry in enumerate(included, start=1):  # a branch left out late leaves no gap
        para = doc.add_paragraph(style=STYLE.no_indent)
        para.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        para.add_run(f"{number}．{entry.name}\t")
        _pageref(para, BOOKMARK.format(entry.index), starts[entry.index])
    return doc


def _contents_pages(included: list[_Entry]) -> int:
    """Pages of the contents: its heading and a blank line, then one line an entry (two if long)."""
    lines = 2 + sum(1 + int(text_width_chars(f"{n}．{e.name}") + 3 > CHARS_PER_LINE)
                    for n, e in enumerate(included, start=1))
    return max(1, -(-lines // LINES_PER_PAGE))


def start_pages(included: list[_Entry]) -> dict[int, int]:
    """{entry index: the page its report starts on}, numbered as the footers number them.

    Page 1 is the title page (no number printed), the contents follow, and every
    report starts on a new page.
    """
    page = 1 + _contents_pages(included) + 1
    starts = {}
    for entry in included:
        starts[entry.index] = page
        page += max(1, entry.pages)
    return starts


def _pageref(para, bookmark: str, page: int) -> None:
    """A PAGEREF field showing the computed page: Word shows it as it is (no update-fields
    prompt on opening), LibreOffice recomputes it, and F9 in Word does too."""
    add_field(para, f"PAGEREF {bookmark} \\h", str(page))


# --- joining chunks ---------------------------------------------------------------------

_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_R_PREFIX = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# What only docxcompose knows how to carry over: numbering, notes, pictures, sections, property fields.
_NEEDS_COMPOSER = etree.XPath(
    ".//w:numPr | .//w:footnoteReference | .//w:endnoteReference | .//w:commentReference | .//w:drawing"
    " | .//w:pict | .//w:object | .//w:pPr/w:sectPr | .//w:instrText[contains(., 'DOCPROPERTY')]",
    namespaces=_NS)
_STYLE_REFS = etree.XPath(".//w:pStyle/@w:val | .//w:rStyle/@w:val | .//w:tblStyle/@w:val", namespaces=_NS)


class _Joiner:
    """Appends chunk documents to the book: directly when plain, through docxcompose otherwise.

    docxcompose lists the book's styles once per appended paragraph (about
    0.5 ms each, 130 paragraphs per branch), which made joining the book take
    longer than rendering it. A chunk rendered from the book's own template
    that holds no numbering, pictures, notes, relationships or sections needs
    none of that translation: its paragraphs are moved as they are, with the
    bookmark ids renumbered so they stay unique in the book.
    """

    def __init__(self, book):
        self.book = book
        self.anchor = book.element.body.find(qn("w:sectPr"))
        self.styles = {s.get(qn("w:styleId")) for s in book.styles.element.iterchildren(qn("w:style"))}
        marks = [int(m.get(qn("w:id"), 0)) for m in book.element.body.iter(qn("w:bookmarkStart"))]
        self.next_bookmark = max(marks, default=-1) + 1
        self.composer = None
        self.composed = 0  # documents that needed docxcompose (for tests and benchmarks)

    def append(self, chunk) -> None:
        items = [c for c in chunk.element.body if c.tag != qn("w:sectPr")]
        if not all(self._plain(item) for item in items):
            from docxcompose.composer import Composer

            if self.composer is None:
                self.composer = Composer(self.book)
            self.composer.append(chunk)
            self.composed += 1
            # docxcompose numbered every bookmark of the book from 0 in order: carry on after them
            self.next_bookmark = sum(1 for _ in self.book.element.body.iter(qn("w:bookmarkStart")))
            return
        ids: dict[str, str] = {}
        for item in items:
            for mark in item.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                old = mark.get(qn("w:id"))
                if old not in ids:
                    ids[old] = str(self._bookmark_id())
                mark.set(qn("w:id"), ids[old])
            self.anchor.addprevious(item)

    def _bookmark_id(self) -> int:
        self.next_bookmark += 1
        return self.next_bookmark - 1

    def _plain(self, item) -> bool:
        if _NEEDS_COMPOSER(item):
            return False
        if any(key.startswith(_R_PREFIX) for el in item.iter() for key in el.attrib):
            return False
        return all(style in self.styles for style in _STYLE_REFS(item))


# --- the whole book ---------------------------------------------------------------------

def build_book(result: CollectResult, out_dir: str | os.PathLike, *, jobs: int | None = None) -> BookResult:
    """Write 情况报告汇编.docx into out_dir; says which branches are in it and which are not."""
    from docx import Document

    out_dir = ensure_dir(out_dir)
    final = out_dir / f"{BOOK_NAME}.docx"
    chosen, omitted = entries(result)
    jobs = max(1, jobs or os.cpu_count() or 1)
    chunks = [chosen[i:i + CHUNK] for i in range(0, len(chosen), CHUNK)]
    work = Path(tempfile.mkdtemp(prefix=".~orglife-book-", dir=out_dir))
    try:
        tasks = [(k, chunk, str(work)) for k, chunk in enumerate(chunks)]
        parts: list[str] = []
        included: list[_Entry] = []
        composed = 0
        for path, kept, dropped, through_composer in _run(tasks, jobs):
            included.extend(kept)
            omitted.extend(dropped)
            composed += through_composer
            if path:
                parts.append(path)
        joiner = _Joiner(_book_master(result, included))
        for path in parts:
            joiner.append(Document(path))  # one chunk in memory besides the book
            os.unlink(path)
        composed += joiner.composed
        with atomic_path(final) as tmp:
            joiner.book.save(str(tmp))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BookResult(path=final, included=[e.name for e in included], omitted=omitted, composed=composed)


def _run(tasks, jobs: int):
    if jobs == 1 or len(tasks) < 2:
        yield from map(_render_chunk, tasks)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        yield from pool.map(_render_chunk, tasks)


def write_book(result: CollectResult, out_dir: str | os.PathLike, *, pdf: bool = False,
               jobs: int | None = None) -> BookResult:
    """情况报告汇编.docx (and .pdf with ``pdf``) in out_dir: who is in it and who is not."""
    book = build_book(result, out_dir, jobs=jobs)
    if pdf:
        from toolkit.io.pdf import convert_to_pdf

        [book.pdf] = convert_to_pdf([book.path], out_dir, timeout=pdf_timeout(len(book.included)))
    return book


def pdf_timeout(branches: int) -> float:
    """A book of many branches is thousands of pages: LibreOffice needs longer than for one report."""
    return 120 + 1.0 * branches


__all__ = ["BOOK_NAME", "BookResult", "book_title", "build_book", "entries", "write_book"]
