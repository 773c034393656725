#!/usr/bin/env python3
"""Build the docxtpl templates in docx_templates/ and their variable reference.

    .venv/bin/python scripts/build_docx_templates.py [OUT_DIR]

The .docx files are committed so a unit can copy and edit them in Word; this
script is how they are made, and tests/test_docx_templates.py checks that the
committed files are what it makes (document XML compared, not bytes). The
fixed wording of the documents lives here; every value comes from
toolkit.branch.context.build_context, whose names are declared in toolkit.schema.variables
(变量说明.md is generated from that declaration).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from toolkit.io.fsutil import atomic_path
from toolkit.schema.variables import variable_reference
from toolkit.writers.docx_format import STYLE, gbt9704_table, new_gbt9704_document
from toolkit.writers.render import TEMPLATE_DIR

REFERENCE_NAME = "变量说明.md"
_FIXED_TIME = dt.datetime(2023, 1, 1)


def _p(doc, text: str = "", style: str = STYLE.body):
    para = doc.add_paragraph(style=doc.styles[style])
    if text:
        para.add_run(text)
    return para


def _lead_p(doc, lead: str, rest: str):
    """A body paragraph opening with a 楷体 lead: （一）方面。剖析内容."""
    para = doc.add_paragraph(style=doc.styles[STYLE.body])
    para.add_run(lead, style=doc.styles[STYLE.h2_run])
    para.add_run(rest)
    return para


def _new(title: str, *, landscape: bool = False):
    doc = new_gbt9704_document(landscape=landscape)
    # The default document starts with no paragraphs; docProps are rendered by
    # docxtpl too, so they hold plain text only.
    props = doc.core_properties
    # a rendered document gets its own title, author and time (docx_format.finish_document)
    props.title = title
    props.author = ""
    props.comments = ""
    props.last_modified_by = ""
    props.created = props.modified = _FIXED_TIME
    props.revision = 1
    return doc


# Styles of python-docx's default document that the templates use besides their own.
_KEEP_STYLES = {"Normal", "TableGrid"}


def _slim(doc) -> None:
    """Drop the default document's unused styles and its stylesWithEffects part.

    They are most of the file's XML (about 340 KB), and docxtpl parses and
    compresses every part on every render: without them a render is faster.
    The latent-style list and the thumbnail of a blank page go for the same reason.
    """
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:default")) == "1" or style.get(qn("w:customStyle")) == "1" \
                or style.get(qn("w:styleId")) in _KEEP_STYLES:
            continue
        styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            doc.part.drop_rel(rid)
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)


def _title(doc, key: str):
    """The document's title lines (context ``titles``), joined by line breaks (Shift+Enter in Word).

    The context breaks a long title between its parts (organisation, theme,
    meeting, document), at a meaning boundary, never wherever the line ends.
    """
    para = doc.add_paragraph(style=doc.styles[STYLE.title])
    para.add_run(f"{{% for line in titles.{key} %}}{{{{ line }}}}{{% if not loop.last %}}")
    para.add_run().add_break()
    para.add_run("{% endif %}{% endfor %}")
    return para


def _signature(doc, date: str = "report_date") -> None:
    """正文下空一行, then the organisation and the date below it (GB/T 9704 §7.3.5.2).

    Their indents depend on the lengths of the two lines: the renderer sets them
    (docx_format.place_signature), and keeps them with the last lines of the body.
    """
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ org }}", STYLE.signature)
    _p(doc, f"{{{{ {date} }}}}", STYLE.signature)


def _attachment_note(doc) -> None:
    """附件说明 (GB/T 9704 §7.3.4): 正文下空一行左空二字 附件：名称."""
    _p(doc, "{%p if measures %}")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "附件：整改清单")
    _p(doc, "{%p endif %}")


def report_template():
    doc = _new("情况报告")
    _title(doc, "report")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{{ superior }}：", STYLE.addressee)
    _p(doc, "{% if basis %}根据{{ basis }}要求，{% else %}按照上级党组织的统一安排，{% endif %}"
            "{{ org }}于{{ meeting_date }}{{ theme_clause }}召开了{{ meeting_name }}。"
            "现将有关情况报告如下：")

    _p(doc, "{%p if previous %}")
    _p(doc, "{{ rsec.previous }}、上一次组织生活会查摆问题整改落实情况", STYLE.h1)
    _p(doc, "上一次组织生活会查摆的{{ previous_count }}个问题{% if previous_text %}，"
            "{{ previous_text }}{% endif %}。{% if previous_open %}尚未完成的问题中，"
            "{% for p in previous_open %}“{{ p.summary }}”的问题{{ p.status }}{% if p.text %}，{{ p.text }}{% endif %}"
            "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}{% endif %}")
    _p(doc, "{%p endif %}")

    _p(doc, "{{ rsec.preparation }}、会前准备情况", STYLE.h1)
    _p(doc, "{%p if studies %}")
    _p(doc, "{{ prep_lead.study }}组织学习研讨。会前，支部{% if study_forms %}采取{{ study_forms }}等形式，{% endif %}"
            "开展学习研讨{{ study_count }}次{% if study_participants %}、{{ study_participants }}人次参加{% endif %}，"
            "主要内容有：{{ study_topics }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if opinions %}")
    _p(doc, "{{ prep_lead.opinion }}广泛听取意见建议。支部{% if opinion_methods %}采取{{ opinion_methods }}等方式，"
            "{% endif %}{% if opinion_sources %}向{{ opinion_sources }}{% endif %}征求对支部班子和党员的意见建议，"
            "共征求到意见建议{{ opinion_count }}条{% if opinion_adopted %}，梳理后纳入问题清单{{ opinion_adopted }}条"
            "{% endif %}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if talks %}")
    _p(doc, "{{ prep_lead.talk }}开展谈心谈话。会前共开展谈心谈话{{ talk_count }}人次{% if talk_pairs %}，"
            "其中{{ talk_pairs }}{% endif %}，谈话涉及{{ talk_people }}名同志。")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ prep_lead.material }}撰写检视材料。支部班子在{% if opinions %}梳理意见建议{% if talks %}和谈心谈话情况"
            "{% endif %}{% else %}自我检视{% endif %}的基础上，形成班子对照检查材料，查摆支部班子问题"
            "{{ branch_problem_count }}条{% if personal_problem_count %}；{{ personal_people }}名党员撰写了个人对照检查材料，"
            "查摆个人问题{{ personal_problem_count }}条{% endif %}。")
    _p(doc, "{%p for para in prep_extra %}")
    _p(doc, "{{ para }}")
    _p(doc, "{%p endfor %}")

    _p(doc, "{{ rsec.meeting }}、会议召开情况", STYLE.h1)
    _p(doc, "{{ meeting_date }}，{{ org }}{% if place %}在{{ place }}{% endif %}召开{{ meeting_type }}，"
            "会议由{{ host }}同志主持。应到党员{{ expected }}人、实到{{ present }}人"
            "{% if absent_text %}，{{ absent_text }}{% endif %}。{% if guest_text %}{{ guest_text }}。{% endif %}")
    _p(doc, "{%p if agenda %}")
    _p(doc, "会议共有{{ agenda_count_cn }}项议程：{% for a in agenda %}{{ a.lead }}{{ a.text }}"
            "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "会上，{% if secretary %}支部书记{{ secretary }}同志{% else %}支部书记{% endif %}代表支部委员会作对照检查，"
            "通报了支部班子查摆的{{ branch_problem_count }}个问题{% if previous %}和上一次整改落实情况{% endif %}；"
            "党员逐一作个人对照检查发言{% if criticism_count %}，相互提出批评意见，共开展相互批评{{ criticism_count }}人次"
            "{% else %}，开展批评和自我批评{% endif %}。")
    _p(doc, "{%p if appraisal %}")
    _p(doc, "会议按照规定程序开展了民主评议党员，{{ appraisal.text }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for para in meeting_extra %}")
    _p(doc, "{{ para }}")
    _p(doc, "{%p endfor %}")

    _p(doc, "{{ rsec.problems }}、查摆问题情况", STYLE.h1)
    _p(doc, "{% if personal_problem_count and branch_problem_count %}支部共查摆问题{{ problem_count }}条，"
            "其中支部班子{{ branch_problem_count }}条、党员个人{{ personal_problem_count }}条。"
            "{% elif personal_problem_count %}支部共查摆问题{{ problem_count }}条，均为党员个人问题。"
            "{% else %}支部共查摆支部班子问题{{ branch_problem_count }}条。{% endif %}"
            "{% if categories %}支部班子的问题涉及{{ category_count_cn }}个方面：{% endif %}")
    _p(doc, "{%p for c in categories %}")
    _p(doc, "（{{ c.num }}）{{ c.heading }}", STYLE.h2)
    _p(doc, "{%p for p in c.problems %}")
    _p(doc, "{{ p.lead }}{{ p.summary }}。{{ p.detail }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if personal_problem_count %}")
    _p(doc, "党员个人查摆的{{ personal_problem_count }}条问题涉及{{ personal_people }}名党员，主要集中在"
            "{{ personal_categories }}等方面，由本人在个人对照检查中作了剖析{% if personal_unplanned %}，"
            "其中{{ personal_unplanned }}条尚未制定整改措施{% else %}，并逐条制定了整改措施{% endif %}。")
    _p(doc, "{%p endif %}")

    _p(doc, "{{ rsec.measures }}、整改落实措施", STYLE.h1)
    _p(doc, "{%p if measures %}")
    _p(doc, "针对查摆出的问题，支部共制定整改措施{{ measure_count }}条，每条明确了责任人和整改时限"
            "{% if long_term_count and dated_count %}，其中限期完成的{{ dated_count }}条、需长期坚持的{{ long_term_count }}条"
            "{% elif long_term_count %}，均需长期坚持{% endif %}{% if done_count %}，目前已完成{{ done_count }}条{% endif %}。"
            "{% if unplanned_count %}还有{{ unplanned_count }}个问题尚未制定整改措施，支部将抓紧研究确定。{% endif %}"
            "具体措施见附件整改清单。")
    _p(doc, "{%p else %}")
    _p(doc, "针对查摆出的问题，支部正在研究制定整改措施，明确责任人和整改时限后形成整改清单。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if directions %}")
    _p(doc, "下一步，支部将重点抓好以下几个方面：")
    _p(doc, "{%p for d in directions %}")
    _p(doc, "{{ d.lead }}{{ d.title }}。{{ d.content }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _attachment_note(doc)
    _signature(doc)
    return doc


def check_template():
    doc = _new("对照检查材料")
    _title(doc, "check")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{% if basis %}按照{{ basis }}要求，{% else %}按照上级党组织的部署，{% endif %}"
            "今天，{{ org }}{{ theme_clause }}召开{{ meeting_name }}。"
            "支部班子对照党章党规和上级要求，联系支部工作实际查找问题、剖析根源、明确整改方向。"
            "现在，我代表支部班子作对照检查，请同志们批评指正。")

    _p(doc, "{%p if previous %}")
    _p(doc, "{{ sec.previous }}、上一次组织生活会问题整改落实情况", STYLE.h1)
    _p(doc, "上一次组织生活会查摆问题{{ previous_count }}个{% if previous_text %}，目前{{ previous_text }}"
            "{% endif %}。逐项情况如下：")
    _p(doc, "{%p for p in previous %}")
    _p(doc, "{{ p.index }}.{{ p.summary }}{% if p.status_text %}（{{ p.status_text }}）{% endif %}。"
            "{% if p.measures_text %}整改措施：{{ p.measures_text }}。{% endif %}"
            "{% if p.effects_text %}整改成效：{{ p.effects_text }}。{% endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")

    _p(doc, "{{ sec.preparation }}、会前准备情况", STYLE.h1)
    _p(doc, "会前，支部{% if study_count %}开展学习研讨{{ study_count }}次，{% endif %}"
            "{% if opinion_count %}征求意见建议{{ opinion_count }}条，{% endif %}"
            "{% if talk_count %}开展谈心谈话{{ talk_count }}人次，{% endif %}"
            "在此基础上查摆问题、剖析根源，形成本对照检查材料。")

    _p(doc, "{{ sec.problems }}、存在的问题", STYLE.h1)
    _p(doc, "{% if categories %}支部班子紧扣会议主题，把自己摆进去、把职责摆进去、把工作摆进去，"
            "从{{ category_count_cn }}个方面查摆出问题{{ branch_problem_count }}条。"
            "{% else %}本次支部班子未单独查摆问题。{% endif %}")
    _p(doc, "{%p for c in categories %}")
    _p(doc, "{{ c.index }}.{{ c.heading }}", STYLE.h3)
    _p(doc, "{%p for p in c.problems %}")
    _p(doc, "{{ p.lead }}{{ p.summary }}。{{ p.detail }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")

    _p(doc, "{%p for a in analyses %}")
    _p(doc, "{{ a.num }}、{{ a.heading }}", STYLE.h1)
    _p(doc, "{%p for e in a.entries %}")
    _lead_p(doc, "{{ e.lead }}", "{{ e.content }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")

    causes_and_directions(doc, "对照查摆出的问题，支部班子深挖根源，主要有以下几方面原因：",
                          "针对以上问题，支部班子将从以下几个方面抓好整改{% if measure_count %}，"
                          "具体整改措施{{ measure_count }}条见整改清单{% endif %}：")
    # read out at the meeting, so it carries the meeting's date, not the report's
    _signature(doc, "meeting_date")
    return doc


# 序号 · 问题类别 · 问题概述 · 整改措施 · 责任人 · 整改时限 · 完成状态, filling the 243 mm landscape
# text width. At 12 pt, with the cells' 3.8 mm of padding and the quarter-em space Word and
# LibreOffice put between Chinese and digits, a date "2023年12月31日" needs 40 mm, a
# four-character name or status 21 mm and "序号" 13 mm: those columns never break them.
LIST_COLUMNS = (("序号", 14, "{{ m.seq }}", True), ("问题类别", 24, "{{ m.category }}", True),
                ("问题概述", 50, "{{ m.summary }}", False), ("整改措施", 68, "{{ m.measure }}", False),
                ("责任人", 22, "{{ m.owner }}", True), ("整改时限", 42, "{{ m.deadline }}", True),
                ("完成状态", 23, "{{ m.status }}", True))
# The rows of one problem stand together (category, then problem): its category and
# summary cells are merged down across its measures. ns remembers the row above.
_MERGED = {1: ("m.category", "ns.cat"), 2: ("m.pid", "ns.pid")}
_FIRST_OF = {1: "m.category != ns.cat", 2: "m.category != ns.cat or m.pid != ns.pid"}


def _merge_cell(cell, col: int) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    merge = OxmlElement("w:vMerge")
    merge.set(qn("w:val"), f"{{% if {_FIRST_OF[col]} %}}restart{{% else %}}continue{{% endif %}}")
    tcpr.append(merge)


def _cant_split(row) -> None:
    flag = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(flag)


def causes_and_directions(doc, causes_intro: str, directions_intro: str) -> None:
    """原因剖析 and 整改措施和努力方向 of a 对照检查材料, each only when filled in; the branch's and the
    班子's (build_leadership_templates.py) differ only in their opening sentences."""
    _p(doc, "{%p if causes %}")
    _p(doc, "{{ sec.causes }}、原因剖析", STYLE.h1)
    _p(doc, causes_intro)
    _p(doc, "{%p for c in causes %}")
    _lead_p(doc, "（{{ c.num }}）{{ c.aspect }}。", "{{ c.content }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if directions %}")
    _p(doc, "{{ sec.directions }}、整改措施和努力方向", STYLE.h1)
    _p(doc, directions_intro)
    _p(doc, "{%p for d in directions %}")
    _lead_p(doc, "（{{ d.num }}）{{ d.title }}。", "{{ d.content }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")


