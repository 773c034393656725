"""Branch workbook -> typed records, each tagged with its sheet and Excel row.

Columns are found by header text, never by position: users move columns, add
their own, leave blank rows and type dates and names every which way. Values
that cannot be understood become issues (see validate.py for the rules that
look across cells); the reader never raises for content, only for a file that
is not a readable branch workbook at all.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from toolkit.core.cells import a1
from toolkit.core.headers import header_key, scan_header
from toolkit.core.values import (
    BadValue,
    FormulaError,
    UncomputedFormula,
    clean_code,
    clean_text,
    forbidden_count,
    has_time_part,
    is_blank,
    parse,
    show,
)
from toolkit.errors import FileCode, Issue, IssueCode
from toolkit.io.container import Container, probe
from toolkit.io.container import inspect as inspect_container
from toolkit.messages import file_error, issue
from toolkit.schema.workbooks import (
    BRANCH_KIND,
    BRANCH_SHEETS,
    CHOICE_LISTS,
    INFO,
    MAX_LIST_ROWS,
    META_SHEET,
    OPTIONS_SHEET,
    READABLE_VERSIONS,
    SECTION_LIST,
    SECTION_PROMPTS,
    Column,
    Section,
    Sheet,
    T,
)

HEADER_SCAN_ROWS = 10

Row = dict[str, Any]


@dataclass
class Branch:
    """One branch workbook as typed records.

    ``tables[sheet_key]`` is a list of rows; each row maps column keys to
    typed values (None when blank) plus ``_row``, its Excel row number.
    ``columns[sheet_key][col_key]`` is the 1-based column where that header was
    found, so every issue can name its cell.
    """

    path: str
    meta: dict[str, str] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    info_rows: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    columns: dict[str, dict[str, int]] = field(default_factory=dict)
    sheets_found: set[str] = field(default_factory=set)
    issues: list[Issue] = field(default_factory=list)
    # What was read differently from how it was typed (p01 -> P01, a time left
    # out of a date, 张 三 -> 张三): (sheet, cell, typed, read as), shown by check.
    normalised: list[tuple[str, str, str, str]] = field(default_factory=list)
    # The 问题类别 list this workbook was made with (its 选项 sheet), so a
    # cycle's own categories validate without the cycle workbook at hand.
    categories: tuple[str, ...] = CHOICE_LISTS["问题类别"]
    # The 剖析项目 of this workbook's 选项 sheet with their prompts: 典型案例剖析
    # and the special sections its cycle declared.
    sections: tuple[Section, ...] = tuple(zip(CHOICE_LISTS[SECTION_LIST], CHOICE_LISTS[SECTION_PROMPTS]))
    form_key: str = INFO.key  # the 项目/内容 sheet whose rows ``info`` holds

    @property
    def name(self) -> str:
        return self.info.get("org_name") or Path(self.path).stem

    @property
    def report_date(self) -> dt.date | None:
        """The date reports are signed: 报告日期, or the 召开日期 when it is blank (never today)."""
        return self.info.get("report_date") or self.info.get("meeting_date")

    def cell(self, sheet_key: str, row: Row | int, col_key: str) -> str:
        """Excel reference of a value, e.g. "D5"; the row alone when the column is missing."""
        rownum = row if isinstance(row, int) else row["_row"]
        if sheet_key == self.form_key:
            return f"B{self.info_rows[col_key]}" if col_key in self.info_rows else ""
        col = self.columns.get(sheet_key, {}).get(col_key)
        return a1(rownum, col) if col else f"第{rownum}行"

    def rows(self, sheet_key: str) -> list[Row]:
        return self.tables.get(sheet_key, [])


def check_container(path: Path) -> Container:
    """Refuse files that are not workbooks, or that would cost too much to open.

    The checks live in container.py: content sniffing, zip-bomb and entity-bomb
    refusal, row limits, and the formula-error cells calamine would blank.
    """
    return inspect_container(Path(path))


def open_workbook(path: str | os.PathLike) -> python_calamine.CalamineWorkbook:
    return open_checked(path)[0]


def open_checked(path: str | os.PathLike) -> tuple[python_calamine.CalamineWorkbook, Container]:
    """The workbook and what the container check learned about it."""
    path = Path(path)
    container = check_container(path)
    if not container.scanned:  # .xls/.et/.xlsb: sizes unknown until read; try it in a bounded child first
        probe(path, _read_all_sheets)
    try:
        # From bytes, not from the path: calamine then picks the reader by content,
        # so an .xls saved under an .xlsx name (WPS does this) or an .et still opens.
        with open(path, "rb") as fh:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(fh.read())), container
    except python_calamine.PasswordError as exc:
        raise file_error(FileCode.ENCRYPTED, path) from exc
    except OSError as exc:
        raise file_error(FileCode.UNREADABLE, path, error=exc.strerror or str(exc)) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise file_error(FileCode.DAMAGED, path, error=type(exc).__name__) from exc


def _read_all_sheets(path: Path) -> None:
    with open(path, "rb") as fh:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    for name in wb.sheet_names:
        for _ in wb.get_sheet_by_name(name).iter_rows():
            pass


def sheet_rows(wb: python_calamine.CalamineWorkbook, name: str, limit: int) -> list[list]:
    """Rows of a sheet, row 0 being Excel row 1, at most ``limit`` rows."""
    return _rows_of(wb.get_sheet_by_name(name), limit)


def _rows_of(sheet, limit: int) -> list[list]:
    rows = []
    start_row, start_col = sheet.start or (0, 0)
    pad = [None] * start_col
    rows.extend([] for _ in range(start_row))
    for i, row in enumerate(sheet.iter_rows()):
        if start_row + i >= limit:
            break
        rows.append(pad + list(row))
    return rows


def read_branch(path: str | os.PathLike) -> Branch:
    """Read a branch workbook. Raises WorkbookError only when it is not one."""
    return read_records(path, BRANCH_SHEETS, BRANCH_KIND)


def read_records(path: str | os.PathLike, sheets: tuple[Sheet, ...], expect_kind: str) -> Branch:
    """Read any workbook declared in the schema (branch or cycle workbook)."""
    path = Path(path)
    wb, container = open_checked(path)
    try:
        branch = Branch(path=str(path))
        by_fold = {header_key(n): n for n in wb.sheet_names}
        _read_identity(wb, branch, path, sheets, expect_kind, by_fold)
        _read_options(wb, branch)
        for sheet in sheets:
            _read_sheet(wb, container, branch, sheet, by_fold.get(header_key(sheet.name)))
        return branch
    except python_calamine.CalamineError as exc:
        # calamine parses a sheet's XML only when the sheet is first read, so a
        # damaged part shows up here, not when the workbook is opened.
        raise file_error(FileCode.DAMAGED, path, what=" 的内容", error=type(exc).__name__) from exc
    finally:
        wb.close()


def _read_identity(wb, branch: Branch, path: Path, sheets: tuple[Sheet, ...], expect_kind: str,
                   by_fold: dict[str, str]) -> None:
    """_meta: is this the kind of workbook expected, and made from a template this version reads?"""
    if META_SHEET in wb.sheet_names:
        branch.meta = read_meta(wb)
    kind = branch.meta.get("表类型", "")
    known = [s for s in sheets if header_key(s.name) in by_fold]
    if kind and kind != expect_kind:
        raise file_error(FileCode.WRONG_KIND, path, kind=kind, expect=expect_kind)
    if not kind and len(known) < min(3, len(sheets) - 1):
        raise file_error(FileCode.NOT_BRANCH_LAYOUT, path, expect=expect_kind,
                         sheets="、".join("“" + s.name + "”" for s in sheets[:3]))
    version = branch.meta.get("模板版本", "")
    if version and version not in READABLE_VERSIONS:
        branch.issues.append(issue(
            IssueCode.OLD_TEMPLATE_VERSION, META_SHEET, "", version,
            version=version, expected="、".join(READABLE_VERSIONS)))


def _read_options(wb, branch: Branch) -> None:
    """The lists this workbook was made with (选项): a cycle's own categories and sections."""
    if OPTIONS_SHEET not in wb.sheet_names:
        return
    cats = read_options_column(wb, "问题类别")
    if cats:
        branch.categories = cats
    sections = read_options_pairs(wb, SECTION_LIST, SECTION_PROMPTS)
    if sections:
        branch.sections = sections


