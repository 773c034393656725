#!/usr/bin/env python3
"""Build the templates of the meeting's other documents in docx_templates/.

    .venv/bin/python scripts/build_paperwork_templates.py [OUT_DIR]

The documents are declared in toolkit.schema.documents (every entry that is not
one of the three branch documents); their values come from
toolkit.branch.paperwork, whose names are declared in toolkit.schema.variables
(PAPERWORK_VARIABLES, MEMBER_VARIABLES). The page, styles and 落款 are those of
the three branch documents (scripts/build_docx_templates.py, docx_format).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_docx_templates import _cant_split, _new, _p, build_main, save_templates

from toolkit.schema.documents import BRANCH_DOCUMENTS
from toolkit.writers.docx_format import STYLE, gbt9704_table
from toolkit.writers.render import TEMPLATE_DIR

# a line the reader fills by hand where the workbook has no value (never an empty "联系人：")
BLANK = "＿" * 6

# (header, width mm, cell text, centred)
Column = tuple[str, float, str, bool]


def _centred(doc, text: str, style: str = STYLE.no_indent):
    para = _p(doc, text, style)
    para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    return para


def _row_height(row, mm: float) -> None:
    row.height = Mm(mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _loop_table(doc, columns: list[Column], loop: str, *, height: float = 0):
    """A table with a header row and one row per item of ``loop`` (``{%tr for … %}``)."""
    table = gbt9704_table(doc, [c[0] for c in columns], [c[1] for c in columns])
    rows = [table.add_row() for _ in range(3)]
    _cant_split(rows[1])
    if height:
        _row_height(rows[1], height)
    for i, (_, width, value, centred) in enumerate(columns):
        for row, text in zip(rows, (f"{{%tr for {loop} %}}" if i == 0 else "", value,
                                    "{%tr endfor %}" if i == 0 else "")):
            cell = row.cells[i]
            cell.width = Mm(width)
            para = cell.paragraphs[0]
            para.style = doc.styles[STYLE.table]
            if centred:
                para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
            if text:
                para.add_run(text)
    return table


def _item(doc, text: str):
    """A numbered item of the minutes: never split, never left alone at a page's foot without its lines."""
    para = _p(doc, text)
    para.paragraph_format.keep_with_next = True
    para.paragraph_format.keep_together = True
    return para


def _ruled(doc) -> None:
    """Blank lines for the recorder: each paragraph ruled below (a 'between' border so Word keeps every rule)."""
    _p(doc, "{%p for line in ruled_lines %}")
    para = _p(doc, "", STYLE.no_indent)
    ppr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("bottom", "between"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "auto")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    ppr.append(borders)
    _p(doc, "{%p endfor %}")


def _two_line_title(doc, first: str, *rest: str):
    """A title broken (Shift+Enter) at meaning boundaries: a branch's name is often long."""
    para = doc.add_paragraph(style=doc.styles[STYLE.title])
    para.add_run(first)
    for line in rest:
        para.add_run().add_break()
        para.add_run(line)
    return para


def _sign(doc, who: str, date: str = "report_date") -> None:
    _p(doc, "", STYLE.no_indent)
    _p(doc, who, STYLE.signature)
    _p(doc, f"{{{{ {date} }}}}", STYLE.signature)


def _note(doc, text: str) -> None:
    """A note for whoever edits the template in Word: never printed."""
    _p(doc, "{%p if false %}")
    _p(doc, "模板说明：" + text, STYLE.no_indent)
    _p(doc, "{%p endif %}")


# --- each member's own material ------------------------------------------------------------

# the branch 整改清单's rule (build_docx_templates.LIST_COLUMNS): "序号" 14 mm and a four-character
# 时限 or 状态 (长期坚持, 正在推进) 23 mm never break; the 156 mm text width is filled.
PERSONAL_LIST = [("序号", 14, "{{ m.seq }}", True), ("问题概述", 42, "{{ m.summary }}", False),
                 ("整改措施", 54, "{{ m.measure }}", False), ("整改时限", 23, "{{ m.deadline }}", True),
                 ("完成状态", 23, "{{ m.status }}", True)]