def list_template():
    doc = _new("整改清单", landscape=True)
    _p(doc, "附件", STYLE.attachment)
    _title(doc, "list")
    _p(doc, "共查摆问题{{ problem_count }}条，制定整改措施{{ measure_count }}条"
            "{% if done_count %}，已完成{{ done_count }}条{% endif %}。"
            "{% set ns = namespace(cat=none, pid=none) %}", STYLE.no_indent)
    _p(doc, "{%p if not measures %}")
    _p(doc, "暂未制定整改措施。", STYLE.no_indent)
    _p(doc, "{%p endif %}")
    table = gbt9704_table(doc, [c[0] for c in LIST_COLUMNS], [c[1] for c in LIST_COLUMNS])
    rows = [table.add_row() for _ in range(3)]
    _cant_split(rows[1])
    last = len(LIST_COLUMNS) - 1
    for i, (_, width, value, centred) in enumerate(LIST_COLUMNS):
        if i in _MERGED:
            value = f"{{% if {_FIRST_OF[i]} %}}{value}{{% endif %}}"
            _merge_cell(rows[1].cells[i], i)
        if i == last:  # after the row's cells: remember this row for the next one's merges
            value += "{% set ns.cat = m.category %}{% set ns.pid = m.pid %}"
        for row, text in zip(rows, ("{%tr for m in measures %}" if i == 0 else "", value,
                                    "{%tr endfor %}" if i == 0 else "")):
            cell = row.cells[i]
            cell.width = Mm(width)
            para = cell.paragraphs[0]
            para.style = doc.styles[STYLE.table]
            if centred:
                para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
            if text:
                para.add_run(text)
    _signature(doc)
    return doc


TEMPLATES = {"情况报告.docx": report_template, "对照检查材料.docx": check_template,
             "整改清单.docx": list_template}


def save_templates(templates: dict, out_dir: Path, finish=None) -> list[Path]:
    """Build each template (file name -> builder), ``finish`` it if given, slim it and save it atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in templates.items():
        doc = make()
        if finish:
            finish(doc)
        _slim(doc)
        with atomic_path(out_dir / name) as tmp:
            doc.save(str(tmp))
        written.append(out_dir / name)
    return written


def build_main(build) -> None:
    """The scripts' command line: ``build_….py [目标文件夹]`` (default docx_templates/)."""
    args = sys.argv[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.exit(f"用法：python {Path(sys.argv[0]).name} [目标文件夹]（默认 docx_templates/）")
    for path in build(Path(args[0]) if args else TEMPLATE_DIR):
        print(f"已生成 {path}")


def build(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    written = save_templates(TEMPLATES, out_dir)
    with atomic_path(out_dir / REFERENCE_NAME) as tmp:
        tmp.write_text(variable_reference(), encoding="utf-8")
    written.append(out_dir / REFERENCE_NAME)
    return written


if __name__ == "__main__":
    build_main(build)
