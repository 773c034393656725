"""A higher committee's 汇总报告 reads like a committee's report one level up, and its figures
are those of its 汇总表: a paragraph per lower committee (its row of 下级党组织), the top's
own branches, the leaders who attended per level, who has not reported at each level."""

from __future__ import annotations

import re

import openpyxl
import pytest
from docx import Document
from test_rollup import TOP, tree  # noqa: F401  (the three-level tree, built once for this module)


@pytest.fixture(scope="module")
def report(tree):  # noqa: F811
    result = tree["result"]
    text = "\n".join(p.text for p in Document(str(result.report_path)).paragraphs)
    book = openpyxl.load_workbook(result.summary_path, read_only=True)
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in ("总览", "下级党组织", "未报送")}
    book.close()
    return text, sheets, result


def _section(text: str, head: str, until: str) -> str:
    return text[text.index(head):text.index(until)]


def test_each_lower_committee_has_its_figures_from_the_summary(report):
    text, sheets, _ = report
    head, *rows = sheets["下级党组织"]
    col = {h: i for i, h in enumerate(head)}
    part = _section(text, "各下级党组织汇总情况", "会前准备情况")
    for row in rows:
        name = row[col["党组织名称"]]
        if row[col["支部数"]] is None:
            assert re.search(rf"（[一二三四五]）{name}。尚未报送汇总表", part), name
            continue
        rate = row[col["整改完成率"]]
        want = (f"{name}。所属{row[col['支部数']]}个党支部，已报送{row[col['已报送']]}个、未报送{row[col['未报送']]}个"
                if row[col["未报送"]] else f"{name}。所属{row[col['支部数']]}个党支部均已报送")
        assert want in part, want
        assert (f"查摆问题{row[col['问题数']]}条，制定整改措施{row[col['整改措施数']]}条，"
                f"已完成{row[col['已完成']]}条，整改完成率{rate * 100:.1f}%") in part, name
    # 甲局三支部 came both ways: said in 甲局's paragraph, counted once; the roster's order kept
    assert part.index("甲局机关党委。") < part.index("乙局机关党委。") < part.index("丙局党总支。")
    jia = part[part.index("甲局机关党委。"):part.index("乙局机关党委。")]
    assert "其中1个党支部的材料也直接报送了本级，只计算一次" in jia
    assert "本级直属党支部。直属党支部2个，已报送2个" in part


def test_the_levels_add_up_to_the_overview(report):
    text, sheets, _ = report
    overview = {r[0]: r[1] for r in sheets["总览"] if r and r[0]}
    part = _section(text, "各下级党组织汇总情况", "会前准备情况")
    for figure, pattern in (("问题数", r"查摆问题(\d+)条"), ("整改措施数", r"制定整改措施(\d+)条"),
                            ("已完成", r"已完成(\d+)条"), ("应到人数", r"应参会党员(\d+)人"),
                            ("实到人数", r"实到(\d+)人")):
        # 甲局三支部 is told with 甲局 (whose summary carries it), not among the top's own
        levels = [int(n) for n in re.findall(pattern, part)]
        assert len(levels) == 3 and sum(levels) == overview[figure], (figure, levels)
    assert f"汇总后共有{overview['已报送']}个党支部召开会议并报送了材料" in text
    assert f"各党支部共查摆问题{overview['问题数']}条" in text
    assert f"共制定整改措施{overview['整改措施数']}条" in text
    assert f"已完成{overview['已完成']}条，整改完成率{overview['整改完成率'] * 100:.1f}%" in text


def test_who_has_not_reported_at_each_level(report):
    text, sheets, _ = report
    head, *rows = sheets["未报送"]
    part = _section(text, "材料报送情况", "下一步工作")
    assert "丙局党总支尚未报送汇总表" in part
    assert "乙局机关党委报告其所属乙局三支部尚未报送材料" in part
    for row in rows:
        assert row[head.index("党组织名称")] in part
    assert "督促1个下级党组织报送汇总表、1个党支部补报材料" in text
    assert "部署所属3个下级党组织和2个直属党支部" in text and "1个下级党组织尚未报送" in text


def test_leaders_are_told_per_level_as_comrades(report):
    text, _, result = report
    part = _section(text, "各级领导干部参加和指导", "查摆问题情况")
    for rec in result.branches:
        for guest in rec.guests:
            if guest.mode in ("以普通党员身份参加", "出席指导"):
                assert f"{guest.name}同志" in part, guest.name
    assert "甲局机关党委：" in part and "本级直属党支部：" in part
    assert TOP in text and "问题较多集中在" in text
