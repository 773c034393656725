"""Material quality hints: warnings on the right cell, never errors, stated in 填写说明."""

from __future__ import annotations

import datetime as dt

import pytest
import python_calamine
from fixtures import clone, valid_content

from toolkit.branch.quality import RULE_TEXTS, checkable, concrete
from toolkit.branch.read import read_branch
from toolkit.branch.validate import validate
from toolkit.errors import IssueCode, Severity
from toolkit.writers.workbook import write_branch_workbook

HINT = IssueCode.QUALITY_HINT


def hints(tmp_path, content):
    path = tmp_path / "b.xlsx"
    write_branch_workbook(path, content)
    report = validate(read_branch(path))
    found = [i for i in report.issues if i.code is HINT]
    assert all(i.severity is Severity.WARNING for i in found)
    assert report.ok, [i.message for i in report.errors]  # hints never make a workbook fail
    return {(i.sheet, i.cell) for i in found}


def test_well_written_branch_has_no_hint(tmp_path):
    assert hints(tmp_path, valid_content()) == set()


def test_problem_without_facts(tmp_path):
    c = clone(valid_content())
    c.tables["problems"][1]["detail"] = "服务意识还不够强，主动服务不够，工作标准有待提高。"
    c.tables["problems"][2]["detail"] = None
    # 问题清单 columns: 问题编号 层级 责任主体 问题类别 问题概述 具体表现 -> F; rows 3 and 4
    assert hints(tmp_path, c) == {("问题清单", "F3"), ("问题清单", "F4")}


def test_measure_nobody_can_check(tmp_path):
    c = clone(valid_content())
    c.tables["measures"][0]["measure"] = "进一步加强理论学习，不断提高政治站位"
    c.tables["measures"][2]["measure"] = "坚持为群众服务，改进工作作风"  # 长期坚持 with no frequency
    c.tables["measures"][3]["owner"] = "全体党员"
    found = hints(tmp_path, c)
    # 整改台账: 问题编号 整改措施 责任人 整改时限 -> B, C, D; data from row 2
    assert found == {("整改台账", "B2"), ("整改台账", "D4"), ("整改台账", "C5")}


def test_problem_and_cause_under_half(tmp_path):
    c = clone(valid_content())
    c.tables["directions"][0]["content"] = "坚持把学习成效体现到业务上，" * 30
    assert hints(tmp_path, c) == {("努力方向", "")}


@pytest.mark.parametrize("text,expected", [
    ("比如今年以来集中学习8次", True),
    ("去年换届时支委分工没有及时调整", True),
    ("学习不够深入，学用结合不紧密", False),
])
def test_concrete(text, expected):
    assert concrete(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("每月开展1次专题研讨", True),
    ("年底前修订《考勤管理办法》", True),
    ("四季度投资计划完成情况每旬通报", True),
    ("进一步加强理论学习，提高政治站位", False),
    ("持续强化宗旨意识", False),
])
def test_checkable(text, expected):
    assert checkable(text) is expected


def test_rules_stated_in_instructions(tmp_path):
    path = tmp_path / "t.xlsx"
    write_branch_workbook(path, None)
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    text = "\n".join(str(v) for row in wb.get_sheet_by_name("填写说明").to_python() for v in row)
    assert len(RULE_TEXTS) == 4
    for rule, why in RULE_TEXTS:
        assert rule in text and why in text


def test_sample_branches_hint_only_where_vague(tmp_path):
    """The built-in 2023 branches are written concretely: no hint on their problems."""
    from two_cycles import current_cycle

    for path in current_cycle(tmp_path).values():
        report = validate(read_branch(path))
        assert report.ok
        assert not [i for i in report.issues if i.code is HINT and i.sheet == "问题清单"]


def test_deadline_date_is_enough(tmp_path):
    c = clone(valid_content())
    c.tables["measures"][2]["deadline"] = dt.date(2023, 12, 31)
    c.tables["measures"][2]["status"] = "推进中"
    c.tables["measures"][2]["measure"] = "开展查档群众满意度回访"
    assert hints(tmp_path, c) == set()
