"""Errors and issues.

Exceptions are for things that stop a command (a file that cannot be opened, a
template that cannot be rendered). Issues are findings about the *content* of
a workbook: they are collected, never raised, so a secretary sees all of them
at once.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class ToolkitError(Exception):
    """Root of every error the toolkit raises on purpose.

    The CLI turns any ToolkitError into its Chinese message and ``exit_code``;
    anything else reaching the CLI is a bug.
    """

    exit_code = 2


class InputError(ToolkitError):
    """The user's input has errors (exit status 1)."""

    exit_code = 1


class WorkbookError(InputError):
    """A workbook cannot be read as a workbook of the expected kind."""

    def __init__(self, message: str, *, path: str = "", reason: str = "unreadable"):
        super().__init__(message)
        self.path = path
        # "unreadable" (not a readable file) or "not-branch" (readable, wrong kind)
        self.reason = reason


class UsageError(ToolkitError):
    """The command cannot run: bad option, missing path, output not writable."""

    exit_code = 2


class TemplateError(ToolkitError):
    """A docx template is broken, unsafe or uses unknown variables."""

    exit_code = 1


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(str, enum.Enum):
    """Stable codes: tests and machines rely on these, never on wording."""

    UNREADABLE = "unreadable-file"
    NOT_BRANCH_WORKBOOK = "not-branch-workbook"
    MISSING_SHEET = "missing-sheet"
    MISSING_COLUMN = "missing-column"
    MISSING_REQUIRED = "missing-required"
    BAD_TYPE = "bad-type"
    BAD_DATE = "bad-date"
    BAD_INTEGER = "bad-integer"
    NOT_IN_CHOICES = "not-in-choices"
    DUPLICATE_PROBLEM_ID = "duplicate-problem-id"
    UNKNOWN_PROBLEM_ID = "unknown-problem-id"
    PROBLEM_WITHOUT_MEASURE = "problem-without-measure"
    PERSONAL_PROBLEM_NO_OWNER = "personal-problem-no-owner"
    OWNER_NOT_IN_ROSTER = "owner-not-in-roster"
    RESPONSIBLE_NOT_IN_ROSTER = "responsible-not-in-roster"
    ABSENCE_REASON_MISSING = "absence-reason-missing"
    DONE_DATE_MISSING = "done-date-missing"
    DEADLINE_BEFORE_MEETING = "deadline-before-meeting"
    HOST_NOT_IN_ROSTER = "host-not-in-roster"
    PROBATIONARY_GRADED = "probationary-graded"
    TOO_MANY_EXCELLENT = "too-many-excellent"
    DUPLICATE_MEMBER = "duplicate-member"
    DUPLICATE_BRANCH_ID = "duplicate-branch-id"
    MEMBER_OF_UNKNOWN_BRANCH = "member-of-unknown-branch"
    TEXT_TOO_LONG = "text-too-long"
    TOO_MANY_ROWS = "too-many-rows"
    FORMULA_ERROR = "formula-error"
    OLD_TEMPLATE_VERSION = "old-template-version"
    OTHER_CYCLE = "other-cycle"
    NO_PROBLEMS = "no-problems"
    NO_MEMBERS = "no-members"
    REPEATED_PROBLEM = "repeated-problem"
    QUALITY_HINT = "quality-hint"
    REMOVED_CHARACTERS = "removed-characters"
    # The meeting's own paperwork (issue 12): dates, criticism, special analyses, ballots.
    REPORT_DATE_MISSING = "report-date-missing"
    REPORT_DATE_BEFORE_MEETING = "report-date-before-meeting"
    MEMBER_WITHOUT_PROBLEM = "member-without-problem"
    CRITIC_NOT_IN_ROSTER = "critic-not-in-roster"
    CRITICISED_NOT_IN_ROSTER = "criticised-not-in-roster"
    SPECIAL_ANALYSIS_MISSING = "special-analysis-missing"
    VALID_BALLOTS_MISSING = "valid-ballots-missing"
    BALLOT_NAME_NOT_IN_ROSTER = "ballot-name-not-in-roster"
    DUPLICATE_BALLOT_NAME = "duplicate-ballot-name"
    NEGATIVE_VOTES = "negative-votes"
    VOTES_EXCEED_BALLOTS = "votes-exceed-ballots"
    BALLOT_WITHOUT_VOTES = "ballot-without-votes"
    EXCELLENT_TIE_AT_CAP = "excellent-tie-at-cap"
    PROPOSED_UNQUALIFIED = "proposed-unqualified"
    APPRAISAL_DIFFERS_FROM_TALLY = "appraisal-differs-from-tally"
    APPRAISAL_IN_LEADERSHIP_MEETING = "appraisal-in-leadership-meeting"


@dataclass(frozen=True)
class Issue:
    code: IssueCode
    severity: Severity
    sheet: str
    cell: str
    value: str
    message: str

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def to_json(self) -> dict:
        data = asdict(self)
        data["code"] = self.code.value
        data["severity"] = self.severity.value
        return data


@dataclass
class Report:
    """All issues found in one workbook, in sheet order."""

    path: str
    issues: list[Issue] = field(default_factory=list)
    # Values read in another form than typed: (sheet, cell, typed, read as).
    normalised: list[tuple[str, str, str, str]] = field(default_factory=list)
    # 民主评议 proposals from the 民主评议计票 sheet: [{"name": 姓名, "proposed": 等次}].
    appraisal: list[dict[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def codes(self) -> list[str]:
        return [i.code.value for i in self.issues]
