"""The branch workbook contract: template, reader and every validation rule."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from fixtures import clone, load_script, messy_content, valid_content

from toolkit.app.cli import main
from toolkit.branch.read import read_branch
from toolkit.branch.validate import check_file
from toolkit.errors import WorkbookError
from toolkit.schema.workbooks import BRANCH_SHEETS, LONG_TERM
from toolkit.writers.workbook import write_branch_workbook


def write(tmp_path: Path, content, name="支部.xlsx") -> Path:
    path = tmp_path / name
    write_branch_workbook(path, content)
    return path


def issues_of(path: Path) -> set[tuple[str, str]]:
    _, report = check_file(path)
    return {(i.code.value, i.location) for i in report.issues}


def test_valid_branch_has_no_issues(tmp_path):
    branch, report = check_file(write(tmp_path, valid_content()))
    assert report.issues == []
    assert len(branch.rows("members")) == 5
    # P04–P06: a problem of their own for each 正式党员 (member-without-problem)
    assert [r["pid"] for r in branch.rows("problems")] == ["P01", "P02", "P03", "P04", "P05", "P06"]
    assert branch.rows("measures")[2]["deadline"] == LONG_TERM
    assert branch.info["meeting_date"] == dt.date(2023, 8, 25)


def test_messy_but_valid_typing_reads_the_same(tmp_path):
    clean, _report_clean = check_file(write(tmp_path, valid_content(), "a.xlsx"))
    messy, report_messy = check_file(write(tmp_path, messy_content(), "b.xlsx"))
    assert report_messy.errors == []
    assert report_messy.issues == []
    assert messy.info == clean.info
    for key in ("members", "studies", "talks", "opinions", "problems", "measures"):
        assert messy.rows(key) == clean.rows(key), key


@pytest.mark.parametrize("change, expected", [
    (lambda c: c.info.pop("theme"), ("missing-required", "基本信息!B6")),
    (lambda c: c.info.update(meeting_type="座谈会"), ("not-in-choices", "基本信息!B4")),
    (lambda c: c.info.update(year="二〇二三年度x"), ("bad-integer", "基本信息!B5")),
    (lambda c: c.info.update(meeting_date="8月25号"), ("bad-date", "基本信息!B9")),
    (lambda c: c.info.update(meeting_date="2023-2-30"), ("bad-date", "基本信息!B9")),
    (lambda c: c.tables["problems"][1].update(pid="P01"), ("duplicate-problem-id", "问题清单!A3")),
    (lambda c: c.tables["measures"][0].update(pid="P09"), ("unknown-problem-id", "整改台账!A2")),
    (lambda c: c.tables["measures"].pop(3), ("problem-without-measure", "问题清单!A4")),
    (lambda c: c.tables["problems"][2].pop("owner"), ("personal-problem-no-owner", "问题清单!C4")),
    (lambda c: c.tables["problems"][2].update(owner="赵无名"), ("owner-not-in-roster", "问题清单!C4")),
    (lambda c: c.tables["measures"][0].update(owner="赵无名"), ("responsible-not-in-roster", "整改台账!C2")),
    (lambda c: c.tables["members"][2].pop("absence_reason"), ("absence-reason-missing", "参会人员!G4")),
    (lambda c: c.tables["measures"][1].pop("done_date"), ("done-date-missing", "整改台账!F3")),
    (lambda c: c.tables["measures"][0].update(deadline=dt.date(2023, 8, 1)),
     ("deadline-before-meeting", "整改台账!D2")),
    (lambda c: c.info.update(host="钱多多"), ("host-not-in-roster", "基本信息!B11")),
    (lambda c: c.tables["members"][3].update(appraisal="优秀"), ("probationary-graded", "参会人员!H5")),
    (lambda c: c.tables["members"][1].update(appraisal="优秀"), ("too-many-excellent", "参会人员!H2")),
    (lambda c: c.tables["members"][1].update(present="也许"), ("not-in-choices", "参会人员!F3")),
    (lambda c: c.tables["measures"][0].update(deadline="年底前"), ("bad-date", "整改台账!D2")),
    (lambda c: c.tables["studies"][0].update(participants="很多"), ("bad-integer", "学习研讨!E2")),
    (lambda c: c.tables["members"].append(dict(c.tables["members"][0], seq=6)),
     ("duplicate-member", "参会人员!B7")),
    (lambda c: c.tables["problems"][0].update(category="思想认识"), ("not-in-choices", "问题清单!D2")),
    (lambda c: c.tables["members"][0].update(name=None), ("missing-required", "参会人员!B2")),
    (lambda c: c.tables["measures"][0].update(status="进行中"), ("not-in-choices", "整改台账!E2")),
])
def test_each_rule_names_code_and_cell(tmp_path, change, expected):
    content = clone(valid_content())
    change(content)
    found = issues_of(write(tmp_path, content))
    assert expected in found, found


def test_warnings_alone_do_not_fail(tmp_path):
    content = clone(valid_content())
    content.tables["measures"][0]["owner"] = "办公室小王"
    _, report = check_file(write(tmp_path, content))
    assert report.ok and report.warnings and not report.errors


def test_all_issues_at_once(tmp_path):
    content = clone(valid_content())
    content.info.pop("theme")
    content.tables["measures"][0]["pid"] = "P09"
    content.tables["members"][2].pop("absence_reason")
    content.tables["members"][3]["appraisal"] = "合格"
    codes = {code for code, _ in issues_of(write(tmp_path, content))}
    assert {"missing-required", "unknown-problem-id", "absence-reason-missing",
            "probationary-graded"} <= codes


def test_messages_name_value_and_fix(tmp_path):
    content = clone(valid_content())
    content.tables["measures"][0]["deadline"] = "2023-13-01"
    _, report = check_file(write(tmp_path, content))
    [item] = report.errors
    assert item.sheet == "整改台账" and item.cell == "D2" and item.value == "2023-13-01"
    assert "2023-13-01" in item.message and "整改时限" in item.message


def test_moved_and_extra_columns_and_blank_rows(tmp_path):
    """Users move columns, add their own and leave blank rows: read by header text."""
    import openpyxl

    path = write(tmp_path, valid_content())
    wb = openpyxl.load_workbook(path)
    ws = wb["整改台账"]
    ws.move_range("A1:A10", rows=0, cols=12)  # 问题编号 moves to column M
    ws.delete_cols(1)
    ws.insert_cols(3)
    ws["C1"] = "我们自己的备注列"
    ws["C2"] = "内部使用"
    ws.insert_rows(3, amount=2)  # two blank rows in between
    wb.save(path)
    branch, report = check_file(path)
    assert report.errors == []
    measures = branch.rows("measures")
    assert [m["pid"] for m in measures] == ["P01", "P02", "P02", "P03", "P04", "P05", "P06"]
    assert measures[1]["_row"] == 5
    assert branch.columns["measures"]["pid"] == 13  # A -> M, minus one deleted, plus one inserted


def test_missing_sheet_and_column(tmp_path):
    import openpyxl

    path = write(tmp_path, valid_content())
    wb = openpyxl.load_workbook(path)
    del wb["谈心谈话"]
    wb["整改台账"]["B1"] = "措施"
    wb.save(path)
    found = issues_of(path)
    assert ("missing-sheet", "谈心谈话") in found
    assert ("missing-column", "整改台账!A1") in found


@pytest.mark.parametrize("maker", ["other_xlsx", "text"])
def test_not_a_branch_workbook(tmp_path, maker):
    path = tmp_path / "其他.xlsx"
    if maker == "other_xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active["A1"] = "工资表"
        wb.save(path)
    else:
        path.write_text("姓名,金额\n张三,1\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as err:
        read_branch(path)
    assert "其他.xlsx" in str(err.value)


def test_cli_exit_codes_and_json(tmp_path, capsys):
    good = write(tmp_path, valid_content(), "good.xlsx")
    bad_content = clone(valid_content())
    bad_content.tables["measures"][0]["pid"] = "P09"
    bad = write(tmp_path, bad_content, "bad.xlsx")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    assert main(["check", str(good)]) == 0
    out = capsys.readouterr().out
    assert "检查通过" in out and "参会 4 人（应到 5 人），问题 6 条" in out and "整改措施 7 条" in out
    assert main(["check", str(bad)]) == 1
    assert "整改台账!A2" in capsys.readouterr().out
    assert main(["check", "--json", str(good), str(bad), str(junk)]) == 1
    data = json.loads(capsys.readouterr().out)
    statuses = [f["status"] for f in data["files"]]
    assert statuses == ["ok", "errors", "unreadable"]
    issues = {i["code"]: i for i in data["files"][1]["issues"]}
    issue = issues["unknown-problem-id"]
    assert set(issue) == {"code", "severity", "sheet", "cell", "value", "message"}
    assert (issue["sheet"], issue["cell"], issue["value"], issue["severity"]) == \
        ("整改台账", "A2", "P09", "error")
    assert issues["problem-without-measure"]["severity"] == "warning"
    assert data["files"][2]["issues"][0]["code"] == "unreadable-file"
    assert main(["check", str(tmp_path / "不存在.xlsx")]) == 2
    assert "找不到" in capsys.readouterr().err


def test_check_never_modifies_input(tmp_path):
    path = write(tmp_path, valid_content())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    check_file(path)
    main(["check", str(path)])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_template_has_every_sheet_and_header(tmp_path):
    import openpyxl

    path = tmp_path / "t.xlsx"
    assert main(["template", "-o", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填写说明"
    for sheet in BRANCH_SHEETS:
        ws = wb[sheet.name]
        if sheet.form:
            keys = [ws.cell(r, 1).value for r in range(2, len(sheet.columns) + 2)]
            assert keys == [c.header for c in sheet.columns]
        else:
            assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
            assert ws.freeze_panes == "A2"
            assert ws.protection.sheet
            assert ws.print_title_rows == "$1:$1"
            # header cells locked; input columns unlocked through their column format
            assert ws["A1"].protection.locked and not ws.column_dimensions["A"].protection.locked
            assert all(ws.cell(1, c).comment for c in range(1, len(sheet.columns) + 1))
    assert wb["_meta"].sheet_state == "veryHidden"
    assert wb["选项"].sheet_state == "hidden"
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert meta["表类型"] == "支部填报表" and meta["模板版本"]
    dv = {str(v.sqref): v for v in wb["问题清单"].data_validations.dataValidation}
    category = next(v for ref, v in dv.items() if ref.startswith("D2"))
    assert category.type == "list" and "选项" in category.formula1
    dates = [v for v in wb["学习研讨"].data_validations.dataValidation if v.type == "date"]
    assert dates and dates[0].promptTitle and dates[0].prompt
    assert wb["参会人员"].page_setup.paperSize == 9


def test_committed_templates_are_current(tmp_path):
    """workbook_templates/ is regenerated by scripts/make_workbook_templates.py."""
    import zipfile

    root = Path(__file__).resolve().parent.parent
    module = load_script("make_workbook_templates")
    for fresh in module.build(tmp_path):
        committed = root / "workbook_templates" / fresh.name
        assert committed.exists(), f"{committed} missing: run scripts/make_workbook_templates.py"
        with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(committed) as b:
            names = sorted(n for n in a.namelist() if n != "docProps/core.xml")
            assert names == sorted(n for n in b.namelist() if n != "docProps/core.xml")
            for name in names:
                assert a.read(name) == b.read(name), (
                    f"{committed.name}:{name} is stale: run scripts/make_workbook_templates.py")


def test_libreoffice_resaved_workbook_reads_identically(tmp_path, soffice):
    """The reader must work on what LibreOffice (and so often WPS) writes back."""
    originals = [write(tmp_path, valid_content(), "valid.xlsx"),
                 write(tmp_path, messy_content(), "messy.xlsx")]
    bad = clone(valid_content())
    bad.tables["measures"][0]["pid"] = "P09"
    bad.tables["members"][2].pop("absence_reason")
    originals.append(write(tmp_path, bad, "bad.xlsx"))
    resaved = soffice(originals, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    for original, copy_ in zip(originals, resaved):
        a, report_a = check_file(original)
        b, report_b = check_file(copy_)
        assert [(i.code, i.location) for i in report_a.issues] == \
               [(i.code, i.location) for i in report_b.issues], original.name
        assert a.info == b.info
        assert a.meta == b.meta
        for sheet in BRANCH_SHEETS:
            if not sheet.form:
                assert a.rows(sheet.key) == b.rows(sheet.key), (original.name, sheet.name)
