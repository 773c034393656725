"""The branch documents: GB/T 9704 format, content and counts, goldens, PDF, safety."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from pathlib import Path

import pytest
from fixtures import clone, valid_content
from render_helpers import (
    NS,
    docx_lines,
    make_template,
    part_names,
    part_xml,
    sample_content,
    squash,
    write_workbook,
)

from toolkit.app.cli import main
from toolkit.branch.context import build_context
from toolkit.branch.read import read_branch
from toolkit.core import sample_data
from toolkit.core.wording import cn_number
from toolkit.errors import TemplateError
from toolkit.io.pdf import PdfError, convert_to_pdf
from toolkit.schema import variables
from toolkit.workflows.branch import WorkbookHasErrors, render_workbook
from toolkit.writers import render
from toolkit.writers.render import render_branch

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ORGLIFE_UPDATE_GOLDEN") == "1"
BRANCH_IDS = sorted(sample_data.BRANCHES)
DOCS = ("情况报告", "对照检查材料", "整改清单")
W = "{" + NS["w"] + "}"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Every sample branch rendered once: {branch_id: {doc name: path}}."""
    base = tmp_path_factory.mktemp("render")
    out = {}
    for bid in BRANCH_IDS:
        book = write_workbook(sample_content(bid), base / f"{bid}.xlsx")
        result = render_workbook(book, base / bid)
        assert result.report.ok
        out[bid] = dict(zip(DOCS, result.docx))
    return out


@pytest.fixture(scope="session")
def pdf_texts(rendered, tmp_path_factory):
    """One soffice batch for two branches' documents; their text via pdftotext."""
    docs = [p for bid in BRANCH_IDS[:2] for p in rendered[bid].values()]
    pdfs = convert_to_pdf(docs, tmp_path_factory.mktemp("pdf"))
    texts = {}
    for doc, pdf in zip(docs, pdfs):
        assert pdf.stat().st_size > 0
        texts[doc] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                    check=True).stdout.decode("utf-8")
    return texts


def raw(bid: str, sheet: str) -> list[dict]:
    return sample_data.BRANCHES[bid].get(sheet, [])


# --- page and font settings ------------------------------------------------------------

def _style(styles, style_id):
    found = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, style_id
    return found


def _attr(el, path, name):
    node = el.find(path, NS)
    assert node is not None, path
    return node.get(W + name)


