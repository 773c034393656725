"""Branch workbook -> typed records, each tagged with its sheet and Excel row.

Columns are found by header text, never by position: users move columns, add
their own, leave blank rows and type dates and names every which way. Values
that cannot be understood become issues (see validate.py for the rules that
look across cells); the reader never raises for content, only for a file that
is not a readable branch workbook at all.
"""

from __future__ import annotations

import functools
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from toolkit.cells import a1
from toolkit.errors import Issue, IssueCode, Severity, WorkbookError
from toolkit.messages import issue
from toolkit.schema import (
    BRANCH_KIND,
    BRANCH_SHEETS,
    CHOICE_LISTS,
    INFO,
    META_SHEET,
    MAX_LIST_ROWS,
    OPTIONS_SHEET,
    READABLE_VERSIONS,
    Column,
    Sheet,
    T,
)
from toolkit.values import BadValue, clean_text, fold, is_blank, parse, show

# Limits for what a branch workbook can be. A real one is well under 1 MB;
# these only stop hostile or broken files before they cost time or memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
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
    # The 问题类别 list this workbook was made with (its 选项 sheet), so a
    # cycle's own categories validate without the cycle workbook at hand.
    categories: tuple[str, ...] = CHOICE_LISTS["问题类别"]
    form_key: str = INFO.key  # the 项目/内容 sheet whose rows ``info`` holds

    @property
    def name(self) -> str:
        return self.info.get("org_name") or Path(self.path).stem

    def cell(self, sheet_key: str, row: Row | int, col_key: str) -> str:
        """Excel reference of a value, e.g. "D5"; the row alone when the column is missing."""
        rownum = row if isinstance(row, int) else row["_row"]
        if sheet_key == self.form_key:
            return f"B{self.info_rows[col_key]}" if col_key in self.info_rows else ""
        col = self.columns.get(sheet_key, {}).get(col_key)
        return a1(rownum, col) if col else f"第{rownum}行"

    def rows(self, sheet_key: str) -> list[Row]:
        return self.tables.get(sheet_key, [])


@functools.lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    folded = fold(text)
    return re.sub(r"[*＊]|[(（]必填[)）]|[:：]$", "", folded)


def header_key(text: object) -> str:
    """Header text as matched: no blanks, no required-marks, folded width."""
    if text is None:
        return ""
    return _header_key(str(text))


