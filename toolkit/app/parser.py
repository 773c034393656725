"""argparse in Chinese: its own strings (usage, headings, errors) through its gettext hook.

argparse looks every message up through the module-level ``argparse._`` and
``argparse.ngettext`` (``from gettext import gettext as _, ngettext``). While one
of our parsers builds, parses or formats, those two names point at the table
below; outside it they are restored, so another argparse user in the same process
(pytest, say) is untouched. The table is keyed by argparse's msgids as Python
3.10 to 3.13 spell them; a msgid it lacks falls through to English, and
tests/test_cli_help.py walks every command's help and a set of wrong invocations
to catch that.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gettext
import re
import sys
import unicodedata

CANNOT_RUN = 2

# argparse's msgids -> Chinese. ``%(...)s`` placeholders are argparse's own.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "optional arguments": "选项",  # Python 3.9 and older
    "options": "选项",
    "subcommands": "命令",
    "%(heading)s:": "%(heading)s:",  # 3.12+; the titles end with ： and Formatter drops the colon after it
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：提醒：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可用的选择（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "此选项不接受值：%r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令“%(parser_name)s”（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "argument '%(argument_name)s' is deprecated": "参数“%(argument_name)s”已不再使用",
    "option '%(option)s' is deprecated": "选项“%(option)s”已不再使用",
    "command '%(parser_name)s' is deprecated": "命令“%(parser_name)s”已不再使用",
    "unexpected option string: %s": "意外的选项：%s",
}
PLURALS = {
    "expected %s argument": "需要 %s 个值",
}


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        return PLURALS[singular]
    return gettext.ngettext(singular, plural, n)


_depth = 0


@contextlib.contextmanager
def chinese():
    """argparse's lookups answer in Chinese for the duration (re-entrant: subparsers nest)."""
    global _depth
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = translate, translate_plural
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth:
            argparse._, argparse.ngettext = saved


def _in_chinese(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with chinese():
            return method(*args, **kwargs)
    return wrapper


def display_width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns; Chinese breaks between any two characters, ASCII between words."""
    lines, line = [], ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if line and display_width(line + token) > width:
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines or [""]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help laid out by display width (Chinese is two columns), ``-o, --output 输出文件夹`` once,
    descriptions and epilogs (the grouped command list, the examples) kept as written."""

    def _get_default_metavar_for_optional(self, action):
        # every option in this CLI names its metavar; a forgotten one shows as 值, never as DEST
        return "值"

    def _get_default_metavar_for_positional(self, action):
        return action.metavar or "值"

    def _format_action_invocation(self, action):
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {metavar}"

    def _split_lines(self, text, width):
        return wrap(text, width)

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            widest = max(display_width(self._format_action_invocation(a))
                         for a in (action, *self._iter_indented_subactions(action)))
            self._action_max_length = max(self._action_max_length, widest + self._current_indent)

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        lines = self._split_lines(self._expand_help(action), help_width) if action.help else []
        if lines and display_width(header) <= help_position - self._current_indent - 2:
            pad = " " * (help_position - self._current_indent - display_width(header))
            parts = [f"{indent}{header}{pad}{lines[0]}\n"]
            lines = lines[1:]
        else:
            parts = [f"{indent}{header}\n"]
        parts += [f"{' ' * help_position}{line}\n" for line in lines]
        parts += [self._format_action(sub) for sub in self._iter_indented_subactions(action)]
        return self._join_parts(parts)

    def format_help(self):
        # argparse ends section headings with an ASCII colon (3.11 hard-codes it): the titles end with ：
        return super().format_help().replace("：:\n", "：\n")


class Parser(argparse.ArgumentParser):
    """argparse that speaks Chinese (help and errors) and exits with status 2 on bad arguments."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", Formatter)
        with chinese():
            super().__init__(*args, **kwargs)
            self._positionals.title = "参数："
            self._optionals.title = "选项："
            self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    add_subparsers = _in_chinese(argparse.ArgumentParser.add_subparsers)
    parse_known_args = _in_chinese(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)

    def parse_args(self, args=None, namespace=None):
        with chinese():
            parsed, extras = self.parse_known_args(args, namespace)
            if extras:  # said by the command's own parser, so its usage and -h are shown
                self._chosen(parsed).error(translate("unrecognized arguments: %s") % " ".join(extras))
            return parsed

    def _chosen(self, parsed) -> argparse.ArgumentParser:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and getattr(parsed, action.dest, None):
                sub = action.choices[getattr(parsed, action.dest)]
                return sub._chosen(parsed) if isinstance(sub, Parser) else sub
        return self

    def error(self, message: str):
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数错误：{message}\n运行 {self.prog} -h 查看用法。\n")
        raise SystemExit(CANNOT_RUN)


def positive_int(text: str) -> int:
    """--jobs: a count of processes; argparse reports the message as the argument's error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数，请填写正整数，如 2") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数，请填写 1 或更大的整数")
    return value


class DeprecatedAppend(argparse._AppendAction):
    """An old option spelling that still works, with a note on stderr naming the new one."""

    def __init__(self, *args, new_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_name = new_name

    def __call__(self, parser, namespace, values, option_string=None):
        if not getattr(namespace, "_noted_" + self.dest, False):  # once, however often it is given
            setattr(namespace, "_noted_" + self.dest, True)
            sys.stderr.write(f"提示：{option_string} 已改名为 {self.new_name}，旧写法仍可使用，今后请改用 {self.new_name}。\n")
        super().__call__(parser, namespace, values, option_string)