def personal_template():
    doc = _new("个人对照检查材料")
    _p(doc, "{{ member.name }}同志个人对照检查材料", STYLE.title)
    _centred(doc, "（{{ org }}{{ year }}年度{{ meeting_type }}）")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{% if basis %}根据{{ basis }}要求，{% else %}按照支部的统一安排，{% endif %}"
            "围绕“{{ theme }}”主题，本人认真学习、广泛听取意见，对照检视自身差距和不足。现将个人对照检查情况报告如下：")
    _p(doc, "{%p if member.missing %}")
    _p(doc, "（本材料尚不完整：{{ member.missing }}。请在填报表中补充后重新生成。）")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ member.sec.problems }}、存在的问题", STYLE.h1)
    _p(doc, "{%p for c in member.categories %}")
    _p(doc, "（{{ c.num }}）{{ c.heading }}", STYLE.h2)
    _p(doc, "{%p for p in c.problems %}")
    _p(doc, "{{ p.lead }}{{ p.summary }}。{{ p.detail }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not member.categories %}")
    _p(doc, "问题清单中尚未填写本人查摆的问题。")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ member.sec.criticisms }}、相互批评意见", STYLE.h1)
    _p(doc, "{%p for c in member.criticisms %}")
    _p(doc, "{{ c.critic_name }}指出：{{ c.content }}{% if c.response %}本人表态：{{ c.response }}{% endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not member.criticisms %}")
    _p(doc, "相互批评表中没有对本人的批评意见。")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ member.sec.measures }}、整改措施", STYLE.h1)
    _p(doc, "{%p if member.measures %}")
    _p(doc, "针对查摆的问题，本人制定整改措施{{ member.measure_count }}条，见附件个人整改清单。")
    _p(doc, "{%p else %}")
    _p(doc, "整改台账中尚未填写针对本人问题的整改措施。")
    _p(doc, "{%p endif %}")
    # read out at the meeting, so dated the meeting day (as the branch's 对照检查材料)
    _sign(doc, "{{ member.name }}", "meeting_date")
    _p(doc, "{%p if member.measures %}")
    # the list is the material's 附件 (GB/T 9704 7.3.4 / 8.2): a page of its own, 附件 at the top left
    _p(doc, "附件", STYLE.attachment).paragraph_format.page_break_before = True
    _p(doc, "个人整改清单", STYLE.title)
    _loop_table(doc, PERSONAL_LIST, "m in member.measures")
    _p(doc, "{%p endif %}")
    _note(doc, "原因剖析没有按人填写的列，因此个人材料不写原因剖析；需要时请在 Word 中自行补充。")
    return doc


# --- meeting day ---------------------------------------------------------------------------

SIGN_ROW_MM = 10  # room for a signature; 18 members on the first page, 21 on the next


def signin_template():
    doc = _new("签到表")
    _p(doc, "签到表", STYLE.title)
    _centred(doc, "（{{ org }}{{ year }}年度{{ meeting_type }}）")
    _p(doc, "时间：{{ meeting_date }}　　地点：{{ place }}", STYLE.no_indent)
    _loop_table(doc, [("序号", 14, "{{ m.seq }}", True), ("姓名", 28, "{{ m.name }}", True),
                      ("党内职务", 30, "{{ m.role }}", True), ("签名", 50, "", False), ("备注", 34, "", False)],
                "m in signin.members", height=SIGN_ROW_MM)
    _p(doc, "{%p if signin.guests %}")
    _p(doc, "列席指导人员", STYLE.h1)
    _loop_table(doc, [("序号", 14, "{{ g.seq }}", True), ("姓名", 24, "{{ g.name }}", True),
                      ("职务", 58, "{{ g.title }}", False), ("参会方式", 26, "{{ g.mode }}", True),
                      ("签名", 34, "", False)],
                "g in signin.guests", height=SIGN_ROW_MM)
    _p(doc, "{%p endif %}")
    return doc


