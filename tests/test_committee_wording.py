"""What the committee's 汇总报告 and 民主评议党员情况汇总表 say (issue 16): 主送, titles,
班子 problems only and spread across branches, 未启动 apart, nothing the data does not back."""

from __future__ import annotations

import pytest
from docx import Document

from toolkit.app.cli import main
from toolkit.core import sample_data as sd


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    from two_cycles import current_cycle, cycle_workbook

    base = tmp_path_factory.mktemp("wording")
    current_cycle(base / "回收")
    cycle = cycle_workbook(base / "周期设置.xlsx")
    assert main(["collect", str(base / "回收"), "--cycle", str(cycle), "-o", str(base / "汇总"),
                 "--jobs", "1", "--as-of", "2023-10-15"]) == 0
    return base / "汇总"


def _lines(path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_report_has_addressee_and_names_leaders_with_titles(collected):
    lines = _lines(collected / "汇总报告.docx")
    assert lines[2] == sd.CYCLE["基本设置"]["汇总报告主送"] + "："
    text = "\n".join(lines)
    for data in sd.BRANCHES.values():
        for guest in data.get("列席指导", []):
            if guest["参会方式"] in ("以普通党员身份参加", "出席指导"):
                assert guest["职务"] + guest["姓名"] + "同志" in text
    title = lines[0].replace("\n", "")
    assert "年度" not in title and "主题教育专题组织生活会" in title


def test_report_quotes_only_team_problems_and_every_branch(collected):
    text = "\n".join(_lines(collected / "汇总报告.docx"))
    quoted = text.split("三、查摆问题情况")[1].split("四、")[0]
    for data in sd.BRANCHES.values():
        org = data["基本信息"]["党组织名称"]
        for p in data["问题清单"]:
            summary = p["问题概述"].rstrip("。")
            if p["层级"] == "党员个人":
                assert summary not in quoted, summary
        if any(p["层级"] == "支部班子" for p in data["问题清单"]):
            assert f"如{org}：" in quoted, org  # every branch is represented


def test_report_counts_not_started_apart_and_claims_nothing_unbacked(collected):
    text = "\n".join(_lines(collected / "汇总报告.docx"))
    statuses = [m.get("完成状态") for d in sd.BRANCHES.values() for m in d["整改台账"]]
    assert f"尚未启动{statuses.count('未启动')}条" in text
    assert f"正在推进{statuses.count('推进中')}条" in text
    assert "平均每个支部" not in text
    assert "均已报送" not in text  # ZB05 did not report
    criticisms = sum(len(d.get("相互批评", [])) for d in sd.BRANCHES.values())
    assert f"开展相互批评共{criticisms}人次" in text


def test_appraisal_table_says_what_it_is_and_who_compiled_it(collected):
    lines = _lines(collected / "民主评议情况汇总表.docx")
    assert lines[0] == f"{sd.CYCLE['基本设置']['年度']}年度民主评议党员情况汇总表"
    assert lines[1].startswith(f"填报单位：{sd.CYCLE['基本设置']['上级党组织']}")