@pytest.mark.parametrize("doc", DOCS)
def test_gbt9704_page_and_styles(rendered, doc):
    path = rendered[BRANCH_IDS[0]][doc]
    body = part_xml(path, "word/document.xml")
    sect = body.find(".//w:body/w:sectPr", NS)
    mar = sect.find("w:pgMar", NS)
    # 37/35/28/26 mm in twips (1 mm = 56.7 twips)
    assert {k: int(mar.get(W + k)) for k in ("top", "bottom", "left", "right")} == {
        "top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
    size = sect.find("w:pgSz", NS)
    width, height = int(size.get(W + "w")), int(size.get(W + "h"))
    if doc == "整改清单":
        assert (width, height, size.get(W + "orient")) == (16838, 11906, "landscape")
    else:
        assert (width, height) == (11906, 16838)

    styles = part_xml(path, "word/styles.xml")
    assert not [a for f in styles.iter(W + "rFonts") for a in f.attrib if "Theme" in a or "theme" in a]
    normal = _style(styles, "Normal")
    assert _attr(normal, "w:rPr/w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert _attr(normal, "w:rPr/w:sz", "val") == "32"
    assert _attr(normal, "w:pPr/w:spacing", "line") == "560"
    assert _attr(normal, "w:pPr/w:spacing", "lineRule") == "exact"
    assert _attr(normal, "w:pPr/w:ind", "firstLineChars") == "200"
    assert _attr(normal, "w:pPr/w:ind", "firstLine") == "640"
    title = _style(styles, "公文标题")
    assert _attr(title, "w:rPr/w:rFonts", "eastAsia") == "方正小标宋简体"
    assert _attr(title, "w:rPr/w:sz", "val") == "44"
    assert _attr(title, "w:pPr/w:jc", "val") == "center"
    for style_id, font in (("一级标题", "黑体"), ("二级标题", "楷体_GB2312"), ("三级标题", "仿宋_GB2312")):
        style = _style(styles, style_id)
        assert _attr(style, "w:rPr/w:rFonts", "eastAsia") == font
        assert _attr(style, "w:rPr/w:sz", "val") == "32"
    page = _style(styles, "页码")
    assert _attr(page, "w:rPr/w:rFonts", "eastAsia") == "宋体"
    assert _attr(page, "w:rPr/w:sz", "val") == "28"

    footers = [n for n in part_names(path) if n.startswith("word/footer")]
    assert footers
    footer = part_xml(path, footers[0])
    assert "PAGE" in "".join(t.text for t in footer.iter(W + "instrText"))
    text = "".join(t.text for t in footer.iter(W + "t"))
    assert text.startswith("— ") and text.endswith(" —")
    assert footer.find(".//w:pStyle", NS).get(W + "val") == "页码"
    # the title paragraph uses the title style (the 整改清单, an attachment, opens with "附件")
    paras = body.findall(".//w:body/w:p", NS)
    first = paras[1] if doc == "整改清单" else paras[0]
    assert first.find("w:pPr/w:pStyle", NS).get(W + "val") == "公文标题"


def test_list_table_repeats_header_row(rendered):
    body = part_xml(rendered[BRANCH_IDS[0]]["整改清单"], "word/document.xml")
    rows = body.findall(".//w:tbl/w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    cells = ["".join(t.text for t in tc.iter(W + "t")) for tc in rows[0].findall("w:tc", NS)]
    assert cells == ["序号", "问题类别", "问题概述", "整改措施", "责任人", "整改时限", "完成状态"]
    assert len(rows) == 1 + len(raw(BRANCH_IDS[0], "整改台账"))


# --- content, order and counts -----------------------------------------------------------

def _section(lines: list[str], start: str, end: str | None) -> list[str]:
    i = next(n for n, line in enumerate(lines) if line.endswith(start))
    j = next((n for n, line in enumerate(lines) if n > i and end and line.endswith(end)), len(lines))
    return lines[i + 1:j]


def _in_order(haystack: str, needles: list[str]) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        assert found >= 0, f"missing or out of order: {needle[:40]}"
        pos = found + len(needle)


def _first_line(text: str) -> str:
    return text.strip().split("\n")[0].rstrip("。；;，")


def _problems_in_category_order(bid: str, level: str = "支部班子") -> list[dict]:
    """The problems the 班子 materials print: the 班子's own, in category order."""
    problems = [p for p in raw(bid, "问题清单") if p["层级"] == level]
    cats = list(sample_data.CYCLE["问题类别"])
    return sorted(problems, key=lambda p: cats.index(p["问题类别"]))


def _heading_after(lines: list[str], start: str) -> str:
    """The level-1 heading that follows ``start`` (its text after "X、")."""
    i = next(n for n, line in enumerate(lines) if line.endswith(start))
    nxt = next(line for line in lines[i + 1:] if re.match(r"^[一二三四五六七八九十]+、", line))
    return nxt.split("、", 1)[1]


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_check_material_sections_hold_every_text_in_order(rendered, bid):
    lines = docx_lines(rendered[bid]["对照检查材料"])
    problems = "\n".join(_section(lines, "、存在的问题", "、" + _heading_after(lines, "、存在的问题")))
    expected = []
    for p in _problems_in_category_order(bid):
        expected.append(_first_line(p["问题概述"]))
        if p.get("具体表现"):
            expected.append(_first_line(p["具体表现"]))
    _in_order(problems, expected)
    causes = "\n".join(_section(lines, "、原因剖析", "、整改措施和努力方向"))
    _in_order(causes, [t for c in raw(bid, "原因剖析") for t in (c["方面"], _first_line(c["剖析内容"]))])
    directions = "\n".join(_section(lines, "、整改措施和努力方向", None))
    _in_order(directions, [t for d in raw(bid, "努力方向") for t in (d["标题"], _first_line(d["具体内容"]))])
    previous = raw(bid, "上次整改情况")
    if previous:
        assert lines[3] == "一、上一次组织生活会问题整改落实情况"
        _in_order("\n".join(_section(lines, "、上一次组织生活会问题整改落实情况", "、会前准备情况")),
                  [_first_line(r["整改措施"]) for r in previous if r.get("整改措施")])
    else:
        assert not any("上一次组织生活会" in line for line in lines)
        assert lines[3] == "一、会前准备情况"


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_report_counts_come_from_the_rows(rendered, bid):
    text = "\n".join(docx_lines(rendered[bid]["情况报告"]))
    members, problems = raw(bid, "参会人员"), raw(bid, "问题清单")
    # leaders attending as ordinary members are members of this meeting: counted, and present
    leaders = sum(1 for g in raw(bid, "列席指导") if g["参会方式"] == "以普通党员身份参加")
    present = sum(1 for m in members if m["是否参会"] == "是") + leaders
    assert f"应到党员{len(members) + leaders}人、实到{present}人" in text
    for m in members:
        if m["是否参会"] != "是":
            assert m["姓名"] in text
    branch = sum(1 for p in problems if p["层级"] == "支部班子")
    assert (f"共查摆问题{len(problems)}条，其中支部班子{branch}条、党员个人{len(problems) - branch}条"
            in text)
    if raw(bid, "征求意见"):
        assert f"共征求到意见建议{len(raw(bid, '征求意见'))}条" in text
        adopted = sum(1 for o in raw(bid, "征求意见") if o.get("是否纳入问题清单") == "是")
        if adopted:
            assert f"纳入问题清单{adopted}条" in text
    if raw(bid, "谈心谈话"):
        assert f"共开展谈心谈话{len(raw(bid, '谈心谈话'))}人次" in text
    assert f"共制定整改措施{len(raw(bid, '整改台账'))}条" in text
    for guest in raw(bid, "列席指导"):
        assert guest["职务"] + guest["姓名"] + "同志" in text  # named with the title
    problem_part = "\n".join(_section(text.split("\n"), "、查摆问题情况", "、整改落实措施"))
    _in_order(problem_part, [_first_line(p["问题概述"]) for p in _problems_in_category_order(bid)])
    # Chinese numerals for category headings, in the workbook's category order (the 班子's problems)
    cats = [c for c in sample_data.CYCLE["问题类别"]
            if any(p["问题类别"] == c for p in _problems_in_category_order(bid))]
    _in_order(problem_part, [f"（{cn_number(i)}）{c}方面" for i, c in enumerate(cats, start=1)])


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_list_rows_follow_the_ledger(rendered, bid):
    lines = docx_lines(rendered[bid]["整改清单"])
    rows = [line.split(" | ") for line in lines if " | " in line][1:]
    problems = raw(bid, "问题清单")
    order = {p["问题编号"]: i for i, p in enumerate(problems)}
    # grouped by category (in the cycle's order), then problem
    cats = list(sample_data.CYCLE["问题类别"])
    cat_of = {p["问题编号"]: p["问题类别"] for p in problems}
    ledger = sorted(raw(bid, "整改台账"), key=lambda m: (
        cats.index(cat_of[m["问题编号"]]) if cat_of[m["问题编号"]] in cats else len(cats), order[m["问题编号"]]))
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(ledger) + 1)]
    for above, row in itertools.pairwise(rows):  # a merged cell is empty below its first row
        if not row[1]:
            row[1] = above[1]
            row[2] = row[2] or above[2]
    for row, m in zip(rows, ledger):
        assert row[3].startswith(_first_line(m["整改措施"]))
        assert row[4] == m["责任人"]
        problem = next(p for p in problems if p["问题编号"] == m["问题编号"])
        assert row[1] == problem["问题类别"] and row[2] == problem["问题概述"].rstrip("。")


# --- goldens ------------------------------------------------------------------------------

@pytest.mark.parametrize("bid", BRANCH_IDS)
@pytest.mark.parametrize("doc", DOCS)
def test_golden_text(rendered, bid, doc):
    text = "\n".join(docx_lines(rendered[bid][doc])) + "\n"
    golden = GOLDEN / f"{bid}_{doc}.txt"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run ORGLIFE_UPDATE_GOLDEN=1 pytest tests/test_render.py"
    assert text == golden.read_text(encoding="utf-8"), \
        f"{golden.name} differs (if intended: ORGLIFE_UPDATE_GOLDEN=1 pytest tests/test_render.py)"


# --- PDF ---------------------------------------------------------------------------------

def test_pdf_text_has_title_and_counts(rendered, pdf_texts):
    for bid in BRANCH_IDS[:2]:
        org = sample_data.BRANCHES[bid]["基本信息"]["党组织名称"]
        problems = raw(bid, "问题清单")
        report = squash(pdf_texts[rendered[bid]["情况报告"]])
        assert f"{org}关于召开学习贯彻习近平新时代中国特色社会主义思想主题教育专题组织生活会情况的报告" in report
        assert f"共查摆问题{len(problems)}条" in report
        leaders = sum(1 for g in raw(bid, "列席指导") if g["参会方式"] == "以普通党员身份参加")
        assert f"应到党员{len(raw(bid, '参会人员')) + leaders}人" in report
        assert "—1—" in report
        check = squash(pdf_texts[rendered[bid]["对照检查材料"]])
        assert f"{org}学习贯彻习近平新时代中国特色社会主义思想主题教育专题组织生活会对照检查材料" in check
        listing = squash(pdf_texts[rendered[bid]["整改清单"]])
        assert f"制定整改措施{len(raw(bid, '整改台账'))}条" in listing


def test_pdf_without_soffice_is_a_clear_error(tmp_path, monkeypatch, rendered):
    monkeypatch.setenv("ORGLIFE_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(PdfError, match="LibreOffice"):
        convert_to_pdf([rendered[BRANCH_IDS[0]]["情况报告"]], tmp_path / "pdf")
    assert not list((tmp_path / "pdf").glob("*.pdf"))


# --- optional parts vanish cleanly ---------------------------------------------------------

def test_optional_parts_leave_no_trace(tmp_path):
    content = clone(valid_content())
    content.tables["guests"] = []
    content.tables["previous"] = []
    content.tables["talks"] = []
    content.info["agenda"] = None
    content.info["place"] = None
    content.info["basis_title"] = None
    for m in content.tables["members"]:
        m["appraisal"] = None
    docs = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), tmp_path / "out").docx
    report, check, _ = ("\n".join(docx_lines(d)) for d in docs)
    for text in (report, check):
        assert "{" not in text and "}" not in text
        for dangling in ("，。", "：。", "、。", "；。", "在召开", "《》", "（）", "None"):
            assert dangling not in text
    assert "到会指导" not in report and "列席" not in report
    preparation = report.split("一、")[1].split("二、")[0].replace("谈心谈话中", "")
    assert "民主评议" not in report and "议程" not in report and "谈心谈话" not in preparation
    assert "二是广泛听取意见建议" in report and "三是撰写检视材料" in report
    lines = check.split("\n")
    assert [line for line in lines if line[:2] in ("一、", "二、", "三、", "四、", "五、")] == [
        "一、会前准备情况", "二、存在的问题", "三、原因剖析", "四、整改措施和努力方向"]
    assert "按照上级党组织的部署" in check
    assert "马国栋同志因外出培训未参会" in report