def minutes_template():
    doc = _new("会议记录")
    _p(doc, "会议记录", STYLE.title)
    _centred(doc, "（{{ org }}{{ year }}年度{{ meeting_type }}）")
    for line in ("时间：{{ meeting_date }}", "地点：{{ place }}", "主持人：{{ host }}", "记录人：",
                 "会议主题：{{ theme }}",
                 "应到{{ expected }}人，实到{{ present }}人{% if absent_count %}，缺席{{ absent_count }}人"
                 "（{% for a in absentees %}{{ a.name }}{% if a.reason %}：{{ a.reason }}{% endif %}"
                 "{% if not loop.last %}；{% endif %}{% endfor %}）{% endif %}。"):
        _p(doc, line, STYLE.no_indent)
    _p(doc, "{%p if guests %}")
    _p(doc, "列席指导：{% for g in guests %}{{ g.title }}{{ g.name }}（{{ g.mode }}）"
            "{% if not loop.last %}、{% endif %}{% endfor %}", STYLE.no_indent)
    _p(doc, "{%p endif %}")
    _p(doc, "一、会议议程", STYLE.h1)
    _p(doc, "{%p for a in agenda %}")
    _item(doc, "{{ loop.index }}.{{ a.text }}")
    _ruled(doc)
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not agenda %}")
    _ruled(doc)
    _p(doc, "{%p endif %}")
    _p(doc, "二、对照检查发言", STYLE.h1)
    _p(doc, "{%p for s in speakers %}")
    _item(doc, "{{ s.seq }}.{{ s.text }}")
    _ruled(doc)
    _p(doc, "{%p endfor %}")
    _p(doc, "三、相互批评", STYLE.h1)
    _p(doc, "{%p for c in criticisms %}")
    _item(doc, "{{ c.seq }}.{{ c.critic_name }}对{{ c.target_name }}提出批评：{{ c.content }}"
            "{% if c.response %}{{ c.target_name }}回应：{{ c.response }}{% endif %}")
    _ruled(doc)
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if not criticisms %}")
    _ruled(doc)
    _p(doc, "{%p endif %}")
    _p(doc, "四、上级党组织点评", STYLE.h1)
    _ruled(doc)
    _p(doc, "五、民主评议党员", STYLE.h1)
    _p(doc, "{%p if result %}")
    _item(doc, "评议结果：{{ result.text }}。")
    _p(doc, "{%p elif appraisal %}")
    _item(doc, "评议结果：{{ appraisal.text }}。")
    _p(doc, "{%p endif %}")
    _ruled(doc)
    _p(doc, "", STYLE.no_indent)
    _p(doc, "记录人（签名）：　　　　　　　主持人（签名）：", STYLE.no_indent)
    return doc


def opinion_form_template():
    doc = _new("征求意见表")
    _p(doc, "征求意见表", STYLE.title)
    _centred(doc, "（{{ org }}{{ year }}年度{{ meeting_type }}）")
    _p(doc, "为开好{{ org }}{{ year }}年度{{ meeting_type }}，现就“{{ theme }}”征求您对支部班子和党员的意见建议。"
            "请实事求是填写，可不署名。")
    _loop_table(doc, [("单位", 34, "", False), ("主要内容", 50, "", False), ("意见和建议", 72, "", False)],
                "row in opinion_rows", height=17)  # eight rows and the date on one page
    _p(doc, "填表日期：　　年　　月　　日", STYLE.no_indent)
    return doc


# --- 民主评议 -------------------------------------------------------------------------------

