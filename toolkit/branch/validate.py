"""Branch records -> Report: every issue at once, reading issues included.

Each rule is a function over a Branch that yields issues; ``RULES`` lists them
in the order a secretary reads the workbook.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit.branch import quality
from toolkit.branch.appraisal import Ballot, Tally, tally
from toolkit.branch.read import Branch, read_branch
from toolkit.core.values import format_date
from toolkit.core.wording import as_text
from toolkit.errors import Issue, IssueCode, Report, Severity
from toolkit.messages import file_issue, issue
from toolkit.schema.meeting_kinds import kind_of
from toolkit.schema.workbooks import (
    BALLOT_COUNTS,
    BALLOT_KEYS,
    BRANCH_SHEETS,
    CASE_STUDY,
    CASE_STUDY_PROMPT,
    CRITICISMS,
    GRADES,
    GUESTS,
    INFO,
    MEASURES,
    MEMBERS,
    NOT_GRADED,
    PROBLEMS,
    SPECIAL_ANALYSES,
    TEAM_CRITIC,
    Sheet,
)

Rule = Callable[[Branch], Iterator[Issue]]


THEMED_MEETING = "专题组织生活会"
AS_MEMBER = "以普通党员身份参加"


def roster(branch: Branch) -> set[str]:
    return {r["name"] for r in branch.rows(MEMBERS.key) if r.get("name")}


def people(branch: Branch) -> set[str]:
    """Who takes part as a member: the roster, and leaders attending 以普通党员身份参加.

    They may criticise, be criticised and be appraised (workbook spec, 列席指导).
    """
    guests = {r["name"] for r in branch.rows(GUESTS.key) if r.get("name") and r.get("mode") == AS_MEMBER}
    return roster(branch) | guests


def ordinary_members(members: list[dict], guests: list[dict]) -> list[dict]:
    """Leaders who came 以普通党员身份参加: members of the meeting, though not on its roster."""
    names = {as_text(m.get("name")) for m in members}
    return [g for g in guests if g.get("mode") == AS_MEMBER and as_text(g.get("name"))
            and as_text(g.get("name")) not in names]


def attendance_counts(members: list[dict], guests: list[dict]) -> tuple[int, int, int]:
    """应到, 实到, 缺席: the roster plus the leaders attending as ordinary members (they were there).

    The one count check's confirmation, the documents and the 汇总表 all quote.
    """
    extra = len(ordinary_members(members, guests))
    present = sum(1 for r in members if r.get("present") is True) + extra
    absent = sum(1 for r in members if r.get("present") is False)
    return len(members) + extra, present, absent


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


def report_date(branch: Branch) -> Iterator[Issue]:
    """A blank 报告日期 becomes the 召开日期 (said, never silently today); an earlier one is wrong."""
    meeting, report = branch.info.get("meeting_date"), branch.info.get("report_date")
    cell = branch.cell(INFO.key, 0, "report_date")
    if not isinstance(meeting, dt.date):
        return  # a missing or unreadable 召开日期 is already an error
    if report is None:
        if not (cell and _had_bad_value(branch, INFO, cell)):
            yield issue(IssueCode.REPORT_DATE_MISSING, INFO.name, cell, format_date(meeting))
    elif report < meeting:
        yield issue(IssueCode.REPORT_DATE_BEFORE_MEETING, INFO.name, cell, format_date(report),
                    meeting=format_date(meeting))


def members_without_problem(branch: Branch) -> Iterator[Issue]:
    """Each 正式党员 is expected to find at least one problem of their own (issue 12)."""
    if PROBLEMS.key not in branch.sheets_found:
        return
    owners = {r["owner"] for r in branch.rows(PROBLEMS.key) if r.get("level") == "党员个人" and r.get("owner")}
    seen: set[str] = set()
    for row in branch.rows(MEMBERS.key):
        name = row.get("name")
        if not name or name in seen or row.get("category") != "正式党员":
            continue
        seen.add(name)
        if name not in owners:
            yield issue(IssueCode.MEMBER_WITHOUT_PROBLEM, MEMBERS.name, branch.cell(MEMBERS.key, row, "name"), name)


def criticisms(branch: Branch) -> Iterator[Issue]:
    names = people(branch)
    if not names:
        return  # no roster: reported as no-members
    for row in branch.rows(CRITICISMS.key):
        critic, target = row.get("critic"), row.get("target")
        if critic and critic != TEAM_CRITIC and critic not in names:
            yield issue(IssueCode.CRITIC_NOT_IN_ROSTER, CRITICISMS.name,
                        branch.cell(CRITICISMS.key, row, "critic"), critic, team=TEAM_CRITIC)
        if target and target not in names:
            yield issue(IssueCode.CRITICISED_NOT_IN_ROSTER, CRITICISMS.name,
                        branch.cell(CRITICISMS.key, row, "target"), target)


def special_analyses(branch: Branch) -> Iterator[Issue]:
    """The sections the cycle declared, and a 典型案例剖析 for a 专题组织生活会, each have a row."""
    if SPECIAL_ANALYSES.key not in branch.sheets_found:
        return  # an older workbook: the sheet is optional
    filled = {r["item"] for r in branch.rows(SPECIAL_ANALYSES.key) if r.get("item")}
    wanted = [(name, prompt) for name, prompt in branch.sections if name != CASE_STUDY]
    if branch.info.get("meeting_type") == THEMED_MEETING:
        wanted.insert(0, (CASE_STUDY, CASE_STUDY_PROMPT))
    for name, prompt in wanted:
        if name in filled:
            continue
        why = "，专题组织生活会的对照检查材料应有典型案例剖析" if name == CASE_STUDY else "，上级要求各支部填写"
        if prompt:
            why += f"（{prompt}）"
        yield issue(IssueCode.SPECIAL_ANALYSIS_MISSING, SPECIAL_ANALYSES.name, "", name, why=why)


def leadership_meeting(branch: Branch) -> Iterator[Issue]:
    """A 民主生活会 holds no 民主评议党员: what was filled for it is not printed."""
    if kind_of(branch.info.get("meeting_type")).appraisal:
        return
    graded = [r for r in branch.rows(MEMBERS.key) if r.get("appraisal")]
    if graded:
        yield issue(IssueCode.APPRAISAL_IN_LEADERSHIP_MEETING, MEMBERS.name,
                    branch.cell(MEMBERS.key, graded[0], "appraisal"), graded[0]["appraisal"],
                    what="参会人员中的民主评议等次")
    rows = branch.rows(BALLOT_COUNTS.key)
    if rows:
        yield issue(IssueCode.APPRAISAL_IN_LEADERSHIP_MEETING, BALLOT_COUNTS.name,
                    branch.cell(BALLOT_COUNTS.key, rows[0], "name"), rows[0].get("name") or "",
                    what="民主评议计票")


def ballot_tally(branch: Branch) -> tuple[list[Issue], Tally | None]:
    """Issues of the 民主评议计票 sheet and, when it holds no errors, the tally of its votes."""
    rows = branch.rows(BALLOT_COUNTS.key)
    if not rows or not kind_of(branch.info.get("meeting_type")).appraisal:
        return [], None
    found: list[Issue] = []
    valid = branch.info.get("valid_ballots")
    valid_cell = branch.cell(INFO.key, 0, "valid_ballots")
    if valid is None:
        if not (valid_cell and _had_bad_value(branch, INFO, valid_cell)):
            found.append(issue(IssueCode.VALID_BALLOTS_MISSING, INFO.name, valid_cell))
    elif valid < 0:
        found.append(issue(IssueCode.NEGATIVE_VOTES, INFO.name, valid_cell, valid, header="有效票数"))
        valid = None
    names = people(branch)
    probationary = {r["name"] for r in branch.rows(MEMBERS.key) if r.get("category") == "预备党员"}
    ballots: list[Ballot] = []
    first: dict[str, str] = {}
    for row in rows:
        ballot = _ballot(branch, row, names, probationary, valid, first, found)
        if ballot:
            ballots.append(ballot)
    unreadable = any(i.sheet == BALLOT_COUNTS.name and i.severity is Severity.ERROR for i in branch.issues)
    if unreadable or valid is None or not ballots or any(i.severity is Severity.ERROR for i in found):
        return found, None  # a tally of wrong figures would mislead
    result = tally(ballots, valid)
    found.extend(_tally_warnings(branch, result, first))
    return found, result


def _ballot(branch: Branch, row, names: set[str], probationary: set[str], valid: int | None,
            first: dict[str, str], found: list[Issue]) -> Ballot | None:
    name = row.get("name")
    if not name:
        return None  # a missing 姓名 is already an error
    cell = branch.cell(BALLOT_COUNTS.key, row, "name")
    if name in first:
        found.append(issue(IssueCode.DUPLICATE_BALLOT_NAME, BALLOT_COUNTS.name, cell, name, first=first[name]))
        return None
    first[name] = cell
    if names and name not in names:
        found.append(issue(IssueCode.BALLOT_NAME_NOT_IN_ROSTER, BALLOT_COUNTS.name, cell, name))
        return None
    counts = [row.get(key) for key in BALLOT_KEYS]
    negative = [(key, grade, n) for key, grade, n in zip(BALLOT_KEYS, GRADES, counts) if n is not None and n < 0]
    for key, grade, n in negative:
        found.append(issue(IssueCode.NEGATIVE_VOTES, BALLOT_COUNTS.name, branch.cell(BALLOT_COUNTS.key, row, key),
                           n, header=grade))
    if negative:
        return None
    if all(n is None for n in counts):
        if name in probationary:
            return Ballot(name, (0, 0, 0, 0), True)  # 不评定 whatever the votes: blank is fine
        if not any(_had_bad_value(branch, BALLOT_COUNTS, branch.cell(BALLOT_COUNTS.key, row, k))
                   for k in BALLOT_KEYS):
            found.append(issue(IssueCode.BALLOT_WITHOUT_VOTES, BALLOT_COUNTS.name, cell, name))
        return None
    votes = tuple(n or 0 for n in counts)
    if valid is not None and sum(votes) > valid:
        found.append(issue(IssueCode.VOTES_EXCEED_BALLOTS, BALLOT_COUNTS.name, cell, sum(votes),
                           name=name, valid=valid))
        return None
    return Ballot(name, votes, name in probationary)  # type: ignore[arg-type]


def _tally_warnings(branch: Branch, result: Tally, cells: dict[str, str]) -> Iterator[Issue]:
    if result.tied:
        yield issue(IssueCode.EXCELLENT_TIE_AT_CAP, BALLOT_COUNTS.name, cells[result.tied[0]],
                    result.tied_votes, graded=result.graded, cap=result.cap, names="、".join(result.tied),
                    votes=result.tied_votes, left=result.places_left)
    for p in result.proposals:
        if p.proposed == GRADES[-1]:
            yield issue(IssueCode.PROPOSED_UNQUALIFIED, BALLOT_COUNTS.name, cells[p.name], p.name, grade=p.proposed)
    proposed = {p.name: p.proposed for p in result.proposals}
    for row in branch.rows(MEMBERS.key):
        name, typed = row.get("name"), row.get("appraisal")
        if typed and name in proposed and typed != proposed[name]:
            yield issue(IssueCode.APPRAISAL_DIFFERS_FROM_TALLY, MEMBERS.name,
                        branch.cell(MEMBERS.key, row, "appraisal"), typed, name=name, proposed=proposed[name])
            proposed.pop(name)  # a duplicated roster row is reported once


def ballots(branch: Branch) -> Iterator[Issue]:
    yield from ballot_tally(branch)[0]


def proposals(branch: Branch) -> list[dict[str, str]]:
    """Each member's proposed 等次, as ``check --json`` carries them."""
    result = ballot_tally(branch)[1]
    return [{"name": p.name, "proposed": p.proposed} for p in result.proposals] if result else []


