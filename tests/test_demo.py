"""`orglife demo` runs the whole pipeline on the built-in sample and says where everything is."""

from __future__ import annotations

import contextlib
import io

import pytest

from toolkit.app.cli import main
from toolkit.branch.validate import check_file
from toolkit.core import sample_data


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo run (its output folder and what it printed), read by every test here."""
    out = tmp_path_factory.mktemp("demo") / "演示"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["demo", "-o", str(out), "--jobs", "1"])
    return status, out, printed.getvalue()


def test_demo_runs_end_to_end(demo):
    status, out, text = demo
    assert status == 0
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
    status, out, _ = demo
    assert status == 0
    codes = set()
    for path in sorted((out / "2-回收").glob("*.xlsx")):
        _, report = check_file(path)
        assert report.errors == [], (path.name, report.errors)
        codes |= {i.code.value for i in report.warnings}
    assert {"too-many-excellent", "responsible-not-in-roster", "problem-without-measure"} <= codes