# The ballot is a form on one A4 landscape page, not a 公文: narrow margins, and a table whose
# type and rows shrink as the roster grows (小四 7 mm rows, 五号 5 mm, then 10 pt 3.9 mm). One page
# holds up to BALLOT_ONE_PAGE members (tests/test_meeting_docs.py checks it in the PDF); a longer
# roster breaks onto a second page with the header row repeated.
# (members fewer than, font pt, exact line pt, row height mm); the last tier has no bound
BALLOT_TIERS = ((21, 12, 15, 7), (31, 10.5, 14, 5), (0, 10, 11, 3.9))
BALLOT_COMPACT_FROM = BALLOT_TIERS[-2][0]  # the most compact table from this many members
BALLOT_ONE_PAGE = 41
BALLOT_MARGINS_MM = {"top": 8, "bottom": 9, "left": 15, "right": 15, "footer": 3}


def _ballot_page(doc) -> None:
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(BALLOT_MARGINS_MM["top"]), Mm(BALLOT_MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(BALLOT_MARGINS_MM["left"]), Mm(BALLOT_MARGINS_MM["right"])
    section.footer_distance = Mm(BALLOT_MARGINS_MM["footer"])


def _fit(table, size: float, line: float) -> None:
    """Every cell's text in ``size`` pt on exact ``line`` pt lines: the rows' height is known in advance."""
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                para.paragraph_format.line_spacing = Pt(line)
                for run in para.runs:
                    run.font.size = Pt(size)


def _small(doc, text: str, size: float = 12, line: float = 15, centred: bool = False):
    para = _p(doc, text, STYLE.table)
    para.paragraph_format.line_spacing = Pt(line)
    if centred:
        para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    for run in para.runs:
        run.font.size = Pt(size)
    return para


def ballot_template():
    doc = _new("民主评议党员测评表", landscape=True)
    _ballot_page(doc)
    title = _p(doc, "民主评议党员测评表", STYLE.title)
    title.paragraph_format.line_spacing = Pt(26)
    _small(doc, "{{ org }}{{ year }}年度{{ meeting_type }}　参评党员{{ ballot.graded_count }}人"
                "{% if ballot.probationary_count %}，预备党员{{ ballot.probationary_count }}人不参加评定等次{% endif %}。"
                "本表无记名填写，每人一份，共印制{{ ballot.copies }}份。", 10.5, 13, centred=True)
    _small(doc, "前六项在栏内填“好”“一般”或“差”；综合评定在优秀、合格、基本合格、不合格中选一栏划“√”，"
                "评为优秀的不超过参评党员的三分之一。", 10.5, 13)
    dims = ("理想信念", "政治理论素质", "组织纪律", "廉洁自律", "联系服务群众", "发挥先锋模范作用")
    grades = ("优秀", "合格", "基本合格", "不合格")
    # 267 mm between the margins; the 姓名 column holds a 预备党员's note on one 五号 line
    columns: list[Column] = [("序号", 11, "{{ m.seq }}", True),
                             ("姓名", 70, "{{ m.name }}{% if not m.graded %}（预备党员，不参加评定等次）{% endif %}", True)]
    columns += [(d, 20, "{% if not m.graded %}—{% endif %}", True) for d in dims]
    columns += [(g, 16.5, "{% if not m.graded %}—{% endif %}", True) for g in grades]
    for i, (below, size, line, height) in enumerate(BALLOT_TIERS):
        if below:
            _p(doc, f"{{%p {'if' if i == 0 else 'elif'} ballot.members|length < {below} %}}")
        else:
            _p(doc, "{%p else %}")
        _fit(_loop_table(doc, columns, "m in ballot.members", height=height), size, line)
    _p(doc, "{%p endif %}")
    _note(doc, f"人数少于{BALLOT_TIERS[0][0]}人时用第一个表格（小四号），少于{BALLOT_TIERS[1][0]}人时用第二个（五号），"
               f"更多时用第三个紧凑表格，一页可容纳{BALLOT_ONE_PAGE}人；超出时表格续排到第二页，表头自动重复。")
    return doc


# widths that keep every header on one 小四 line (156 mm, the 版心)
RESULT_COLUMNS = [("序号", 12, "{{ m.seq }}", True), ("姓名", 20, "{{ m.name }}", True),
                  ("优秀票", 17, "{{ m.votes[0] }}", True), ("合格票", 17, "{{ m.votes[1] }}", True),
                  ("基本合格票", 26, "{{ m.votes[2] }}", True), ("不合格票", 22, "{{ m.votes[3] }}", True),
                  ("拟定等次", 21, "{{ m.proposed }}", True), ("确定等次", 21, "{{ m.grade }}", True)]


def result_template():
    doc = _new("民主评议结果")
    _two_line_title(doc, "{{ org }}关于", "{{ year }}年度民主评议党员结果的报告")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ superior }}：", STYLE.addressee)
    _p(doc, "{{ org }}于{{ meeting_date }}召开{{ meeting_type }}，开展民主评议党员。应到{{ expected }}人，"
            "实到{{ present }}人{% if result.valid %}，收回有效测评表{{ result.valid }}份{% endif %}。"
            "经计票并由支部大会确定，评议结果为：{{ result.text }}。各党员的得票和等次见下表。")
    _loop_table(doc, RESULT_COLUMNS, "m in result.members")
    _p(doc, "拟定等次按计票规则提出；确定等次以支部填写的民主评议等次为准，未填写的采用拟定等次。", STYLE.no_indent)
    _sign(doc, "{{ org }}")
    return doc