def split_names(text: str) -> list[str]:
    """责任人 may name several people: 王建国、李娜 / 王建国,李娜."""
    for sep in "，,;；/／ ":
        text = text.replace(sep, "、")
    return [p for p in text.split("、") if p]


RULES: tuple[Rule, ...] = (
    required_fields,
    non_empty_lists,
    host,
    report_date,
    members,
    appraisal_share,
    leadership_meeting,
    problems,
    members_without_problem,
    problems_without_measure,
    measures,
    criticisms,
    special_analyses,
    ballots,
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
    return Report(path=branch.path, issues=found, normalised=list(branch.normalised),
                  appraisal=proposals(branch))


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def check_file(path: str | Path) -> tuple[Branch, Report]:
    """Read and validate one workbook. Raises WorkbookError when it is not one."""
    branch = read_branch(path)
    return branch, in_own_words(branch, validate(branch))


def in_own_words(branch: Branch, report: Report) -> Report:
    """The messages in the words of the workbook's meeting kind (班子 for a 民主生活会)."""
    terms = kind_of(branch.info.get("meeting_type")).terms
    if terms.rewording:
        report.issues[:] = [dataclasses.replace(i, message=terms.speak(i.message)) for i in report.issues]
    return report




def unreadable_report(path: str | Path, exc) -> Report:
    """A Report for a file that could not be read as a branch workbook at all."""
    return Report(path=str(path), issues=[file_issue(exc)])


def counts(branch: Branch) -> dict[str, int]:
    """The figures a confirmation quotes, computed from the rows."""
    members = branch.rows(MEMBERS.key)
    problems = branch.rows(PROBLEMS.key)
    proposed = Counter(p["proposed"] for p in proposals(branch))
    expected, present, _ = attendance_counts(members, branch.rows(GUESTS.key))
    return {
        "应到": expected,
        "实到": present,
        "问题": len(problems),
        "支部班子问题": sum(1 for r in problems if r.get("level") == "支部班子"),
        "党员个人问题": sum(1 for r in problems if r.get("level") == "党员个人"),
        "整改措施": len(branch.rows(MEASURES.key)),
        "相互批评": len(branch.rows(CRITICISMS.key)),
        "专项剖析": len(branch.rows(SPECIAL_ANALYSES.key)),
        "民主评议计票": len(branch.rows(BALLOT_COUNTS.key)),
        # proposals by grade ("拟定优秀": 2 …), when the 计票 can be tallied
        **{f"拟定{grade}": proposed[grade] for grade in (*GRADES, NOT_GRADED) if proposed[grade]},
    }
