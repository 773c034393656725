"""Every sheet and column of the branch and cycle workbooks, declared once.

The template writer, the reader, the validator, the 填写说明 sheet, the
variable reference and the tests all read these declarations. Adding a column
is one edit here.

Keys (``Column.key``) are the English names the rest of the code uses; headers
are the exact Chinese text users see (fixed by the workbook contract).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

TEMPLATE_VERSION = "2023.1"
# Template versions whose sheets and headers the reader still understands.
READABLE_VERSIONS = ("2023.1",)
BRANCH_KIND = "支部填报表"
CYCLE_KIND = "周期设置"
LONG_TERM = "长期坚持"

# Above these a cell or a sheet is not something a person typed; refuse it
# instead of carrying it into documents and summaries.
MAX_TEXT_CHARS = 5000
MAX_LIST_ROWS = 5000


class T(str, enum.Enum):
    """Column types. The reader turns raw cell values into these."""

    TEXT = "文本"
    LONGTEXT = "多行文本"
    NAME = "姓名"
    INT = "整数"
    DATE = "日期"
    DEADLINE = "日期或长期坚持"
    CHOICE = "下拉选项"
    YESNO = "是/否"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: T = T.TEXT
    required: bool = False
    choices: str | None = None  # name of a list in CHOICE_LISTS / the 选项 sheet
    help: str = ""
    example: object = ""
    width: float = 14
    # Required only when another column of the same row has this value.
    required_if: tuple[str, object] | None = None
    # An identifier matched across sheets (问题编号): p01, Ｐ０１ and P01 are one code.
    code: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str
    columns: tuple[Column, ...]
    help: str = ""
    form: bool = False  # 项目/内容 form instead of a list with a header row
    optional: bool = False  # the workbook is still usable when the sheet is missing

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}


CASE_STUDY = "典型案例剖析"
CASE_STUDY_PROMPT = "选取本单位或身边的典型案例（正面或反面），写明基本情况、暴露的问题和对照剖析得到的启示"
SECTION_LIST = "剖析项目"
SECTION_PROMPTS = "剖析项目提示"
# Who may criticise besides the people of the meeting: the 班子 as a whole.
TEAM_CRITIC = "支部班子"
GRADES = ("优秀", "合格", "基本合格", "不合格")
NOT_GRADED = "不评定"

DEFAULT_CATEGORIES = ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律")

# Dropdown lists, written to the hidden 选项 sheet one column each. A cycle may
# replace 问题类别; the others are fixed by the contract.
CHOICE_LISTS: dict[str, tuple[str, ...]] = {
    "会议类型": ("组织生活会", "专题组织生活会", "民主生活会"),
    "性别": ("男", "女"),
    # The last six are a leadership team's (民主生活会 of a 党组 or 党委班子).
    "党内职务": ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", "党员",
             "党组书记", "党组副书记", "党组成员", "党委书记", "党委副书记", "党委委员"),
    "党员类别": ("正式党员", "预备党员"),
    "是否": ("是", "否"),
    "民主评议等次": (*GRADES, NOT_GRADED),
    "参会方式": ("出席指导", "列席", "以普通党员身份参加", "督导组", "指导组"),
    "学习形式": ("集中学习", "专题党课", "研讨交流", "个人自学", "警示教育", "其他"),
    "意见来源": ("党员", "群众", "服务对象", "上级党组织", "其他"),
    "征求方式": ("征求意见表", "座谈会", "个别访谈", "意见箱", "其他"),
    "问题层级": ("支部班子", "党员个人"),
    "问题类别": DEFAULT_CATEGORIES,
    "问题来源": ("征求意见", "谈心谈话", "自我检视", "上级点评", "相互批评", "巡视巡察", "其他"),
    "完成状态": ("未启动", "推进中", "已完成", LONG_TERM),
    # 剖析项目: 典型案例剖析 plus the special sections a cycle declares; the
    # prompts list runs alongside it, one prompt per item (blank allowed).
    SECTION_LIST: (CASE_STUDY,),
    SECTION_PROMPTS: (CASE_STUDY_PROMPT,),
    "组织类型": ("党支部", "党委", "党总支"),
}

C = Column


def seq() -> Column:
    return Column("seq", "序号", T.INT, width=6, help="行号，可不填；材料按行的先后顺序排列")


INFO = Sheet(
    "基本信息",
    "info",
    (
        C("superior", "上级党组织", required=True, example="市水务局机关党委",
          help="报告主送的上级党组织全称"),
        C("org_name", "党组织名称", required=True, example="办公室党支部",
          help="本支部全称，也用作生成文件的名称"),
        C("meeting_type", "会议类型", T.CHOICE, required=True, choices="会议类型",
          example="专题组织生活会"),
        C("year", "年度", T.INT, required=True, example=2023, help="会议所属年度，如 2023"),
        C("theme", "会议主题", T.LONGTEXT, required=True,
          example="学习贯彻习近平新时代中国特色社会主义思想主题教育"),
        C("basis_title", "依据文件名称", example="关于认真开好2023年度专题组织生活会的通知",
          help="上级通知的标题，不加书名号"),
        C("basis_number", "依据文件文号", example="市水党〔2023〕12号"),
        C("meeting_date", "召开日期", T.DATE, required=True, example=dt.date(2023, 8, 25)),
        C("place", "召开地点", example="机关三楼会议室"),
        C("host", "主持人", T.NAME, required=True, example="王建国", help="应为参会人员中的姓名"),
        C("report_date", "报告日期", T.DATE, example=dt.date(2023, 8, 28),
          help="报告落款日期，不得早于召开日期；不填则使用召开日期"),
        C("addressees", "主送机关", T.LONGTEXT, example="中共临江市交通运输局党组\n中共临江市纪委监委派驻第三纪检监察组",
          help="报告主送的机关，每行一个（单元格内换行：Alt+Enter）；不填则主送上级党组织。"
               "民主生活会一般主送上级纪委和组织部"),
        C("valid_ballots", "有效票数", T.INT, example=9,
          help="民主评议党员收回的有效票数；填写了“民主评议计票”表时必填"),
        C("agenda", "会议议程", T.LONGTEXT, example="1.通报上一次组织生活会整改情况\n2.支部书记作对照检查",
          help="每行一项议程（单元格内换行：Alt+Enter）"),
        C("prep_extra", "会前准备补充", T.LONGTEXT, help="写入报告“会前准备情况”末尾的补充段落"),
        C("meeting_extra", "会议情况补充", T.LONGTEXT, help="写入报告“会议召开情况”末尾的补充段落"),
    ),
    help="在 B 列填写各项内容，A 列项目名称请勿改动。",
    form=True,
)

MEMBERS = Sheet(
    "参会人员",
    "members",
    (
        seq(),
        C("name", "姓名", T.NAME, required=True, example="王建国", width=10),
        C("gender", "性别", T.CHOICE, choices="性别", example="男", width=6),
        C("role", "党内职务", T.CHOICE, required=True, choices="党内职务", example="书记", width=10),
        C("category", "党员类别", T.CHOICE, required=True, choices="党员类别", example="正式党员",
          width=10),
        C("present", "是否参会", T.YESNO, required=True, choices="是否", example="是", width=9),
        C("absence_reason", "缺席原因", required_if=("present", False), example="出差",
          help="未参会的必须填写原因", width=16),
        C("appraisal", "民主评议等次", T.CHOICE, choices="民主评议等次", example="合格",
          help="预备党员填“不评定”；优秀一般不超过参评党员的三分之一", width=12),
        C("note", "备注", width=16, help="其他需要说明的情况"),
        # Last, not beside 党内职务 as the spec lists it: the cells older workbooks
        # (and their users) know keep their columns; the reader goes by header anyway.
        C("post", "行政职务", example="局长", width=14,
          help="行政职务，如局长、副局长、科长；民主生活会的班子成员请填写，材料中与党内职务一并称呼"),
    ),
    help="本支部全体党员，一人一行；未参会的填写缺席原因。",
)

GUESTS = Sheet(
    "列席指导",
    "guests",
    (
        seq(),
        C("name", "姓名", T.NAME, required=True, example="李卫东", width=10),
        C("title", "职务", required=True, example="机关党委副书记", width=20),
        C("mode", "参会方式", T.CHOICE, required=True, choices="参会方式", example="出席指导",
          width=18),
    ),
    help="上级党组织出席指导、列席人员，以及以普通党员身份参加的领导同志。",
    optional=True,
)

STUDIES = Sheet(
    "学习研讨",
    "studies",
    (
        seq(),
        C("date", "日期", T.DATE, required=True, example=dt.date(2023, 8, 10), width=12),
        C("form", "形式", T.CHOICE, required=True, choices="学习形式", example="集中学习", width=10),
        C("content", "学习内容", T.LONGTEXT, required=True, example="学习党章和《中国共产党支部工作条例（试行）》",
          width=48),
        C("participants", "参加人数", T.INT, example=9, width=9),
    ),
    help="会前开展的集中学习、专题党课、研讨交流等。",
)

TALKS = Sheet(
    "谈心谈话",
    "talks",
    (
        seq(),
        C("date", "日期", T.DATE, example=dt.date(2023, 8, 15), width=12),
        C("talker", "谈话人", T.NAME, required=True, example="王建国", width=10),
        C("talkee", "谈话对象", T.NAME, required=True, example="陈思雨", width=10),
        C("content", "主要内容", T.LONGTEXT, example="交流理论学习体会，互相指出工作中存在的不足", width=48),
    ),
    help="会前开展的谈心谈话，一次一行。",
)

OPINIONS = Sheet(
    "征求意见",
    "opinions",
    (
        seq(),
        C("source", "意见来源", T.CHOICE, required=True, choices="意见来源", example="群众", width=12),
        C("method", "征求方式", T.CHOICE, choices="征求方式", example="征求意见表", width=12),
        C("content", "意见内容", T.LONGTEXT, required=True, example="希望进一步简化报销审批流程", width=48),
        C("adopted", "是否纳入问题清单", T.YESNO, choices="是否", example="是", width=10),
    ),
    help="会前征求到的意见建议，一条一行。",
)

PROBLEMS = Sheet(
    "问题清单",
    "problems",
    (
        C("pid", "问题编号", required=True, example="P01", width=9, code=True,
          help="本表内唯一，如 P01、P02；整改台账按此编号对应"),
        C("level", "层级", T.CHOICE, required=True, choices="问题层级", example="支部班子", width=10),
        C("owner", "责任主体", T.NAME, required_if=("level", "党员个人"), example="",
          help="党员个人问题填写本人姓名（须在参会人员中）", width=10),
        C("category", "问题类别", T.CHOICE, required=True, choices="问题类别", example="理论学习",
          width=10),
        C("summary", "问题概述", required=True, example="理论学习系统性不强，学用结合不够紧密",
          help="一句话概括，生成材料时作为“一是……”的开头", width=36),
        C("detail", "具体表现", T.LONGTEXT, example="比如，今年以来集中学习12次，其中结合业务研讨仅2次……",
          help="写出具体事例、数据，做到见人见事", width=60),
        C("source", "问题来源", T.CHOICE, choices="问题来源", example="自我检视", width=10),
    ),
    help="查摆出的问题，支部班子和党员个人问题都列在这里。",
)

CAUSES = Sheet(
    "原因剖析",
    "causes",
    (
        seq(),
        C("aspect", "方面", required=True, example="理论武装有所松懈", width=24),
        C("content", "剖析内容", T.LONGTEXT, required=True, example="满足于完成规定动作，……", width=72),
    ),
    help="从思想、党性、宗旨、作风等方面剖析问题根源，一个方面一行。",
)

DIRECTIONS = Sheet(
    "努力方向",
    "directions",
    (
        seq(),
        C("title", "标题", required=True, example="坚持不懈强化理论武装", width=24),
        C("content", "具体内容", T.LONGTEXT, required=True, example="制定年度学习计划，……", width=72),
    ),
    help="整改措施和努力方向的总体表述，一条一行。",
)

MEASURES = Sheet(
    "整改台账",
    "measures",
    (
        C("pid", "问题编号", required=True, example="P01", width=9, code=True, help="须是问题清单中已有的编号"),
        C("measure", "整改措施", T.LONGTEXT, required=True,
          example="每月开展1次结合业务的专题研讨，年底前形成2篇调研报告", width=48,
          help="写明可检查的具体做法、数量或节点"),
        C("owner", "责任人", T.NAME, required=True, example="王建国", width=10),
        C("deadline", "整改时限", T.DEADLINE, required=True, example=dt.date(2023, 12, 31), width=12,
          help="填写日期，或“长期坚持”"),
        C("status", "完成状态", T.CHOICE, choices="完成状态", example="推进中", width=10),
        C("done_date", "完成日期", T.DATE, required_if=("status", "已完成"), width=12,
          help="完成状态为“已完成”时必填"),
        C("evidence", "整改成效及佐证", T.LONGTEXT, width=36,
          help="已取得的成效和佐证材料名称，如制度文件、会议记录"),
        C("closed_date", "销号日期", T.DATE, width=12, help="由上级党组织审核销号后填写"),
    ),
    help="每条具体整改措施一行，一个问题可以有多条措施。",
)

CRITICISMS = Sheet(
    "相互批评",
    "criticisms",
    (
        seq(),
        C("critic", "批评人", T.NAME, required=True, example="周明远", width=10,
          help=f"提出批评意见的人，须在参会人员中；代表班子提出的填“{TEAM_CRITIC}”"),
        C("target", "被批评人", T.NAME, required=True, example="林晓雯", width=10,
          help="接受批评的人，须在参会人员中"),
        C("content", "批评意见", T.LONGTEXT, required=True, width=60,
          example="对新业务学得不够主动，遇到电子档案方面的问题习惯请别人处理",
          help="会上提出的批评意见，一条一行，写出具体事例"),
        C("response", "回应", T.LONGTEXT, width=40, example="诚恳接受，年内完成电子档案专题培训",
          help="被批评人的表态和改进打算"),
    ),
    help="会上开展批评和自我批评时相互提出的批评意见，一条一行；写入本人的个人对照检查材料。",
    optional=True,
)

SPECIAL_ANALYSES = Sheet(
    "专项剖析",
    "analyses",
    (
        seq(),
        C("item", "剖析项目", T.CHOICE, required=True, choices=SECTION_LIST, example=CASE_STUDY,
          width=22, help=f"从下拉列表选择：{CASE_STUDY}，以及上级要求的专项检视剖析"),
        C("title", "标题", example="从一起公车私用案件看纪律规矩意识", width=30,
          help="可不填；填写后作为该部分的小标题"),
        C("content", "剖析内容", T.LONGTEXT, required=True, width=72,
          example="2022年某单位驾驶员……，对照反思，支部在车辆管理上……",
          help="剖析的具体内容：基本情况、存在的问题、对照检视得到的启示"),
    ),
    help="典型案例剖析和上级要求的专项检视剖析，写入对照检查材料。",
    optional=True,
)

BALLOT_COUNTS = Sheet(
    "民主评议计票",
    "ballots",
    (
        C("name", "姓名", T.NAME, required=True, example="周明远", width=10,
          help="参加评议的党员，须在参会人员中（以普通党员身份参加的领导也可）"),
        *(C(key, grade, T.INT, example=example, width=10, help=f"评为“{grade}”的票数")
          for key, grade, example in zip(("excellent", "qualified", "basic", "unqualified"), GRADES,
                                         (3, 6, 0, 0))),
    ),
    help="民主评议党员的计票结果，每名党员一行，有效票数填在“基本信息”；检查时按计票规则（见“填写说明”）提出拟定等次。",
    optional=True,
)

# Column keys of the vote counts, best grade first (GRADES order).
BALLOT_KEYS = ("excellent", "qualified", "basic", "unqualified")

# The tally rule of branch/appraisal.py in words, as the 填写说明 sheet states it.
TALLY_RULE_TEXT = (
    "民主评议计票规则：按“民主评议计票”表提出每名党员的拟定等次。某一等次的票数加上比它更好的等次的票数，"
    "超过有效票数的一半，即可评为该等次，取其中最好的等次（优秀须优秀票过半；合格须优秀票与合格票之和过半；"
    "基本合格须前三项之和过半）；任何等次都不过半的，拟定为不合格。优秀不超过参评党员人数的三分之一，"
    "按优秀票数从多到少确定，名额边界上票数相同的，都先拟定为合格，并提醒由支部大会决定。预备党员不评定等次。"
    "拟定为不合格的，须提交支部大会讨论并报上级党组织审批。拟定等次只是建议，以“参会人员”中填写的"
    "民主评议等次为准，两者不一致时检查会提醒。民主生活会不开展民主评议党员。"
)

PREVIOUS = Sheet(
    "上次整改情况",
    "previous",
    (
        C("pid", "问题编号", width=9, code=True, help="上一次组织生活会的问题编号"),
        C("category", "问题类别", width=10, help="上一次的问题类别"),
        C("summary", "问题概述", T.LONGTEXT, width=36, help="上一次查摆的问题"),
        C("measure", "整改措施", T.LONGTEXT, width=48, help="针对该问题的整改措施"),
        C("status", "完成状态", T.CHOICE, choices="完成状态", width=10),
        C("effect", "整改成效", T.LONGTEXT, width=48, help="整改取得的成效；未完成的写明原因和下一步打算"),
    ),
    help="上一次组织生活会查摆问题的整改情况（可由上级下发时预填，可修改）。",
    optional=True,
)

BRANCH_SHEETS: tuple[Sheet, ...] = (
    INFO, MEMBERS, GUESTS, STUDIES, TALKS, OPINIONS, PROBLEMS, CAUSES, DIRECTIONS, MEASURES,
    PREVIOUS, CRITICISMS, SPECIAL_ANALYSES, BALLOT_COUNTS,
)
LIST_SHEETS: tuple[Sheet, ...] = tuple(s for s in BRANCH_SHEETS if not s.form)
SHEETS_BY_KEY = {s.key: s for s in BRANCH_SHEETS}
SHEETS_BY_NAME = {s.name: s for s in BRANCH_SHEETS}

INSTRUCTIONS_SHEET = "填写说明"
META_SHEET = "_meta"
OPTIONS_SHEET = "选项"

META_KEYS = ("模板版本", "表类型", "周期编号", "支部编号", "生成时间")


# --- committee cycle workbook -------------------------------------------------

CYCLE_SETTINGS = Sheet(
    "基本设置",
    "settings",
    (
        C("superior", "上级党组织", required=True, example="市水务局机关党委"),
        C("meeting_type", "会议类型", T.CHOICE, required=True, choices="会议类型",
          example="专题组织生活会"),
        C("year", "年度", T.INT, required=True, example=2023),
        C("theme", "会议主题", T.LONGTEXT, required=True,
          example="学习贯彻习近平新时代中国特色社会主义思想主题教育"),
        C("basis_title", "依据文件名称", example="关于认真开好2023年度专题组织生活会的通知"),
        C("basis_number", "依据文件文号", example="市水党〔2023〕12号"),
        C("deadline", "召开截止日期", T.DATE, required=True, example=dt.date(2023, 9, 15)),
        C("cycle_id", "周期编号", help="不填则自动生成", example="2023-ZT"),
        C("report_to", "汇总报告主送", example="中共临江市交通运输局党组",
          help="党委汇总报告主送的上级机关；不填则汇总报告不写主送机关"),
        C("contact", "联系人", T.NAME, example="陈思雨",
          help="党委负责本次会议的联系人，印在通知的联系方式中；不填则通知留出横线手写"),
        C("phone", "联系电话", example="0571-88001234", help="联系人的电话，印在通知中；不填则留出横线手写"),
    ),
    help="在 B 列填写本次会议的基本设置。",
    form=True,
)

CYCLE_BRANCHES = Sheet(
    "支部名册",
    "branches",
    (
        C("branch_id", "支部编号", required=True, example="ZB01", width=10),
        C("org_name", "党组织名称", required=True, example="办公室党支部", width=24),
        C("kind", "类型", T.CHOICE, choices="组织类型", example="党支部", width=10,
          help="党支部（不填即为党支部）、党委或党总支；党委、党总支报送本级汇总表"),
        C("secretary", "书记", T.NAME, example="王建国", width=10),
        C("contact", "联系人", T.NAME, example="陈思雨", width=10),
        C("phone", "联系电话", example="0571-88001234", width=16),
    ),
    help="参加本次会议的全部党支部，一个支部一行。",
)

CYCLE_MEMBERS = Sheet(
    "党员名册",
    "members",
    (
        C("org_name", "党组织名称", required=True, example="办公室党支部", width=24),
        C("name", "姓名", T.NAME, required=True, example="王建国", width=10),
        C("gender", "性别", T.CHOICE, choices="性别", example="男", width=6),
        C("role", "党内职务", T.CHOICE, choices="党内职务", example="书记", width=10),
        C("category", "党员类别", T.CHOICE, choices="党员类别", example="正式党员", width=10),
    ),
    help="各支部党员名单，下发时预填到各支部的参会人员表。",
)

CYCLE_CATEGORIES = Sheet(
    "问题类别",
    "categories",
    (C("category", "问题类别", required=True, example="理论学习", width=20),),
    help="本次会议的问题类别，一行一个；不填则使用默认的六个方面。",
    optional=True,
)

CYCLE_SECTIONS = Sheet(
    "专项剖析项目",
    "sections",
    (
        C("name", "项目名称", required=True, example="树立和践行正确政绩观检视剖析", width=30),
        C("prompt", "填写提示", T.LONGTEXT, width=60,
          example="对照正确政绩观的要求，检视在谋划工作、推动落实中的偏差"),
    ),
    help=f"各支部都要填写的专项检视剖析，一行一项；{CASE_STUDY}始终可选，不必列出。",
    optional=True,
)

CYCLE_SHEETS: tuple[Sheet, ...] = (CYCLE_SETTINGS, CYCLE_BRANCHES, CYCLE_MEMBERS, CYCLE_CATEGORIES,
                                   CYCLE_SECTIONS)

Section = tuple[str, str]  # (项目名称, 填写提示)


def choice_lists(categories: tuple[str, ...] | list[str] | None = None,
                 sections: tuple[Section, ...] | list[Section] | None = None) -> dict[str, tuple[str, ...]]:
    """The dropdown lists, with a cycle's own 问题类别 and 专项剖析项目 when it has them."""
    lists = dict(CHOICE_LISTS)
    if categories:
        lists["问题类别"] = tuple(categories)
    if sections:
        items = [(CASE_STUDY, CASE_STUDY_PROMPT)]
        items += [(name, prompt or "") for name, prompt in sections if name and name != CASE_STUDY]
        lists[SECTION_LIST] = tuple(name for name, _ in items)
        lists[SECTION_PROMPTS] = tuple(prompt for _, prompt in items)
    return lists


def all_headers(sheet: Sheet) -> list[str]:
    return [c.header for c in sheet.columns]
