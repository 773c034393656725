"""What people really type: accepted and read as the same value, and shown, never silent."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures import clone, valid_content

from toolkit.app.cli import main
from toolkit.branch.validate import check_file
from toolkit.writers.workbook import write_branch_workbook


def check(tmp_path, content):
    path = tmp_path / "支部.xlsx"
    write_branch_workbook(path, content)
    return check_file(path)


@pytest.mark.parametrize("typed", ["2023-8-25 10:00", "2023/8/25 上午", "2023年8月25日 14:30",
                                   "2023年8月25日下午3时", "2023-08-25T09:30:00", "２０２３/８/２５ 10:00"])
def test_dates_with_a_time_part_are_read_as_the_date(tmp_path, typed):
    c = clone(valid_content())
    c.info["meeting_date"] = typed
    branch, report = check(tmp_path, c)
    assert report.issues == []
    assert branch.info["meeting_date"] == dt.date(2023, 8, 25)
    assert ("基本信息", "B9", typed, "2023-08-25") in branch.normalised


@pytest.mark.parametrize("typed", ["p01", "Ｐ０１", "P 01", " p０1 "])
def test_problem_ids_in_another_case_or_width_match(tmp_path, typed):
    c = clone(valid_content())
    c.tables["measures"][0]["pid"] = typed
    branch, report = check(tmp_path, c)
    assert report.issues == []  # no unknown-problem-id, no problem-without-measure
    assert branch.rows("measures")[0]["pid"] == "P01"
    assert [n[2:] for n in branch.normalised] == [(typed, "P01")]


@pytest.mark.parametrize("dot", ["·", "•", "‧", "・", "．", "."])
def test_names_with_any_middle_dot_or_zero_width_characters_match(tmp_path, dot):
    c = clone(valid_content())
    c.tables["members"][1]["name"] = "阿依古丽·买买提"
    c.tables["problems"][2]["owner"] = f"阿依古丽{dot}买买\u200b提"
    c.tables["measures"][3]["owner"] = "阿依古丽·买买提"
    branch, report = check(tmp_path, c)
    assert report.issues == []
    assert branch.rows("problems")[2]["owner"] == "阿依古丽·买买提"


def test_check_shows_what_it_normalised(tmp_path, capsys):
    c = clone(valid_content())
    c.tables["measures"][0]["pid"] = "p01"
    path = tmp_path / "支部.xlsx"
    write_branch_workbook(path, c)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "整改台账!A2" in out and "p01" in out and "P01" in out


def _patched(path, placeholder: str, raw: bytes) -> None:
    """Put bytes no XML writer would write (a raw U+FFFF, a lone surrogate) into the shared strings."""
    import shutil
    import zipfile

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(placeholder.encode(), raw)
            dst.writestr(info, data)
    shutil.move(tmp, path)


@pytest.mark.parametrize("raw", ["\uffff", "\ufffe", "\ufdd0", "\U0010ffff", "\x01", "\x1b"])
def test_characters_xml_forbids_are_removed_with_a_warning_naming_the_cell(tmp_path, raw):
    c = clone(valid_content())
    c.tables["problems"][0]["detail"] = "比如今年以来〔X〕开展集中学习8次。"
    path = tmp_path / "支部.xlsx"
    write_branch_workbook(path, c)
    # control characters the way Excel stores them (_x0001_), the rest as raw UTF-8
    encoded = f"_x{ord(raw):04X}_".encode() if ord(raw) < 0x20 else raw.encode("utf-8")
    _patched(path, "〔X〕", encoded)
    branch, report = check_file(path)
    assert branch.rows("problems")[0]["detail"] == "比如今年以来开展集中学习8次。"
    assert {(i.code.value, i.location) for i in report.issues} == {("removed-characters", "问题清单!F2")}


def test_a_lone_surrogate_never_breaks_check_or_render(tmp_path, capsys):
    c = clone(valid_content())
    c.tables["problems"][0]["detail"] = "比如〔X〕今年以来开展集中学习8次。"
    path = tmp_path / "支部.xlsx"
    write_branch_workbook(path, c)
    _patched(path, "〔X〕", "\ud800".encode("utf-8", "surrogatepass"))
    status = main(["check", str(path)])
    assert status in (0, 1)
    out = capsys.readouterr().out
    assert "Traceback" not in out
    assert main(["render", str(path), "-o", str(tmp_path / "out")]) in (0, 1)
