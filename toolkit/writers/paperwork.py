"""Write the meeting's other documents of a checked branch (schema/documents.py, besides the three).

One walk over the declaration: each document whose meeting kinds include the
workbook's 会议类型 is rendered with its context (``branch/paperwork.py``), a
per-member document once per member into its folder. A document whose sheets
the workbook lacks, or whose data is empty, is skipped with a notice, never
silently. All files are written to temporary names and renamed together at
the end (all or none), like the three branch documents.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.branch.context import Context, build_context
from toolkit.branch.paperwork import member_names, paperwork_context, personal_context, progress_context
from toolkit.branch.read import Branch
from toolkit.core.wording import as_text
from toolkit.errors import UsageError
from toolkit.io.fsutil import atomic_path, ensure_dir, inside, safe_filename
from toolkit.schema.documents import PAPERWORK_DOCUMENTS, PROGRESS_DOCUMENTS, Document
from toolkit.schema.workbooks import SHEETS_BY_KEY
from toolkit.writers.render import TEMPLATE_DIR, _render_isolated, render_docx

# a document needs this context value to be non-empty, else it is skipped with a notice
_REQUIRES = {"民主评议结果": "result", "民主评议结果公示": "result"}


@dataclass
class Written:
    docx: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # notices, in Chinese: which document and why


def _template(doc: Document, templates: str | os.PathLike | None) -> tuple[Path, bool]:
    """The template to use and whether it is a unit's own (rendered isolated)."""
    if templates is not None:
        own = Path(templates) / doc.template
        if own.is_file() and own.resolve().parent != TEMPLATE_DIR.resolve():
            return own, True
    return TEMPLATE_DIR / doc.template, False


def _skip_reason(doc: Document, branch: Branch, ctx: Context) -> str:
    missing = [SHEETS_BY_KEY[k].name for k in doc.needs if k not in branch.sheets_found]
    if missing:
        return f"未生成{doc.name}：填报表中没有“{'”“'.join(missing)}”表（旧版填报表）。"
    key = _REQUIRES.get(doc.name)
    if key and not ctx.get(key):
        return f"未生成{doc.name}：没有民主评议计票结果，参会人员中也没有填写民主评议等次。"
    return ""


def _jobs(branch: Branch, out: Path, docs: tuple[Document, ...], ctx: Context,
          written: Written) -> list[tuple[Document, Path, Context]]:
    """(document, final path, context) for every file to write."""
    org = safe_filename(as_text(branch.info.get("org_name")) or Path(branch.path).stem)
    year = safe_filename(as_text(branch.info.get("year")), fallback="年度")
    kind = as_text(branch.info.get("meeting_type"))
    jobs: list[tuple[Document, Path, Context]] = []
    for doc in docs:
        if kind and kind not in doc.kinds:
            continue
        reason = _skip_reason(doc, branch, ctx)
        if reason:
            written.skipped.append(reason)
            continue
        if not doc.per_member:
            jobs.append((doc, inside(out, f"{org}_{year}_{doc.name}.docx"), ctx))
            continue
        folder = ensure_dir(out / doc.folder) if doc.folder else out
        used: set[str] = set()
        for name in member_names(branch):
            stem = safe_filename(name)
            while stem in used:  # two names that sanitise alike never overwrite each other
                stem += "_"
            used.add(stem)
            jobs.append((doc, inside(folder, f"{stem}_{doc.name}.docx"), personal_context(branch, name, ctx)))
    return jobs


def render_paperwork(branch: Branch, out_dir: str | os.PathLike, *, templates: str | os.PathLike | None = None,
                     base: Context | None = None, today: dt.date | None = None,
                     docs: tuple[Document, ...] = PAPERWORK_DOCUMENTS) -> Written:
    """Write the meeting-day, 民主评议 and personal documents of a checked branch; all or none."""
    if templates is not None and not Path(templates).is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    out = ensure_dir(out_dir)
    ctx = paperwork_context(branch, base if base is not None else build_context(branch, today))
    written = Written()
    _write_all(_jobs(branch, out, docs, ctx, written), templates, written)
    return written


def render_progress(branch: Branch, out_dir: str | os.PathLike, as_of: dt.date, *,
                    templates: str | os.PathLike | None = None) -> Written:
    """The branch's 整改落实情况报告 as of ``as_of``."""
    if templates is not None and not Path(templates).is_dir():
        raise UsageError(f"找不到模板文件夹：{templates}")
    out = ensure_dir(out_dir)
    base = progress_context(branch, build_context(branch, as_of), as_of)
    written = Written()
    _write_all(_jobs(branch, out, PROGRESS_DOCUMENTS, base, written), templates, written)
    return written


def _write_all(jobs, templates: str | os.PathLike | None, written: Written) -> None:
    """Render every job; all files land together or none does (atomic_path on one stack)."""
    with contextlib.ExitStack() as stack:
        for doc, final, context in jobs:
            tmp = stack.enter_context(atomic_path(final))
            template, isolate = _template(doc, templates)
            if isolate:
                _render_isolated([(template, tmp)], context)
            else:
                render_docx(template, context, tmp)
            written.docx.append(final)


NOTICE_TEMPLATE = "通知.docx"


def write_notice(context: Context, out_dir: str | os.PathLike) -> Path:
    """The committee's 关于召开…的通知 (context from committee/notice.py)."""
    final = inside(ensure_dir(out_dir), f"{safe_filename(context['title'])}.docx")
    with atomic_path(final) as tmp:
        render_docx(TEMPLATE_DIR / NOTICE_TEMPLATE, context, tmp)
    return final
