"""`orglife demo` runs the whole pipeline on the built-in sample and says where everything is."""

from __future__ import annotations

from toolkit.app.cli import main
from toolkit.branch.validate import check_file
from toolkit.core import sample_data


def test_demo_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "演示"
    assert main(["demo", "-o", str(out), "--jobs", "1"]) == 0
    text = capsys.readouterr().out
    assert (out / "周期设置.xlsx").is_file()
    distributed = sorted((out / "1-下发").glob("*.xlsx"))
    assert len(distributed) == len(sample_data.CYCLE["支部名册"])
    returned = sorted((out / "2-回收").glob("*.xlsx"))
    assert len(returned) == len(sample_data.BRANCHES)
    docs = sorted((out / "3-支部材料").rglob("*.docx"))
    assert len(docs) == 3 * len(sample_data.BRANCHES)
    assert (out / "4-党委汇总" / "汇总表.xlsx").is_file()
    assert (out / "4-党委汇总" / "汇总报告.docx").is_file()
    assert (out / "4-党委汇总" / "情况报告汇编.docx").is_file()
    assert "未报送 1 个" in text and str(out / "4-党委汇总" / "汇总表.xlsx") in text


def test_sample_branches_are_valid_with_the_planted_warnings(tmp_path):
    """The sample has no errors; its planted warnings are all reported."""
    assert main(["demo", "-o", str(tmp_path), "--jobs", "1"]) == 0
    codes = set()
    for path in sorted((tmp_path / "2-回收").glob("*.xlsx")):
        _, report = check_file(path)
        assert report.errors == [], (path.name, report.errors)
        codes |= {i.code.value for i in report.warnings}
    assert {"too-many-excellent", "responsible-not-in-roster", "problem-without-measure"} <= codes
