"""collect --book: every usable branch's 情况报告 in one 情况报告汇编.docx (and PDF).

The sample cycle's four filled branches come back in a zip (so the book has to
read zip entries again after collect has read them), together with the fifth
branch's workbook returned blank, which has errors and must be left out and
named. The book is checked against each branch's 情况报告 rendered on its own,
and its PDF against the page numbers its contents page prints.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from toolkit.app.cli import main
from toolkit.branch.read import read_branch
from toolkit.committee.cycle import branch_content, load_cycle
from toolkit.committee.model import DONE, HAS_ERRORS
from toolkit.core import sample_data
from toolkit.workflows.collect import collect
from toolkit.workflows.demo import cycle_content, filled_content
from toolkit.writers import book as book_module
from toolkit.writers.book import BOOKMARK, build_book
from toolkit.writers.render import render_branch
from toolkit.writers.workbook import write_branch_workbook, write_cycle_workbook

AS_OF = "2023-10-30"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """周期设置.xlsx, a folder of returned workbooks and the same files in a zip."""
    root = tmp_path_factory.mktemp("book")
    cycle_path = root / "周期设置.xlsx"
    write_cycle_workbook(cycle_path, cycle_content())
    loaded = load_cycle(cycle_path)
    returned = root / "回收"
    returned.mkdir()
    by_id = {b["branch_id"]: b for b in loaded.branches}
    for branch_id, filled in sample_data.BRANCHES.items():
        row = by_id[branch_id]
        write_branch_workbook(returned / f"{row['org_name']}.xlsx",
                              filled_content(branch_content(loaded, row), filled))
    blank = [b for b in loaded.branches if b["branch_id"] not in sample_data.BRANCHES]
    assert blank, "the sample cycle has a branch without filled data"
    for row in blank:  # returned without filling anything in: errors
        write_branch_workbook(returned / f"{row['org_name']}.xlsx", branch_content(loaded, row))
    archive = root / "回收.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(returned.iterdir()):
            zf.write(f, f"回收/{f.name}")
    usable = [b["org_name"] for b in loaded.branches if b["branch_id"] in sample_data.BRANCHES]
    return {"root": root, "cycle": cycle_path, "returned": returned, "zip": archive, "usable": usable,
            "broken": [b["org_name"] for b in blank], "roster": loaded.branches}


@pytest.fixture(scope="module")
def cli_run(cycle, tmp_path_factory):
    out = tmp_path_factory.mktemp("book_out")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = main(["collect", str(cycle["zip"]), "--cycle", str(cycle["cycle"]), "--as-of", AS_OF,
                       "-o", str(out), "--book", "--pdf", "--jobs", "2"])
    return {"status": status, "text": buf.getvalue(), "out": out}


def _standalone_reports(cycle, tmp: Path) -> dict[str, list[str]]:
    """Each usable branch's 情况报告 rendered on its own, as paragraph texts."""
    texts = {}
    for name in cycle["usable"]:
        branch = read_branch(cycle["returned"] / f"{name}.xlsx")
        docs = render_branch(branch, tmp / name)
        report = next(d for d in docs if d.stem.endswith("情况报告"))
        texts[name] = [p.text for p in Document(str(report)).paragraphs]
    return texts


def _segments(path: Path) -> tuple[list[str], list[tuple[str, list[str], bool]]]:
    """(front-matter texts, [(bookmark, paragraph texts, page break before), …]) of the book."""
    doc = Document(str(path))
    front: list[str] = []
    segments: list[tuple[str, list[str], bool]] = []
    for para in doc.paragraphs:
        mark = para._p.find(f"{W}bookmarkStart")
        if mark is not None and mark.get(f"{W}name", "").startswith("_orglife_branch_"):
            segments.append((mark.get(f"{W}name"), [], bool(para.paragraph_format.page_break_before)))
        (segments[-1][1] if segments else front).append(para.text)
    return front, segments


def test_cli_names_the_branch_left_out_and_writes_book_and_pdf(cli_run, cycle):
    text, out = cli_run["text"], cli_run["out"]
    assert cli_run["status"] == 1  # one workbook has errors
    assert f"收入 {len(cycle['usable'])} 个支部的情况报告，未收入 {len(cycle['broken'])} 个" in text
    for name in cycle["broken"]:
        assert re.search(rf"【未收入汇编】{name}：填报表有 \d+ 个错误", text)
    assert (out / "情况报告汇编.docx").stat().st_size > 0
    assert (out / "情况报告汇编.pdf").stat().st_size > 0
    assert f"已转换 {out / '情况报告汇编.pdf'}" in text
    assert not list(out.glob(".~orglife*")), "temporary files left in the output folder"


def test_book_holds_each_usable_report_in_roster_order_on_its_own_page(cli_run, cycle, tmp_path):
    path = cli_run["out"] / "情况报告汇编.docx"
    front, segments = _segments(path)
    expected = _standalone_reports(cycle, tmp_path)
    roster_order = [b["org_name"] for b in cycle["roster"] if b["org_name"] in expected]
    assert roster_order != sorted(roster_order), "the sample should not already be in file-name order"

    # contents page: the usable branches in roster order, nobody else
    contents = [t for t in front if re.match(r"^\d+．", t)]
    assert [re.sub(r"^\d+．", "", t).split("\t")[0].strip() for t in contents] == roster_order
    for name in cycle["broken"]:
        assert not any(name in t for t in front)
    assert "".join(front).startswith(sample_data.CYCLE["基本设置"]["上级党组织"])
    assert any("各党支部情况报告汇编" in t for t in front)

    assert [name for name, _, _ in segments] == [BOOKMARK.format(i) for i in range(1, len(roster_order) + 1)]
    assert all(page_break for _, _, page_break in segments)
    for (_, texts, _), name in zip(segments, roster_order):
        assert texts == expected[name], f"{name}: the book's text differs from its own 情况报告"
        problems = len(sample_data.BRANCHES[next(b["branch_id"] for b in cycle["roster"]
                                                   if b["org_name"] == name)]["问题清单"])
        assert any("问题" in t and f"{problems}条" in t for t in texts), f"{name}: problem count missing"
    for name in cycle["broken"]:
        assert not any(name in t for _, texts, _ in segments for t in texts)