def _read_sheet(wb, container: Container, branch: Branch, sheet: Sheet, real: str | None) -> None:
    if real is None:
        if not sheet.optional:
            branch.issues.append(issue(IssueCode.MISSING_SHEET, sheet.name, "", ""))
        return
    branch.sheets_found.add(sheet.key)
    data = wb.get_sheet_by_name(real)
    rows = _rows_of(data, MAX_LIST_ROWS + HEADER_SCAN_ROWS + 1)
    mark_formula_errors(rows, container.error_cells.get(real, {}))
    mark_formula_errors(rows, container.uncomputed_cells.get(real, {}), UncomputedFormula)
    if sheet.form:
        read_form(branch, sheet, rows)
    else:
        fill_merged_down(rows, data.merged_cell_ranges or ())
        read_list(branch, sheet, rows, data.height)


def mark_formula_errors(rows: list[list], errors: dict[tuple[int, int], str], kind=None) -> None:
    """Put #REF!-style errors (or formulas saved without a result) back where calamine
    left blanks, so they are reported by cell."""
    kind = kind or FormulaError
    for (r, c), text in errors.items():
        if r < len(rows):
            rows[r].extend([None] * (c + 1 - len(rows[r])))
            if kind is FormulaError or is_blank(rows[r][c]):
                rows[r][c] = kind(text)


