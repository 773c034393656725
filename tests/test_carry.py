"""orglife carry: the 2022 sample cycle carried into the 2023 cycle's workbooks."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from fixtures import clone, valid_content

from toolkit.app.cli import main
from toolkit.branch.read import read_branch
from toolkit.branch.validate import validate
from toolkit.core import sample_data as sd
from toolkit.workflows.carry import carry
from toolkit.writers.workbook import Content, write_branch_workbook, write_cycle_workbook

# sample_data's own list of 2022 measures still 推进中/未启动 (its docstring).
UNFINISHED = {"ZB01": ["P03", "P04"], "ZB02": ["P01", "P03"], "ZB03": ["P01", "P03"], "ZB04": ["P01"],
              "ZB05": ["P01", "P03", "P04"]}


def expected_rows(bid: str) -> list[tuple]:
    """(pid, category, summary, measure, status) for every 2022 measure of a branch."""
    data = sd.PREVIOUS_BRANCHES[bid]
    rows = []
    for p in data["问题清单"]:
        for m in [m for m in data["整改台账"] if m["问题编号"] == p["问题编号"]]:
            rows.append((p["问题编号"], p["问题类别"], p["问题概述"], m["整改措施"], m["完成状态"]))
    return rows


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    from two_cycles import cycle_workbook, previous_cycle, zip_folder

    base = tmp_path_factory.mktemp("carry")
    previous_cycle(base / "上期回收")
    cycle = cycle_workbook(base / "新周期设置.xlsx")
    code = main(["carry", str(base / "上期回收"), "--cycle", str(cycle), "-o", str(base / "下发")])
    assert code == 0
    zip_folder(base / "上期回收", base / "上期.zip")
    return base


def branch_rows(path):
    branch = read_branch(path)
    return branch, [(r["pid"], r["category"], r["summary"], r["measure"], r["status"])
                    for r in branch.rows("previous")]


@pytest.mark.parametrize("bid", sorted(sd.PREVIOUS_BRANCHES))
def test_every_problem_measure_and_status_carried(carried, bid):
    name = sd.PREVIOUS_BRANCHES[bid]["基本信息"]["党组织名称"]
    branch, rows = branch_rows(carried / "下发" / f"{name}.xlsx")
    assert rows == expected_rows(bid)
    assert {p["问题编号"] for p in sd.PREVIOUS_BRANCHES[bid]["问题清单"]} == {r[0] for r in rows}
    # exactly the unfinished ones are open; 长期坚持 stays 长期坚持
    assert sorted({r[0] for r in rows if r[4] in ("推进中", "未启动")}) == UNFINISHED[bid]
    assert [r[4] for r in rows if r[4] != "已完成"] == [r[4] for r in expected_rows(bid) if r[4] != "已完成"]
    # the rest of the workbook is what distribute gives: this cycle's settings and roster
    assert branch.meta["周期编号"] == "2023-ZT" and branch.meta["支部编号"] == bid
    assert branch.info["year"] == 2023 and branch.info["org_name"] == name
    assert branch.rows("members") and not branch.rows("problems")
    report = validate(branch)
    assert not [i for i in report.issues if i.sheet == "上次整改情况"]


def test_same_result_from_a_zip(carried):
    out = carried / "下发_zip"
    result = carry([carried / "上期.zip"], carried / "新周期设置.xlsx", out)
    assert not result.without_previous and not result.previous_unused and not result.notes
    for bid, data in sd.PREVIOUS_BRANCHES.items():
        _, rows = branch_rows(out / f"{data['基本信息']['党组织名称']}.xlsx")
        assert rows == expected_rows(bid)


def test_matching_by_id_then_name(tmp_path, carried):
    """A renamed branch keeps its number; a renumbered one keeps its name; a new one gets nothing."""
    cycle = tmp_path / "c.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "临江市交通运输局机关党委", "meeting_type": "组织生活会", "year": 2024,
              "theme": "对照检视", "deadline": dt.date(2024, 3, 1), "cycle_id": "2024-ZZ"},
        tables={"branches": [{"branch_id": "ZB01", "org_name": "综合办公室党支部"},
                             {"branch_id": "ZB22", "org_name": "公路建设管理处党支部"},
                             {"branch_id": "ZB30", "org_name": "规划科党支部"}]}))
    result = carry([carried / "上期回收"], cycle, tmp_path / "out")
    assert result.without_previous == ["规划科党支部"]
    assert sorted(result.previous_unused) == ["信息中心党支部", "市公路养护中心党支部", "离退休干部党支部"]
    _, renamed = branch_rows(tmp_path / "out" / "综合办公室党支部.xlsx")
    _, renumbered = branch_rows(tmp_path / "out" / "公路建设管理处党支部.xlsx")
    _, new = branch_rows(tmp_path / "out" / "规划科党支部.xlsx")
    assert renamed == expected_rows("ZB01") and renumbered == expected_rows("ZB02") and new == []
    assert result.open_items["综合办公室党支部"] == 2


def test_blank_status_and_missing_measures_stay_open(tmp_path, carried):
    """A measure with no status, a problem with no measure and a stray measure are all carried, open."""
    prev = clone(valid_content())
    prev.tables["measures"][0]["status"] = None
    prev.tables["measures"] = [m for m in prev.tables["measures"] if m["pid"] != "P03"]
    prev.tables["measures"].append({"pid": "P07", "measure": "补充的措施", "owner": "周明远",
                                    "deadline": dt.date(2023, 12, 1), "status": "推进中"})
    (tmp_path / "prev").mkdir()
    write_branch_workbook(tmp_path / "prev" / "a.xlsx", prev)
    cycle = tmp_path / "c.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "市档案局机关党委", "meeting_type": "组织生活会", "year": 2024, "theme": "对照检视",
              "deadline": dt.date(2024, 3, 1)},
        tables={"branches": [{"branch_id": "ZB09", "org_name": "综合科党支部"}]}))
    carry([tmp_path / "prev"], cycle, tmp_path / "out")
    _, rows = branch_rows(tmp_path / "out" / "综合科党支部.xlsx")
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("P01", "每月组织1次结合业务的专题研讨，年底前形成2篇调研报告", "未启动"),
        ("P02", "高峰期增开1个查档窗口，推行网上预约", "已完成"),
        ("P02", "每季度开展一次查档群众满意度回访", "长期坚持"),
        ("P03", None, "未启动"),
        ("P04", "每月抽查1次公务接待报销凭证，核对接待清单和人数", "长期坚持"),
        ("P05", "转发信息先核实来源，年底前参加1次网络安全和意识形态专题学习", "推进中"),
        ("P06", "10月底前牵头提交库房温湿度改造方案并组织两科室会商", "推进中"),
        ("P07", "补充的措施", "推进中"),
    ]


def test_carry_cli_errors(carried, capsys, tmp_path):
    assert main(["carry", str(tmp_path / "无"), "--cycle", str(carried / "新周期设置.xlsx"),
                 "-o", str(tmp_path / "o")]) == 2
    assert "找不到" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["carry", str(tmp_path / "empty"), "--cycle", str(carried / "新周期设置.xlsx"),
                 "-o", str(tmp_path / "o")]) == 1
    assert "没有读到上一周期" in capsys.readouterr().err
    shutil.rmtree(tmp_path / "empty")


def test_same_result_from_previous_summary(carried):
    """The committee may keep only last cycle's 汇总表.xlsx: carry reads 问题总表 and 整改总台账."""
    from two_cycles import cycle_workbook

    prev_cycle = cycle_workbook(carried / "上期周期设置.xlsx", sd.PREVIOUS_CYCLE)
    assert main(["collect", str(carried / "上期回收"), "--cycle", str(prev_cycle), "--as-of", "2023-12-25",
                 "-o", str(carried / "上期汇总")]) == 0
    out = carried / "下发_汇总表"
    assert main(["carry", str(carried / "上期汇总" / "汇总表.xlsx"), "--cycle",
                 str(carried / "新周期设置.xlsx"), "-o", str(out)]) == 0
    for bid, data in sd.PREVIOUS_BRANCHES.items():
        _, rows = branch_rows(out / f"{data['基本信息']['党组织名称']}.xlsx")
        assert rows == expected_rows(bid)
