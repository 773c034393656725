"""The collected model: what ``collect`` makes of the returned workbooks.

Records are compact and picklable (worker processes send them back) and named:
problems and measures are NamedTuples, so readers write ``p.summary``, never
a position. Writers import this module, never ``committee.collect``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from toolkit.errors import Issue, Severity
from toolkit.io.inputs import NOT_BRANCH, UNREADABLE, InputFile

# Outcomes in 文件清单 (fixed by the workbook contract); the walker decides the last two.
DONE, HAS_ERRORS, DUPLICATE = "已汇总", "有错误", "重复提交"
OUTCOMES = (DONE, HAS_ERRORS, DUPLICATE, UNREADABLE, NOT_BRANCH)

APPRAISALS = ("优秀", "合格", "基本合格", "不合格", "不评定")
OTHER_CATEGORY = "其他（类别未填或不在本次类别中）"


class Problem(NamedTuple):
    """One row of a branch's 问题清单, as the summary keeps it."""

    pid: Any
    level: Any
    owner: Any
    category: Any
    summary: Any
    detail: Any
    source: Any
    row: Any  # the Excel row in the branch's own sheet

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Problem:
        return cls(*(row.get(k) for k in PROBLEM_KEYS))


class Measure(NamedTuple):
    """One row of a branch's 整改台账, as the summary keeps it."""

    pid: Any
    measure: Any
    owner: Any
    deadline: Any
    status: Any
    done_date: Any
    evidence: Any
    closed_date: Any
    row: Any

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Measure:
        return cls(*(row.get(k) for k in MEASURE_KEYS))


# The reader's row keys, in field order ("_row" is the reader's name for the Excel row).
PROBLEM_KEYS = (*Problem._fields[:-1], "_row")
MEASURE_KEYS = (*Measure._fields[:-1], "_row")


class Guest(NamedTuple):
    name: str
    title: str
    mode: str


@dataclass
class BranchRecord:
    """What the summary needs from one branch workbook (picklable, compact)."""

    file: str
    meta: dict[str, str]
    saved: str  # docProps modified time written by Excel/WPS on save, "" when absent
    org_name: str
    branch_id: str
    info: dict[str, Any]
    counts: dict[str, int]
    guests: list[Guest]
    problems: list[Problem]
    measures: list[Measure]
    issues: list[Issue]
    categories: tuple[str, ...] = ()
    # Multi-level roll-up: the committees above this branch below the top (" > " joined,
    # "" for a branch that reported directly) and the lower 汇总表 it came in ("" when direct).
    parent: str = ""
    via: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors


@dataclass
class LowerSummary:
    """A lower committee's 汇总表, read (committee/rollup.py): its _meta and its branches as records."""

    file: str
    meta: dict[str, str]
    committee: str
    cycle_id: str
    as_of: dt.date | None
    branches: list[BranchRecord]
    missing: list[dict[str, Any]]  # its 未报送 rows (支部编号, 党组织名称, 书记, …, 情况)
    lower: list[dict[str, Any]]  # its own 下级党组织 rows, for a tree deeper than two levels
    declared: dict[str, int]  # 支部数, 已报送, 未报送, 问题数, 整改措施数 as its _meta states them
    stamp: str = ""  # 生成时间 from its _meta: which of two copies is newer
    used: int = 0  # branches of it counted at this level (the others arrived another way)
    duplicates: list[str] = field(default_factory=list)  # why each of the others was not counted again


@dataclass
class BookResult:
    """情况报告汇编.docx: who is in it and who is not."""

    path: Path
    included: list[str] = field(default_factory=list)  # branch names, in book order
    omitted: list[tuple[str, str]] = field(default_factory=list)  # (branch, why it is not in the book)
    pdf: Path | None = None
    composed: int = 0  # documents joined through docxcompose rather than moved directly


@dataclass
class CollectResult:
    files: list[InputFile]
    branches: list[BranchRecord]  # the records used, in summary order
    # 支部名册 rows with no usable workbook, plus "note" (why, in Chinese) and "refused"
    # (names of received files that may have been theirs but could not be used)
    missing: list[dict[str, Any]]
    roster: list[dict[str, Any]]
    categories: tuple[str, ...]
    as_of: dt.date
    cycle_id: str
    cycle_info: dict[str, Any]
    others: list[BranchRecord] = field(default_factory=list)  # duplicates and other cycles
    lower: list[LowerSummary] = field(default_factory=list)  # lower committees' 汇总表 counted
    # 支部名册 rows of type 党委/党总支: the lower committees whose 汇总表 is expected
    lower_roster: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks
    summary_path: Path | None = None
    report_path: Path | None = None
    appraisal_path: Path | None = None  # 民主评议情况汇总表.docx
    pdf_paths: list[Path] = field(default_factory=list)
    book: BookResult | None = None  # with --book

    def outcome_counts(self) -> Counter:
        return Counter(f.outcome for f in self.files)

    @property
    def ok(self) -> bool:
        """True when no input had errors or could not be read."""
        counts = self.outcome_counts()
        return not counts[HAS_ERRORS] and not counts[UNREADABLE]


def branch_state(rec: BranchRecord) -> str:
    return HAS_ERRORS if rec.errors else DONE
