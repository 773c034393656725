"""Branch records -> Report: every issue at once, reading issues included.

Each rule is a function over a Branch that yields issues; ``RULES`` lists them
in the order a secretary reads the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit.branch import quality
from toolkit.errors import Issue, IssueCode, Report
from toolkit.messages import file_issue, issue
from toolkit.branch.read import Branch, read_branch
from toolkit.schema.workbooks import (
    BRANCH_SHEETS,
    INFO,
    MEASURES,
    MEMBERS,
    PROBLEMS,
    Sheet,
)

Rule = Callable[[Branch], Iterator[Issue]]


def roster(branch: Branch) -> set[str]:
    return {r["name"] for r in branch.rows(MEMBERS.key) if r.get("name")}


def required_fields(branch: Branch) -> Iterator[Issue]:
    """Required cells, and cells required by another cell of the row (缺席原因, 完成日期, 责任主体)."""
    return required_cells(branch, BRANCH_SHEETS)


_CONDITIONAL_CODES = {
    (MEMBERS.key, "absence_reason"): IssueCode.ABSENCE_REASON_MISSING,
    (MEASURES.key, "done_date"): IssueCode.DONE_DATE_MISSING,
    (PROBLEMS.key, "owner"): IssueCode.PERSONAL_PROBLEM_NO_OWNER,
}


def required_cells(branch: Branch, sheets: tuple[Sheet, ...]) -> Iterator[Issue]:
    """Missing required values in any schema-declared workbook (branch or cycle)."""
    for sheet in sheets:
        if sheet.key not in branch.sheets_found:
            continue
        if sheet.form:
            for col in sheet.columns:
                cell = branch.cell(sheet.key, 0, col.key)
                if col.required and col.key in branch.info_rows and branch.info.get(col.key) is None \
                        and not _had_bad_value(branch, sheet, cell):
                    yield issue(IssueCode.MISSING_REQUIRED, sheet.name, cell, "", header=col.header)
            continue
        present = branch.columns.get(sheet.key, {})
        for row in branch.rows(sheet.key):
            for col in sheet.columns:
                if row.get(col.key) is not None or col.key not in present:
                    continue
                cell = branch.cell(sheet.key, row, col.key)
                if _had_bad_value(branch, sheet, cell):
                    continue  # already reported as unreadable
                if col.required:
                    yield issue(IssueCode.MISSING_REQUIRED, sheet.name, cell, "", header=col.header)
                elif col.required_if:
                    other, wanted = col.required_if
                    if row.get(other) == wanted:
                        code = _CONDITIONAL_CODES.get((sheet.key, col.key), IssueCode.MISSING_REQUIRED)
                        subject = row.get("name") or row.get("pid") or ""
                        yield issue(code, sheet.name, cell, subject, header=col.header)


def _had_bad_value(branch: Branch, sheet: Sheet, cell: str) -> bool:
    return any(i.sheet == sheet.name and i.cell == cell for i in branch.issues)


def non_empty_lists(branch: Branch) -> Iterator[Issue]:
    if MEMBERS.key in branch.sheets_found and not branch.rows(MEMBERS.key):
        yield issue(IssueCode.NO_MEMBERS, MEMBERS.name, "A2")
    if PROBLEMS.key in branch.sheets_found and not branch.rows(PROBLEMS.key):
        yield issue(IssueCode.NO_PROBLEMS, PROBLEMS.name, "A2")


def members(branch: Branch) -> Iterator[Issue]:
    first: dict[str, str] = {}
    for row in branch.rows(MEMBERS.key):
        name = row.get("name")
        if not name:
            continue
        cell = branch.cell(MEMBERS.key, row, "name")
        if name in first:
            yield issue(IssueCode.DUPLICATE_MEMBER, MEMBERS.name, cell, name, first=first[name])
        else:
            first[name] = cell
        if row.get("category") == "预备党员" and row.get("appraisal") not in (None, "不评定"):
            yield issue(IssueCode.PROBATIONARY_GRADED, MEMBERS.name,
                        branch.cell(MEMBERS.key, row, "appraisal"), row["appraisal"], name=name)


def appraisal_share(branch: Branch) -> Iterator[Issue]:
    graded = [r for r in branch.rows(MEMBERS.key)
              if r.get("appraisal") and r["appraisal"] != "不评定"]
    excellent = [r for r in graded if r["appraisal"] == "优秀"]
    if graded and len(excellent) * 3 > len(graded):
        col = branch.columns.get(MEMBERS.key, {}).get("appraisal")
        cell = branch.cell(MEMBERS.key, excellent[0], "appraisal") if col else ""
        yield issue(IssueCode.TOO_MANY_EXCELLENT, MEMBERS.name, cell, len(excellent), rated=len(graded))


def host(branch: Branch) -> Iterator[Issue]:
    name = branch.info.get("host")
    names = roster(branch)
    if name and names and name not in names:
        yield issue(IssueCode.HOST_NOT_IN_ROSTER, INFO.name, branch.cell(INFO.key, 0, "host"), name)


def problems(branch: Branch) -> Iterator[Issue]:
    first: dict[str, str] = {}
    names = roster(branch)
    for row in branch.rows(PROBLEMS.key):
        pid = row.get("pid")
        if pid:
            cell = branch.cell(PROBLEMS.key, row, "pid")
            if pid in first:
                yield issue(IssueCode.DUPLICATE_PROBLEM_ID, PROBLEMS.name, cell, pid, first=first[pid])
            else:
                first[pid] = cell
        owner = row.get("owner")
        if row.get("level") == "党员个人" and owner and names and owner not in names:
            yield issue(IssueCode.OWNER_NOT_IN_ROSTER, PROBLEMS.name,
                        branch.cell(PROBLEMS.key, row, "owner"), owner)


def measures(branch: Branch) -> Iterator[Issue]:
    known = {r["pid"] for r in branch.rows(PROBLEMS.key) if r.get("pid")}
    names = roster(branch)
    meeting: dt.date | None = branch.info.get("meeting_date")
    for row in branch.rows(MEASURES.key):
        pid = row.get("pid")
        if pid and PROBLEMS.key in branch.sheets_found and pid not in known:
            yield issue(IssueCode.UNKNOWN_PROBLEM_ID, MEASURES.name,
                        branch.cell(MEASURES.key, row, "pid"), pid)
        owner = row.get("owner")
        if owner and names and not all(part in names for part in split_names(owner)):
            yield issue(IssueCode.RESPONSIBLE_NOT_IN_ROSTER, MEASURES.name,
                        branch.cell(MEASURES.key, row, "owner"), owner)
        deadline = row.get("deadline")
        if meeting and isinstance(deadline, dt.date) and deadline < meeting:
            yield issue(IssueCode.DEADLINE_BEFORE_MEETING, MEASURES.name,
                        branch.cell(MEASURES.key, row, "deadline"), deadline.isoformat(),
                        meeting=meeting.isoformat())


def problems_without_measure(branch: Branch) -> Iterator[Issue]:
    if MEASURES.key not in branch.sheets_found:
        return
    covered = {r["pid"] for r in branch.rows(MEASURES.key) if r.get("pid")}
    for row in branch.rows(PROBLEMS.key):
        pid = row.get("pid")
        if pid and pid not in covered:
            yield issue(IssueCode.PROBLEM_WITHOUT_MEASURE, PROBLEMS.name,
                        branch.cell(PROBLEMS.key, row, "pid"), pid)


def split_names(text: str) -> list[str]:
    """责任人 may name several people: 王建国、李娜 / 王建国,李娜."""
    for sep in "，,;；/／ ":
        text = text.replace(sep, "、")
    return [p for p in text.split("、") if p]


RULES: tuple[Rule, ...] = (
    required_fields,
    non_empty_lists,
    host,
    members,
    appraisal_share,
    problems,
    problems_without_measure,
    measures,
    # Quality hints come last: they are warnings about how well the material
    # is written, read after what must be fixed.
    *quality.RULES,
)


def validate(branch: Branch, rules: tuple[Rule, ...] = RULES) -> Report:
    found = list(branch.issues)
    for rule in rules:
        found.extend(rule(branch))
    order = {s.name: i for i, s in enumerate(BRANCH_SHEETS)}
    found.sort(key=lambda i: (order.get(i.sheet, -1), _row_of(i.cell), i.cell))
    return Report(path=branch.path, issues=found, normalised=list(branch.normalised))


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def check_file(path: str | Path) -> tuple[Branch, Report]:
    """Read and validate one workbook. Raises WorkbookError when it is not one."""
    branch = read_branch(path)
    return branch, validate(branch)




def unreadable_report(path: str | Path, exc) -> Report:
    """A Report for a file that could not be read as a branch workbook at all."""
    return Report(path=str(path), issues=[file_issue(exc)])


def counts(branch: Branch) -> dict[str, int]:
    """The figures a confirmation quotes, computed from the rows."""
    members = branch.rows(MEMBERS.key)
    problems = branch.rows(PROBLEMS.key)
    return {
        "应到": len(members),
        "实到": sum(1 for r in members if r.get("present") is True),
        "问题": len(problems),
        "支部班子问题": sum(1 for r in problems if r.get("level") == "支部班子"),
        "党员个人问题": sum(1 for r in problems if r.get("level") == "党员个人"),
        "整改措施": len(branch.rows(MEASURES.key)),
    }
