#!/usr/bin/env python3
"""Build the docxtpl templates of a leadership team's 民主生活会 in docx_templates/.

    .venv/bin/python scripts/build_leadership_templates.py [OUT_DIR]

Four templates, named in toolkit.schema.meeting_kinds.LEADERSHIP_DOCUMENTS:
民主生活会情况报告, 班子对照检查材料, 整改方案 (the report's attachment) and
班子成员对照检查材料 (rendered once per 班子成员). The fixed wording lives here,
in 班子 vocabulary; every value comes from toolkit.branch.leadership
(names declared in toolkit.schema.leadership_variables). The page format is
docx_format's, as for the branch templates; tests/test_leadership.py checks the
committed files are what this script makes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_docx_templates import _new, _p, build_main, causes_and_directions, save_templates

from toolkit.schema.meeting_kinds import LEADERSHIP_DOCUMENTS
from toolkit.writers.docx_format import STYLE
from toolkit.writers.render import TEMPLATE_DIR

_FIXED_TIME = dt.datetime(2023, 1, 1)
_KEEP_STYLES = {"Normal", "TableGrid"}


def _title(doc, key: str):
    """The title lines the context computed (``titles``, broken at meaning boundaries)."""
    para = doc.add_paragraph(style=doc.styles[STYLE.title])
    para.add_run(f"{{% for line in titles.{key} %}}{{{{ line }}}}{{% if not loop.last %}}")
    para.add_run().add_break()
    para.add_run("{% endif %}{% endfor %}")
    return para


def _signature(doc, date: str = "report_date", who: str = "org") -> None:
    _p(doc, "", STYLE.no_indent)
    _p(doc, f"{{{{ {who} }}}}", STYLE.signature)
    _p(doc, f"{{{{ {date} }}}}", STYLE.signature)


def _each(doc, loop: str, *lines: str, style: str = STYLE.body) -> None:
    _p(doc, f"{{%p for {loop} %}}")
    for line in lines:
        _p(doc, line, style)
    _p(doc, "{%p endfor %}")


def _problems_by_category(doc, categories: str, heading_style: str, heading: str) -> None:
    _p(doc, f"{{%p for c in {categories} %}}")
    _p(doc, heading, heading_style)
    _each(doc, "p in c.problems", "{{ p.lead }}{{ p.summary }}。{{ p.detail }}")
    _p(doc, "{%p endfor %}")


def report_template():
    doc = _new("民主生活会情况报告")
    _title(doc, "report")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{%p for a in addressees %}")
    _p(doc, "{{ a }}{% if loop.last %}：{% else %}、{% endif %}", STYLE.addressee)
    _p(doc, "{%p endfor %}")
    _p(doc, "{% if basis %}根据{{ basis }}要求，{% else %}按照上级的统一部署，{% endif %}"
            "{{ org }}于{{ meeting_date }}以“{{ theme }}”为主题召开了{{ year }}年度{{ meeting_type }}，"
            "班子成员{% if absent_count %}{{ present }}人参加会议{% else %}全部参加会议{% endif %}"
            "{% if supervision %}，{{ supervision }}到会督导{% endif %}。现将有关情况报告如下：")

    _p(doc, "一、会前准备情况", STYLE.h1)
    _p(doc, "{%p if studies %}")
    _p(doc, "（一）深入开展学习研讨", STYLE.h2)
    _p(doc, "会前，班子{% if study_forms %}以{{ study_forms }}等形式{% endif %}组织学习研讨{{ study_count }}次，"
            "学习内容包括：{{ study_topics }}。班子成员在学习中对照会议主题查找差距，为开好民主生活会打牢了思想基础。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if opinions %}")
    _p(doc, "（二）广泛征求意见建议", STYLE.h2)
    _p(doc, "班子{% if opinion_methods %}采取{{ opinion_methods }}等方式，{% endif %}"
            "{% if opinion_sources %}面向{{ opinion_sources }}{% endif %}征求对班子和班子成员的意见建议，"
            "共征求到意见建议{{ opinion_count }}条，其中{{ opinion_by_source }}"
            "{% if opinion_adopted %}；经逐条梳理，纳入班子问题清单{{ opinion_adopted }}条{% endif %}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if talks %}")
    _p(doc, "（三）认真开展谈心谈话", STYLE.h2)
    _p(doc, "班子成员之间、班子成员与分管部门负责人之间开展谈心谈话，共{{ talk_count }}人次"
            "{% if talk_text %}，其中{{ talk_text }}{% endif %}。谈话中既谈自身不足，也坦诚指出对方的问题，"
            "为会上开展批评和自我批评做好了准备。")
    _p(doc, "{%p endif %}")
    _p(doc, "（四）认真撰写对照检查材料", STYLE.h2)
    _p(doc, "{{ secretary_called }}主持起草班子对照检查材料，班子成员结合思想和工作实际撰写个人对照检查材料，"
            "把征求到的意见、谈心谈话中提出的问题和自我检视发现的问题梳理清楚，做到见人见事见思想。")
    _each(doc, "para in prep_extra", "{{ para }}")

    _p(doc, "二、会议召开情况", STYLE.h1)
    _p(doc, "{{ meeting_date }}，{{ org }}{% if place %}在{{ place }}{% endif %}召开{{ year }}年度{{ meeting_type }}，"
            "会议由{{ host_called }}主持。班子成员应到{{ expected }}人、实到{{ present }}人"
            "{% if absent_text %}，{{ absent_text }}{% endif %}。"
            "{% if supervisor_text %}{{ supervisor_text }}到会督导。{% endif %}"
            "{% if other_guest_text %}{{ other_guest_text }}列席会议。{% endif %}")
    _p(doc, "{%p if agenda %}")
    _p(doc, "会议共有{{ agenda_count_cn }}项议程：{% for a in agenda %}{{ a.lead }}{{ a.text }}"
            "{% if loop.last %}。{% else %}；{% endif %}{% endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if previous %}")
    _p(doc, "会议通报了上年度民主生活会整改落实情况：上年度查摆问题{{ previous_count }}个"
            "{% if previous_text %}，目前{{ previous_text }}{% endif %}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ secretary_called }}代表班子作对照检查，从{{ team_category_count_cn }}个方面查摆班子存在的问题"
            "{{ team_problem_count }}条，剖析了问题产生的原因，提出了整改措施和努力方向。")
    _p(doc, "随后，班子成员逐一作个人对照检查，开展批评和自我批评：")
    _each(doc, "m in members",
          "{{ m.called }}作个人对照检查{% if m.problem_count %}，查摆了本人在{{ m.problem_areas }}存在的问题{% endif %}。"
          "{% for c in m.criticisms %}{{ c.critic_called }}对其提出批评：{{ c.content }}"
          "{% if c.response %}{{ m.name }}同志表示：{{ c.response }}{% endif %}{% endfor %}")
    _p(doc, "大家直面问题、不遮不掩，批评意见具体中肯，被批评的同志虚心接受、表示认真整改，"
            "会议达到了统一思想、增进团结、促进工作的目的。")
    _p(doc, "{%p if supervision %}")
    _p(doc, "最后，{{ supervision }}对会议进行了点评。")
    _p(doc, "{%p endif %}")
    _each(doc, "para in meeting_extra", "{{ para }}")

    _p(doc, "三、查摆问题情况", STYLE.h1)
    _p(doc, "通过会前征求意见、谈心谈话、自我检视和会上相互批评，共查摆问题{{ problem_count }}条，"
            "其中班子{{ team_problem_count }}条、班子成员个人{{ personal_problem_count }}条，"
            "涉及{{ all_category_count_cn }}个方面。")
    _p(doc, "{%p for c in categories %}")
    _p(doc, "（{{ c.num }}）{{ c.heading }}", STYLE.h2)
    _each(doc, "p in c.problems", "{{ p.lead }}{{ p.summary }}{% if p.owner %}（{{ p.owner }}）{% endif %}。"
                                  "{{ p.detail }}")
    _p(doc, "{%p endfor %}")

    _p(doc, "四、整改措施", STYLE.h1)
    _p(doc, "{%p if measures %}")
    _p(doc, "会后，班子针对查摆出的问题逐条研究整改办法，共制定整改措施{{ measure_count }}条，"
            "明确了责任领导和整改时限，形成整改方案（见附件）{% if long_term_count %}，"
            "其中需长期坚持的{{ long_term_count }}条{% endif %}。主要措施如下：")
    _each(doc, "m in measures", "{{ m.seq }}.{{ m.measure }}责任领导：{{ m.owner }}，整改时限：{{ m.deadline }}。")
    _p(doc, "{%p else %}")
    _p(doc, "针对查摆出的问题，班子正在逐条研究制定整改措施，明确责任领导和整改时限后形成整改方案。")
    _p(doc, "{%p endif %}")

    _p(doc, "五、下一步打算", STYLE.h1)
    _p(doc, "{%p if directions %}")
    _p(doc, "下一步，班子将在以下几个方面持续用力，推动整改落到实处：")
    _each(doc, "d in directions", "{{ d.lead }}{{ d.title }}。{{ d.content }}")
    _p(doc, "{%p else %}")
    _p(doc, "下一步，班子将对照整改方案逐项推进整改，整改落实情况在下一年度民主生活会上通报。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if measures %}")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "附件：整改方案")
    _p(doc, "{%p endif %}")
    _signature(doc)
    return doc


def team_check_template():
    doc = _new("班子对照检查材料")
    _title(doc, "check")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{% if basis %}按照{{ basis }}要求，{% else %}按照上级的统一部署，{% endif %}"
            "班子围绕“{{ theme }}”这一主题，在认真学习、广泛征求意见、深入谈心谈话的基础上，"
            "对照党章党规和上级要求，联系班子工作实际查找问题、剖析根源、明确整改方向。"
            "现将对照检查情况报告如下，请同志们批评指正。")
    _p(doc, "{%p if previous %}")
    _p(doc, "{{ sec.previous }}、上年度民主生活会整改落实情况", STYLE.h1)
    _p(doc, "上年度民主生活会共查摆问题{{ previous_count }}个{% if previous_text %}，目前{{ previous_text }}"
            "{% endif %}。逐项情况如下：")
    _each(doc, "p in previous",
          "{{ p.index }}.{{ p.summary }}。{% for m in p.measures %}{% if m.measure %}整改措施：{{ m.measure }}{% endif %}"
          "{% if m.effect %}整改成效：{{ m.effect }}{% endif %}{% if m.status %}（{{ m.status }}）{% endif %}{% endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ sec.problems }}、存在的问题", STYLE.h1)
    _p(doc, "班子紧扣会议主题，把自己摆进去、把职责摆进去、把工作摆进去，从{{ team_category_count_cn }}个方面"
            "查摆出班子存在的问题{{ team_problem_count }}条。")
    _problems_by_category(doc, "team_categories", STYLE.h2, "（{{ c.num }}）{{ c.heading }}")
    causes_and_directions(doc, "对照查摆出的问题，班子从思想、党性、作风等方面深挖根源，主要有以下几点原因：",
                          "针对以上问题，班子将从以下几个方面抓好整改{% if measure_count %}，"
                          "已制定具体整改措施{{ measure_count }}条，逐条明确责任领导和整改时限（详见整改方案）{% endif %}：")
    _signature(doc, "meeting_date")
    return doc


def plan_template():
    doc = _new("整改方案")
    _p(doc, "附件", STYLE.attachment)
    _title(doc, "plan")
    _p(doc, "", STYLE.no_indent)
    _p(doc, "为抓好{{ year }}年度{{ meeting_type }}查摆问题的整改落实，班子对查摆出的{{ problem_count }}个问题"
            "逐条研究，制定整改措施{{ measure_count }}条，明确责任领导和整改时限，形成本方案。")
    _p(doc, "一、班子整改事项", STYLE.h1)
    _p(doc, "{%p for c in team_categories %}")
    _p(doc, "（{{ c.num }}）{{ c.heading }}", STYLE.h2)
    _p(doc, "{%p for p in c.problems %}")
    _p(doc, "问题：{{ p.summary }}。")
    _p(doc, "{%p for m in measures %}")
    _p(doc, "{%p if m.pid == p.pid %}")
    _p(doc, "整改措施：{{ m.measure }}责任领导：{{ m.owner }}；整改时限：{{ m.deadline }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "二、班子成员个人整改事项", STYLE.h1)
    _p(doc, "{%p for person in members %}")
    _p(doc, "{%p if person.problems %}")
    _p(doc, "（{{ loop.index }}）{{ person.called }}", STYLE.h2)
    _p(doc, "{%p for p in person.problems %}")
    _p(doc, "问题：{{ p.summary }}。")
    _p(doc, "{%p for m in person.measures %}")
    _p(doc, "{%p if m.pid == p.pid %}")
    _p(doc, "整改措施：{{ m.measure }}整改时限：{{ m.deadline }}。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "三、工作要求", STYLE.h1)
    _p(doc, "{{ secretary_called }}履行整改第一责任人职责，班子成员对本人和分管领域的整改事项负责，"
            "逐项对账销号；需长期坚持的事项建立常态化机制。整改落实情况在下一年度民主生活会上通报。")
    _signature(doc)
    return doc


def member_check_template():
    doc = _new("个人对照检查材料")
    _p(doc, "{{ year }}年度{{ meeting_type }}个人对照检查材料", STYLE.title)
    para = _p(doc, "", STYLE.no_indent)
    para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    para.add_run("{{ person.title }}　{{ person.name }}", style=doc.styles[STYLE.h2_run])
    _p(doc, "", STYLE.no_indent)
    _p(doc, "{% if basis %}按照{{ basis }}要求，{% else %}按照上级的统一部署，{% endif %}"
            "本人围绕“{{ theme }}”这一主题，认真学习、广泛听取意见，结合分管工作和个人思想实际，"
            "深入查摆问题、剖析根源。现将个人对照检查情况报告如下，请同志们批评指正。")
    _p(doc, "一、存在的问题", STYLE.h1)
    _p(doc, "{%p if person.problems %}")
    _p(doc, "对照会议主题，本人查摆出问题{{ person.problem_count }}条：")
    _problems_by_category(doc, "person.categories", STYLE.h2, "（{{ c.num }}）{{ c.heading }}")
    _p(doc, "{%p else %}")
    _p(doc, "本人没有在问题清单中单独列出个人问题；对班子查摆出的问题，本人负有相应责任，将一并抓好整改。")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if person.criticisms %}")
    _p(doc, "二、同志们提出的批评意见", STYLE.h1)
    _p(doc, "会上，同志们对本人提出了批评意见，本人诚恳接受：")
    _each(doc, "c in person.criticisms", "{{ c.critic_called }}指出：{{ c.content }}"
                                        "{% if c.response %}本人表态：{{ c.response }}{% endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{% if person.criticisms %}三{% else %}二{% endif %}、整改措施", STYLE.h1)
    _p(doc, "{%p if person.measures %}")
    _p(doc, "针对以上问题，本人将从以下方面抓好整改：")
    _each(doc, "m in person.measures", "{{ loop.index }}.{{ m.measure }}整改时限：{{ m.deadline }}。")
    _p(doc, "{%p else %}")
    _p(doc, "本人将按照班子整改方案，抓好分管领域的整改落实。")
    _p(doc, "{%p endif %}")
    _signature(doc, "meeting_date", "person.name")
    return doc


_MAKERS = {"民主生活会情况报告": report_template, "班子对照检查材料": team_check_template,
           "整改方案": plan_template, "个人对照检查材料": member_check_template}
TEMPLATES = {d.template: _MAKERS[d.name] for d in LEADERSHIP_DOCUMENTS}


def build(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    return save_templates(TEMPLATES, out_dir)


if __name__ == "__main__":
    build_main(build)
