"""Every variable the document templates may use, declared once.

``branch/context.py`` computes exactly these names (a test holds it to that);
the Chinese reference ``docx_templates/变量说明.md`` is generated from this list
by ``scripts/build_docx_templates.py``; ``check-template`` accepts no other name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Var:
    name: str
    description: str
    example: Any = ""
    fields: tuple[Var, ...] = ()  # for lists and dicts: the keys of each item

    @property
    def example_value(self) -> Any:
        if not self.fields:
            return self.example
        item = {f.name: f.example_value for f in self.fields}
        return item if self.example == "dict" else [item, item]


V = Var
_PROBLEM_FIELDS = (
    V("lead", "在本类别中的序号引语：一是、二是……（本类只有一个问题时为空）", "一是"),
    V("pid", "问题编号", "P01"),
    V("level", "层级：支部班子 / 党员个人", "支部班子"),
    V("owner", "责任主体（党员个人问题为本人姓名，否则为空）", ""),
    V("category", "问题类别", "理论学习"),
    V("summary", "问题概述（不带句末标点）", "理论学习系统性不够"),
    V("detail", "具体表现（以句号结尾；多行时后续各行另起一段）", "比如，今年集中学习12次，结合业务研讨仅2次。"),
    V("source", "问题来源", "自我检视"),
)

VARIABLES: tuple[Var, ...] = (
    V("org", "党组织名称", "办公室党支部"),
    V("superior", "上级党组织（情况报告的主送机关）", "市水务局机关党委"),
    V("year", "年度（阿拉伯数字）", 2023),
    V("meeting_type", "会议类型", "专题组织生活会"),
    V("theme", "会议主题", "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    V("basis_title", "依据文件名称（不带书名号；未填为空）", "关于认真开好2023年度专题组织生活会的通知"),
    V("basis_number", "依据文件文号（未填为空）", "市水党〔2023〕12号"),
    V("basis", "依据文件的引用：《名称》（文号）；未填名称时为空", "《关于认真开好2023年度专题组织生活会的通知》（市水党〔2023〕12号）"),
    V("meeting_date", "召开日期，如 2023年8月25日", "2023年8月25日"),
    V("place", "召开地点（未填为空）", "机关三楼会议室"),
    V("host", "主持人", "王建国"),
    V("report_date", "报告日期（未填为召开日期）", "2023年8月28日"),
    V("meeting_name", "会议名称：专题会议为“主题+会议类型”，其他为“年度+会议类型”", "学习贯彻习近平新时代中国特色社会主义思想主题教育专题组织生活会"),
    V("theme_clause", "非专题会议的主题短语，如“以“……”为主题”；专题会议（主题已在会议名称中）为空", ""),
    V("titles", "各材料的标题，已按意义分行（每项是一行）：report 情况报告、check 对照检查材料、list 整改清单", "dict",
      fields=(V("report", "情况报告标题各行", ["办公室党支部关于召开学习贯彻", "习近平新时代中国特色社会主义思想", "主题教育专题组织生活会情况的报告"]),
              V("check", "对照检查材料标题各行", ["办公室党支部学习贯彻", "习近平新时代中国特色社会主义思想", "主题教育专题组织生活会对照检查材料"]),
              V("list", "整改清单标题各行", ["办公室党支部学习贯彻习近平新时代中国特色社会主义思想", "主题教育专题组织生活会整改清单"]))),
    V("studies", "会前学习研讨，每次一项", fields=(
        V("date", "日期", "2023年8月10日"), V("form", "形式", "集中学习"),
        V("content", "学习内容（不带句末标点）", "学习党章"), V("participants", "参加人数（未填为空）", 9))),
    V("study_count", "学习研讨次数", 3),
    V("study_forms", "学习形式，按出现顺序用顿号连接（不含“其他”）", "集中学习、专题党课"),
    V("study_topics", "各次学习内容，用分号连接", "学习党章；学习《中国共产党支部工作条例（试行）》"),
    V("study_participants", "各次参加人数之和（人次；都未填时为0）", 25),
    V("opinions", "征求到的意见建议，每条一项", fields=(
        V("source", "意见来源", "群众"), V("method", "征求方式", "征求意见表"),
        V("content", "意见内容（以句号结尾）", "希望简化报销审批流程。"),
        V("adopted", "是否纳入问题清单（是/否/空）", "是"))),
    V("opinion_count", "征求到的意见建议条数", 12),
    V("opinion_adopted", "其中纳入问题清单的条数", 5),
    V("opinion_sources", "意见来源，用顿号连接（不含“其他”）", "党员、群众"),
    V("opinion_methods", "征求方式，用顿号连接（不含“其他”；都未填时为空）", "征求意见表、座谈会"),
    V("talks", "谈心谈话，每次一项", fields=(
        V("date", "日期（未填为空）", "2023年8月15日"), V("talker", "谈话人", "王建国"),
        V("talkee", "谈话对象", "陈思雨"), V("content", "主要内容（以句号结尾）", "交流学习体会。"))),
    V("talk_count", "谈心谈话人次", 10),
    V("talk_pairs", "谁和谁谈：按谈话双方的党内职务分类计数（空表示没有谈话）", "支部书记与支委委员1人次、支委委员与党员3人次"),
    V("talk_people", "谈心谈话涉及的人数（谈话人和谈话对象合计，不重复）", 7),
    V("prep_lead", "会前准备各项的引语（一是、二是……），只含有内容的项：study 学习研讨、opinion 征求意见、talk 谈心谈话、material 撰写材料",
      "dict", fields=(V("study", "学习研讨", "一是"), V("opinion", "征求意见", "二是"),
                      V("talk", "谈心谈话", "三是"), V("material", "撰写材料", "四是"))),
    V("prep_extra", "会前准备补充，每段一项（文字列表）", ["另外，支部还组织党员参观了廉政教育基地。"]),
    V("meeting_extra", "会议情况补充，每段一项（文字列表）", ["会后，支部及时向机关党委报送了会议材料。"]),
    V("expected", "应到人数：参会人员表的人数，加上以普通党员身份参加的领导", 10),
    V("present", "实到人数（含以普通党员身份参加的领导）", 9),
    V("absent_count", "缺席人数", 1),
    V("absentees", "缺席人员，每人一项", fields=(V("name", "姓名", "赵六"), V("reason", "缺席原因（去掉开头的“因”）", "公出差"))),
    V("absent_text", "缺席情况的句子，如“赵六同志因公出差未参会”；无人缺席为空", "赵六同志因公出差未参会"),
    V("guests", "列席指导人员，每人一项", fields=(
        V("name", "姓名", "李卫东"), V("title", "职务", "机关党委副书记"), V("mode", "参会方式", "出席指导"))),
    V("guest_text", "列席指导情况的句子（不带句号，每人带职务）；无人列席为空", "局党组书记、局长贺振邦同志以普通党员身份参加，机关党委副书记李卫东同志到会指导"),
    V("agenda", "会议议程，每项一项（已去掉原有的编号）", fields=(
        V("lead", "引语：一是、二是……", "一是"), V("text", "议程内容（不带句末标点）", "通报上一次组织生活会整改情况"))),
    V("agenda_count", "议程项数", 4),
    V("agenda_count_cn", "议程项数（中文数字）", "四"),
    V("appraisal", "民主评议结果；没有填写评议等次时为空（用 {% if appraisal %} 判断）", "dict", fields=(
        V("rated", "参加评定等次的党员人数", 9), V("excellent", "优秀人数", 2), V("qualified", "合格人数", 7),
        V("basic", "基本合格人数", 0), V("unqualified", "不合格人数", 0),
        V("not_rated", "不评定等次的人数（预备党员等）", 1),
        V("text", "结果的句子，如“参加评定的党员9人，其中优秀2人、合格7人，另有1人不评定等次”",
          "参加评定的党员9人，其中优秀2人、合格7人，另有1人不评定等次"))),
    V("criticism_count", "会上相互批评的人次（相互批评表的行数）", 4),
    V("secretary", "支部书记姓名（参会人员中党内职务为书记的；没有时为主持人）", "王建国"),
    V("problem_count", "查摆问题总数", 8),
    V("branch_problem_count", "其中支部班子问题数", 5),
    V("personal_problem_count", "其中党员个人问题数", 3),
    V("personal_people", "查摆了个人问题的党员人数", 3),
    V("personal_categories", "党员个人问题涉及的类别，用顿号连接", "能力本领、工作作风"),
    V("problems", "全部问题，按问题清单顺序", fields=_PROBLEM_FIELDS),
    V("categories", "支部班子的问题按类别分组（类别顺序同“选项”中的问题类别，只含有问题的类别；党员个人问题不在其中）", fields=(
        V("num", "中文序号：一、二……", "一"), V("index", "阿拉伯数字序号", 1), V("name", "问题类别", "理论学习"),
        V("heading", "小标题，如“理论学习方面”", "理论学习方面"), V("count", "本类问题数", 2),
        V("problems", "本类问题（字段同 problems）", fields=_PROBLEM_FIELDS))),
    V("all_categories", "全部问题（含党员个人）按类别分组，字段同 categories", fields=(
        V("num", "中文序号", "一"), V("index", "阿拉伯数字序号", 1), V("name", "问题类别", "理论学习"),
        V("heading", "小标题", "理论学习方面"), V("count", "本类问题数", 2),
        V("problems", "本类问题（字段同 problems）", fields=_PROBLEM_FIELDS))),
    V("category_count", "支部班子问题涉及的类别数", 4),
    V("category_count_cn", "支部班子问题涉及的类别数（中文数字）", "四"),
    V("causes", "原因剖析，每个方面一项", fields=(
        V("num", "中文序号", "一"), V("aspect", "方面（不带句末标点）", "理论武装有所松懈"),
        V("content", "剖析内容（以句号结尾）", "满足于完成规定动作。"))),
    V("directions", "努力方向，每条一项", fields=(
        V("num", "中文序号", "一"), V("lead", "引语：一是、二是……", "一是"),
        V("title", "标题（不带句末标点）", "坚持不懈强化理论武装"), V("content", "具体内容（以句号结尾）", "制定年度学习计划。"))),
    V("measures", "整改措施（整改台账），按问题顺序", fields=(
        V("seq", "序号", 1), V("pid", "问题编号", "P01"), V("category", "问题类别", "理论学习"),
        V("summary", "问题概述", "理论学习系统性不够"), V("measure", "整改措施（以句号结尾）", "每月开展1次专题研讨。"),
        V("owner", "责任人", "王建国"), V("deadline", "整改时限：日期或“长期坚持”", "2023年12月31日"),
        V("status", "完成状态（未填为空）", "推进中"), V("done_date", "完成日期（未填为空）", ""))),
    V("measure_count", "整改措施条数", 12),
    V("long_term_count", "整改时限为“长期坚持”的措施条数", 2),
    V("dated_count", "有具体整改时限的措施条数", 10),
    V("unplanned_count", "还没有整改措施的问题数", 0),
    V("personal_unplanned", "其中党员个人问题还没有整改措施的条数", 0),
    V("done_count", "完成状态为“已完成”的措施条数", 3),
    V("previous", "上一次组织生活会问题的整改情况，每个问题一项（同一问题的多条措施合在一起）", fields=(
        V("index", "序号", 1), V("pid", "问题编号", "P01"), V("category", "问题类别", "理论学习"),
        V("summary", "问题概述（不带句末标点）", "学习不够系统"),
        V("status", "整改进度：各条措施中进度最慢的一个（有措施未注明时为空）", "已完成"),
        V("status_text", "整改进度的说法：已完成整改、正在推进、需长期坚持、尚未启动（进度为空时为空）", "已完成整改"),
        V("measures_text", "各条整改措施，用分号连接（不带句末标点）", "制定学习计划"),
        V("effects_text", "各条整改成效，用分号连接（不带句末标点）", "全年集中学习12次"),
        V("measures", "该问题的各条整改措施", fields=(
            V("measure", "整改措施（以句号结尾）", "制定学习计划。"), V("status", "完成状态", "已完成"),
            V("effect", "整改成效（以句号结尾）", "全年集中学习12次。"))))),
    V("previous_count", "上一次组织生活会查摆的问题数", 3),
    V("previous_text", "上一次问题的整改进度，如“已完成整改2条、正在推进1条”", "已完成整改2条、正在推进1条"),
    V("previous_open", "上一次尚未完成的问题，每个一项", fields=(
        V("summary", "问题概述", "推动重点工作督办机制建设不够有力"), V("status", "整改进度", "推进中"),
        V("text", "未完成措施的成效或措施，用分号连接", "已完成需求调研，系统尚未上线"))),
    V("analyses", "典型案例剖析和上级要求的专项检视剖析，按周期规定的顺序，每项一部分（只含已填写的项目）", fields=(
        V("num", "在对照检查材料中的中文序号", "四"), V("name", "剖析项目", "典型案例剖析"),
        V("heading", "标题，如“典型案例剖析情况”", "典型案例剖析情况"),
        V("entries", "该项目的各段", fields=(
            V("lead", "段首：（一）和小标题（只有一段时不编号；未填标题为空）", "从一份文件看以文辅政。"),
            V("content", "剖析内容（以句号结尾）", "今年3月……"))))),
    V("sec", "对照检查材料各部分的中文序号（没有内容的部分不编号；专项剖析的序号在 analyses 的 num 中）：previous 上次整改情况（无时没有此项）、preparation 会前准备情况、problems 存在的问题、causes 原因剖析、directions 整改措施和努力方向",
      "dict", fields=(V("previous", "上次整改情况", "一"), V("preparation", "会前准备情况", "二"),
                      V("problems", "存在的问题", "三"), V("causes", "原因剖析", "五"),
                      V("directions", "整改措施和努力方向", "六"))),
    V("rsec", "情况报告各部分的中文序号：previous 上次整改落实情况（无时没有此项）、preparation 会前准备、meeting 会议召开、problems 查摆问题、measures 整改落实措施",
      "dict", fields=(V("previous", "上次整改落实情况", "一"), V("preparation", "会前准备情况", "二"),
                      V("meeting", "会议召开情况", "三"), V("problems", "查摆问题情况", "四"),
                      V("measures", "整改落实措施", "五"))),
)

def example_context() -> dict[str, Any]:
    """A context with every declared variable, for trying out a template."""
    return {v.name: v.example_value for v in ALL_VARIABLES}


def _documents_table() -> list[str]:
    """Which template each document uses, for which meetings, under which file name (schema/documents.py)."""
    from toolkit.schema.documents import DOCUMENTS

    out = ["## 文档与模板", "", "| 文档 | 模板 | 会议类型 | 生成方式 | 文件名 |", "|---|---|---|---|---|"]
    for d in DOCUMENTS:
        how = "每人一份（参会人员，及缺席但有本人问题或批评意见的）" if d.per_member else "每次一份"
        if d.on_progress:
            how += "（render --progress）"
        if d.requires or d.needs:
            how += "；没有民主评议计票或等次时不生成" if d.requires else "；缺少所需工作表时不生成"
        name = d.file.format(org="<党组织名称>", year="<年度>", name=d.name, member="<姓名>")
        out.append(f"| {d.name} | `{d.template}` | {'、'.join(d.kinds)} | {how} | `{name}` |")
    return [*out, "", "## 变量", ""]


def variable_reference() -> str:
    """变量说明.md: every variable the toolkit provides, generated from VARIABLES."""
    out = [
        "# 模板变量说明",
        "",
        "本文件由 `scripts/build_docx_templates.py` 根据 `toolkit/schema/variables.py` 中的变量声明自动生成，请勿手工修改。",
        "",
        "模板使用 docxtpl（Jinja2 语法）：`{{ 变量 }}` 插入内容，`{%p if 条件 %}…{%p endif %}` 按条件保留整段，",
        "`{%p for x in 列表 %}…{%p endfor %}` 每项一段，表格行用 `{%tr for … %}`。引用未提供的变量会报错；",
        "用 `orglife check-template 模板.docx` 检查自己修改的模板。所有数字都由填报表中的行数计算得出。",
        "",
        *_documents_table(),
        "| 变量 | 说明 | 示例 |",
        "|---|---|---|",
    ]

    def cell(value: Any) -> str:
        if isinstance(value, list):
            value = "；".join(str(v) for v in value)
        return str(value).replace("|", "\\|").replace("\n", " ")

    def rows(variables: tuple[Var, ...]) -> None:
        for var in variables:
            if var.fields:
                kind = "（对象）" if var.example == "dict" else "（列表，每项的字段见下）"
                out.append(f"| `{var.name}` | {cell(var.description)}{kind} | |")
                for f in var.fields:
                    sub = "（列表）" if f.fields else ""
                    out.append(f"| `{var.name}` · `{f.name}` | {cell(f.description)}{sub} | {cell(f.example if not f.fields else '')} |")
            else:
                out.append(f"| `{var.name}` | {cell(var.description)} | {cell(var.example)} |")

    rows(ALL_VARIABLES)
    out += ["", "## 党委的通知（通知.docx）", "",
            "`orglife distribute` 根据周期设置生成通知。除下表各项外，通知还可使用 `org`（上级党组织）、`year`、",
            "`meeting_type`、`theme`、`basis` 和 `report_date`（生成通知的日期）。", "",
            "| 变量 | 说明 | 示例 |", "|---|---|---|"]
    rows(NOTICE_VARIABLES)
    out.append("")
    return "\n".join(out)


# --- the meeting's other documents (schema/documents.py): branch/paperwork.py ---------------

_CRITICISM_FIELDS = (
    V("seq", "序号", 1), V("critic", "批评人（姓名或“支部班子”）", "周明远"),
    V("critic_name", "批评人的称呼：某某同志 / 支部班子", "周明远同志"),
    V("target", "被批评人", "林晓雯"), V("target_name", "被批评人的称呼：某某同志", "林晓雯同志"),
    V("content", "批评意见（以句号结尾）", "对新业务学得不够主动。"),
    V("response", "回应（以句号结尾；未填为空）", "诚恳接受。"),
)

PAPERWORK_VARIABLES: tuple[Var, ...] = (
    V("signin", "签到表：参会人员与列席指导人员", "dict", fields=(
        V("members", "参会人员，按参会人员表顺序", fields=(
            V("seq", "序号", 1), V("name", "姓名", "王建国"), V("role", "党内职务", "书记"),
            V("note", "备注（缺席人员为“缺席”）", ""))),
        V("guests", "列席指导人员", fields=(
            V("seq", "序号", 1), V("name", "姓名", "李卫东"), V("title", "职务", "机关党委副书记"),
            V("mode", "参会方式", "出席指导"))))),
    V("speakers", "会议记录的发言顺序：书记（代表班子）、委员、党员，只含参会人员", fields=(
        V("seq", "序号", 1), V("name", "姓名", "王建国"), V("role", "党内职务", "书记"),
        V("text", "发言事项的句子", "书记王建国同志代表支部班子作对照检查，并作个人对照检查"))),
    V("criticisms", "相互批评，按相互批评表顺序", fields=_CRITICISM_FIELDS),
    V("criticism_count", "相互批评条数（人次）", 6),
    V("ruled_lines", "会议记录中供记录人书写的空行（列表，每项一行）", ["", ""]),
    V("opinion_rows", "征求意见表的空白行序号", [1, 2]),
    V("host_name", "主持人的称呼：某某同志", "王建国同志"),
    V("ballot", "民主评议测评表", "dict", fields=(
        V("members", "参会人员，每人一项", fields=(
            V("seq", "序号", 1), V("name", "姓名", "王建国"),
            V("graded", "是否评定等次（预备党员为假：不参加评定等次）", True))),
        V("graded_count", "评定等次的党员人数", 8), V("probationary_count", "预备党员人数（不参加评定）", 1),
        V("copies", "应印制的测评表份数（有效票数，未填时为实到人数）", 9),
        V("dimensions", "测评维度（文字列表）", ["理想信念", "组织纪律"]),
        V("grades", "等次（文字列表）：优秀、合格、基本合格、不合格", ["优秀", "合格", "基本合格", "不合格"]))),
    V("result", "民主评议结果；未计票且未填写等次时为空（用 {% if result %} 判断）。等次以参会人员表中填写的为准，未填写的用计票拟定的等次",
      "dict", fields=(
          V("members", "每名党员一项", fields=(
              V("seq", "序号", 1), V("name", "姓名", "王建国"), V("votes", "优秀、合格、基本合格、不合格票数", [5, 4, 0, 0]),
              V("proposed", "计票拟定的等次（未计票为空）", "合格"), V("grade", "确定的等次", "合格"),
              V("typed", "是否由支部填写、与拟定等次不同", False))),
          V("valid", "有效票数", 9),
          V("counts", "各等次人数", fields=(V("grade", "等次", "优秀"), V("count", "人数", 2))),
          V("text", "结果的句子，如“优秀2人，合格6人，不评定1人”", "优秀2人，合格6人，不评定1人"),
          V("excellent", "评为优秀的党员（某某同志，顿号连接）", "王建国同志、陈思雨同志"),
          V("flagged", "评为基本合格、不合格的党员", fields=(V("name", "某某同志", "赵六同志"), V("grade", "等次", "基本合格"))),
          V("publicity_start", "公示开始日期（报告日期，未填为召开日期）", "2023年8月28日"),
          V("publicity_end", "公示结束日期", "2023年9月1日"), V("publicity_days", "公示天数", 5),
          V("contact", "公示的联系人：参会人员中的书记（没有时为组织委员），某某同志；都没有时为空（模板留出横线手写）",
            "陈思雨同志"))),
)

# One member's own material, the same for every meeting kind (branch/personal.py): the branch's
# 个人对照检查材料 and a 民主生活会's 班子成员 material, and each of a 民主生活会's ``members``.
MEMBER_FIELDS: tuple[Var, ...] = (
    V("name", "姓名", "林晓雯"), V("comrade", "称呼：某某同志", "林晓雯同志"), V("role", "党内职务", "党员"),
    V("post", "行政职务", ""), V("title", "党内职务、行政职务（顿号连接）", "党员"),
    V("called", "带职务的称呼：党内职务、行政职务某某同志", "党员林晓雯同志"),
    V("is_secretary", "是否主要负责同志（书记，不含副书记）", False), V("present", "是否参会", True),
    V("probationary", "是否预备党员", False),
    V("problems", "本人问题，按问题清单顺序（字段同 problems）", fields=_PROBLEM_FIELDS),
    V("problem_count", "本人问题数", 2),
    V("categories", "本人问题按类别分组（类别顺序同 categories）", fields=(
        V("num", "中文序号", "一"), V("index", "阿拉伯数字序号", 1), V("name", "问题类别", "理论学习"),
        V("heading", "小标题", "理论学习方面"), V("count", "本类问题数", 1),
        V("problems", "本类问题（字段同 problems；一是、二是……本类只有一个时为空）", fields=_PROBLEM_FIELDS))),
    V("problem_areas", "本人问题涉及的方面，顿号连接", "理论学习方面、工作作风方面"),
    V("criticisms", "本人收到的批评意见，按相互批评表顺序", fields=(
        *_CRITICISM_FIELDS,
        V("critic_called", "批评人带职务的称呼（班子为“支部班子”或“班子”）", "党员周明远同志"))),
    V("criticism_count", "收到的批评意见条数", 2),
    V("measures", "针对本人问题的整改措施，按整改台账顺序（字段同 measures）", fields=(
        V("seq", "序号", 1), V("pid", "问题编号", "P04"), V("category", "问题类别", "理论学习"),
        V("summary", "问题概述", "学习不够系统"), V("measure", "整改措施", "制定学习计划。"),
        V("owner", "责任人", "林晓雯"), V("deadline", "整改时限", "2023年12月31日"),
        V("status", "完成状态", "推进中"), V("done_date", "完成日期（未填为空）", ""))),
    V("measure_count", "整改措施条数", 2),
    V("missing", "尚缺的内容（无缺项时为空）", ""),
    V("sec", "各部分的中文序号：problems、criticisms、measures", "dict", fields=(
        V("problems", "存在的问题", "一"), V("criticisms", "相互批评意见", "二"), V("measures", "整改措施", "三"))),
)

MEMBER_VARIABLES: tuple[Var, ...] = (
    V("member", "个人对照检查材料的本人：本人的问题、收到的批评意见和整改措施（只含本人的行）", "dict",
      fields=MEMBER_FIELDS),
    V("person", "同 member（民主生活会的班子成员对照检查材料使用这个名字）", "dict", fields=MEMBER_FIELDS),
)


PROGRESS_VARIABLES: tuple[Var, ...] = (
    V("progress", "整改落实情况（截至 --as-of 日期）", "dict", fields=(
        V("as_of", "截至日期", "2023年12月31日"), V("measure_count", "整改措施条数", 12),
        V("problem_count", "问题数", 8), V("done", "已完成条数", 6), V("in_progress", "正在推进条数（含10天内到期、未填时限）", 3),
        V("due_soon", "其中10天内到期条数", 1), V("overdue", "已超过整改时限条数", 1), V("long_term", "长期坚持条数", 2),
        V("text", "进度的句子，如“已完成6条、正在推进3条”", "已完成6条、正在推进3条"),
        V("problems", "每个问题一项，按问题清单顺序", fields=(
            V("index", "序号", 1), V("lead", "一是、二是……", "一是"), V("pid", "问题编号", "P01"),
            V("level", "层级", "支部班子"), V("owner", "党员个人问题的责任主体（某某同志）", ""),
            V("category", "问题类别", "理论学习"), V("summary", "问题概述", "学习不够系统"),
            V("measures", "该问题的整改措施", fields=(
                V("measure", "整改措施", "制定学习计划。"), V("owner", "责任人", "王建国"),
                V("deadline", "整改时限", "2023年12月31日"),
                V("state", "截至日期的状态：已完成/已逾期/10天内到期/正常/长期坚持/未填时限", "已完成"),
                V("evidence", "整改成效及佐证", "已印发学习计划。"), V("done_date", "完成日期（已完成时）", "2023年10月8日"))))))),
)

# The committee's 通知 (committee/notice.py, written by `orglife distribute` from 周期设置); it also
# uses org (the 上级党组织), year, meeting_type, theme, basis and report_date (the day it is written).
# Not a branch template's variables: listed apart in the reference, never in ALL_PROVIDED.
NOTICE_VARIABLES: tuple[Var, ...] = (
    V("title", "标题，如“关于召开2023年度组织生活会的通知”", "关于召开2023年度组织生活会的通知"),
    V("deadline", "召开截止日期", "2023年9月15日"),
    V("addressee", "主送：各党支部；名册中有下级党委、党总支时为“各党委、党总支，各直属党支部”", "各党支部"),
    V("branch_count", "支部名册中（直属）党支部的个数", 12),
    V("lower_count", "支部名册中下级党委、党总支的个数（报送本级汇总表）", 0),
    V("lower_kinds", "名册中下级党组织的类型，如“党委、党总支”", ""),
    V("hand_in", "各支部报送的材料", fields=(V("lead", "一是、二是……", "一是"),
                                                  V("text", "材料", "情况报告（Word 文件，由填报表生成）"))),
    V("personal_kept", "是否写明个人对照检查材料由支部留存、不需报送（民主生活会以外为真）", True),
    V("contact", "周期设置中的联系人（未填为空，模板留出横线手写）", "陈思雨"),
    V("phone", "周期设置中的联系电话（未填为空，模板留出横线手写）", "0571-88001234"),
)

ALL_VARIABLES: tuple[Var, ...] = VARIABLES + PAPERWORK_VARIABLES + MEMBER_VARIABLES + PROGRESS_VARIABLES

# What build_context provides (the three branch documents) and what any template may use.
PROVIDED = frozenset(v.name for v in VARIABLES)
ALL_PROVIDED = frozenset(v.name for v in ALL_VARIABLES)