def fill_merged_down(rows: list[list], merged) -> None:
    """A cell merged down several list rows (a 问题编号 over its measures) belongs to each row.

    Only the top-left cell of a merge holds the value; without this the rows
    below would read as blank and be reported as missing. Merges across
    columns are left alone: copying text sideways would duplicate it.
    """
    for (r0, c0), (r1, c1) in merged:
        if c0 != c1 or r1 <= r0 or r0 == 0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([None] * (c0 + 1 - len(row)))
            if is_blank(row[c0]):
                row[c0] = value


def read_meta(wb) -> dict[str, str]:
    meta = {}
    for row in sheet_rows(wb, META_SHEET, 50):
        if len(row) >= 2 and not is_blank(row[0]):
            meta[clean_text(row[0])] = "" if is_blank(row[1]) else clean_text(row[1])
    return meta


def read_options_column(wb, list_name: str) -> tuple[str, ...]:
    rows = sheet_rows(wb, OPTIONS_SHEET, 500)
    if not rows:
        return ()
    header = [header_key(h) for h in rows[0]]
    if header_key(list_name) not in header:
        return ()
    col = header.index(header_key(list_name))
    values = [clean_text(r[col]) for r in rows[1:] if col < len(r) and not is_blank(r[col])]
    return tuple(values)


def read_options_pairs(wb, list_name: str, notes_name: str) -> tuple[Section, ...]:
    """A list of the 选项 sheet with the column of notes beside it, row by row (notes may be blank)."""
    rows = sheet_rows(wb, OPTIONS_SHEET, 500)
    if not rows:
        return ()
    header = [header_key(h) for h in rows[0]]
    if header_key(list_name) not in header:
        return ()
    col = header.index(header_key(list_name))
    note = header.index(header_key(notes_name)) if header_key(notes_name) in header else None
    pairs = []
    for r in rows[1:]:
        if col < len(r) and not is_blank(r[col]):
            text = r[note] if note is not None and note < len(r) and not is_blank(r[note]) else ""
            pairs.append((clean_text(r[col]), clean_text(text) if text else ""))
    return tuple(pairs)


def choices_for(branch: Branch, col: Column) -> tuple[str, ...]:
    if col.choices == "问题类别":
        return branch.categories
    if col.choices == SECTION_LIST:
        return tuple(name for name, _ in branch.sections)
    return CHOICE_LISTS.get(col.choices or "", ())


