"""催办提醒 notices -> <党组织名称>_催办提醒.docx (GB/T 9704) and .txt (to paste into a chat group)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from toolkit.committee.remind import Notice, closing, meeting_kind, notice_sections
from toolkit.core.values import format_date
from toolkit.io.fsutil import atomic_path, inside, safe_filename


def notice_stems(notices: list[Notice]) -> list[str]:
    """A file stem per notice: the branch's name, with its 支部编号 when two names collide."""
    used: set[str] = set()
    stems = []
    for n in notices:
        stem = safe_filename(n.name)
        if stem in used:
            stem = f"{stem}_{safe_filename(n.branch_id)}"
        used.add(stem)
        stems.append(stem)
    return stems


def write_notice_docx(target: Path, n: Notice, as_of: dt.date, meeting: str, sender: str) -> Path:
    from toolkit.writers.docx_format import STYLE, new_gbt9704_document

    doc = new_gbt9704_document()
    doc.add_paragraph(f"关于抓紧办理{meeting_kind(meeting)}有关事项的提醒", style=STYLE.title)
    doc.add_paragraph(f"{n.name}：", style=STYLE.addressee)
    doc.add_paragraph(f"截至{format_date(as_of)}，你支部有以下事项需要办理：", style=STYLE.body)
    sections = notice_sections(n, meeting)
    for head, body in sections:
        # an unnumbered single item is a sentence of the notice, not a 黑体 heading
        doc.add_paragraph(head, style=STYLE.h1 if len(sections) > 1 else STYLE.body)
        for line in body:
            doc.add_paragraph(line, style=STYLE.body)
    if closing(n):
        doc.add_paragraph(closing(n), style=STYLE.body)
    doc.add_paragraph("", style=STYLE.body)
    if sender:
        doc.add_paragraph(sender, style=STYLE.signature)
    doc.add_paragraph(format_date(as_of), style=STYLE.signature)
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target


def write_notice_txt(target: Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        # With a BOM, older Windows Notepad opens the text as UTF-8 instead of mangling it.
        tmp.write_text(text, encoding="utf-8-sig")
    return target


def write_notices(notices: list[Notice], out_dir: Path, as_of: dt.date, meeting: str,
                  sender: str) -> list[tuple[Path, Path]]:
    """(docx, txt) written for each notice, in order; each notice's ``text`` is what the .txt holds."""
    written = []
    for n, stem in zip(notices, notice_stems(notices)):
        docx = write_notice_docx(inside(out_dir, f"{stem}_催办提醒.docx"), n, as_of, meeting, sender)
        txt = write_notice_txt(inside(out_dir, f"{stem}_催办提醒.txt"), n.text)
        written.append((docx, txt))
    return written
