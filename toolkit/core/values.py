"""Turn what people type into typed values.

Branch secretaries type dates as 2023-8-25, 2023/8/25, 2023.8.25, 2023年8月25日
or 20230825, use full-width digits, put spaces inside names and write √/× for
yes/no. Everything that can be understood is accepted here; what cannot raises
``BadValue`` with a Chinese hint on how to fix it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from toolkit.schema.workbooks import LONG_TERM, MAX_TEXT_CHARS, T

# Excel's serial day 1 is 1900-01-01, but Excel counts a 1900-02-29 that never
# existed, so serials from 61 on are one day late against 1899-12-31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIN_DATE = dt.date(1950, 1, 1)
_MAX_DATE = dt.date(2100, 12, 31)

# Blanks and the zero-width characters that copy-paste brings along unseen.
_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff]+")
# Characters XML (and so every docx and xlsx) forbids, or that stand for no
# character at all: C0/C1 controls other than tab and newline, lone surrogates,
# and the Unicode non-characters (U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of every plane).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                        + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
                        + "]")
# The middle dot of names such as 阿依古丽·买买提 is typed in many ways.
_NAME_DOTS = re.compile("[\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5\u0387\u16eb\uff0e.]")
# A time of day after a date (2023-8-25 10:00, 2023/8/25 上午, 2023年8月25日14时30分) says
# nothing the documents use: the date is read and the time left out.
_TIME = (r"(?:\s*(?:上午|下午|中午|晚上|早上|凌晨)?\s*"
         r"(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?|\d{1,2}[时点](?:\d{1,2}分)?(?:\d{1,2}秒)?)?)?")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:T|\s*)" + _TIME + "$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?" + _TIME + "$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_DATE_ONLY = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}[日号]?|\d{8})$")
_YES = {"是", "√", "✓", "✔", "Y", "YES", "对", "1", "TRUE", "参会", "参加", "已参会"}
_NO = {"否", "×", "✗", "✘", "X", "N", "NO", "错", "0", "FALSE", "未参会", "缺席", "不参会"}
_LONG_TERM_WORDS = {LONG_TERM, "长期", "持续", "长期坚持整改", "持续推进", "常态化"}


class BadValue(ValueError):
    """A cell value that cannot be understood; ``hint`` says how to fix it."""

    def __init__(self, hint: str, code: str = "bad-type"):
        super().__init__(hint)
        self.hint = hint
        self.code = code


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not _SPACES.sub("", raw)
    return False


def fold(text: str) -> str:
    """Compatibility-fold for matching: full-width digits and letters, no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


def clean_text(raw: object) -> str:
    """Text as typed, minus edge blanks, control characters and Windows line ends."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool):
        raw = "是" if raw else "否"
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        raw = raw.date()
    if isinstance(raw, dt.date):
        return format_date(raw if not isinstance(raw, dt.datetime) else raw.date())
    text = str(raw)
    if text.isprintable() and text == text.strip():
        return text  # the common case: nothing to clean
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _FORBIDDEN.sub("", text)
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def cell_text(raw: object) -> str:
    """Text of a cell read back from a summary: "" when blank, else cleaned."""
    return "" if is_blank(raw) else clean_text(raw)


def percent(part: int, whole: int) -> str:
    """33.3% with one decimal, as reports and summary tables print shares; — when nothing to share."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def clean_name(raw: object) -> str:
    """Names carry no blanks and one middle dot: 张 三 is 张三, 阿依古丽•买买提 is 阿依古丽·买买提."""
    return _NAME_DOTS.sub("·", _SPACES.sub("", clean_text(raw)))


def clean_code(raw: object) -> str:
    """An identifier such as 问题编号 in one form: p01, Ｐ０１ and P 01 are all P01."""
    return fold(clean_text(raw))


def forbidden_count(raw: object) -> int:
    """How many characters of the text no document can carry (reading removes them)."""
    return len(_FORBIDDEN.findall(raw)) if isinstance(raw, str) else 0


def has_time_part(raw: object) -> bool:
    """True when a date was typed or stored with a time of day, which reading leaves out."""
    if isinstance(raw, dt.datetime):
        return raw.time() != dt.time()
    if isinstance(raw, float) and not raw.is_integer() and 1 <= raw < 2958466:
        return True
    return isinstance(raw, str) and _DATE_ONLY.match(fold(raw)) is None and bool(fold(raw))


