"""Helpers for the document tests: sample workbooks, docx text and XML, small templates."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document
from lxml import etree

from toolkit.core import sample_data
from toolkit.schema.workbooks import INFO, LIST_SHEETS
from toolkit.writers.workbook import Content, from_headers, write_branch_workbook

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def sample_content(branch_id: str) -> Content:
    data = sample_data.BRANCHES[branch_id]
    tables = {s.key: [from_headers(s, r) for r in data.get(s.name, [])] for s in LIST_SHEETS}
    return Content(info=from_headers(INFO, data["基本信息"]), tables=tables,
                   categories=tuple(sample_data.CYCLE.get("问题类别", ())) or None)


def write_workbook(content: Content, path: Path) -> Path:
    write_branch_workbook(path, content)
    return path


def docx_lines(path: Path) -> list[str]:
    """Body text in reading order: one line per paragraph, table rows as 'a | b | c'."""
    body = Document(str(path)).element.body
    lines = []
    for el in body.iterchildren():
        if el.tag == W + "p":
            lines.append(_para_text(el))
        elif el.tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                cells = ["/".join(_para_text(p) for p in tc.iter(W + "p")) for tc in tr.iter(W + "tc")]
                lines.append(" | ".join(cells))
    return lines


def _para_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(W + "t"))


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def part_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def make_template(path: Path, *paragraphs: str) -> Path:
    """A minimal .docx template whose body is the given paragraphs."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def squash(text: str) -> str:
    """Text without any whitespace (pdftotext breaks lines and spaces digits)."""
    return re.sub(r"\s+", "", text)
