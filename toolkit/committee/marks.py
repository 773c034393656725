"""The committee's own marks in 整改总台账, kept across re-collections.

Branches send their 整改台账 again and again during a cycle; each ``collect``
rebuilds 汇总表.xlsx from the workbooks. What the committee typed into the
previous 汇总表 (党委销号, 销号日期, 备注, or columns of its own) is not in any
branch workbook, so it is read back from that file and put on the same
measure in the new one.

A measure is the same measure when branch, 问题编号 and 整改措施 text agree
(text compared without blanks and punctuation), never by row position:
branches reorder rows, and the summary is sorted afresh each time. Two equal
measures under one problem are told apart by their order. A measure whose text
was only touched up (a typo, a full stop) is matched by similarity within the
same branch and problem; anything still unmatched is handed back, so the
caller can list it instead of losing it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from toolkit.branch.read import sheet_rows
from toolkit.committee.previous import text_key
from toolkit.core.headers import find_sheet, header_key, scan_header
from toolkit.core.keys import branch_keys
from toolkit.core.values import clean_text, is_blank
from toolkit.errors import InputError
from toolkit.io.container import open_summary_input
from toolkit.schema.summary import COMMITTEE_COLUMNS, LEDGER, PARENT

# Columns of 整改总台账 the committee fills (schema.summary.COMMITTEE_COLUMNS).
# Other columns that consolidate writes from branch data are recomputed each
# time; any column the committee added itself is kept too (``committee_columns``).
# Rows handed to ``CommitteeMarks.apply`` are keyed by these headers.
ID_HEADERS = (LEDGER.header("branch_id"),)
NAME_HEADERS = (LEDGER.header("org_name"),)
PID_HEADERS = (LEDGER.header("pid"),)
MEASURE_HEADERS = (LEDGER.header("measure"),)
# A touched-up measure text still scores this high; a different measure does not.
SIMILAR_MEASURE = 90.0

MarkKey = tuple[str, str, str, int]  # (branch key, 问题编号, measure text key, occurrence)


@dataclass
class Mark:
    branch_id: str
    org_name: str
    pid: str
    measure: str
    values: dict[str, Any]  # committee header -> value as found
    row: int  # Excel row in the previous 汇总表, for messages
    n: int = 0  # how many equal measures (same branch, problem, text) came before it
    used: bool = False


@dataclass
class CommitteeMarks(Mapping):
    """Marks of a previous 汇总表, looked up by (branch, 问题编号, measure text, occurrence)."""

    columns: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        self._index: dict[MarkKey, Mark] = {}
        for mark in self.marks:
            base = (mark.pid, text_key(mark.measure))
            for bkey in branch_keys(mark.branch_id, mark.org_name):
                self._index.setdefault((bkey, *base, mark.n), mark)

    # Mapping protocol: key -> committee values
    def __getitem__(self, key: MarkKey) -> dict[str, Any]:
        return self._index[key].values

    def __iter__(self) -> Iterator[MarkKey]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def apply(self, rows: Iterable[MutableMapping[str, Any]]) -> list[Mark]:
        """Put the marks on the matching rows (dicts keyed by 整改总台账 headers).

        Returns the marks that matched no row, so the caller can show them.
        Rows are changed in place: a committee column takes the mark's value;
        a column the branch data also fills (销号日期) keeps the branch's value
        when it has one.
        """
        rows = list(rows)
        for mark in self.marks:
            mark.used = False
        seen: dict[tuple[str, str, str], int] = defaultdict(int)
        pending: list[tuple[MutableMapping[str, Any], list[str], str, str]] = []
        for row in rows:
            bid, name = _get(row, ID_HEADERS), _get(row, NAME_HEADERS)
            pid, measure = _get(row, PID_HEADERS), _get(row, MEASURE_HEADERS)
            bkeys = branch_keys(bid, name)
            base = (pid, text_key(measure))
            n = _occurrence(seen, bid, name, pid, measure)
            mark = None
            for bkey in bkeys:
                candidate = self._index.get((bkey, *base, n))
                if candidate is not None and not candidate.used:
                    mark = candidate
                    break
            if mark is None:
                pending.append((row, bkeys, pid, measure))
                continue
            self._put(row, mark)
        # Second pass: measure text touched up between submissions.
        open_marks = defaultdict(list)
        for mark in self.marks:
            if not mark.used:
                for bkey in branch_keys(mark.branch_id, mark.org_name):
                    open_marks[(bkey, mark.pid)].append(mark)
        for row, bkeys, pid, measure in pending:
            best, best_score = None, SIMILAR_MEASURE
            for bkey in bkeys:
                for mark in open_marks.get((bkey, pid), ()):
                    if mark.used:
                        continue
                    score = fuzz.ratio(text_key(measure), text_key(mark.measure))
                    if score >= best_score:
                        best, best_score = mark, score
            if best is not None:
                self._put(row, best)
        return [m for m in self.marks if not m.used]

    def _put(self, row: MutableMapping[str, Any], mark: Mark) -> None:
        mark.used = True
        for header, value in mark.values.items():
            if is_blank(row.get(header)):
                row[header] = value


def _occurrence(seen: dict, branch_id: str, org_name: str, pid: str, measure: str) -> int:
    keys = branch_keys(branch_id, org_name)
    key = (keys[0] if keys else "", pid, text_key(measure))
    n = seen[key]
    seen[key] += 1
    return n


def _value(value: Any) -> Any:
    """A mark as it will be written again: calamine gives dates as midnight datetimes."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text_at(row: list, col: int | None) -> str:
    if col is None or col >= len(row) or is_blank(row[col]):
        return ""
    return clean_text(row[col])