def test_cn_numbers():
    assert [cn_number(n) for n in (1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 1005)] == [
        "一", "九", "十", "十一", "十九", "二十", "二十一", "九十九", "一百", "一百零一", "一百一十", "一千零五"]


# --- safety -----------------------------------------------------------------------------------

def test_cell_text_is_never_markup(tmp_path):
    content = clone(valid_content())
    p = content.tables["problems"][0]
    p["summary"] = "A&B<C>"
    p["detail"] = "{{ 7*7 }} 与 {% for %} 原样保留"
    content.tables["causes"][0]["content"] = "</w:t></w:r><w:r><w:t>注入"
    docs = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), tmp_path / "out").docx
    for doc in docs[:2]:
        text = "\n".join(docx_lines(doc))
        # the only problem of its category: a whole paragraph, with no "一是" lead
        assert "A&B<C>。{{ 7*7 }} 与 {% for %} 原样保留。" in docx_lines(doc)
        assert "49" not in text
    assert "</w:t></w:r><w:r><w:t>注入" in "\n".join(docx_lines(docs[1]))
    assert "A&B<C>" in "\n".join(docx_lines(docs[2]))


def test_sandbox_refuses_code_in_template(tmp_path):
    template = make_template(tmp_path / "t" / "情况报告.docx", "{{ cycler.__init__.__globals__ }}")
    with pytest.raises(TemplateError, match="不允许执行"):
        render.render_docx(template, variables.example_context(), tmp_path / "x.docx")
    branch = read_branch(write_workbook(valid_content(), tmp_path / "b.xlsx"))
    with pytest.raises(TemplateError, match="不允许执行"):
        render_branch(branch, tmp_path / "out", templates=template.parent)
    assert not list((tmp_path / "out").iterdir())


