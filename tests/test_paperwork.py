"""The meeting's other documents: personal materials, meeting day, 民主评议, progress report, 通知."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from fixtures import clone, load_script, meeting_content, valid_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from render_helpers import docx_lines, sample_content, squash, write_workbook

from toolkit.app.cli import main
from toolkit.branch.paperwork import paperwork_context, personal_context, progress_context
from toolkit.branch.read import read_branch
from toolkit.io.pdf import convert_to_pdf
from toolkit.schema import variables
from toolkit.schema.documents import PAPERWORK_DOCUMENTS
from toolkit.workflows.branch import render_progress_report, render_workbook

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ORGLIFE_UPDATE_GOLDEN") == "1"
ROOT_DOCS = [d.name for d in PAPERWORK_DOCUMENTS if not d.per_member]


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    base = tmp_path_factory.mktemp("paperwork")
    content = meeting_content()
    book = write_workbook(content, base / "综合科.xlsx")
    result = render_workbook(book, base / "out")
    return content, base / "out", result


def _doc(out: Path, name: str) -> Path:
    return next(out.glob(f"*_{name}.docx"))


def _text(path: Path) -> str:
    return "\n".join(docx_lines(path))


def test_every_document_is_written(meeting):
    _, out, result = meeting
    for name in ROOT_DOCS:
        assert _doc(out, name) in result.paperwork
    personal = sorted(p.name for p in (out / "个人材料").iterdir())
    # every member present, and 马国栋 (absent) who has a problem of his own
    assert personal == sorted(f"{n}_个人对照检查材料.docx" for n in ("周明远", "林晓雯", "马国栋", "何雨桐", "宋立新"))
    assert not result.skipped


def _own(content, name):
    problems = [p for p in content.tables["problems"] if p.get("level") == "党员个人" and p.get("owner") == name]
    pids = {p["pid"] for p in problems}
    measures = [m for m in content.tables["measures"] if m.get("pid") in pids]
    criticisms = [c for c in content.tables.get("criticisms", []) if c["target"] == name]
    return problems, measures, criticisms


def _assert_only_own(content, name, text):
    """The member's problems, criticism and measures are in the text, and nobody else's."""
    problems, measures, criticisms = _own(content, name)
    for p in problems:
        assert p["summary"].rstrip("。") in text
    for m in measures:
        assert m["measure"].rstrip("。") in text
    for c in criticisms:
        assert c["content"].rstrip("。") in text
    others = {m["name"] for m in content.tables["members"]} - {name}
    for other in others:
        o_problems, _, o_criticisms = _own(content, other)
        for p in o_problems:
            assert p["summary"].rstrip("。") not in text, (name, other)
        for c in o_criticisms:
            assert c["content"].rstrip("。") not in text, (name, other)
    for p in content.tables["problems"]:
        if p.get("level") == "支部班子":
            assert p["summary"].rstrip("。") not in text


def test_each_member_gets_exactly_their_rows(meeting):
    content, out, _ = meeting
    for m in content.tables["members"]:
        path = out / "个人材料" / f"{m['name']}_个人对照检查材料.docx"
        if path.exists():
            _assert_only_own(content, m["name"], _text(path))


def test_criticism_names_people_as_comrades(meeting):
    _, out, _ = meeting
    text = _text(out / "个人材料" / "林晓雯_个人对照检查材料.docx")
    assert "周明远同志指出：" in text and "本人表态：接受，年内完成电子档案专题培训。" in text
    assert "支部班子指出：跨科室协调" in _text(out / "个人材料" / "宋立新_个人对照检查材料.docx")


def test_member_without_problems_is_told_what_is_missing(tmp_path):
    content = meeting_content()
    content.tables["problems"] = [p for p in content.tables["problems"] if p.get("owner") != "宋立新"]
    pids = {p["pid"] for p in content.tables["problems"]}
    content.tables["measures"] = [m for m in content.tables["measures"] if m["pid"] in pids]
    branch = read_branch(write_workbook(content, tmp_path / "b.xlsx"))
    ctx = personal_context(branch, "宋立新", paperwork_context(branch))
    assert ctx["member"]["problem_count"] == 0 and "问题清单中尚无本人的问题" in ctx["member"]["missing"]


def test_signin_lists_every_member_once(meeting):
    content, out, _ = meeting
    lines = docx_lines(_doc(out, "签到表"))
    for m in content.tables["members"]:
        assert sum(1 for line in lines if f"| {m['name']} |" in line) == 1, m["name"]
    assert next(line for line in lines if " | " in line).split(" | ") == ["序号", "姓名", "党内职务", "签名", "备注"]


def test_ballot_lists_every_full_member_and_grades_no_probationary(meeting):
    content, out, _ = meeting
    rows = [line.split(" | ") for line in docx_lines(_doc(out, "民主评议测评表")) if " | " in line]
    header, body = rows[0], rows[1:]
    assert header[2:8] == ["理想信念", "政治理论素质", "组织纪律", "廉洁自律", "联系服务群众", "发挥先锋模范作用"]
    assert [r[1].split("（")[0] for r in body] == [m["name"] for m in content.tables["members"]]
    for r, m in zip(body, content.tables["members"]):
        if m["category"] == "预备党员":
            assert "不参加评定等次" in r[1] and set(r[2:]) == {"—"}
        else:
            assert set(r[2:]) == {""}
    assert "共印制3份" in _text(_doc(out, "民主评议测评表"))


def test_result_typed_grade_wins_and_publicity_names_only_excellent_and_below(tmp_path):
    content = meeting_content()
    content.tables["members"][4]["appraisal"] = "基本合格"  # the secretary typed another grade for 宋立新
    book = write_workbook(content, tmp_path / "b.xlsx")
    result = render_workbook(book, tmp_path / "out")
    lines = docx_lines(_doc(tmp_path / "out", "民主评议结果"))
    song = next(line for line in lines if "| 宋立新 |" in line).split(" | ")
    assert song[-2:] == ["合格", "基本合格"]
    publicity = _text(_doc(tmp_path / "out", "民主评议结果公示"))
    assert "评为优秀的党员：周明远同志。" in publicity and "评为基本合格的党员：宋立新同志。" in publicity
    assert "林晓雯" not in publicity and "模板说明" not in publicity
    assert result.report.ok


def test_minutes_speakers_in_order_and_criticism_pairs(meeting):
    _, out, _ = meeting
    text = _text(_doc(out, "会议记录"))
    assert "应到5人，实到4人，缺席1人（马国栋：外出培训）。" in text
    speakers = ("书记周明远同志代表支部班子", "组织委员林晓雯同志", "宣传委员宋立新同志", "何雨桐同志作个人")
    order = [text.index(s) for s in speakers]
    assert order == sorted(order) and "马国栋同志作个人" not in text
    assert "支部班子对宋立新同志提出批评：跨科室协调等领导出面的多。" in text
    assert "1.通报上一次整改情况" in text


def test_older_workbook_without_the_new_sheets_still_renders(tmp_path):
    book = write_workbook(valid_content(), tmp_path / "old.xlsx")
    wb = load_workbook(book)
    for name in ("相互批评", "专项剖析", "民主评议计票"):
        del wb[name]
    wb.save(book)
    result = render_workbook(book, tmp_path / "out")
    assert any("民主评议结果" in s for s in result.skipped) or _doc(tmp_path / "out", "民主评议结果")
    assert (tmp_path / "out" / "个人材料" / "林晓雯_个人对照检查材料.docx").exists()
    assert "相互批评表中没有对本人的批评意见。" in _text(tmp_path / "out" / "个人材料" / "林晓雯_个人对照检查材料.docx")


def test_leadership_meeting_gets_no_appraisal_documents(tmp_path):
    content = clone(valid_content())
    content.info["meeting_type"] = "民主生活会"
    for m in content.tables["members"]:
        m["appraisal"] = None
    book = write_workbook(content, tmp_path / "b.xlsx")
    from toolkit.branch.validate import check_file

    _, report = check_file(book)
    if not report.ok:
        pytest.skip("the valid branch is not a valid 民主生活会 workbook")
    result = render_workbook(book, tmp_path / "out")
    assert not any("民主评议" in p.name or "个人对照" in p.name for p in result.paperwork)


def test_values_are_autoescaped(tmp_path):
    content = meeting_content()
    content.tables["criticisms"][0]["content"] = "A&B<C> {{ 7*7 }}"
    result = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), tmp_path / "out")
    assert "A&B<C> {{ 7*7 }}" in _text(tmp_path / "out" / "个人材料" / "林晓雯_个人对照检查材料.docx")
    assert result.report.ok


# --- the 整改落实情况报告 ---------------------------------------------------------------------

def test_progress_counts_as_of_a_date(tmp_path):
    content = meeting_content()
    book = write_workbook(content, tmp_path / "b.xlsx")
    branch = read_branch(book)
    as_of = dt.date(2023, 11, 1)
    ctx = progress_context(branch, {}, as_of)["progress"]
    assert ctx["measure_count"] == len(content.tables["measures"])
    assert ctx["done"] + ctx["in_progress"] + ctx["overdue"] + ctx["long_term"] == ctx["measure_count"]
    result = render_progress_report(book, tmp_path / "out", as_of)
    text = _text(result.paperwork[0])
    assert f"截至2023年11月1日，{ctx['text']}" in text
    assert main(["render", "--progress", str(book), "--as-of", "2023-11-01", "-o", str(tmp_path / "cli")]) == 0
    assert main(["render", "--progress", str(book), "-o", str(tmp_path / "cli")]) == 2


# --- context and declaration --------------------------------------------------------------

def test_paperwork_context_matches_declaration(tmp_path):
    branch = read_branch(write_workbook(meeting_content(), tmp_path / "b.xlsx"))
    ctx = paperwork_context(branch)
    assert set(ctx) == {v.name for v in variables.VARIABLES + variables.PAPERWORK_VARIABLES}
    member = personal_context(branch, "林晓雯", ctx)["member"]
    assert set(member) == {f.name for f in variables.MEMBER_VARIABLES[0].fields}
    for var in variables.PAPERWORK_VARIABLES:
        value = ctx[var.name]
        if var.example == "dict" and value is not None:
            assert set(value) == {f.name for f in var.fields}, var.name


# --- generated workbooks -------------------------------------------------------------------

NAMES = ("赵一", "钱二", "孙三", "李四", "周五", "吴六")
CATEGORIES = ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律")


@st.composite
def personal_rows(draw):
    n = draw(st.integers(2, len(NAMES)))
    names = NAMES[:n]
    problems, measures, criticisms = [], [], []
    for i in range(draw(st.integers(0, 8))):
        owner = draw(st.sampled_from(names))
        pid = f"P{i + 1:02d}"
        problems.append({"pid": pid, "level": "党员个人", "owner": owner, "category": draw(st.sampled_from(CATEGORIES)),
                         "summary": f"{owner}的第{i + 1}个问题", "detail": "具体表现。", "source": "自我检视"})
        for j in range(draw(st.integers(0, 2))):
            measures.append({"pid": pid, "measure": f"{owner}针对第{i + 1}个问题的措施{j + 1}", "owner": owner,
                             "deadline": dt.date(2023, 12, 31), "status": "推进中"})
    for k in range(draw(st.integers(0, 5))):
        critic, target = draw(st.sampled_from((*names, "支部班子"))), draw(st.sampled_from(names))
        criticisms.append({"seq": k + 1, "critic": critic, "target": target, "content": f"对{target}的第{k + 1}条批评"})
    return names, problems, measures, criticisms


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(personal_rows())
def test_generated_workbooks_each_member_holds_exactly_their_rows(tmp_path_factory, rows):
    names, problems, measures, criticisms = rows
    content = clone(valid_content())
    content.info["host"] = names[0]
    content.tables["members"] = [{"seq": i + 1, "name": n, "role": "书记" if i == 0 else "党员", "category": "正式党员",
                                  "present": True} for i, n in enumerate(names)]
    content.tables["problems"] = [{"pid": "B01", "level": "支部班子", "category": "理论学习", "summary": "班子的问题"},
                                  *problems]
    content.tables["measures"] = [{"pid": "B01", "measure": "班子的措施", "owner": names[0],
                                   "deadline": dt.date(2023, 12, 31)}, *measures]
    content.tables["criticisms"] = criticisms
    content.tables["talks"] = []
    base = tmp_path_factory.mktemp("gen")
    branch = read_branch(write_workbook(content, base / "g.xlsx"))
    ctx = paperwork_context(branch)
    for name in names:
        member = personal_context(branch, name, ctx)["member"]
        got_problems = [p["summary"] for c in member["categories"] for p in c["problems"]]
        assert sorted(got_problems) == sorted(p["summary"] for p in problems if p["owner"] == name)
        assert [m["measure"].rstrip("。") for m in member["measures"]] == \
            [m["measure"] for m in measures if m["owner"] == name]
        assert [c["content"].rstrip("。") for c in member["criticisms"]] == \
            [c["content"] for c in criticisms if c["target"] == name]
    assert [m["name"] for m in ctx["signin"]["members"]] == list(names)


# --- goldens, PDF --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("sample")
    book = write_workbook(sample_content("ZB01"), base / "ZB01.xlsx")
    return render_workbook(book, base / "out"), base / "out"


@pytest.mark.parametrize("doc", [*ROOT_DOCS, "个人对照检查材料"])
def test_golden_text(sample, doc):
    result, out = sample
    path = next(p for p in result.paperwork if p.stem.endswith(doc) and "个人材料" not in p.parts) \
        if doc != "个人对照检查材料" else sorted((out / "个人材料").iterdir())[0]
    text = "\n".join(docx_lines(path)) + "\n"
    golden = GOLDEN / f"ZB01_{doc}.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run ORGLIFE_UPDATE_GOLDEN=1 pytest tests/test_paperwork.py"
    assert text == golden.read_text(encoding="utf-8")


def test_pdf_text_of_each_new_document(meeting, tmp_path):
    _, out, _ = meeting
    docs = [_doc(out, n) for n in ROOT_DOCS] + [out / "个人材料" / "林晓雯_个人对照检查材料.docx"]
    pdfs = convert_to_pdf(docs, tmp_path)
    expected = {"签到表": "签到表", "会议记录": "会议记录", "征求意见表": "意见和建议",
                "民主评议测评表": "不参加评定等次", "民主评议结果": "民主评议党员结果的报告",
                "民主评议结果公示": "公示期为", "个人对照检查材料": "数字化业务知识储备不足"}
    for doc, pdf in zip(docs, pdfs):
        text = squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode())
        key = next(k for k in expected if doc.stem.endswith(k))
        assert squash(expected[key]) in text, doc.name


def test_committed_templates_are_what_the_script_builds(tmp_path):
    """docx_templates/ holds what scripts/build_paperwork_templates.py makes (document XML compared)."""
    import zipfile

    module = load_script("build_paperwork_templates")
    for built in module.build(tmp_path):
        committed = Path(__file__).parents[1] / "docx_templates" / built.name
        with zipfile.ZipFile(built) as a, zipfile.ZipFile(committed) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), \
                f"{built.name} is stale: run .venv/bin/python scripts/build_paperwork_templates.py"


def test_distribute_writes_the_committees_notice(tmp_path):
    from toolkit.workflows.distribute import distribute
    from toolkit.writers.workbook import Content, write_cycle_workbook

    cycle = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "市档案局机关党委", "meeting_type": "组织生活会", "year": 2023, "theme": "对照检视",
              "basis_title": "关于开好2023年度组织生活会的通知", "deadline": dt.date(2023, 9, 15)},
        tables={"branches": [{"branch_id": "ZB01", "org_name": "办公室党支部"},
                             {"branch_id": "ZB02", "org_name": "综合科党支部"}]}))
    result = distribute(cycle, tmp_path / "下发", today=dt.date(2023, 8, 1))
    assert result.notice.name == "关于召开2023年度组织生活会的通知.docx"
    text = _text(result.notice)
    assert "根据《关于开好2023年度组织生活会的通知》要求" in text and "于2023年9月15日前召开组织生活会" in text
    assert "各党支部（共2个）" in text and "二是情况报告（Word 文件，由填报表生成）。" in text
    assert text.rstrip().endswith("市档案局机关党委\n2023年8月1日")
