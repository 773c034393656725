"""The variables a 民主生活会's templates may use besides the branch's (``variables.py``).

``branch/leadership.py`` computes exactly ``PROVIDED | LEADERSHIP_PROVIDED`` for a
民主生活会 (a test holds it to that); ``check-template`` accepts these names too.
"""

from __future__ import annotations

from typing import Any

from toolkit.schema.variables import MEMBER_FIELDS, Var

V = Var
_PROBLEM = (V("lead", "引语：一是、二是……（只有一个时为空）", "一是"), V("pid", "问题编号", "P04"),
            V("summary", "问题概述", "调研多看面上、少解剖麻雀"), V("detail", "具体表现", "2023年到基层调研11次。"))
_CATEGORY = (V("num", "中文序号", "一"), V("heading", "小标题", "工作作风方面"),
             V("problems", "本类问题", fields=_PROBLEM))


LEADERSHIP_VARIABLES: tuple[Var, ...] = (
    V("terms", "本会议类型的用语：unit 班子、team 班子、member 班子成员、secretary 党组书记等", "dict", fields=(
        V("unit", "召开会议的集体", "班子"), V("team", "查摆问题的集体", "班子"), V("member", "参会人", "班子成员"),
        V("secretary", "主要负责同志", "党组书记"), V("assembly", "会议", "民主生活会"),
        V("previous", "上次会议", "上年度民主生活会"), V("owner", "整改责任人", "责任领导"))),
    V("addressees", "主送机关，每个一项（未填时为上级党组织）", ["中共临江市纪委", "中共临江市委组织部"]),
    V("titles", "民主生活会各材料的标题，已按意义分行：report 情况报告、check 班子对照检查材料、plan 整改方案（list 同 check，供通用模板使用）",
      "dict", fields=(V("report", "情况报告标题各行", ["中共临江市交通运输局党组关于召开", "2023年度民主生活会情况的报告"]),
                      V("check", "班子对照检查材料标题各行", ["中共临江市交通运输局党组", "2023年度民主生活会对照检查材料"]),
                      V("list", "同 check", ["中共临江市交通运输局党组", "2023年度民主生活会对照检查材料"]),
                      V("plan", "整改方案标题各行", ["中共临江市交通运输局党组", "2023年度民主生活会整改方案"]))),
    V("all_category_count_cn", "班子和班子成员问题合计涉及的方面数（中文数字）", "六"),
    V("host_called", "主持人称呼", "党组书记、局长贺振邦同志"),
    V("secretary_called", "代表班子作对照检查的主要负责同志称呼", "党组书记、局长贺振邦同志"),
    V("supervision", "督导组或指导组（无则为空）", "督导组"),
    V("supervisor_text", "督导组、指导组人员", "市委第三督导组组长邢国华同志"),
    V("other_guest_text", "其他列席人员", "市委组织部干部三科科长常宏伟同志"),
    V("opinion_by_source", "意见建议按来源计数", "服务对象1条、群众1条"),
    V("talk_text", "谈心谈话分类计数", "党组书记与班子成员谈心谈话6人次，班子成员之间1人次"),
    V("team_categories", "班子问题按类别分组", fields=_CATEGORY),
    V("team_problem_count", "班子问题数", 3),
    V("team_category_count_cn", "班子问题涉及的类别数（中文）", "三"),
    V("members", "班子成员，按参会人员顺序，每人的问题、收到的批评意见和整改措施（字段同 member）",
      fields=MEMBER_FIELDS),
    V("member_count", "班子成员人数", 7),
)

LEADERSHIP_PROVIDED = frozenset(v.name for v in LEADERSHIP_VARIABLES)


def leadership_example_context() -> dict[str, Any]:
    return {v.name: v.example_value for v in LEADERSHIP_VARIABLES}
