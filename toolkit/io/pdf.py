"""Word -> PDF through LibreOffice headless, one soffice call per run.

soffice starts slowly (about a second) and converts quickly once started, so
every document of a run goes into one call. Each call gets its own profile
directory: two calls sharing one can silently produce nothing. soffice exits 0
even when it fails, so every expected PDF is checked to exist and be non-empty.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from toolkit.errors import ToolkitError, UsageError
from toolkit.io.fsutil import ensure_dir, note_written

_FONTS_CONF = Path(str(importlib.resources.files("toolkit") / "data" / "fonts.conf"))
_WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
_MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class PdfError(ToolkitError):
    """LibreOffice is missing or did not produce a PDF."""


def find_soffice() -> str:
    explicit = os.environ.get("ORGLIFE_SOFFICE")
    if explicit:
        return explicit
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in (*_WINDOWS_PATHS, _MAC_PATH):
        if os.path.exists(path):
            return path
    raise PdfError("生成 PDF 需要 LibreOffice，但没有找到 soffice 命令。请安装 LibreOffice"
                   "（Linux：运行 scripts/bootstrap.sh；Windows：从官网安装），或去掉 --pdf 只生成 Word 文档。")


def _font_env(profile: Path) -> dict[str, str]:
    """Map the 公文 font names to installed CJK fonts for this call only (Linux fontconfig)."""
    env = dict(os.environ)
    system = Path("/etc/fonts/fonts.conf")
    if sys.platform.startswith("linux") and system.exists() and _FONTS_CONF.exists():
        conf = profile / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{system}</include>\n'
            f'  <include ignore_missing="yes">{_FONTS_CONF}</include>\n</fontconfig>\n',
            encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def convert_to_pdf(docx_paths, out_dir, *, timeout: float | None = None, done=None) -> list[Path]:
    """Convert documents to PDFs named like them in ``out_dir``, in one soffice call.

    ``done()`` (optional) is called once per document as its PDF appears: the progress of a long call.
    """
    paths = [Path(p) for p in docx_paths]
    if not paths:
        return []
    for p in paths:
        if not p.is_file():
            raise UsageError(f"找不到要转换的文件：{p}")
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise UsageError("要转换的文件中有同名文件，转换后的 PDF 会互相覆盖，请分开转换")
    out = ensure_dir(out_dir).resolve()  # reported like the documents: absolute
    soffice = find_soffice()
    timeout = timeout or 60 + 5 * len(paths)
    profile = Path(tempfile.mkdtemp(prefix="orglife_lo_"))
    staging = Path(tempfile.mkdtemp(prefix=".~orglife-pdf-", dir=out))
    try:
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(staging), *map(str, paths)]
        try:
            stderr = _run(cmd, timeout, _font_env(profile), profile, _Watch(staging, paths, done))
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒），已停止。"
                           f"请关闭正在运行的 LibreOffice 后重试。") from exc
        except OSError as exc:
            raise PdfError(f"无法启动 LibreOffice（{soffice}）：{exc.strerror or exc}") from exc
        missing = [p.name for p in paths
                   if not (staging / f"{p.stem}.pdf").is_file() or (staging / f"{p.stem}.pdf").stat().st_size == 0]
        if missing:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            hint = f"（LibreOffice 输出：{detail[-1][:200]}）" if detail else ""
            raise PdfError(f"LibreOffice 没有生成以下文件的 PDF：{'、'.join(missing)}{hint}。"
                           f"请确认文件能在 Word/WPS 中正常打开。")
        results = []
        for p in paths:
            final = out / f"{p.stem}.pdf"
            os.replace(staging / f"{p.stem}.pdf", final)
            results.append(final)
        for result in results:  # written by soffice, not by this process: this run's all the same
            note_written(result)
        return results
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


class _Watch:
    """Calls ``done()`` once for each expected PDF that has appeared in the staging folder."""

    def __init__(self, staging: Path, paths: list[Path], done):
        self.pending = [staging / f"{p.stem}.pdf" for p in paths] if done else []
        self.done = done

    def __call__(self) -> None:
        for pdf in [p for p in self.pending if p.exists()]:
            self.pending.remove(pdf)
            self.done()


def _run(cmd: list[str], timeout: float, env: dict[str, str], profile: Path, watch: _Watch) -> bytes:
    """soffice to completion (killed after ``timeout``), telling ``watch`` as it goes; its stderr."""
    log = profile / "soffice.err"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL, env=env)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    proc.wait(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() > deadline:
                        raise subprocess.TimeoutExpired(cmd, timeout) from None
                    watch()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    watch()
    return log.read_bytes()