def test_book_has_one_section_numbered_through_and_contents_fields(cli_run):
    doc = Document(str(cli_run["out"] / "情况报告汇编.docx"))
    body = doc.element.body
    assert len(body.findall(f".//{W}sectPr")) == 1  # one section: one run of page numbers
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "—" in footer_xml
    assert doc.sections[0].different_first_page_header_footer  # title page without a number
    refs = [t.text.split()[1] for t in body.iter(f"{W}instrText") if t.text.strip().startswith("PAGEREF")]
    marks = {m.get(f"{W}name") for m in body.iter(f"{W}bookmarkStart")}
    assert refs and set(refs) <= marks
    ids = [m.get(f"{W}id") for m in body.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids)), "bookmark ids must be unique in the book"
    # the page numbers are in the file itself: no update-fields prompt in Word
    assert doc.settings.element.find(qn("w:updateFields")) is None
    assert not [f for f in body.iter(f"{W}fldChar") if f.get(f"{W}dirty")]


def test_pdf_pages_match_the_contents_page(cli_run, cycle):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is required for this test")
    pdf = cli_run["out"] / "情况报告汇编.pdf"

    def page(n: int | None = None) -> str:
        args = ["pdftotext", "-layout"] + (["-f", str(n), "-l", str(n)] if n else []) + [str(pdf), "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    whole = page()
    for name in cycle["usable"]:
        assert name in whole
    for name in cycle["broken"]:
        assert name not in whole
    # contents lines end in the page LibreOffice computed for each bookmark
    listed = re.findall(r"(\d+)．(\S+?)\.{3,}\s*(\d+)", whole)
    assert [n for _, n, _ in listed] == [b["org_name"] for b in cycle["roster"] if b["org_name"] in cycle["usable"]]
    starts = [int(p) for _, _, p in listed]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for (_, name, _number), start in zip(listed, starts):
        text = page(start)
        assert text.strip().startswith(name + "关于"), f"page {start} should open {name}'s report"
        assert re.search(rf"—\s*{start}\s*—", text), f"page {start} should be numbered — {start} —"
        assert name in text
    # the numbers written into the file (what Word shows without updating fields) are the same
    doc = Document(str(cli_run["out"] / "情况报告汇编.docx"))
    written = [p.text.rsplit("\t", 1)[-1] for p in doc.paragraphs if "\t" in p.text]
    assert [int(n) for n in written] == starts


@pytest.fixture(scope="module")
def collected(cycle, tmp_path_factory):
    """collect without --book on a copy of the returned folder (the book is built by each test)."""
    root = tmp_path_factory.mktemp("book_lib")
    inbox = root / "回收"
    shutil.copytree(cycle["returned"], inbox)
    result = collect([inbox], root / "out", cycle=cycle["cycle"], as_of=dt.date.fromisoformat(AS_OF),
                     jobs=1, progress=False)
    return result, inbox


def test_docxcompose_path_gives_the_same_book(collected, tmp_path, monkeypatch):
    result, _ = collected
    plain = build_book(result, tmp_path / "plain", jobs=1)
    assert plain.composed == 0  # the built-in template needs no translation
    monkeypatch.setattr(book_module, "CHUNK", 2)
    monkeypatch.setattr(book_module._Joiner, "_plain", lambda self, item: False)
    composed = build_book(result, tmp_path / "composed", jobs=1)
    assert composed.composed > 0
    assert composed.included == plain.included
    assert _segments(composed.path) == _segments(plain.path)


def test_book_leaves_out_a_workbook_that_changed_since_collecting(collected, cycle, tmp_path):
    result, inbox = collected
    outcomes = {f.org_name: f.outcome for f in result.files}
    assert {outcomes[n] for n in cycle["usable"]} == {DONE}
    assert {outcomes[n] for n in cycle["broken"]} == {HAS_ERRORS}
    changed = cycle["usable"][1]
    target = inbox / f"{changed}.xlsx"
    saved = target.read_bytes()
    target.write_bytes(b"not a workbook any more")
    try:
        made = build_book(result, tmp_path, jobs=1)
    finally:
        target.write_bytes(saved)
    assert changed not in made.included
    assert made.included == [n for n in cycle["usable"] if n != changed]
    reasons = dict(made.omitted)
    assert reasons[changed].startswith("汇总后无法再次读取填报表")
    assert set(cycle["broken"]) <= set(reasons)
    front, segments = _segments(made.path)
    assert len(segments) == len(made.included)
    contents = [t for t in front if re.match(r"^\d+．", t)]
    assert [t.split("．")[0] for t in contents] == [str(i) for i in range(1, len(made.included) + 1)]


def test_book_without_usable_branches_says_so(cycle, tmp_path):
    inbox = tmp_path / "回收"
    inbox.mkdir()
    for name in cycle["broken"]:
        shutil.copy(cycle["returned"] / f"{name}.xlsx", inbox)
    result = collect([inbox], tmp_path / "out", cycle=cycle["cycle"], jobs=1, progress=False, book=True)
    assert result.book.included == []
    assert [n for n, _ in result.book.omitted] == cycle["broken"]
    front, segments = _segments(result.book.path)
    assert segments == []
    assert any("没有可以收入汇编" in t for t in front)