def publicity_template():
    doc = _new("民主评议结果公示")
    _two_line_title(doc, "{{ org }}", "{{ year }}年度民主评议党员结果公示")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ org }}于{{ meeting_date }}召开{{ meeting_type }}，开展民主评议党员。经党员测评、支部大会研究，"
            "评议结果为：{{ result.text }}。现将评为优秀{% if result.flagged %}和评为基本合格、不合格{% endif %}"
            "的党员公示如下：")
    _p(doc, "{%p if result.excellent %}")
    _p(doc, "评为优秀的党员：{{ result.excellent }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for f in result.flagged %}")
    _p(doc, "评为{{ f.grade }}的党员：{{ f.name }}。")
    _p(doc, "{%p endfor %}")
    _p(doc, "公示期为{{ result.publicity_start }}至{{ result.publicity_end }}。公示期间如有意见，"
            "可通过来信、来电或当面等方式向{{ org }}反映。")
    _p(doc, f"联系人：{{% if result.contact %}}{{{{ result.contact }}}}{{% else %}}{BLANK}{{% endif %}}"
            f"　　联系电话：{BLANK}")
    _sign(doc, "{{ org }}")
    _note(doc, "本公示只列出评为优秀、基本合格和不合格的党员（多数单位的做法）；评为合格的党员不逐一列出。"
               "如需公示全部党员的等次，可在此处用 result.members 逐人列出姓名和等次（字段见变量说明）。")
    return doc


def progress_template():
    doc = _new("整改落实情况报告")
    # three lines: a branch's name and a 专题组织生活会 do not share one 二号 line
    _two_line_title(doc, "{{ org }}关于", "{{ year }}年度{{ meeting_type }}", "查摆问题整改落实情况的报告")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ superior }}：", STYLE.addressee)
    _p(doc, "{{ org }}于{{ meeting_date }}召开{{ year }}年度{{ meeting_type }}，共查摆问题{{ progress.problem_count }}条，"
            "制定整改措施{{ progress.measure_count }}条。截至{{ progress.as_of }}，{% if progress.text %}"
            "{{ progress.text }}{% else %}尚无整改进展{% endif %}"
            "{% if progress.due_soon %}（其中{{ progress.due_soon }}条10天内到期）{% endif %}。现将整改落实情况报告如下：")
    _p(doc, "{%p for p in progress.problems %}")
    _p(doc, "{{ p.lead }}{{ p.summary }}{% if p.owner %}（{{ p.owner }}）{% endif %}。"
            "{% for m in p.measures %}{{ m.measure }}{% if m.state == '已完成' %}已于{{ m.done_date }}完成"
            "{% elif m.state == '已逾期' %}已超过整改时限（{{ m.deadline }}），尚未完成"
            "{% elif m.state == '长期坚持' %}需长期坚持{% else %}正在推进{% if m.deadline %}，"
            "时限为{{ m.deadline }}{% endif %}{% endif %}。{% if m.evidence %}整改成效及佐证：{{ m.evidence }}{% endif %}"
            "{% endfor %}{% if not p.measures %}尚未制定整改措施。{% endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if progress.overdue %}")
    _p(doc, "对已超过整改时限的{{ progress.overdue }}条措施，支部将逐条分析原因，明确新的完成时限，"
            "并向{{ superior }}说明。")
    _p(doc, "{%p endif %}")
    _sign(doc, "{{ org }}", "progress.as_of")
    return doc


