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


DEFAULT_CATEGORIES = ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律")

# Dropdown lists, written to the hidden 选项 sheet one column each. A cycle may
# replace 问题类别; the others are fixed by the contract.
CHOICE_LISTS: dict[str, tuple[str, ...]] = {
    "会议类型": ("组织生活会", "专题组织生活会", "民主生活会"),
    "性别": ("男", "女"),
    "党内职务": ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员", "党员"),
    "党员类别": ("正式党员", "预备党员"),
    "是否": ("是", "否"),
    "民主评议等次": ("优秀", "合格", "基本合格", "不合格", "不评定"),
    "参会方式": ("出席指导", "列席", "以普通党员身份参加"),
    "学习形式": ("集中学习", "专题党课", "研讨交流", "个人自学", "警示教育", "其他"),
    "意见来源": ("党员", "群众", "服务对象", "上级党组织", "其他"),
    "征求方式": ("征求意见表", "座谈会", "个别访谈", "意见箱", "其他"),
    "问题层级": ("支部班子", "党员个人"),
    "问题类别": DEFAULT_CATEGORIES,
    "问题来源": ("征求意见", "谈心谈话", "自我检视", "上级点评", "相互批评", "巡视巡察", "其他"),
    "完成状态": ("未启动", "推进中", "已完成", LONG_TERM),
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
          help="不填则为生成材料的当天"),
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
    PREVIOUS,
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

CYCLE_SHEETS: tuple[Sheet, ...] = (CYCLE_SETTINGS, CYCLE_BRANCHES, CYCLE_MEMBERS, CYCLE_CATEGORIES)


def choice_lists(categories: tuple[str, ...] | list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """The dropdown lists, with a cycle's own 问题类别 when it has one."""
    lists = dict(CHOICE_LISTS)
    if categories:
        lists["问题类别"] = tuple(categories)
    return lists


def all_headers(sheet: Sheet) -> list[str]:
    return [c.header for c in sheet.columns]
