"""``orglife bundle``: an offline installer for computers without internet access.

Branches and committees run Windows (Excel or WPS), often on an intranet. The
bundle is a folder (and a .zip of it) holding the orglife wheel, every
dependency as a wheel for the target platform and Python, ``安装.cmd`` (Windows)
and ``安装.sh`` (Linux), the drag-and-drop launchers and a 使用说明.

How the wheels are gathered: everything is first resolved and built for this
computer (``pip wheel``), which also turns sdist-only dependencies into pure
``py3-none-any`` wheels. For Windows, the requirements are resolved again for
the target Python with ``pip download --platform``, those local wheels offered
as candidates. pip evaluates platform markers for this computer, not for the
target, so Windows-only dependencies (pywin32) are added by name. Every wheel is
then checked with ``packaging.tags`` against the target before the bundle is
written: a bundle that cannot install is never handed out.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging import tags
from packaging.utils import parse_wheel_filename

import toolkit
from toolkit.errors import ToolkitError, UsageError
from toolkit.io.fsutil import ensure_dir
from toolkit.writers.excel_build import LAUNCHER_ENCODING, LAUNCHERS

WINDOWS = "win_amd64"
# xlwings 0.37.8, the version the macro workbooks are built for, needs Python 3.11+.
PYTHONS = ("3.11", "3.12", "3.13")
WINDOWS_ONLY = ("pywin32",)  # required by xlwings on Windows only (a marker pip cannot see from here)
WHEELS = "wheels"
INSTALL_CMD, INSTALL_SH, README = "安装.cmd", "安装.sh", "使用说明.txt"


class BundleError(ToolkitError):
    """The bundle could not be made (no network, a dependency without a wheel for the target)."""


@dataclass
class BundleResult:
    folder: Path
    archive: Path
    platform: str
    python: str
    wheels: list[Path] = field(default_factory=list)


def host_platform() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def host_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def target_tags(platform: str, python: str) -> set[tags.Tag]:
    """Every tag pip would accept on CPython ``python`` on ``platform``."""
    if platform != WINDOWS:
        return set(tags.sys_tags())
    version = tuple(int(part) for part in python.split("."))
    interpreter = f"cp{version[0]}{version[1]}"
    return {*tags.cpython_tags(version, [interpreter, "abi3", "none"], [WINDOWS]),
            *tags.compatible_tags(version, interpreter, [WINDOWS])}


def unfit_wheels(wheels: list[Path], platform: str, python: str) -> list[str]:
    """Names of the wheels that would not install on the target."""
    accepted = target_tags(platform, python)
    return [w.name for w in wheels if not (parse_wheel_filename(w.name)[3] & accepted)]


def make_bundle(output: str | os.PathLike, *, platform: str = WINDOWS, python: str | None = None,
                force: bool = False) -> BundleResult:
    python = python or host_python()
    if python not in PYTHONS:
        raise UsageError(f"--python 只能是 {'、'.join(PYTHONS)}，不是 {python}"
                         f"（按钮所用的 xlwings 0.37.8 需要 Python 3.11 以上）")
    if platform not in (WINDOWS, "linux"):
        raise UsageError(f"--platform 只能是 {WINDOWS} 或 linux，不是 {platform}")
    if platform == "linux" and (host_platform() != "linux" or python != host_python()):
        raise UsageError(f"Linux 安装包只能在 Linux 上、用同一版本的 Python（本机 {host_python()}）制作")
    folder = Path(output)
    archive = folder.with_name(folder.name + ".zip")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} 已存在且不是文件夹，请换一个名称")
    if not force:
        taken = [p for p in (folder, archive) if p.exists() and (p.is_file() or any(p.iterdir()))]
        if taken:
            raise UsageError(f"{'、'.join(map(str, taken))} 已存在。为免覆盖，请换一个名称，或加 --force 替换")
    with tempfile.TemporaryDirectory(prefix="orglife-bundle-") as tmp:
        tmp = Path(tmp)
        own = _own_wheel(tmp / "own")
        native = tmp / "native"
        _pip("wheel", "-q", "-w", str(native), str(own), what="下载并整理依赖包")
        staging = tmp / "bundle"
        wheels_dir = staging / WHEELS
        wheels_dir.mkdir(parents=True)
        if platform == WINDOWS:
            _windows_wheels(own, native, wheels_dir, python)
        else:
            for wheel in native.glob("*.whl"):
                shutil.copy2(wheel, wheels_dir)
        wheels = sorted(wheels_dir.glob("*.whl"))
        unfit = unfit_wheels(wheels, platform, python)
        if unfit:
            raise BundleError(f"以下安装包不能在 {platform} / Python {python} 上安装：{'、'.join(unfit)}")
        _write_scripts(staging, python)
        if folder.exists():
            shutil.rmtree(folder)
        ensure_dir(folder.parent)
        shutil.copytree(staging, folder)
    _zip(folder, archive)
    return BundleResult(folder=folder, archive=archive, platform=platform, python=python,
                        wheels=sorted(folder.joinpath(WHEELS).glob("*.whl")))


# --- the orglife wheel ----------------------------------------------------------

def source_root() -> Path | None:
    """The source checkout this package runs from (editable install), if any."""
    root = Path(toolkit.__file__).resolve().parents[1]
    return root if (root / "setup.cfg").is_file() and (root / "docx_templates").is_dir() else None


def _own_wheel(out: Path) -> Path:
    out.mkdir(parents=True)
    root = source_root()
    if root is None:
        return _repack_installed(out)
    # the project's build backend (scripts/orglife_build.py) builds in a copy: the tree stays clean
    _pip("wheel", "-q", "--no-deps", "-w", str(out), str(root), what="生成 orglife 安装包")
    return next(out.glob("orglife-*.whl"))


def _repack_installed(out: Path) -> Path:
    """Rebuild the wheel of an orglife installed from a wheel (no source tree at hand)."""
    dist = importlib.metadata.distribution("orglife")
    name = f"orglife-{dist.version}-py3-none-any.whl"
    info = f"orglife-{dist.version}.dist-info"
    skip = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}
    records = []
    with zipfile.ZipFile(out / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in dist.files or []:
            parts = file.parts
            if parts[0] == ".." or "__pycache__" in parts or (parts[0] == info and parts[-1] in skip):
                continue
            data = Path(str(file.locate())).read_bytes()
            zf.writestr(str(file.as_posix()), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append((file.as_posix(), f"sha256={digest}", str(len(data))))
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerows([*records, (f"{info}/RECORD", "", "")])
        zf.writestr(f"{info}/RECORD", buf.getvalue())
    return out / name


# --- dependencies -------------------------------------------------------------

def _windows_wheels(own: Path, native: Path, out: Path, python: str) -> None:
    # Resolved again for the target Python (markers such as python_version differ);
    # the wheels built here stand in for dependencies PyPI has only as sdists.
    abi = "cp" + python.replace(".", "")
    _pip("download", "-q", "--only-binary=:all:", "--platform", WINDOWS, "--python-version", python,
         "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none",
         "--find-links", str(native), "-d", str(out), str(own), *WINDOWS_ONLY,
         what=f"下载 Windows（Python {python}）版本的依赖包")


def _pip(*args: str, what: str) -> None:
    cmd = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise BundleError(f"无法运行 pip（{exc.strerror or exc}）") from exc
    if proc.returncode != 0:
        lines = proc.stderr.splitlines()
        detail = ([line for line in lines if "Could not find" in line or "No matching" in line]
                  or [line for line in lines if "ERROR" in line] or lines[-3:])
        raise BundleError(f"{what}失败：制作安装包需要能访问 PyPI 或内网镜像。pip 的输出：" + " ".join(detail)[:400])


# --- scripts for the target computer --------------------------------------------

_ENV_WIN = r"%LOCALAPPDATA%\orglife\env"

INSTALL_CMD_TEXT = r"""@echo off
setlocal
rem orglife offline installer: double-click once on each computer. Needs Python {python}.
set "ENV={env}"
set "PY="
py -{python} -c "import sys" >nul 2>nul
if not errorlevel 1 set "PY=py -{python}"
if defined PY goto found
python -c "import sys; sys.exit(0 if sys.version_info[:2] == {version_tuple} else 1)" >nul 2>nul
if not errorlevel 1 set "PY=python"
if defined PY goto found
echo 没有找到 Python {python}。请先安装 Python {python}（64 位，安装时勾选 Add Python to PATH），再双击本文件。
pause
exit /b 2
:found
echo 正在安装 orglife（不需要联网）……
%PY% -m venv "%ENV%"
if errorlevel 1 goto failed
"%ENV%\Scripts\python.exe" -m pip install -q --no-index --find-links "%~dp0{wheels}" --upgrade orglife
if errorlevel 1 goto failed
rem the launchers sent out with the workbooks look for orglife on PATH
powershell -NoProfile -Command "$p=[Environment]::GetEnvironmentVariable('Path','User'); $d=$env:LOCALAPPDATA+'\orglife\env\Scripts'; if (($p -split ';') -notcontains $d) {{ [Environment]::SetEnvironmentVariable('Path', (($p, $d) -ne '' -join ';'), 'User') }}"
"%ENV%\Scripts\orglife.exe" excel-setup
echo.
echo 安装完成。请把“生成材料.cmd”“汇总.cmd”和“使用说明.txt”复制到桌面，用法见使用说明。
pause
exit /b 0
:failed
echo.
echo 安装没有完成，请把上面的提示发给信息化工作人员。
pause
exit /b 1
"""

INSTALL_SH_TEXT = """#!/bin/sh
# orglife offline installer for Linux: sh 安装.sh  (ORGLIFE_HOME chooses where, default ~/.local/share/orglife)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${ORGLIFE_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/orglife}
python3 -m venv "$home/env"
"$home/env/bin/python" -m pip install -q --disable-pip-version-check --no-index --find-links "$here/wheels" --upgrade orglife
echo "安装完成：$home/env/bin/orglife（可把 $home/env/bin 加入 PATH）"
"""

README_TEXT = """orglife 组织生活会工作台 · 使用说明

