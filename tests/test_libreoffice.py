"""Workbooks as people handle them in LibreOffice (standing in for WPS).

Edits go through LibreOffice's own commands (.uno:DeleteRows, .uno:EnterString …)
run by a Basic macro in headless LibreOffice, so sheet protection applies
exactly as it does for a person; the API alone would ignore it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from fixtures import valid_content
from openpyxl import load_workbook

from toolkit.branch.read import read_branch
from toolkit.branch.validate import check_file
from toolkit.schema.workbooks import INSTRUCTIONS_SHEET, META_SHEET
from toolkit.writers.workbook import INPUT_ROWS, Content, write_branch_workbook

EDIT = '''
Sub Edit(src As String, dst As String)
  Dim hidden(0) As New com.sun.star.beans.PropertyValue
  hidden(0).Name = "Hidden"
  hidden(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, hidden())
  ctrl = doc.getCurrentController()
  frame = ctrl.getFrame()
  disp = createUnoService("com.sun.star.frame.DispatchHelper")
  sheet = doc.Sheets.getByName("参会人员")
  ctrl.setActiveSheet(sheet)
  ctrl.select(sheet.getCellRangeByName("A6"))
  disp.executeDispatch(frame, ".uno:DeleteRows", "", 0, Array())
  ctrl.select(sheet.getCellRangeByName("A2"))
  disp.executeDispatch(frame, ".uno:InsertRowsBefore", "", 0, Array())
  Dim typed(0) As New com.sun.star.beans.PropertyValue
  typed(0).Name = "StringName"
  typed(0).Value = "联系电话"
  ctrl.select(sheet.getCellRangeByName("M1"))
  disp.executeDispatch(frame, ".uno:EnterString", "", 0, typed())
  typed(0).Value = "13800000000"
  ctrl.select(sheet.getCellRangeByName("M3"))
  disp.executeDispatch(frame, ".uno:EnterString", "", 0, typed())
  Dim filter(0) As New com.sun.star.beans.PropertyValue
  filter(0).Name = "FilterName"
  filter(0).Value = "Calc MS Excel 2007 XML"
  doc.storeToURL(ConvertToURL(dst), filter())
  doc.close(True)
End Sub
'''


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice (soffice) is required for this test; run scripts/bootstrap.sh")
    return soffice


def run_basic(code: str, call: str, timeout: int = 240) -> None:
    """Run Standard.Module1.<call> in a private LibreOffice profile holding ``code``."""
    soffice = _soffice()
    with tempfile.TemporaryDirectory(prefix="lo_macro_") as profile:
        uri = Path(profile).as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={uri}", "--headless", "--terminate_after_init"],
                       capture_output=True, timeout=timeout, check=True)
        module = Path(profile) / "user" / "basic" / "Standard" / "Module1.xba"
        assert module.is_file(), "LibreOffice did not create its Basic library"
        module.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC '
            '"-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
            '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
            f'script:language="StarBasic">{html.escape(code)}</script:module>', encoding="utf-8")
        subprocess.run([soffice, f"-env:UserInstallation={uri}", "--headless", "--norestore",
                        f"macro:///Standard.Module1.{call}"], capture_output=True, timeout=timeout, check=True)


def _names(path: Path) -> list[str]:
    return [row["name"] for row in read_branch(path).tables["members"] if row.get("name")]


def test_rows_inserted_and_deleted_and_own_column_added_in_libreoffice(tmp_path):
    src, dst = tmp_path / "支部.xlsx", tmp_path / "改过的.xlsx"
    write_branch_workbook(src, valid_content())
    run_basic(EDIT, f'Edit("{src}","{dst}")')
    assert dst.is_file(), "LibreOffice did not save the edited workbook"
    ws = load_workbook(dst)["参会人员"]
    assert ws["M1"].value == "联系电话" and str(ws["M3"].value) == "13800000000", "own column refused"
    assert all(c.value is None for c in ws[2]), "no row inserted"
    before = _names(src)
    assert _names(dst) == before[:4], "row 6 (the fifth member) not deleted"
    _, report = check_file(dst)
    codes = {i.code for i in report.errors}
    assert not any("column" in str(c) for c in codes)


def _validation_rows(path: Path) -> dict[str, list[tuple[int, int]]]:
    wb = load_workbook(path)
    rows = {}
    for ws in wb.worksheets:
        spans = []
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                spans.append((rng.min_row, rng.max_row))
        rows[ws.title] = sorted(set(spans))
    return rows


def test_round_trip_keeps_meta_validation_rows_and_the_check(tmp_path, soffice):
    src = tmp_path / "原表.xlsx"
    write_branch_workbook(src, valid_content())
    (back,) = soffice([src], "xlsx", tmp_path / "回存")
    with zipfile.ZipFile(back) as zf:
        workbook_xml = zf.read("xl/workbook.xml").decode("utf-8")
    assert re.search(rf'name="{META_SHEET}"[^>]*state="(hidden|veryHidden)"', workbook_xml)
    assert read_branch(back).meta == read_branch(src).meta
    assert _validation_rows(back) == _validation_rows(src)
    assert max(r for spans in _validation_rows(src).values() for _, r in spans) == INPUT_ROWS + 1
    (_, before), (_, after) = check_file(src), check_file(back)
    assert [(i.code, i.sheet, i.cell) for i in after.issues] == [(i.code, i.sheet, i.cell) for i in before.issues]


def test_a_date_typed_as_20230825_never_shows_fmt(tmp_path, soffice):
    content = valid_content()
    content.info["meeting_date"] = 20230825
    content.info["report_date"] = 45166  # a real date serial still shows as a date
    src = tmp_path / "日期.xlsx"
    write_branch_workbook(src, content)
    (page,) = soffice([src], "html", tmp_path / "html")
    text = page.read_text(encoding="utf-8", errors="replace")
    assert "#FMT" not in text and "###" not in text
    assert "20230825" in text and "2023-8-28" in text
    branch, _report = check_file(src)
    assert str(branch.info["meeting_date"]) == "2023-08-25"


def test_instructions_fit_their_cells_in_libreoffice(tmp_path, soffice):
    """Every text of 填写说明 is printed whole: nothing is cut off by a row too low."""
    src = tmp_path / "填写说明.xlsx"
    write_branch_workbook(src, Content())
    wb = load_workbook(src)
    texts = [str(c.value) for row in wb[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value]
    for name in wb.sheetnames:
        if name != INSTRUCTIONS_SHEET:
            del wb[name]
    wb.save(src)
    (pdf,) = soffice([src], "pdf", tmp_path / "pdf")
    # each reading order interleaves some neighbouring wrapped cells; a text is whole if either has it
    printed = [re.sub(r"\s+", "", subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True,
                                                  text=True, check=True).stdout) for mode in ([], ["-raw"])]
    missing = [t for t in texts if not any(re.sub(r"\s+", "", t) in p for p in printed)]
    assert not missing, f"cut off in LibreOffice: {missing[:5]}"
    assert not any("orglife " in t or "命令行" in t for t in texts), "填写说明 speaks of command lines"
    assert any("生成材料.cmd" in t for t in texts) and any("按钮" in t for t in texts)
