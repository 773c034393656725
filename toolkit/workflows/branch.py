"""The branch's commands: check workbooks, render a workbook's documents, check a template.

Read -> validate -> (repeats against last cycle) -> context -> render. The CLI
and the Excel buttons call these functions and present what they return; no
function here prints.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.branch.validate import check_file, counts, unreadable_report
from toolkit.errors import InputError, Report, UsageError, WorkbookError
from toolkit.workflows.steps import steps
from toolkit.writers.render import (
    TemplateCheck,
    check_template,
    known_templates,
    meeting_kind,
    render_set,
    resolve_templates,
)

__all__ = [
    "CheckResult", "CheckedFile", "RenderResult", "TemplateCheck", "WorkbookHasErrors",
    "check_paths", "check_template", "check_workbook", "render_progress_report", "render_workbook",
]

# .et (WPS) and .xlsb open by content like the rest
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".et")

OK, ERRORS, UNREADABLE = "ok", "errors", "unreadable"


@dataclass
class CheckedFile:
    """One checked workbook: its report, ``ok``/``errors``/``unreadable``, and its figures."""

    report: Report
    status: str
    figures: dict | None = None


@dataclass
class CheckResult:
    files: list[CheckedFile] = field(default_factory=list)
    # Excel/WPS lock files (~$…) found in folders: not submissions, but never skipped without a word
    skipped_locks: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.status == OK for f in self.files)


def check_workbook(path: str | os.PathLike, last_cycle=None) -> CheckedFile:
    """Check one workbook; an unreadable file becomes a report, not an exception."""
    path = Path(path)
    try:
        branch, report = check_file(path)
    except WorkbookError as exc:
        return CheckedFile(unreadable_report(path, exc), UNREADABLE)
    figures = counts(branch)
    if last_cycle is not None:
        from toolkit.committee.repeated import check_repeats

        repeats = check_repeats(branch, last_cycle)
        report.issues.extend(repeats)
        figures["重复问题"] = len(repeats)
    return CheckedFile(report, OK if report.ok else ERRORS, figures)


def _existing(p: str | os.PathLike) -> Path:
    path = Path(p)
    if not path.exists():
        raise UsageError(f"找不到文件或文件夹：{p}")
    return path


def _workbooks(paths: list[str | os.PathLike], result: CheckResult) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        path = _existing(p)
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(f for f in path.rglob("*") if f.suffix.lower() in WORKBOOK_SUFFIXES)
        result.skipped_locks.extend(f for f in found if f.name.startswith("~$"))
        files.extend(f for f in found if not f.name.startswith("~$"))
    return files


def check_paths(paths: list[str | os.PathLike], previous_cycle: list[str | os.PathLike] | None = None,
                progress=None) -> CheckResult:
    """Check files; folders are searched for workbooks. ``previous_cycle``: last cycle's materials, for repeats.

    ``progress`` is told each file checked (workflows/steps.py).
    """
    last_cycle = None
    if previous_cycle:
        from toolkit.committee.previous import load_previous

        last_cycle = load_previous(previous_cycle)
    result = CheckResult()
    files = _workbooks(paths, result)
    with steps(progress)("检查填报表", len(files)) as advance:
        for f in files:
            result.files.append(check_workbook(f, last_cycle))
            advance()
    return result


class WorkbookHasErrors(InputError):
    """The workbook has errors: nothing was rendered. ``report`` lists them."""

    def __init__(self, report: Report):
        super().__init__(f"{Path(report.path).name} 有 {len(report.errors)} 个错误，未生成任何材料。")
        self.report = report


@dataclass
class RenderResult:
    path: Path
    report: Report
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    builtin: list[str] = field(default_factory=list)  # documents that used the built-in template
    own: list[str] = field(default_factory=list)  # documents that used the --templates folder's template
    figures: dict | None = None
    skipped: list[str] = field(default_factory=list)  # documents not written, each with why (in Chinese)
    # the meeting's other documents (schema/documents.py), after the kind's main ones in ``docx``
    paperwork: list[Path] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        return [*self.docx, *self.paperwork]


def render_workbook(path: str | os.PathLike, out_dir: str | os.PathLike, *, pdf: bool = False,
                    templates: str | os.PathLike | None = None, progress=None) -> RenderResult:
    """Check a branch workbook, then write its documents (and PDFs). Nothing is written on errors.

    ``progress`` is told each step (workflows/steps.py).
    """
    progress = steps(progress)
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}")
    resolve_templates(templates)  # a missing or empty template folder is a usage error before any reading
    with progress("检查填报表"):
        branch, report = check_file(path)
    if not report.ok:
        raise WorkbookHasErrors(report)
    # every document of the meeting kind (schema/documents.py), in one all-or-none batch
    with progress("生成全套材料（报告、会议材料和个人材料）"):
        written = render_set(branch, out_dir, templates=templates)
    own, builtin = _template_sources(branch, templates)
    result = RenderResult(path=path, report=report, docx=written.core, paperwork=written.docx, builtin=builtin,
                          own=own, figures=counts(branch), skipped=written.skipped)
    if pdf:
        result.pdf = _pdfs(written.for_pdf, progress)
    return result


def _template_sources(branch, templates: str | os.PathLike | None) -> tuple[list[str], list[str]]:
    """(documents rendered from the --templates folder, documents rendered from the built-in templates).

    A folder may hold only the templates a unit changed (say 民主评议结果公示.docx): those are used,
    the built-in ones for the rest, and the run says which.
    """
    if templates is None:
        return [], []
    docs = [d for d in meeting_kind(branch).documents if not d.on_progress]
    own = [d.name for d in docs if (Path(templates) / d.template).is_file()]
    return own, [d.name for d in docs if d.name not in own]


def template_folder(folder: str | os.PathLike) -> tuple[list[Path], list[str]]:
    """(the templates a --templates folder holds, the template files it leaves to the built-in ones).

    UsageError when it holds none of them (the same rule as render --templates).
    """
    resolve_templates(folder)
    names = known_templates()
    held = [Path(folder) / n for n in names if (Path(folder) / n).is_file()]
    return held, [n for n in names if not (Path(folder) / n).is_file()]


def _pdfs(docs: list[Path], progress) -> list[Path]:
    """Each document's PDF beside it: one soffice call per folder (个人材料/ holds the members')."""
    from toolkit.io.pdf import convert_to_pdf

    by_folder: dict[Path, list[Path]] = {}
    for d in docs:
        by_folder.setdefault(d.parent, []).append(d)
    with progress("转换 PDF", len(docs)) as advance:
        return [pdf for folder, group in by_folder.items() for pdf in convert_to_pdf(group, folder, done=advance)]


def render_progress_report(path: str | os.PathLike, out_dir: str | os.PathLike, as_of: dt.date, *,
                           pdf: bool = False, templates: str | os.PathLike | None = None,
                           progress=None) -> RenderResult:
    """Check a branch workbook, then write its 整改落实情况报告 as of ``as_of``."""
    from toolkit.writers.paperwork import render_progress

    progress = steps(progress)
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}")
    with progress("检查填报表"):
        branch, report = check_file(path)
    if not report.ok:
        raise WorkbookHasErrors(report)
    written = render_progress(branch, out_dir, as_of, templates=templates)
    result = RenderResult(path=path, report=report, paperwork=written.docx, figures=counts(branch),
                          skipped=written.skipped)
    if pdf:
        result.pdf = _pdfs(written.for_pdf, progress)
    return result