def test_undefined_variable_names_variable_and_template(tmp_path):
    template = make_template(tmp_path / "对照检查材料.docx", "{{ org }}{{ orgname }}")
    with pytest.raises(TemplateError) as err:
        render.render_docx(template, variables.example_context(), tmp_path / "x.docx")
    assert "orgname" in str(err.value) and "对照检查材料.docx" in str(err.value)


def test_runaway_template_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "UNTRUSTED_TIME_LIMIT", 2)
    make_template(tmp_path / "t" / "整改清单.docx",
                  "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    branch = read_branch(write_workbook(valid_content(), tmp_path / "b.xlsx"))
    with pytest.raises(TemplateError, match="超时"):
        render_branch(branch, tmp_path / "out", templates=tmp_path / "t")
    make_template(tmp_path / "m" / "整改清单.docx", "{{ 'x' * 3000000000 }}")
    with pytest.raises(TemplateError, match="内存"):
        render_branch(branch, tmp_path / "out", templates=tmp_path / "m")
    assert not list((tmp_path / "out").iterdir())


def test_unit_templates_render_in_child_process(tmp_path):
    make_template(tmp_path / "t" / "情况报告.docx", "{{ org }}共查摆问题{{ problem_count }}条")
    branch = read_branch(write_workbook(valid_content(), tmp_path / "b.xlsx"))
    docs = render_branch(branch, tmp_path / "out", templates=tmp_path / "t")
    assert docx_lines(docs[0]) == ["综合科党支部共查摆问题6条"]
    assert "存在的问题" in "\n".join(docx_lines(docs[1]))  # built-in template for the others


def test_check_template(tmp_path, capsys):
    good = make_template(tmp_path / "good.docx", "{{ org }}{% for c in categories %}{{ c.heading }}{% endfor %}")
    bad = make_template(tmp_path / "bad.docx", "{{ org }}{{ 支部名称 }}{{ orgname }}")
    broken = make_template(tmp_path / "broken.docx", "{% if org %}没有结束")
    assert render.check_template(good).unknown == []
    assert render.check_template(bad).unknown == ["orgname", "支部名称"]
    with pytest.raises(TemplateError, match="语法错误"):
        render.check_template(broken)
    assert main(["check-template", str(good)]) == 0
    assert main(["check-template", str(bad)]) == 1
    assert "orgname" in capsys.readouterr().out
    assert main(["check-template", str(broken)]) == 1


# --- files -------------------------------------------------------------------------------------

def test_file_names_are_sanitised(tmp_path):
    content = clone(valid_content())
    content.info["org_name"] = "../办公室/党支部"
    out = tmp_path / "out"
    docs = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), out).docx
    assert [d.parent for d in docs] == [out.resolve()] * 3
    assert [d.name for d in docs] == [f"办公室_党支部_2023_{n}.docx" for n in DOCS]
    assert sorted(p.name for p in tmp_path.rglob("*.docx") if p.stem.endswith(tuple(f"_{n}" for n in DOCS))) == \
        sorted(d.name for d in docs)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in tmp_path.rglob("*.docx"))


