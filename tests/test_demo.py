"""`orglife demo` runs the whole pipeline on the built-in sample and says where everything is."""

from __future__ import annotations

import contextlib
import io

import openpyxl
import pytest

from toolkit.app.cli import main
from toolkit.branch.validate import check_file
from toolkit.committee.cycle import load_cycle
from toolkit.core import sample_data
from toolkit.core.status import ST_DONE, measure_status
from toolkit.workflows.demo import as_of_date


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One run of the demo for the whole module (it takes a while): its folder and what it said."""
    out = tmp_path_factory.mktemp("demo") / "演示"
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        assert main(["demo", "-o", str(out), "--jobs", "1"]) == 0
    return out, said.getvalue()


def test_demo_runs_end_to_end(demo):
    out, text = demo
    assert (out / "周期设置.xlsx").is_file()
    distributed = sorted((out / "1-下发").glob("*.xlsx"))
    assert len(distributed) == len(sample_data.CYCLE["支部名册"])
    returned = sorted((out / "2-回收").glob("*.xlsx"))
    assert len(returned) == len(sample_data.BRANCHES)
    # each branch hands in the whole set: its three documents, the meeting-day ones, each member's own
    folders = sorted(p for p in (out / "3-支部材料").iterdir() if p.is_dir())
    assert len(folders) == len(sample_data.BRANCHES)
    for folder, data in zip(folders, sorted(sample_data.BRANCHES.values(), key=lambda d: d["基本信息"]["党组织名称"])):
        names = {p.name.split("_", 2)[-1] for p in folder.glob("*.docx")}
        assert {"情况报告.docx", "对照检查材料.docx", "整改清单.docx", "签到表.docx", "会议记录.docx",
                "征求意见表.docx"} <= names, folder.name
        present = [m for m in data["参会人员"] if m["是否参会"] == "是"]
        assert len(list((folder / "个人材料").glob("*_个人对照检查材料.docx"))) >= len(present)
    assert (out / "4-党委汇总" / "汇总表.xlsx").is_file()
    assert (out / "4-党委汇总" / "汇总报告.docx").is_file()
    assert (out / "4-党委汇总" / "情况报告汇编.docx").is_file()
    assert "未报送 1 个" in text and str(out / "4-党委汇总" / "汇总表.xlsx") in text
    # the sample 党组's 民主生活会: checked, rendered, and where its documents are said
    leadership = sorted((out / "5-党组民主生活会" / "材料").glob("*.docx"))
    assert len(leadership) == 3 + len(sample_data.LEADERSHIP_MEETING["参会人员"])
    assert str(out / "5-党组民主生活会" / "材料") in text


def test_sample_branches_are_valid_with_the_planted_warnings(demo):
    """The sample has no errors; its planted warnings are all reported."""
    tmp_path, _ = demo
    codes = set()
    for path in sorted((tmp_path / "2-回收").glob("*.xlsx")):
        _, report = check_file(path)
        assert report.errors == [], (path.name, report.errors)
        codes |= {i.code.value for i in report.warnings}
    assert {"too-many-excellent", "responsible-not-in-roster", "problem-without-measure"} <= codes


def _overview(path) -> dict:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = {r[0]: r[1] for r in book["总览"].iter_rows(values_only=True) if r and r[0]}
    book.close()
    return rows


def test_the_rollup_step_writes_the_higher_committees_files(demo):
    out, text = demo
    step = out / "6-工委逐级汇总"
    top = sample_data.TOP_COMMITTEE
    assert (step / "周期设置.xlsx").is_file()
    handed = sorted(p.name for p in (step / "1-下发").glob("*.xlsx"))
    assert [n for n in handed if n.endswith("_周期设置.xlsx")] == sorted(
        f"{r['党组织名称']}_周期设置.xlsx" for r in top["下级党组织"])
    for name in ("汇总表.xlsx", "汇总报告.docx", "情况报告汇编.docx"):
        assert (step / "3-工委汇总" / name).is_file() and str(step / "3-工委汇总" / name) in text
    # the steps are said in order, one line per level
    assert text.index("【5】") < text.index("【6】") < text.index("【7】")
    for name in ("临江市交通运输局机关党委：", f"{sample_data.SECOND_COMMITTEE['党组织名称']}：",
                 f"{top['党组织名称']}（全部层级"):
        assert name in text
    # the silent committee is said apart from the branches each level lists as not reported
    assert "未报送 2 个支部" in text and "临江市水利和湖泊局机关党委未报送汇总表" in text


def test_the_top_totals_are_the_sums_of_the_levels_below(demo):
    out, _ = demo
    step = out / "6-工委逐级汇总"
    second = step / sample_data.SECOND_COMMITTEE["党组织名称"] / "4-党委汇总" / "汇总表.xlsx"
    own = step / "2-回收" / "市直机关工委离退休干部党支部.xlsx"
    levels = [_overview(out / "4-党委汇总" / "汇总表.xlsx"), _overview(second)]
    top = _overview(step / "3-工委汇总" / "汇总表.xlsx")
    direct = check_file(own)[0]
    # the second committee's 办公室 branch also came straight up: counted once, inside its committee
    assert top["已报送"] == sum(x["已报送"] for x in levels) + 1
    assert top["问题数"] == sum(x["问题数"] for x in levels) + len(direct.rows("problems"))
    assert top["整改措施数"] == sum(x["整改措施数"] for x in levels) + len(direct.rows("measures"))
    assert top["应到人数"] == sum(x["应到人数"] for x in levels) + len(direct.rows("members"))
    as_of = as_of_date(load_cycle(out / "周期设置.xlsx").info)
    done = sum(1 for m in direct.rows("measures")
               if measure_status(m["deadline"], m["status"], m["done_date"], as_of) == ST_DONE)
    assert top["已完成"] == sum(x["已完成"] for x in levels) + done
    # the silent committee and the branch each lower committee listed as not reported
    book = openpyxl.load_workbook(step / "3-工委汇总" / "汇总表.xlsx", read_only=True)
    missing = {r[1] for r in list(book["未报送"].iter_rows(values_only=True))[1:]}
    book.close()
    silent = sample_data.TOP_COMMITTEE["下级党组织"][2]["党组织名称"]
    assert missing == {silent, "信息中心党支部", "城建档案馆党支部"}
