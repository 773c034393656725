"""The meeting's other documents of a checked branch, and the committee's 通知.

Every document is declared in ``schema/documents.py`` and written by the one
writer, ``render.write_documents`` (contexts from the builder each entry names,
one file per member for a per-member document, skipped with a notice when its
sheets or values are missing, all files or none). This module names the
selections: the meeting-day, 民主评议 and personal documents of a plain render
(``render_paperwork``), the 整改落实情况报告 of ``render --progress``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from toolkit.branch.context import Context
from toolkit.branch.read import Branch
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.schema.documents import Document
from toolkit.writers.render import TEMPLATE_DIR, Written, meeting_kind, render_docx, write_documents

__all__ = ["Written", "render_paperwork", "render_progress", "write_notice"]


def render_paperwork(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                     base: Context | None = None, today: dt.date | None = None,
                     docs: tuple[Document, ...] | None = None) -> Written:
    """Write the meeting-day, 民主评议 and personal documents of a checked branch; all or none."""
    if docs is None:
        docs = tuple(d for d in meeting_kind(branch).documents if not d.core and not d.on_progress)
    return write_documents(branch, out_dir, docs, templates=templates, base=base, today=today)


def render_progress(branch: Branch, out_dir: str | os.PathLike, as_of: dt.date, *,
                    templates: str | os.PathLike | None = None) -> Written:
    """The branch's 整改落实情况报告 as of ``as_of``."""
    docs = tuple(d for d in meeting_kind(branch).documents if d.on_progress)
    return write_documents(branch, out_dir, docs, templates=templates, as_of=as_of)


NOTICE_TEMPLATE = "通知.docx"


def write_notice(context: Context, out_dir: str | os.PathLike) -> Path:
    """The committee's 关于召开…的通知 (context from committee/notice.py)."""
    final = inside(ensure_dir(out_dir), f"{safe_filename(context['title'])}.docx")
    with atomic_path(final) as tmp:
        render_docx(TEMPLATE_DIR / NOTICE_TEMPLATE, context, tmp)
    return final