def format_date(d: dt.date) -> str:
    """GB/T 9704 style: 2023年8月25日, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


def parse_date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            return _check_range(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        if 19000101 <= raw <= 21001231:  # 20230825 typed as a number
            return parse_date(str(int(raw)))
        raise BadValue("请填写日期，如 2023-8-25", "bad-date")
    text = fold(str(raw))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return _check_range(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                raise BadValue("日期不存在，请检查月份和日期", "bad-date") from None
    raise BadValue("无法识别为日期，请写成 2023-8-25 或 2023年8月25日 的形式", "bad-date")


def _check_range(day: dt.date) -> dt.date:
    if not _MIN_DATE <= day <= _MAX_DATE:
        raise BadValue(f"日期超出合理范围（{_MIN_DATE.year}—{_MAX_DATE.year}年）", "bad-date")
    return day


def parse_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise BadValue("请填写整数", "bad-integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 10**9:
            return int(raw)
        raise BadValue("请填写整数", "bad-integer")
    text = fold(str(raw))
    text = re.sub(r"(人|次|名|年|年度)$", "", text)
    if re.fullmatch(r"-?\d{1,9}(\.0+)?", text):
        return int(float(text))
    raise BadValue("请填写整数，如 12", "bad-integer")


def parse_yesno(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = fold(clean_text(raw))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadValue("请填写“是”或“否”", "not-in-choices")


@functools.lru_cache(maxsize=256)
def _folded_choices(choices: tuple[str, ...]) -> dict[str, str]:
    return {fold(c): c for c in choices}


def parse_choice(raw: object, choices: tuple[str, ...]) -> str:
    if isinstance(raw, str) and raw in choices:
        return raw
    found = _folded_choices(choices).get(fold(clean_text(raw)))
    if found is not None:
        return found
    shown = "、".join(choices)
    raise BadValue(f"应为下拉列表中的一项：{shown}", "not-in-choices")


def parse_deadline(raw: object) -> dt.date | str:
    if isinstance(raw, str) and fold(raw) in {fold(w) for w in _LONG_TERM_WORDS}:
        return LONG_TERM
    try:
        return parse_date(raw)
    except BadValue as bad:
        if "无法识别" in bad.hint or "请填写日期" in bad.hint:
            raise BadValue("请填写整改时限日期（如 2023-12-31），或填写“长期坚持”", "bad-date") from None
        raise BadValue(f"{bad.hint}；不是具体日期的可填写“长期坚持”", "bad-date") from None


class FormulaError(str):
    """A cell whose type is error (t="e"), holding its error text such as #REF!.

    The cell's type decides, not its text: a person may well type "#N/A" as
    text, and that is text.
    """


class UncomputedFormula(str):
    """A formula cell saved without its result (a program wrote it and never computed it),
    holding the formula: calamine reads it as blank, which would lose the value."""


def formula_error(raw: object) -> str | None:
    """The error text when a cell holds a formula error such as #REF!."""
    if isinstance(raw, FormulaError):
        return str(raw).strip().upper() or "#错误"
    return None


def parse(col_type: T, raw: object, choices: tuple[str, ...] = ()) -> object:
    """Raw cell value -> typed value. ``raw`` is known not to be blank."""
    if isinstance(raw, UncomputedFormula):
        raise BadValue(f"单元格是公式 {raw}，但文件里没有保存它的计算结果（生成文件的程序没有计算公式），"
                       "请用 Excel 或 WPS 打开后保存，或改为直接填写内容", "formula-not-computed")
    err = formula_error(raw)
    if err:
        raise BadValue(f"单元格是公式错误 {err}，请改为直接填写内容", "formula-error")
    if col_type is T.DATE:
        return parse_date(raw)
    if col_type is T.DEADLINE:
        return parse_deadline(raw)
    if col_type is T.INT:
        return parse_int(raw)
    if col_type is T.YESNO:
        return parse_yesno(raw)
    if col_type is T.CHOICE:
        return parse_choice(raw, choices)
    text = clean_name(raw) if col_type is T.NAME else clean_text(raw)
    if len(text) > MAX_TEXT_CHARS:
        raise BadValue(f"内容过长（{len(text)} 字），单元格内容请控制在 {MAX_TEXT_CHARS} 字以内",
                       "text-too-long")
    return text


def show(raw: object) -> str:
    """A raw value as a person would recognise it in a message."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw.isoformat()
    text = _FORBIDDEN.sub("\ufffd", str(raw))  # a lone surrogate cannot even be printed
    return text if len(text) <= 60 else text[:57] + "……"
