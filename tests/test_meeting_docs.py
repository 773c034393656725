"""The meeting-day documents as a secretary hands them in (issue 12).

The ballot fits one A4 landscape page up to the stated limit; the 签到表 repeats its
header; the 通知 and the 公示 print a contact line or a line to fill by hand; a
--templates folder may hold only the templates a unit changed; check counts 应到/实到
as the documents do; the built-in sample's members each find a problem of their own.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from fixtures import clone, load_script, meeting_content, valid_content
from openpyxl import load_workbook
from pdf_check import pdf_text
from render_helpers import docx_lines, make_template, sample_content, squash, write_workbook

from toolkit.app.cli import main
from toolkit.branch.context import build_context
from toolkit.branch.read import read_branch
from toolkit.branch.validate import check_file, counts
from toolkit.core import sample_data
from toolkit.errors import IssueCode, UsageError
from toolkit.io.pdf import convert_to_pdf
from toolkit.workflows.branch import render_workbook, template_folder
from toolkit.writers.render import TEMPLATE_DIR

ROOT = Path(__file__).resolve().parents[1]


def _build_script():
    return load_script("build_paperwork_templates")


BUILD = _build_script()
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘"
GIVEN = ("建国", "晓燕", "立新", "海峰", "雪梅", "志强", "丽娜", "文涛", "国栋", "玉兰")


def branch_of(size: int, *, guests: int = 0):
    """The meeting branch grown to ``size`` members (one of them 预备党员), no 计票, ``guests`` guests."""
    c = meeting_content()
    members = list(c.tables["members"])
    for i in range(len(members), size):
        members.append({"name": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)], "gender": "男",
                        "role": "党员", "category": "正式党员", "present": True})
    for i, m in enumerate(members, start=1):
        m["seq"] = i
    c.tables["members"] = members
    c.tables["ballots"] = []
    c.info["valid_ballots"] = None
    c.info["org_name"] = f"第{size}党支部"  # one output name per size: converted in one soffice call
    c.tables["guests"] = [{"seq": j, "name": f"郑{GIVEN[j]}", "title": "局机关党委副书记", "mode": "出席指导"}
                          for j in range(1, guests + 1)]
    return c


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def _page_size(pdf: Path) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    w, h = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", out, re.M).groups()
    return float(w), float(h)


def _page_texts(pdf: Path) -> list[str]:
    return [squash(p) for p in pdf_text(pdf, "-layout").split("\f") if p.strip()]


# --- the ballot and the sign-in sheet, in the PDF ------------------------------------------

BALLOT_SIZES = (10, 15, 30, 40, BUILD.BALLOT_ONE_PAGE, BUILD.BALLOT_ONE_PAGE + 4)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{size: (ballot PDF, 签到表 PDF)} for branches of 10 … 45 members with three guests."""
    base = tmp_path_factory.mktemp("sizes")
    docs = {}
    for size in BALLOT_SIZES:
        book = write_workbook(branch_of(size, guests=3), base / f"{size}.xlsx")
        out = base / f"out{size}"
        result = render_workbook(book, out)
        docs[size] = [next(p for p in result.paperwork if p.stem.endswith(name)) for name in ("民主评议测评表", "签到表")]
    pdfs = convert_to_pdf([d for pair in docs.values() for d in pair], base / "pdf")
    return {size: (pdfs[2 * i], pdfs[2 * i + 1]) for i, size in enumerate(BALLOT_SIZES)}


@pytest.mark.parametrize("size", BALLOT_SIZES)
def test_ballot_is_one_landscape_page_up_to_the_limit(printed, size):
    ballot, _ = printed[size]
    width, height = _page_size(ballot)
    assert width > height, "the ballot is printed landscape"
    pages = _page_texts(ballot)
    if size <= BUILD.BALLOT_ONE_PAGE:
        assert _pages(ballot) == 1, f"{size} members: the ballot takes {_pages(ballot)} pages"
    else:  # past the limit the table goes on, its header row repeated
        assert _pages(ballot) == 2
        assert pages[1].startswith("序号姓名理想信念政治理论")
    text = "".join(pages)
    assert text.count("不参加评定等次") >= 1 and f"共印制{size - 1}份" in text  # present: all but 马国栋
    assert all(squash(n) in text for n in ("周明远", "宋立新"))


@pytest.mark.parametrize("size", (10, 40, BUILD.BALLOT_ONE_PAGE + 4))
def test_signin_repeats_its_header_and_keeps_the_guests_heading_with_its_table(printed, size):
    _, signin = printed[size]
    pages = _page_texts(signin)
    rows_a_page = 21  # 10 mm rows: 18 on the first page, about 21 on the next ones
    assert len(pages) <= 1 + (size + 3) // rows_a_page, f"{size} members: {len(pages)} pages"
    for page in pages:
        assert "序号姓名" in page and "签名" in page, "every page starts with the header row"
    guests = next(p for p in pages if "列席指导人员" in p)
    assert "参会方式" in guests[guests.index("列席指导人员"):], "the guests' heading is never alone at a page's foot"


