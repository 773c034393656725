"""Chinese wording of every issue, and the severity that goes with its code.

Tests assert on codes and cells; the wording lives only here.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import FileCode, Issue, IssueCode, Severity, WorkbookError

E, W = Severity.ERROR, Severity.WARNING

# code -> (severity, message template). Templates name the value and say how to fix it.
CATALOGUE: dict[IssueCode, tuple[Severity, str]] = {
    IssueCode.UNREADABLE: (E, "{reason}"),
    IssueCode.NOT_BRANCH_WORKBOOK: (E, "{reason}"),
    IssueCode.MISSING_SHEET: (E, "缺少工作表“{sheet}”，请使用最新模板，不要删除或改名工作表"),
    IssueCode.MISSING_COLUMN: (E, "缺少列“{header}”，请恢复该列的表头（表头文字需与模板一致）"),
    IssueCode.MISSING_REQUIRED: (E, "“{header}”必须填写{where}"),
    IssueCode.BAD_TYPE: (E, "“{header}”的内容“{value}”无法识别：{hint}"),
    IssueCode.BAD_DATE: (E, "“{header}”的内容“{value}”不是有效日期：{hint}"),
    IssueCode.BAD_INTEGER: (E, "“{header}”的内容“{value}”不是整数：{hint}"),
    IssueCode.NOT_IN_CHOICES: (E, "“{header}”的内容“{value}”不在可选范围内，{hint}"),
    IssueCode.TEXT_TOO_LONG: (E, "“{header}”{hint}"),
    IssueCode.FORMULA_ERROR: (E, "“{header}”{hint}"),
    IssueCode.TOO_MANY_ROWS: (E, "工作表“{sheet}”有 {value} 行，超过上限 {limit} 行，只读取了前 {limit} 行，请删除多余的行"),
    IssueCode.DUPLICATE_PROBLEM_ID: (E, "问题编号“{value}”重复（第一次出现在 {first}），每个问题的编号须唯一"),
    IssueCode.UNKNOWN_PROBLEM_ID: (E, "问题编号“{value}”在问题清单中不存在，请核对编号，或先在问题清单中补充该问题"),
    IssueCode.PROBLEM_WITHOUT_MEASURE: (W, "问题“{value}”在整改台账中还没有整改措施"),
    IssueCode.PERSONAL_PROBLEM_NO_OWNER: (E, "问题“{value}”是党员个人问题，请在“责任主体”填写本人姓名"),
    IssueCode.OWNER_NOT_IN_ROSTER: (E, "责任主体“{value}”不在参会人员名单中，请核对姓名"),
    IssueCode.RESPONSIBLE_NOT_IN_ROSTER: (W, "责任人“{value}”不在参会人员名单中，请核对姓名（非本支部人员可忽略）"),
    IssueCode.ABSENCE_REASON_MISSING: (E, "{value}未参会，请在“缺席原因”填写原因"),
    IssueCode.DONE_DATE_MISSING: (E, "完成状态为“已完成”，请填写完成日期"),
    IssueCode.DEADLINE_BEFORE_MEETING: (E, "整改时限 {value} 早于召开日期 {meeting}，请核对"),
    IssueCode.HOST_NOT_IN_ROSTER: (W, "主持人“{value}”不在参会人员名单中，请核对姓名"),
    IssueCode.PROBATIONARY_GRADED: (E, "{name}是预备党员，民主评议等次应为“不评定”，现为“{value}”"),
    IssueCode.TOO_MANY_EXCELLENT: (W, "评为优秀的有 {value} 人，超过参评党员（{rated} 人）的三分之一，请核对"),
    IssueCode.DUPLICATE_MEMBER: (W, "“{value}”在参会人员中出现了两次（另见 {first}），请核对是否重复"),
    IssueCode.DUPLICATE_BRANCH_ID: (E, "支部编号“{value}”重复（第一次出现在 {first}），每个支部的编号须唯一"),
    IssueCode.MEMBER_OF_UNKNOWN_BRANCH: (E, "党组织名称“{value}”不在支部名册中，该党员不会预填到任何支部，请核对名称或在支部名册中补充该支部"),
    IssueCode.OLD_TEMPLATE_VERSION: (W, "这是 {version} 版模板，当前可读取的版本为 {expected}，请尽量使用新模板"),
    IssueCode.OTHER_CYCLE: (E, "{reason}"),
    IssueCode.NO_PROBLEMS: (E, "问题清单还没有填写，至少应查摆一条问题"),
    IssueCode.NO_MEMBERS: (E, "参会人员还没有填写"),
    IssueCode.REPEATED_PROBLEM: (W, "{reason}"),
    IssueCode.QUALITY_HINT: (W, "{reason}"),
    IssueCode.REMOVED_CHARACTERS: (W, "“{header}”中有 {count} 个无法写入文档的字符（控制字符或非字符，多为复制粘贴带入），已去掉，请核对内容"),
    IssueCode.FORMULA_NOT_COMPUTED: (E, "“{header}”{hint}"),
    IssueCode.REPORT_DATE_MISSING: (W, "报告日期没有填写，生成材料时将使用召开日期 {value} 作为报告日期；如另有落款日期请填写"),
    IssueCode.REPORT_DATE_BEFORE_MEETING: (E, "报告日期 {value} 早于召开日期 {meeting}，请核对"),
    IssueCode.MEMBER_WITHOUT_PROBLEM: (W, "正式党员{value}在问题清单中还没有本人的问题（层级为“党员个人”、责任主体为本人），每名正式党员都应查摆出自己的问题"),
    IssueCode.CRITIC_NOT_IN_ROSTER: (E, "批评人“{value}”不在参会人员名单中，请核对姓名；代表班子提出的请填“{team}”"),
    IssueCode.CRITICISED_NOT_IN_ROSTER: (E, "被批评人“{value}”不在参会人员名单中，请核对姓名"),
    IssueCode.SPECIAL_ANALYSIS_MISSING: (W, "专项剖析中还没有“{value}”{why}"),
    IssueCode.VALID_BALLOTS_MISSING: (E, "已填写民主评议计票，请在“有效票数”填写收回的有效票数"),
    IssueCode.BALLOT_NAME_NOT_IN_ROSTER: (E, "“{value}”不在参会人员名单中，请核对姓名"),
    IssueCode.DUPLICATE_BALLOT_NAME: (E, "“{value}”在民主评议计票中出现了两次（另见 {first}），每名党员只填一行"),
    IssueCode.NEGATIVE_VOTES: (E, "“{header}”的票数 {value} 不能为负数"),
    IssueCode.VOTES_EXCEED_BALLOTS: (E, "{name}的各等次票数合计 {value} 票，超过有效票数 {valid} 票，请核对"),
    IssueCode.BALLOT_WITHOUT_VOTES: (W, "{value}还没有填写票数，暂不提出拟定等次"),
    IssueCode.EXCELLENT_TIE_AT_CAP: (W, "优秀不超过参评党员（{graded} 人）的三分之一即 {cap} 人，{names}的优秀票数相同（{votes} 票），"
                                        "只剩 {left} 个名额，已先拟定为合格，请由支部大会决定"),
    IssueCode.PROPOSED_UNQUALIFIED: (W, "按计票结果{value}拟定为“{grade}”，须提交支部大会讨论，并报上级党组织审批"),
    IssueCode.APPRAISAL_DIFFERS_FROM_TALLY: (W, "{name}填写的民主评议等次为“{value}”，按计票结果拟定为“{proposed}”；"
                                                "以填写的等次为准，请核对（由支部大会决定）"),
    IssueCode.APPRAISAL_IN_LEADERSHIP_MEETING: (W, "民主生活会不开展民主评议党员，{what}不会写入材料"),
}

_REOPEN = "请用 Excel 或 WPS 打开后重新保存再提交"

# FileCode -> text. ``{name}`` is the file's name; the walker renders reasons for
# 文件清单 with an empty name, so every template reads well without it.
FILE_CATALOGUE: dict[FileCode, str] = {
    FileCode.EMPTY: "{name} 是空文件（0 字节），请重新保存后提交",
    FileCode.TOO_BIG: "{name}{what}过大（{mb} MB），支部填报表一般不超过 1 MB，已拒绝读取；"
                      "请检查是否提交错了文件，或删除多余的行和内容后重新提交",
    FileCode.LOCK_FILE: "{name} 是 Excel/WPS 打开文件时生成的临时锁定文件（文件名以 ~$ 开头），不是填报表；"
                        "请关闭 Excel 后提交原文件",
    FileCode.SYSTEM_FILE: "{name} 是苹果电脑打包时附带的系统文件，不是填报表",
    FileCode.NOT_A_WORKBOOK: "{name} 不是 Excel 工作簿（文件内容实际是{kind}），"
                             "请提交填好的支部填报表（用 Excel 或 WPS 另存为 .xlsx）",
    FileCode.UNSUPPORTED_FORMAT: "{name} 收到但无法读取：{kind}本工具无法读取，{todo}",
    FileCode.WRONG_KIND: "{name} 是“{kind}”，不是{expect}，请提交{expect}",
    FileCode.NOT_BRANCH_LAYOUT: "{name} 不是{expect}：没有找到{sheets}等工作表，请使用 orglife template 生成的模板填写",
    FileCode.ENCRYPTED: "{name}{what}已加密，请取消密码后重新提交",
    FileCode.DAMAGED: "{name}{what}已损坏，无法读取（{error}），{todo}",
    FileCode.ZIP_BOMB: "{name}{what}解压后 {mb} MB{ratio}，远超正常工作簿，疑似恶意文件（压缩炸弹），已拒绝读取",
    FileCode.ENTITY_BOMB: "{name} 中的 {part} 含有 XML 实体声明（DOCTYPE/ENTITY），正常的 Excel 文件不会有，"
                          "疑似恶意文件（实体炸弹），已拒绝读取",
    FileCode.TOO_MANY_ROWS: "{name} 的工作表“{sheet}”超过 {limit} 行，远超支部填报表的规模，已拒绝读取；"
                            "请删除多余的行（或提交正确的文件）后重新提交",
    FileCode.TOO_MANY_ENTRIES: "{name} 包含 {count} 个内部文件，超过上限 {limit}，疑似恶意文件，已拒绝读取",
    FileCode.ABSURD_SIZE: "{name}{what}异常（{value}），远超支部填报表的规模，疑似损坏或恶意文件，已拒绝读取；"
                          + _REOPEN,
    FileCode.NESTED_TOO_DEEP: "{name} 是压缩包嵌套超过 {limit} 层的压缩包，未打开；请解压后再提交",
    FileCode.UNSAFE_PATH: "{name} 已拒绝解压：{why}",
    FileCode.SYMLINK: "{name} 是符号链接，未读取；请提交文件本身",
    FileCode.SPECIAL_FILE: "{name} 不是普通文件（{kind}），未打开；请提交工作簿文件本身",
    FileCode.UNREADABLE: "无法读取文件 {name}：{error}",
    FileCode.RUN_LIMIT: "{name} 未解压：本次已解压的文件累计超过 {limit} MB，请分批汇总",
}


def file_text(code: FileCode, name: str = "", **fields) -> str:
    """The Chinese text of a file-level outcome; without ``name``, a 文件清单 reason."""
    fields.setdefault("what", " 文件")
    fields.setdefault("todo", _REOPEN)
    text = FILE_CATALOGUE[FileCode(code)].format(name=name, **fields)
    return text.strip(" ：") if name else text.replace("文件 ：", "文件：").strip(" ：")


def file_error(code: FileCode, path: str | Path, **fields) -> WorkbookError:
    """The WorkbookError for one file, its text from the catalogue."""
    return WorkbookError(file_text(code, Path(path).name, **fields), path=str(path), code=code)


def issue(code: IssueCode, sheet: str, cell: str, value: object = "", **fields) -> Issue:
    severity, template = CATALOGUE[code]
    text = "" if value is None else str(value)
    fields.setdefault("where", "")
    message = template.format(value=text, sheet=sheet, cell=cell, **fields)
    return Issue(code=code, severity=severity, sheet=sheet, cell=cell, value=text, message=message)


def file_issue(exc: WorkbookError) -> Issue:
    """The one issue a report holds for a file that could not be read at all."""
    code = IssueCode.NOT_BRANCH_WORKBOOK if exc.reason == "not-branch" else IssueCode.UNREADABLE
    return Issue(code=code, severity=E, sheet="", cell="", value="", message=str(exc),
                 file_code=exc.code.value)