def test_workbook_with_errors_writes_nothing(tmp_path, capsys):
    content = clone(valid_content())
    content.tables["members"][2]["absence_reason"] = None
    book = write_workbook(content, tmp_path / "b.xlsx")
    before = book.read_bytes()
    with pytest.raises(WorkbookHasErrors) as err:
        render_workbook(book, tmp_path / "out")
    assert "absence-reason-missing" in err.value.report.codes()
    assert main(["render", str(book), "-o", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "参会人员!G4" in out and "未生成任何材料" in out
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert book.read_bytes() == before


def test_cli_render(tmp_path, capsys):
    book = write_workbook(valid_content(), tmp_path / "b.xlsx")
    assert main(["render", str(book), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    # the three branch documents; the meeting's other documents are written beside them
    assert sum(1 for line in out.splitlines() if line.startswith("已生成") and line.endswith(
        tuple(f"_{n}.docx" for n in DOCS))) == 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.stem.endswith(DOCS)) == sorted(
        f"综合科党支部_2023_{n}.docx" for n in DOCS)


def test_context_matches_declaration(rendered):
    """Every value the code provides is declared (and so in 变量说明.md), and nothing else."""
    branch = read_branch(Path(rendered[BRANCH_IDS[0]]["情况报告"]).parent.parent / f"{BRANCH_IDS[0]}.xlsx")
    ctx = build_context(branch)
    assert set(ctx) == set(variables.PROVIDED)

    def same_shape(var, value):
        if not var.fields:
            return
        items = [value] if var.example == "dict" else value
        for item in items:
            if item is None:
                continue
            assert set(item) == {f.name for f in var.fields}, var.name
            for f in var.fields:
                if f.name in item:
                    same_shape(f, item[f.name])

    for var in variables.VARIABLES:
        same_shape(var, ctx[var.name])


# --- whose problem, said once, titles, the meeting's sheets (issue 16) ------------------------

def _personal_texts(bid: str) -> list[str]:
    return [t for p in raw(bid, "问题清单") if p["层级"] == "党员个人"
            for t in (_first_line(p["问题概述"]), _first_line(p.get("具体表现") or "")) if t]


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_team_materials_hold_only_team_problems(rendered, bid):
    """A member's own problem is never printed as the 班子's, and nobody appears as a bare （姓名）."""
    names = {m["姓名"] for m in raw(bid, "参会人员")} | {g["姓名"] for g in raw(bid, "列席指导")}
    for doc in ("情况报告", "对照检查材料"):
        text = "\n".join(docx_lines(rendered[bid][doc]))
        for personal in _personal_texts(bid):
            assert personal not in text, (doc, personal)
        for name in names:
            assert f"（{name}）" not in text, (doc, name)
        assert "党员个人0条" not in text and "支部班子0条" not in text


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_report_says_each_measure_nowhere_but_the_list(rendered, bid):
    report = "\n".join(docx_lines(rendered[bid]["情况报告"]))
    for m in raw(bid, "整改台账"):  # the list holds them; a 努力方向 may quote one, never twice
        assert report.count(_first_line(m["整改措施"])) <= 1
    assert "附件：整改清单" in report
    listing = "\n".join(docx_lines(rendered[bid]["整改清单"]))
    for m in raw(bid, "整改台账"):
        assert listing.count(_first_line(m["整改措施"])) >= 1
    planned = {m["问题编号"] for m in raw(bid, "整改台账")}
    unplanned = [p for p in raw(bid, "问题清单") if p["问题编号"] not in planned]
    if unplanned:  # a problem without a measure never meets a claim that every problem has one
        assert f"还有{len(unplanned)}个问题尚未制定整改措施" in report
        assert "逐条" not in report and "逐一制定" not in report


def test_titles_name_the_branch_and_differ(rendered):
    titles = {doc: [docx_lines(rendered[bid][doc])[1 if doc == "整改清单" else 0] for bid in BRANCH_IDS]
              for doc in DOCS}
    for doc, found in titles.items():
        assert len(set(found)) == len(found), doc
        for bid, title in zip(BRANCH_IDS, found):
            assert title.startswith(sample_data.BRANCHES[bid]["基本信息"]["党组织名称"])
            assert "年度" not in title  # a 专题 meeting is named by its theme
            assert "主题教育专题组织生活会" in title


def test_title_breaks_between_parts(rendered):
    body = part_xml(rendered[BRANCH_IDS[0]]["情况报告"], "word/document.xml")
    title = body.findall(".//w:body/w:p", NS)[0]
    lines, line = [], ""
    for el in title.iter(W + "t", W + "br"):
        if el.tag == W + "br":
            lines.append(line)
            line = ""
        else:
            line += el.text or ""
    lines.append(line)
    assert lines == ["办公室党支部关于召开学习贯彻", "习近平新时代中国特色社会主义思想主题教育",
                     "专题组织生活会情况的报告"]


@pytest.mark.parametrize("bid", BRANCH_IDS)
def test_meeting_sheets_reach_the_documents(rendered, bid):
    report = "\n".join(docx_lines(rendered[bid]["情况报告"]))
    check = docx_lines(rendered[bid]["对照检查材料"])
    criticisms = raw(bid, "相互批评")
    if criticisms:
        assert f"共开展相互批评{len(criticisms)}人次" in report
    for row in raw(bid, "专项剖析"):
        heading = row["剖析项目"] + ("情况" if row["剖析项目"] == "典型案例剖析" else "")
        assert any(line.endswith("、" + heading) for line in check)
        _in_order("\n".join(check), [_first_line(row["剖析内容"])])
    previous = raw(bid, "上次整改情况")
    if previous:
        assert report.split("\n")[4] == "一、上一次组织生活会查摆问题整改落实情况"
    else:
        assert "上一次组织生活会" not in report
    numbered = [line.split("、")[0] for line in check if re.match(r"^[一二三四五六七八九十]+、", line)]
    assert numbered == [cn_number(i) for i in range(1, len(numbered) + 1)]


def test_declared_special_section_follows_case_study(tmp_path):
    content = clone(valid_content())
    content.sections = (("树立和践行正确政绩观检视剖析", "对照正确政绩观"),)
    content.tables["analyses"] = [
        {"item": "树立和践行正确政绩观检视剖析", "title": None, "content": "政绩观检视内容"},
        {"item": "典型案例剖析", "title": "一个案例", "content": "案例剖析内容"},
    ]
    docs = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), tmp_path / "out").docx
    check = docx_lines(docs[1])
    heads = [line for line in check if re.match(r"^[一二三四五六七八九十]+、", line)]
    i = heads.index(next(h for h in heads if h.endswith("典型案例剖析情况")))
    assert heads[i + 1].endswith("、树立和践行正确政绩观检视剖析")
    assert "一个案例。案例剖析内容。" in check


# --- one declaration of documents (schema/documents.py) -----------------------------------------

def test_declaration_drives_the_files_a_render_writes(tmp_path):
    from fixtures import meeting_content

    from toolkit.branch.personal import member_names
    from toolkit.schema.documents import documents_for

    book = write_workbook(meeting_content(), tmp_path / "b.xlsx")
    result = render_workbook(book, tmp_path / "out")
    branch = read_branch(book)
    expected = []
    for doc in documents_for("组织生活会"):
        if doc.on_progress:
            continue
        members = member_names(branch) if doc.per_member else [""]
        expected += [doc.file_name("综合科党支部", "2023", m) for m in members]
    written = [p.relative_to(tmp_path / "out").as_posix() for p in result.written]
    assert written == expected
    assert not result.skipped


def test_stale_meeting_day_and_personal_files_are_moved_aside(tmp_path, capsys):
    """A render sweeps every kind of file it writes, 个人材料/ included; --progress sweeps only its own."""
    from fixtures import meeting_content

    book = write_workbook(meeting_content(), tmp_path / "b.xlsx")
    out = tmp_path / "out"
    (out / "个人材料").mkdir(parents=True)
    stale = [out / "综合科党支部_2022_会议记录.docx", out / "个人材料" / "调走的人_个人对照检查材料.docx",
             out / "综合科党支部_2022_签到表.pdf"]
    keep = out / "说明.docx"  # not a file a render writes: left alone
    for path in [*stale, keep]:
        path.write_bytes(b"old")
        os.utime(path, (1_600_000_000, 1_600_000_000))
    assert main(["render", str(book), "-o", str(out)]) == 0
    assert "旧文件" in capsys.readouterr().out
    for path in stale:
        assert not path.exists() and (out / "旧文件" / path.name).read_bytes() == b"old"
    assert keep.exists()
    assert (out / "综合科党支部_2023_会议记录.docx").exists()
    # a later progress report into the same folder leaves the set where it is
    for path in out.rglob("*.docx"):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    assert main(["render", "--progress", str(book), "--as-of", "2023-11-01", "-o", str(out)]) == 0
    assert (out / "综合科党支部_2023_会议记录.docx").exists()
    assert (out / "个人材料" / "林晓雯_个人对照检查材料.docx").exists()


# --- the render engine (writers/docx_engine.py) --------------------------------------------------

def _parts(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    # the document's own times are the moment it is written
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>", b"",
                                        parts["docProps/core.xml"])
    return parts


def test_engine_writes_what_docxtpl_writes(tmp_path, monkeypatch):
    """Every part of every file is docxtpl's, byte for byte: the whole set, and markup in a footer."""
    import zipfile

    from fixtures import meeting_content

    book = write_workbook(meeting_content(), tmp_path / "b.xlsx")
    template_dir = tmp_path / "t"
    template_dir.mkdir()
    with zipfile.ZipFile(render.TEMPLATE_DIR / "情况报告.docx") as zf, \
            zipfile.ZipFile(template_dir / "情况报告.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            blob = zf.read(info)
            if re.fullmatch(r"word/footer\d*\.xml", info.filename):
                blob = blob.replace(b"</w:p>", b"<w:r><w:t>{{ org }}&amp;{{ year }}</w:t></w:r></w:p>", 1)
            out.writestr(info, blob)
    fast = render_workbook(book, tmp_path / "fast").written
    footer = tmp_path / "fast-footer.docx"
    render.render_docx(template_dir / "情况报告.docx", {**variables.example_context(), "org": "A&B<C>"}, footer)
    monkeypatch.setattr(render, "_compiled", lambda template, data: None)
    slow = render_workbook(book, tmp_path / "slow").written
    render.render_docx(template_dir / "情况报告.docx", {**variables.example_context(), "org": "A&B<C>"},
                       tmp_path / "slow-footer.docx")
    assert [p.relative_to(tmp_path / "fast") for p in fast] == [p.relative_to(tmp_path / "slow") for p in slow]
    for a, b in [*zip(fast, slow), (footer, tmp_path / "slow-footer.docx")]:
        assert _parts(a) == _parts(b), a.name
    assert b"A&amp;B&lt;C&gt;&amp;" in b"".join(v for k, v in _parts(footer).items() if "footer" in k)