def check_container(path: Path) -> None:
    """Refuse files that are not workbooks, or that would cost too much to open."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"无法读取文件 {path.name}：{exc.strerror or exc}", path=str(path)) from exc
    if size == 0:
        raise WorkbookError(f"{path.name} 是空文件（0 字节），请重新保存后提交", path=str(path))
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"{path.name} 过大（{size // 1024 // 1024} MB），支部填报表一般不超过 1 MB，请检查是否提交错了文件",
            path=str(path),
        )
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            # OLE container: an old .xls (readable) or an encrypted OOXML workbook.
            fh.seek(0)
            blob = fh.read(min(size, 4 * 1024 * 1024))
            if "EncryptionInfo".encode("utf-16-le") in blob or b"EncryptedPackage" in blob \
                    or "EncryptedPackage".encode("utf-16-le") in blob:
                raise WorkbookError(f"{path.name} 文件已加密，请取消密码后重新提交", path=str(path))
            return
    if not head.startswith(b"PK"):
        raise WorkbookError(
            f"{path.name} 不是 Excel 工作簿（文件内容不是 xlsx/xls 格式），请用 Excel 或 WPS 另存为 .xlsx 后提交",
            path=str(path),
        )
    try:
        with zipfile.ZipFile(path) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 10 * 1024 * 1024 and ratio > MAX_ZIP_RATIO:
                    raise WorkbookError(
                        f"{path.name} 中的 {info.filename} 压缩比异常（{ratio:.0f} 倍），疑似恶意文件，已拒绝读取",
                        path=str(path),
                    )
            if total > MAX_UNZIPPED_BYTES:
                raise WorkbookError(
                    f"{path.name} 解压后过大（{total // 1024 // 1024} MB），疑似恶意文件，已拒绝读取",
                    path=str(path),
                )
            if "xl/workbook.xml" not in zf.namelist() and "xl/workbook.bin" not in zf.namelist():
                raise WorkbookError(
                    f"{path.name} 不是 Excel 工作簿（压缩包中没有工作簿内容），请用 Excel 或 WPS 另存为 .xlsx 后提交",
                    path=str(path),
                )
    except zipfile.BadZipFile as exc:
        raise WorkbookError(f"{path.name} 文件已损坏，无法打开（{exc}），请重新保存后提交",
                            path=str(path)) from exc


def open_workbook(path: str | os.PathLike) -> python_calamine.CalamineWorkbook:
    path = Path(path)
    check_container(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(f"{path.name} 文件已加密，请取消密码后重新提交", path=str(path)) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise WorkbookError(f"{path.name} 无法打开：文件已损坏或不是 Excel 工作簿（{type(exc).__name__}）",
                            path=str(path)) from exc


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
    wb = open_workbook(path)
    try:
        names = wb.sheet_names
        branch = Branch(path=str(path))
        by_fold = {header_key(n): n for n in names}
        if META_SHEET in names:
            branch.meta = read_meta(wb)
        kind = branch.meta.get("表类型", "")
        known = [s for s in sheets if header_key(s.name) in by_fold]
        if kind and kind != expect_kind:
            raise WorkbookError(
                f"{path.name} 是“{kind}”，不是{expect_kind}，请提交{expect_kind}",
                path=str(path), reason="not-branch")
        if not kind and len(known) < min(3, len(sheets) - 1):
            raise WorkbookError(
                f"{path.name} 不是{expect_kind}：没有找到"
                f"{'、'.join('“' + s.name + '”' for s in sheets[:3])}等工作表，"
                f"请使用 orglife template 生成的模板填写", path=str(path), reason="not-branch")
        version = branch.meta.get("模板版本", "")
        if version and version not in READABLE_VERSIONS:
            branch.issues.append(issue(
                IssueCode.OLD_TEMPLATE_VERSION, META_SHEET, "", version,
                version=version, expected="、".join(READABLE_VERSIONS)))
        if OPTIONS_SHEET in names:
            cats = read_options_column(wb, "问题类别")
            if cats:
                branch.categories = cats
        for sheet in sheets:
            real = by_fold.get(header_key(sheet.name))
            if real is None:
                if not sheet.optional:
                    branch.issues.append(issue(IssueCode.MISSING_SHEET, sheet.name, "", ""))
                continue
            branch.sheets_found.add(sheet.key)
            data = wb.get_sheet_by_name(real)
            rows = _rows_of(data, MAX_LIST_ROWS + HEADER_SCAN_ROWS + 1)
            if sheet.form:
                read_form(branch, sheet, rows)
            else:
                read_list(branch, sheet, rows, data.height)
        return branch
    finally:
        wb.close()


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


def choices_for(branch: Branch, col: Column) -> tuple[str, ...]:
    if col.choices == "问题类别":
        return branch.categories
    return CHOICE_LISTS.get(col.choices or "", ())


def convert(branch: Branch, sheet: Sheet, col: Column, raw: object, cell: str) -> object:
    """Typed value, or None with an issue recorded."""
    if is_blank(raw):
        return None
    try:
        return parse(col.type, raw, choices_for(branch, col))
    except BadValue as bad:
        code = IssueCode(bad.code)
        branch.issues.append(issue(code, sheet.name, cell, show(raw), header=col.header, hint=bad.hint))
        return None


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
        branch.info[col.key] = convert(branch, sheet, col, raw, a1(r, 2))
    for col in sheet.columns:
        if col.key not in seen:
            branch.info[col.key] = None
            if col.required:
                branch.issues.append(issue(IssueCode.MISSING_REQUIRED, sheet.name, "", "",
                                           header=col.header, where=f"A列没有“{col.header}”这一项"))


def find_header(sheet: Sheet, rows: list[list]) -> tuple[int, dict[str, int]]:
    """The header row (0-based) and where each known column is (1-based)."""
    wanted = {header_key(c.header): c.key for c in sheet.columns}
    best_row, best = 0, {}
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row, start=1):
            key = wanted.get(header_key(value))
            if key and key not in found:
                found[key] = c
        if len(found) > len(best):
            best_row, best = r, found
    return best_row, best


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
            record[col.key] = convert(branch, sheet, col, raws[col.key], a1(excel_row, cols[col.key]))
        table.append(record)

