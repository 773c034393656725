"""``orglife excel-setup``: make this computer's Excel buttons find orglife.

The macro-enabled workbooks carry no interpreter path (it differs on every
computer); xlwings' RunPython falls back to the user's
``%USERPROFILE%\\.xlwings\\xlwings.conf``. This module checks what the buttons
need and plans that file: ``INTERPRETER_WIN`` = the ``orglife-excel`` console
script (see toolkit/excel_entry.py). Other keys already in the file are kept.
Nothing here imports xlwings (only excel_entry.py does): packages are looked up.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath

from toolkit.errors import UsageError
from toolkit.io.fsutil import atomic_path
from toolkit.writers.excel_build import ENTRY_SCRIPT, XLWINGS_VERSION, installed_xlwings_version

CONFIG_KEY = "INTERPRETER_WIN"
MIN_PYTHON = (3, 10)
_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class SetupPlan:
    config_path: Path
    interpreter: Path
    checks: list[Check] = field(default_factory=list)
    previous: str = ""  # INTERPRETER_WIN found in the file before, if any
    text: str = ""  # the whole file as it will be written

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def entry_script(scripts_dir: PurePath | None = None, windows: bool | None = None) -> Path:
    windows = os.name == "nt" if windows is None else windows
    folder = (PureWindowsPath if windows else Path)(scripts_dir or sysconfig.get_path("scripts"))
    return Path(str(folder / (ENTRY_SCRIPT + (".exe" if windows else ""))))


def user_config_path(home: Path | None = None) -> Path:
    # xlwings' VBA: Environ("USERPROFILE") & "\.xlwings\xlwings.conf"
    base = home or Path(os.environ.get("USERPROFILE") or Path.home())
    return base / ".xlwings" / "xlwings.conf"


def read_config(text: str) -> list[tuple[str, str]]:
    """xlwings.conf lines ("KEY","VALUE", as VBA's Write # writes them); other lines are dropped."""
    pairs = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            pairs.append((m.group(1), m.group(2)))
    return pairs


def config_text(pairs: list[tuple[str, str]]) -> str:
    for key, value in pairs:
        if '"' in key or '"' in value:
            raise UsageError(f"xlwings 配置项不能含有英文双引号：{key} = {value}")
    return "".join(f'"{k}","{v}"\r\n' for k, v in pairs)  # VBA's Input # reads CRLF lines


def checks(interpreter: Path) -> list[Check]:
    found = []
    py = sys.version_info
    found.append(Check("Python", py[:2] >= MIN_PYTHON,
                       f"{py.major}.{py.minor}.{py.micro}（{sys.executable}）" if py[:2] >= MIN_PYTHON
                       else f"当前是 {py.major}.{py.minor}，需要 3.10 或更高版本"))
    version = installed_xlwings_version()
    found.append(Check("xlwings", version == XLWINGS_VERSION,
                       version if version == XLWINGS_VERSION else
                       (f"已安装 {version}，需要 {XLWINGS_VERSION}" if version else "未安装")
                       + ("" if version == XLWINGS_VERSION else f"：请运行 pip install xlwings=={XLWINGS_VERSION}")))
    has_pywin32 = importlib.util.find_spec("win32com") is not None
    found.append(Check("pywin32", has_pywin32, "已安装" if has_pywin32 else "未安装：请运行 pip install pywin32"))
    found.append(Check(ENTRY_SCRIPT, interpreter.is_file(),
                       str(interpreter) if interpreter.is_file() else
                       f"找不到 {interpreter}：请在本工具的文件夹里重新运行 pip install . 安装 orglife"))
    return found


def plan(home: Path | None = None, scripts_dir: Path | None = None, windows: bool | None = None) -> SetupPlan:
    interpreter = entry_script(scripts_dir, windows)
    path = user_config_path(home)
    pairs: list[tuple[str, str]] = []
    if path.is_file():
        pairs = read_config(path.read_text(encoding=_encoding(), errors="replace"))
    previous = next((v for k, v in pairs if k.upper() == CONFIG_KEY), "")
    pairs = [(k, v) for k, v in pairs if k.upper() != CONFIG_KEY] + [(CONFIG_KEY, str(interpreter))]
    return SetupPlan(config_path=path, interpreter=interpreter, checks=checks(interpreter),
                     previous=previous, text=config_text(pairs))


def _encoding() -> str:
    # VBA's Open … For Input reads the ANSI code page: a Chinese user name in the path must be GBK there
    return "mbcs" if os.name == "nt" else "utf-8"


def write(setup: SetupPlan) -> Path:
    if not setup.ok:
        missing = "；".join(f"{c.name}：{c.detail}" for c in setup.checks if not c.ok)
        raise UsageError(f"环境检查未通过，没有写入配置。{missing}")
    try:
        with atomic_path(setup.config_path) as tmp:
            tmp.write_bytes(setup.text.encode(_encoding()))
    except UnicodeEncodeError as exc:
        raise UsageError(f"路径 {setup.interpreter} 含有系统代码页无法表示的字符，Excel 读不出来。"
                         "请把 Python 安装到只含中英文和数字的路径下。") from exc
    except OSError as exc:
        raise UsageError(f"无法写入 {setup.config_path}：{exc.strerror or exc}") from exc
    return setup.config_path


INSTRUCTIONS = (
    "接下来请这样做：",
    "1. 启用宏：打开启用宏的工作簿（.xlsm）时，如果上方出现黄色的“安全警告 宏已被禁用”，点“启用内容”。",
    "2. 解除锁定：从邮件、网页或聊天工具下载的文件带有“来自互联网”标记（Mark of the Web），Excel 会直接阻止其中的宏"
    "（红色提示“Microsoft 已阻止宏运行，因为此文件来源不受信任”）。关闭 Excel，在文件上点右键 →“属性”→ 勾选“解除锁定”→“确定”，"
    "再打开；文件多时可在 PowerShell 中运行：Get-ChildItem 文件夹 -Recurse | Unblock-File。",
    "3. 或者使用受信任位置：Excel“文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置”中添加一个文件夹，"
    "放在其中的工作簿不需要解除锁定，宏直接可用。",
    "4. 以后换了 Python 或重新安装了 orglife，请再运行一次 orglife excel-setup。",
    "5. 使用 WPS 或 LibreOffice 时按钮不可用：把填报表拖到“生成材料.cmd”上，把回收文件夹拖到“汇总.cmd”上，效果相同。",
)


def not_windows_message() -> str:
    return ("orglife excel-setup 用于 Windows 上的 Microsoft Excel：按钮通过 xlwings 调用本机的 Python，"
            "只有 Windows 版 Excel 支持。当前系统不是 Windows，没有写入任何文件。"
            "加 --print 可查看在 Windows 上会写入的配置。")