def test_ballot_limit_is_stated_in_the_template():
    xml = _document_xml(TEMPLATE_DIR / "民主评议测评表.docx")
    assert f"一页可容纳{BUILD.BALLOT_ONE_PAGE}人" in xml
    assert f"ballot.members|length &lt; {BUILD.BALLOT_COMPACT_FROM}" in xml


def _document_xml(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


# --- the contact line ----------------------------------------------------------------------

def _cycle(tmp_path: Path, **extra) -> Path:
    from toolkit.writers.workbook import Content, write_cycle_workbook

    cycle = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "市档案局机关党委", "meeting_type": "组织生活会", "year": 2023, "theme": "对照检视",
              "deadline": dt.date(2023, 9, 15), **extra},
        tables={"branches": [{"branch_id": "ZB01", "org_name": "办公室党支部"}]}))
    return cycle


def test_cycle_workbook_offers_contact_and_phone(tmp_path):
    book = load_workbook(_cycle(tmp_path))
    keys = [r[0] for r in book["基本设置"].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert "联系人" in keys and "联系电话" in keys
    help_text = "\n".join(str(c) for row in book["填写说明"].iter_rows(values_only=True) for c in row if c)
    assert "联系人" in help_text and "联系电话" in help_text
    reference = (TEMPLATE_DIR / "变量说明.md").read_text(encoding="utf-8")
    assert "`contact`" in reference and "`phone`" in reference and "`result` · `contact`" in reference


@pytest.mark.parametrize("given", [True, False])
def test_notice_prints_the_contact_or_a_line_to_fill_by_hand(tmp_path, given):
    from toolkit.workflows.distribute import distribute

    extra = {"contact": "陈思雨", "phone": "0571-88001234"} if given else {}
    result = distribute(_cycle(tmp_path, **extra), tmp_path / "下发", today=dt.date(2023, 8, 1))
    line = next(x for x in docx_lines(result.notice) if x.startswith("联系人："))
    if given:
        assert line == "联系人：陈思雨　　联系电话：0571-88001234"
    else:
        assert line == f"联系人：{BUILD.BLANK}　　联系电话：{BUILD.BLANK}"


def test_publicity_names_the_secretary_or_leaves_a_line(tmp_path):
    content = meeting_content()
    result = render_workbook(write_workbook(content, tmp_path / "a.xlsx"), tmp_path / "a")
    publicity = next(p for p in result.paperwork if p.stem.endswith("公示"))
    assert f"联系人：周明远同志　　联系电话：{BUILD.BLANK}" in docx_lines(publicity)

    for m in content.tables["members"]:  # nobody on the roster is 书记 or 组织委员
        m["role"] = "党员" if m["role"] in ("书记", "组织委员") else m["role"]
    result = render_workbook(write_workbook(content, tmp_path / "b.xlsx"), tmp_path / "b")
    publicity = next(p for p in result.paperwork if p.stem.endswith("公示"))
    assert f"联系人：{BUILD.BLANK}　　联系电话：{BUILD.BLANK}" in docx_lines(publicity)


# --- a templates folder with only some templates -------------------------------------------

def _own_publicity(folder: Path) -> Path:
    return make_template(folder / "民主评议结果公示.docx", "本单位公示：{{ org }}{{ result.text }}。")


def test_folder_with_one_template_uses_it_and_the_builtin_ones_for_the_rest(tmp_path, capsys):
    folder = tmp_path / "本单位模板"
    _own_publicity(folder)
    book = write_workbook(meeting_content(), tmp_path / "b.xlsx")
    result = render_workbook(book, tmp_path / "out", templates=folder)
    assert result.own == ["民主评议结果公示"]
    assert "情况报告" in result.builtin and "民主评议测评表" in result.builtin and "民主评议结果公示" not in result.builtin
    publicity = next(p for p in result.paperwork if p.stem.endswith("公示"))
    assert docx_lines(publicity) == ["本单位公示：综合科党支部优秀1人，合格3人，不评定1人。"]
    report = next(p for p in result.docx if p.stem.endswith("情况报告"))
    assert any("综合科党支部" in line for line in docx_lines(report))  # the built-in template

    assert main(["render", str(book), "-o", str(tmp_path / "cli"), "--templates", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "使用模板文件夹中的模板：民主评议结果公示。" in out and "使用内置模板：情况报告、" in out


def test_check_template_takes_a_folder_and_names_the_builtin_ones(tmp_path, capsys):
    folder = tmp_path / "本单位模板"
    _own_publicity(folder)
    held, rest = template_folder(folder)
    assert [p.name for p in held] == ["民主评议结果公示.docx"] and "情况报告.docx" in rest
    assert main(["check-template", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "✓ 民主评议结果公示.docx 检查通过" in out and "情况报告.docx" in out and "使用内置模板" in out


def test_folder_without_any_template_is_refused(tmp_path):
    empty = tmp_path / "空"
    empty.mkdir()
    with pytest.raises(UsageError, match=r"民主评议结果公示\.docx"):
        template_folder(empty)
    book = write_workbook(valid_content(), tmp_path / "b.xlsx")
    assert main(["render", str(book), "-o", str(tmp_path / "o"), "--templates", str(empty)]) == 2


# --- check counts as the documents do ------------------------------------------------------

def test_check_counts_leaders_attending_as_ordinary_members(tmp_path):
    content = clone(valid_content())
    content.tables["guests"] = [
        {"seq": 1, "name": "贺振邦", "title": "局党组书记", "mode": "以普通党员身份参加"},
        {"seq": 2, "name": "戴晓东", "title": "机关纪委书记", "mode": "出席指导"},
    ]
    branch, _ = check_file(write_workbook(content, tmp_path / "b.xlsx"))
    figures = counts(branch)
    context = build_context(branch)
    roster = content.tables["members"]
    assert figures["应到"] == context["expected"] == len(roster) + 1
    assert figures["实到"] == context["present"] == sum(1 for m in roster if m["present"]) + 1


def test_check_confirmation_line_matches_the_report(tmp_path, capsys):
    content = clone(valid_content())
    content.tables["guests"] = [{"seq": 1, "name": "贺振邦", "title": "局党组书记", "mode": "以普通党员身份参加"}]
    book = write_workbook(content, tmp_path / "b.xlsx")
    assert main(["check", str(book)]) == 0
    assert "参会 5 人（应到 6 人）" in capsys.readouterr().out


# --- the built-in sample reads like a real branch ------------------------------------------

@pytest.mark.parametrize("bid", sorted(sample_data.BRANCHES))
def test_every_sample_member_finds_a_problem_of_their_own(tmp_path, bid):
    branch, report = check_file(write_workbook(sample_content(bid), tmp_path / f"{bid}.xlsx"))
    assert not report.errors
    assert not [i for i in report.issues if i.code == IssueCode.MEMBER_WITHOUT_PROBLEM]
    owners = {p["owner"] for p in branch.rows("problems") if p.get("level") == "党员个人"}
    full = [m["name"] for m in branch.rows("members") if m.get("category") == "正式党员"]
    assert set(full) <= owners
    measured = {m["pid"] for m in branch.rows("measures")}
    unmeasured = [p["pid"] for p in branch.rows("problems") if p.get("level") == "党员个人" and p["pid"] not in measured]
    assert unmeasured == (["P09"] if bid == "ZB03" else [])  # P09: the planted problem-without-measure


def test_sample_warnings_are_only_the_planted_ones(tmp_path):
    codes = []
    for bid in sorted(sample_data.BRANCHES):
        _, report = check_file(write_workbook(sample_content(bid), tmp_path / f"{bid}.xlsx"))
        codes += [i.code for i in report.issues]
    assert len(codes) == 6, codes  # 54 before each member had a problem of their own
    assert IssueCode.QUALITY_HINT not in codes


def test_read_branch_unchanged_by_counts(tmp_path):
    """counts() reads; the workbook on disk is not touched."""
    book = write_workbook(meeting_content(), tmp_path / "b.xlsx")
    before = book.read_bytes()
    counts(read_branch(book))
    assert book.read_bytes() == before


def test_notice_of_a_committee_with_lower_committees_addresses_them_apart(tmp_path):
    """One level of a 工委's tree: the 党委 and 党总支 send their 汇总表, the direct branches their documents."""
    from toolkit.workflows.distribute import distribute
    from toolkit.writers.workbook import Content, write_cycle_workbook

    cycle = tmp_path / "周期设置.xlsx"
    write_cycle_workbook(cycle, Content(
        info={"superior": "市直机关工委", "meeting_type": "组织生活会", "year": 2023, "theme": "对照检视",
              "deadline": dt.date(2023, 9, 15)},
        tables={"branches": [{"branch_id": "L1", "org_name": "甲局机关党委", "kind": "党委"},
                             {"branch_id": "L2", "org_name": "乙局党总支", "kind": "党总支"},
                             {"branch_id": "D1", "org_name": "工委直属一支部", "kind": "党支部"}]}))
    lines = docx_lines(distribute(cycle, tmp_path / "下发", today=dt.date(2023, 8, 1)).notice)
    assert "各党委、党总支，各直属党支部：" in lines
    assert any(x.startswith("会议召开后，各直属党支部（共1个）将以下材料报送市直机关工委") for x in lines)
    assert any(x.startswith("各党委、党总支（共2个）按本通知部署所属党支部召开会议") and "本级汇总表" in x for x in lines)
    assert any("各党支部（含各党委、党总支所属党支部）于2023年9月15日前召开组织生活会" in x for x in lines)


def test_notice_of_a_committee_of_branches_only_is_unchanged(tmp_path):
    from toolkit.workflows.distribute import distribute

    lines = docx_lines(distribute(_cycle(tmp_path), tmp_path / "下发", today=dt.date(2023, 8, 1)).notice)
    assert "各党支部：" in lines
    assert any(x.startswith("会议召开后，各党支部（共1个）将以下材料报送市档案局机关党委") for x in lines)
    assert not any("汇总表（Excel" in x for x in lines)