def notice_template():
    """The committee's 通知 (toolkit.committee.notice.notice_context), written by `orglife distribute`."""
    doc = _new("通知")
    _p(doc, "{{ title }}", STYLE.title)
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ addressee }}：", STYLE.addressee)
    _p(doc, "{% if basis %}根据{{ basis }}要求，{% endif %}经研究，决定以“{{ theme }}”为主题，"
            "召开{{ year }}年度{{ meeting_type }}。现将有关事项通知如下：")
    _p(doc, "一、时间安排", STYLE.h1)
    _p(doc, "各党支部{% if lower_count %}（含各{{ lower_kinds }}所属党支部）{% endif %}于{{ deadline }}前召开"
            "{{ meeting_type }}，会前认真开展学习研讨、征求意见、谈心谈话，撰写对照检查材料。")
    _p(doc, "二、报送材料", STYLE.h1)
    _p(doc, "{%p if branch_count %}")
    _p(doc, "会议召开后，各{% if lower_count %}直属{% endif %}党支部（共{{ branch_count }}个）将以下材料报送{{ org }}：")
    _p(doc, "{%p for h in hand_in %}")
    _p(doc, "{{ h.lead }}{{ h.text }}。")
    _p(doc, "{%p endfor %}")
    _p(doc, "各项材料均由下发的支部填报表生成，数据只需填写一次。{% if personal_kept %}每名党员的个人对照检查材料和"
            "个人整改清单也由填报表生成，本人签字后由支部留存，不需报送。{% endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if lower_count %}")
    _p(doc, "各{{ lower_kinds }}（共{{ lower_count }}个）按本通知部署所属党支部召开会议，回收、汇总所属党支部的材料后，"
            "将本级汇总表（Excel 文件，由汇总生成，所属党支部只计一次）和汇总报告（Word 文件）报送{{ org }}；"
            "所属党支部的材料由各{{ lower_kinds }}留存。")
    _p(doc, "{%p endif %}")
    _p(doc, "三、联系方式", STYLE.h1)
    _p(doc, f"联系人：{{% if contact %}}{{{{ contact }}}}{{% else %}}{BLANK}{{% endif %}}"
            f"　　联系电话：{{% if phone %}}{{{{ phone }}}}{{% else %}}{BLANK}{{% endif %}}")
    _sign(doc, "{{ org }}")
    return doc


def _keep_headings(doc) -> None:
    """A heading is never the last line of a page: it keeps with the paragraph after it."""
    for name in (STYLE.h1, STYLE.h2):
        doc.styles[name].paragraph_format.keep_with_next = True


TEMPLATES = {
    "个人对照检查材料.docx": personal_template, "签到表.docx": signin_template,
    "会议记录.docx": minutes_template, "征求意见表.docx": opinion_form_template,
    "民主评议测评表.docx": ballot_template, "民主评议结果.docx": result_template,
    "民主评议结果公示.docx": publicity_template, "整改落实情况报告.docx": progress_template,
    "通知.docx": notice_template,
}


def build(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    declared = {d.template for d in BRANCH_DOCUMENTS if not d.core} | {"通知.docx"}
    assert set(TEMPLATES) <= declared, set(TEMPLATES) - declared
    return save_templates(TEMPLATES, out_dir, finish=_keep_headings)


if __name__ == "__main__":
    build_main(build)
