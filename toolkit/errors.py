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


class FileCode(str, enum.Enum):
    """Why a whole file gives no data: one stable code per file-level outcome.

    The Chinese text of each lives in messages.FILE_CATALOGUE; tests and
    machines rely on these codes, never on the wording.
    """

    EMPTY = "empty-file"
    TOO_BIG = "too-big"
    LOCK_FILE = "lock-file"
    SYSTEM_FILE = "system-file"  # __MACOSX/, ._name: what a Mac adds to a zip
    NOT_A_WORKBOOK = "not-a-workbook"  # a PDF, a picture, a Word document…
    UNSUPPORTED_FORMAT = "unsupported-format"  # a spreadsheet or archive the toolkit cannot read (.ods, .rar)
    WRONG_KIND = "wrong-kind"  # a workbook of the toolkit, but not the kind expected
    NOT_BRANCH_LAYOUT = "not-branch-layout"  # a workbook without the branch workbook's sheets
    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    ZIP_BOMB = "zip-bomb"
    ENTITY_BOMB = "entity-bomb"
    TOO_MANY_ROWS = "too-many-rows"
    TOO_MANY_ENTRIES = "too-many-entries"
    ABSURD_SIZE = "absurd-size"  # a sheet dimension, cell reference or string count no workbook has
    NESTED_TOO_DEEP = "nested-too-deep"
    UNSAFE_PATH = "unsafe-path"  # zip entry with an absolute or .. path, or a link
    SYMLINK = "symlink"
    SPECIAL_FILE = "special-file"  # a FIFO, device or socket under a workbook's name
    UNREADABLE = "unreadable"  # the system refused: permission denied, broken link, I/O error
    RUN_LIMIT = "run-limit"  # the run's budget of extracted bytes is spent


# Codes of a workbook the reader opened and found to be of another kind: `check`
# reports not-branch-workbook for them, `collect` lists them as 非填报表.
NOT_BRANCH_CODES = frozenset({FileCode.WRONG_KIND, FileCode.NOT_BRANCH_LAYOUT})


class WorkbookError(InputError):
    """A workbook cannot be read as a workbook of the expected kind.

    ``code`` says why (a FileCode); build one with messages.file_error so the
    text comes from the catalogue.
    """

    def __init__(self, message: str, *, path: str = "", reason: str = "",
                 code: FileCode = FileCode.DAMAGED):
        super().__init__(message)
        self.path = path
        self.code = FileCode(code)
        if reason == "not-branch" and self.code not in NOT_BRANCH_CODES:
            self.code = FileCode.NOT_BRANCH_LAYOUT

    @property
    def reason(self) -> str:
        """"not-branch" (readable, wrong kind) or "unreadable" (not a readable file)."""
        return "not-branch" if self.code in NOT_BRANCH_CODES else "unreadable"


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
    FORMULA_NOT_COMPUTED = "formula-not-computed"
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
    # For a file that could not be read at all: the FileCode saying why ("" otherwise).
    file_code: str = ""

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def to_json(self) -> dict:
        data = asdict(self)
        data["code"] = self.code.value
        data["severity"] = self.severity.value
        if not self.file_code:
            del data["file_code"]
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