def convert(branch: Branch, sheet: Sheet, col: Column, raw: object, row: int, column: int) -> object:
    """Typed value, or None with an issue recorded at (row, column)."""
    if is_blank(raw):
        return None
    try:
        value = parse(col.type, raw, choices_for(branch, col))
    except BadValue as bad:
        code = IssueCode(bad.code)
        branch.issues.append(issue(code, sheet.name, a1(row, column), show(raw), header=col.header,
                                   hint=bad.hint))
        return None
    removed = forbidden_count(raw)
    if removed:
        branch.issues.append(issue(IssueCode.REMOVED_CHARACTERS, sheet.name, a1(row, column), show(raw),
                                   header=col.header, count=removed))
    if col.code and value:
        value = clean_code(value)
    if _read_differently(col, raw, value):
        branch.normalised.append((sheet.name, a1(row, column), show(raw), show(value)))
    return value


def _read_differently(col: Column, raw: object, value: object) -> bool:
    """True where the value differs from what was typed beyond trimming and widths people expect."""
    if col.type in (T.DATE, T.DEADLINE):
        return isinstance(value, dt.date) and has_time_part(raw)
    if col.code or col.type is T.NAME:
        return isinstance(raw, str) and value != clean_text(raw)
    return False


def read_form(branch: Branch, sheet: Sheet, rows: list[list]) -> None:
    branch.form_key = sheet.key
    wanted = {header_key(c.header): c for c in sheet.columns}
    seen: set[str] = set()
    for r, row in enumerate(rows, start=1):
        if not row:
            continue
        col = wanted.get(header_key(row[0]))
        if col is None or col.key in seen:
            continue
        seen.add(col.key)
        branch.info_rows[col.key] = r
        raw = row[1] if len(row) > 1 else None
        branch.info[col.key] = convert(branch, sheet, col, raw, r, 2)
    for col in sheet.columns:
        if col.key not in seen:
            branch.info[col.key] = None
            if col.required:
                branch.issues.append(issue(IssueCode.MISSING_REQUIRED, sheet.name, "", "",
                                           header=col.header, where=f"A列没有“{col.header}”这一项"))


def find_header(sheet: Sheet, rows: list[list]) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and where each known column is (1-based)."""
    return scan_header(rows, {c.header: c.key for c in sheet.columns}, scan_rows=HEADER_SCAN_ROWS, first_col=1)


def read_list(branch: Branch, sheet: Sheet, rows: list[list], height: int) -> None:
    header_row, cols = find_header(sheet, rows)
    branch.columns[sheet.key] = cols
    table: list[Row] = []
    branch.tables[sheet.key] = table
    if not cols:
        if any(c.required for c in sheet.columns):
            branch.issues.append(issue(IssueCode.MISSING_COLUMN, sheet.name, "A1", "",
                                       header="、".join(c.header for c in sheet.columns if c.required)))
        return
    for col in sheet.columns:
        if col.key not in cols and (col.required or col.required_if):
            branch.issues.append(issue(IssueCode.MISSING_COLUMN, sheet.name, a1(header_row + 1, 1), "",
                                       header=col.header))
    data = rows[header_row + 1:]
    if len(data) > MAX_LIST_ROWS or height - header_row - 1 > MAX_LIST_ROWS:
        branch.issues.append(issue(IssueCode.TOO_MANY_ROWS, sheet.name, "", str(height),
                                   limit=MAX_LIST_ROWS))
        data = data[:MAX_LIST_ROWS]
    for offset, raw_row in enumerate(data):
        excel_row = header_row + 2 + offset
        raws = {k: (raw_row[c - 1] if c - 1 < len(raw_row) else None) for k, c in cols.items()}
        if all(is_blank(v) for v in raws.values()):
            continue
        record: Row = {"_row": excel_row}
        for col in sheet.columns:
            if col.key not in cols:
                record[col.key] = None
                continue
            record[col.key] = convert(branch, sheet, col, raws[col.key], excel_row, cols[col.key])
        table.append(record)

