"""Small branch workbooks written for tests, in our own words.

``valid_content()`` is a branch with no errors and no warnings; tests change
one thing at a time and assert on the issue code and cell that follow. Its
problems P01–P03 and measures 1–4 come first; P04–P06 (one personal problem for
each 正式党员 that had none) were added after them, so cells named by older
tests did not move.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
from pathlib import Path

from toolkit.writers.workbook import Content, branch_meta

D = dt.date


def valid_content() -> Content:
    info = {
        "superior": "市档案局机关党委",
        "org_name": "综合科党支部",
        "meeting_type": "组织生活会",
        "year": 2023,
        "theme": "深入学习贯彻党的二十大精神，对照检视、推动整改",
        "basis_title": "关于召开2023年度基层党组织组织生活会的通知",
        "basis_number": "市档党〔2023〕5号",
        "meeting_date": D(2023, 8, 25),
        "place": "二楼小会议室",
        "host": "周明远",
        "report_date": D(2023, 8, 28),
        "agenda": "1.通报上一次整改情况\n2.书记作对照检查\n3.开展批评和自我批评",
    }
    members = [
        {"seq": 1, "name": "周明远", "gender": "男", "role": "书记", "category": "正式党员",
         "present": True, "appraisal": "优秀"},
        {"seq": 2, "name": "林晓雯", "gender": "女", "role": "组织委员", "category": "正式党员",
         "present": True, "appraisal": "合格"},
        {"seq": 3, "name": "马国栋", "gender": "男", "role": "党员", "category": "正式党员",
         "present": False, "absence_reason": "外出培训", "appraisal": "合格"},
        {"seq": 4, "name": "何雨桐", "gender": "女", "role": "党员", "category": "预备党员",
         "present": True, "appraisal": "不评定"},
        {"seq": 5, "name": "宋立新", "gender": "男", "role": "宣传委员", "category": "正式党员",
         "present": True, "appraisal": "合格"},
    ]
    problems = [
        {"pid": "P01", "level": "支部班子", "category": "理论学习",
         "summary": "集中学习多照本宣科，研讨不够深入",
         "detail": "比如今年以来开展集中学习8次，其中结合档案业务研讨的只有2次。", "source": "自我检视"},
        {"pid": "P02", "level": "支部班子", "category": "工作作风",
         "summary": "服务查档群众的主动性不够",
         "detail": "例如窗口高峰期等候时间超过30分钟的情况每月仍有3至4次。", "source": "征求意见"},
        {"pid": "P03", "level": "党员个人", "owner": "林晓雯", "category": "能力本领",
         "summary": "数字化业务知识储备不足",
         "detail": "比如对电子档案单套制管理要求掌握不全面，上半年2次业务测试均未达到90分。",
         "source": "相互批评"},
        # Each 正式党员 finds a problem of their own (member-without-problem).
        {"pid": "P04", "level": "党员个人", "owner": "周明远", "category": "廉洁自律",
         "summary": "对公务接待费用的审核把关不细",
         "detail": "例如上半年有2笔接待费用报销时只看发票，没有核对接待清单和人数。",
         "source": "自我检视"},
        {"pid": "P05", "level": "党员个人", "owner": "马国栋", "category": "政治素质",
         "summary": "对网络上的不实信息辨别不够",
         "detail": "比如在单位工作群里转发未经核实的网络消息1次，经提醒后才删除。",
         "source": "谈心谈话"},
        {"pid": "P06", "level": "党员个人", "owner": "宋立新", "category": "担当作为",
         "summary": "对跨科室的协调事项主动性不强",
         "detail": "比如库房温湿度改造涉及两个科室，拖了3个月才提交方案，习惯等领导出面协调。",
         "source": "谈心谈话"},
    ]
    measures = [
        {"pid": "P01", "measure": "每月组织1次结合业务的专题研讨，年底前形成2篇调研报告",
         "owner": "周明远", "deadline": D(2023, 12, 31), "status": "推进中"},
        {"pid": "P02", "measure": "高峰期增开1个查档窗口，推行网上预约", "owner": "宋立新",
         "deadline": D(2023, 10, 31), "status": "已完成", "done_date": D(2023, 10, 20),
         "evidence": "9月起增开窗口，平均等候时间降至12分钟"},
        {"pid": "P02", "measure": "每季度开展一次查档群众满意度回访", "owner": "宋立新",
         "deadline": "长期坚持", "status": "长期坚持"},
        {"pid": "P03", "measure": "参加电子档案管理专题培训不少于16学时", "owner": "林晓雯",
         "deadline": D(2023, 11, 30), "status": "未启动"},
        {"pid": "P04", "measure": "每月抽查1次公务接待报销凭证，核对接待清单和人数", "owner": "周明远",
         "deadline": "长期坚持", "status": "长期坚持"},
        {"pid": "P05", "measure": "转发信息先核实来源，年底前参加1次网络安全和意识形态专题学习", "owner": "马国栋",
         "deadline": D(2023, 12, 31), "status": "推进中"},
        {"pid": "P06", "measure": "10月底前牵头提交库房温湿度改造方案并组织两科室会商", "owner": "宋立新",
         "deadline": D(2023, 10, 31), "status": "推进中"},
    ]
    tables = {
        "members": members,
        "guests": [{"seq": 1, "name": "郑海峰", "title": "机关党委副书记", "mode": "出席指导"}],
        "studies": [{"seq": 1, "date": D(2023, 8, 3), "form": "集中学习",
                     "content": "学习党的二十大报告第十三部分", "participants": 5}],
        "talks": [{"seq": 1, "date": D(2023, 8, 10), "talker": "周明远", "talkee": "林晓雯",
                   "content": "交流学习体会，互提意见"}],
        "opinions": [{"seq": 1, "source": "群众", "method": "征求意见表",
                      "content": "希望缩短查档等候时间", "adopted": True}],
        "problems": problems,
        "causes": [{"seq": 1, "aspect": "理论武装有所松懈", "content": "满足于完成规定学习任务。"}],
        "directions": [{"seq": 1, "title": "持续强化理论武装", "content": "把学习成效体现到业务上。"}],
        "measures": measures,
    }
    return Content(info=info, tables=tables, meta=branch_meta("2023-ZZ", "ZB09"))


def clone(content: Content) -> Content:
    return copy.deepcopy(content)


def messy_content() -> Content:
    """The valid branch typed the way people really type (spec: 'What people really type')."""
    c = clone(valid_content())
    c.info["meeting_date"] = "２０２３年８月２５日"
    c.info["report_date"] = "2023.8.28"
    c.info["year"] = "２０２３"
    c.info["host"] = "周 明远 "
    c.info["meeting_type"] = " 组织生活会"
    m = c.tables["members"]
    m[0]["present"] = "√"
    m[1]["present"] = "Y"
    m[2]["present"] = "×"
    m[3]["present"] = " 是"
    m[4]["present"] = "是 "
    m[1]["name"] = "林 晓雯"
    m[0]["role"] = "书记 "
    m[3]["category"] = "预备 党员"
    c.tables["studies"][0]["date"] = "2023/8/3"
    c.tables["studies"][0]["participants"] = "５"
    c.tables["talks"][0]["date"] = "20230810"
    c.tables["talks"][0]["talkee"] = "林晓雯  "
    ms = c.tables["measures"]
    ms[0]["deadline"] = "2023-12-31"
    ms[1]["deadline"] = "2023年10月31日"
    ms[1]["done_date"] = "2023.10.20"
    ms[3]["deadline"] = 45260  # an Excel serial typed into a General cell: 2023-11-30
    ms[0]["owner"] = " 周明远"
    c.tables["opinions"][0]["adopted"] = "√"
    c.tables["problems"][2]["owner"] = "林晓雯 "
    return c


def meeting_content() -> Content:
    """The valid branch with the meeting's own sheets filled: 相互批评, 专项剖析, 民主评议计票.

    Three valid ballots (the 正式党员 present); 4 members graded, so one 优秀 place,
    and the counts give every member the 等次 typed in 参会人员. No issues.
    """
    c = clone(valid_content())
    c.info["valid_ballots"] = 3
    c.info["addressees"] = "市档案局机关党委\n市档案局机关纪委"
    c.tables["criticisms"] = [
        {"seq": 1, "critic": "周明远", "target": "林晓雯", "content": "学习新业务不够主动，遇到系统问题习惯请别人处理。",
         "response": "接受，年内完成电子档案专题培训。"},
        {"seq": 2, "critic": "支部班子", "target": "宋立新", "content": "跨科室协调等领导出面的多。",
         "response": "接受，牵头事项主动协调。"},
    ]
    c.tables["analyses"] = [
        {"seq": 1, "item": "典型案例剖析", "title": "一份错档引发的投诉",
         "content": "今年5月一份婚姻档案调错，群众往返两次。剖析下来是核对环节流于形式。"},
    ]
    c.tables["ballots"] = [
        {"name": "周明远", "excellent": 3, "qualified": 0, "basic": 0, "unqualified": 0},
        {"name": "林晓雯", "excellent": 1, "qualified": 2, "basic": 0, "unqualified": 0},
        {"name": "马国栋", "excellent": 0, "qualified": 3},
        {"name": "何雨桐"},  # 预备党员: 不评定, no votes needed
        {"name": "宋立新", "excellent": 1, "qualified": 1, "basic": 1, "unqualified": 0},
    ]
    return c


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports (``from x import y`` gives x), read from its syntax tree."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def load_script(name: str):
    """A module of scripts/ (the template and workbook builders), loaded by path: scripts/ is no package."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