def _get(row: Mapping[str, Any], headers: tuple[str, ...]) -> str:
    for h in headers:
        value = row.get(h)
        if not is_blank(value):
            return clean_text(value)
    return ""


def committee_columns(headers: list[str], generated: Iterable[str] | None = None) -> list[str]:
    """Which 整改总台账 headers hold the committee's marks.

    ``generated``: the headers consolidate writes from branch data. Without it,
    only the known committee columns count.
    """
    known = {header_key(h) for h in COMMITTEE_COLUMNS}
    if generated is None:
        return [h for h in headers if header_key(h) in known]
    # An older name of a generated column (支部名称 for 党组织名称) is generated too, not the committee's.
    aliases = {header_key(a) for c in LEDGER.columns for a in c.aliases}
    made = ({header_key(h) for h in generated} | aliases) - known
    return [h for h in headers if h and header_key(h) not in made]


def carry_committee_marks(previous_summary_path: str | os.PathLike,
                          generated: Iterable[str] | None = None) -> CommitteeMarks:
    """Read the committee's marks from a previous 汇总表.xlsx (its 整改总台账)."""
    path = Path(previous_summary_path)
    wb = open_summary_input(path, "上次的汇总表")
    try:
        real = find_sheet(wb.sheet_names, LEDGER.name)
        if real is None:
            raise InputError(f"{path.name} 中没有“{LEDGER.name}”工作表，不是汇总表，无法保留党委的销号标记")
        rows = sheet_rows(wb, real, 2_000_000)
    finally:
        wb.close()
    header_at, found = scan_header(rows, LEDGER.wanted())
    if "pid" not in found:
        raise InputError(f"{path.name} 的“{LEDGER.name}”没有“{LEDGER.header('pid')}”列，无法对应党委的销号标记")
    headers = [clean_text(h) if not is_blank(h) else "" for h in rows[header_at]]
    cols = committee_columns(headers, generated)
    where = {h: i for i, h in enumerate(headers) if h}
    marks = []
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    for r, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cell = lambda h, row=row: row[where[h]] if h in where and where[h] < len(row) else None  # noqa: E731
        # Identity columns as the scanner found them, under today's header or an older alias.
        bid, name, pid, measure = (_text_at(row, found.get(k)) for k in ("branch_id", "org_name", "pid", "measure"))
        mark = Mark(branch_id=bid, org_name=name, pid=pid, measure=measure,
                    values={h: _value(cell(h)) for h in cols if not is_blank(cell(h))}, row=r)
        # Occurrences count every row, marked or not, exactly as ``apply`` counts them.
        mark.n = _occurrence(seen, mark.branch_id, mark.org_name, mark.pid, mark.measure)
        if mark.values:
            marks.append(mark)
    return CommitteeMarks(columns=cols, marks=marks, source=str(path))


@dataclass
class LedgerMarks:
    """Marks placed on the rows of a new 整改总台账 (row 1 = first data row)."""

    by_row: dict[int, dict[str, Any]]
    extra: list[str]  # committee columns consolidate does not write itself, in their old order
    leftovers: list[Mark]  # marks whose measure is gone: shown, never dropped


def ledger_marks(result, previous_summary_path: str | os.PathLike,
                 ledger_headers: Iterable[str] = (*LEDGER.headers, PARENT.header)) -> LedgerMarks:
    """Match a previous 汇总表's marks to the measures of a collect result, in ledger order.

    ``result`` is a model.CollectResult: its branches' measures, in order,
    are the rows consolidate writes to 整改总台账.
    """
    ledger_headers = list(ledger_headers)
    marks = carry_committee_marks(previous_summary_path, generated=ledger_headers)
    rows = [{ID_HEADERS[0]: rec.branch_id or "", NAME_HEADERS[0]: rec.org_name or "", PID_HEADERS[0]: m.pid,
             MEASURE_HEADERS[0]: m.measure}
            for rec in result.branches for m in rec.measures]
    before = [dict(r) for r in rows]
    leftovers = marks.apply(rows)
    by_row = {}
    for r, (new, old) in enumerate(zip(rows, before), start=1):
        kept = {h: new[h] for h in marks.columns if h in new and h not in old}
        if kept:
            by_row[r] = kept
    known = {header_key(h) for h in ledger_headers}
    extra = [h for h in marks.columns if header_key(h) not in known]
    return LedgerMarks(by_row=by_row, extra=extra, leftovers=leftovers)