安装（每台电脑一次，不需要联网）
  1. 安装 Python {python}（64 位），安装时勾选“Add Python to PATH”。
  2. 双击本文件夹里的“安装.cmd”，等它显示“安装完成”。

支部
  · 用 Excel 或 WPS 打开上级下发的填报表，按“填写说明”工作表填写。
  · 用 Excel 打开启用宏的 .xlsm 时，点表里的“检查填写”“生成材料”按钮。
  · 用 WPS 或 .xlsx 时，把填好的文件拖到桌面上的“生成材料.cmd”图标上，材料生成在填报表旁边的文件夹里。

党委
  · 把各支部交回来的文件放进一个文件夹（或邮箱下载的 .zip），拖到桌面上的“汇总.cmd”图标上，
    汇总表会自动打开。把“周期设置.xlsx”放在“汇总.cmd”旁边，汇总时会按它核对支部名册。

遇到问题：提示里写明了是哪个文件、哪个工作表、哪个单元格，按提示修改后再拖一次即可。
"""


def _launcher_text(name: str) -> str:
    # The bundle's launchers find orglife where 安装.cmd put it, even before PATH is updated.
    return LAUNCHERS[name].replace("setlocal\n", f'setlocal\nset "PATH={_ENV_WIN}\\Scripts;%PATH%"\n', 1)


def _write_scripts(folder: Path, python: str) -> None:
    def crlf(text: str) -> bytes:
        return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(LAUNCHER_ENCODING)

    version_tuple = "(" + ", ".join(python.split(".")) + ")"
    (folder / INSTALL_CMD).write_bytes(crlf(INSTALL_CMD_TEXT.format(
        python=python, env=_ENV_WIN, wheels=WHEELS, version_tuple=version_tuple)))
    sh = folder / INSTALL_SH
    sh.write_text(INSTALL_SH_TEXT, encoding="utf-8", newline="\n")
    sh.chmod(0o755)
    for name in LAUNCHERS:
        (folder / name).write_bytes(crlf(_launcher_text(name)))
    (folder / README).write_bytes(README_TEXT.format(python=python).replace("\n", "\r\n").encode("utf-8-sig"))


def _zip(folder: Path, archive: Path) -> None:
    tmp = archive.with_name(f".~orglife-{archive.name}")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, Path(folder.name) / path.relative_to(folder))
    os.replace(tmp, archive)
