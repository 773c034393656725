"""Chinese wording of every issue, and the severity that goes with its code.

Tests assert on codes and cells; the wording lives only here.
"""

from __future__ import annotations

from toolkit.errors import Issue, IssueCode, Severity

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
}


def issue(code: IssueCode, sheet: str, cell: str, value: object = "", **fields) -> Issue:
    severity, template = CATALOGUE[code]
    text = "" if value is None else str(value)
    fields.setdefault("where", "")
    message = template.format(value=text, sheet=sheet, cell=cell, **fields)
    return Issue(code=code, severity=severity, sheet=sheet, cell=cell, value=text, message=message)
