"""Every file handed in, found once: the one walker of folders and zips.

``collect``, ``carry``, ``check --previous`` and ``collect --previous-cycle``
all take folders, zips (zips within zips, as mail clients save them) and
single files. This module turns them into a flat list of InputFile, each either
readable from disk or already carrying its outcome, a FileCode and a Chinese
reason, so that nothing is dropped silently and nothing hostile gets through:

- a folder is walked without following links; a link, a FIFO, a device or a
  file that cannot be read is listed with the reason and never opened (opening
  a FIFO for reading blocks for ever);
- zip entry names are decoded as the zip says (UTF-8 flag), from the Info-ZIP
  unicode path field, or as UTF-8 / GBK when a Chinese Windows tool wrote them;
- an entry with an absolute or ``..`` path, a link, a password, a declared size
  over the limit or a compression ratio no workbook has is refused, listed;
- entries are copied under numbered names into a private folder, each in
  bounded chunks that stop where the entry inflates past what it declared, and
  the bytes extracted are bounded per input and per run;
- zips are opened at most MAX_ZIP_DEPTH deep and with at most MAX_ZIP_ENTRIES.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import stat
import struct
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from toolkit.errors import FileCode, UsageError
from toolkit.io.container import MAX_FILE_BYTES, os_reason, ratio_refused, special_kind
from toolkit.messages import file_text

# The two outcomes of 文件清单 that the walker itself decides (the contract's words).
UNREADABLE, NOT_BRANCH = "无法读取", "非填报表"

# The one list of suffixes the reader opens (all by content: an .xls under an
# .xlsx name still opens). Zips are walked into.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".et")
ZIP_SUFFIXES = (".zip",)
# Received, but the toolkit cannot read it: listed as 无法读取 with what to do.
UNSUPPORTED: dict[str, tuple[str, str]] = {
    ".ods": ("OpenDocument 表格（.ods），", "请用 WPS 或 Excel 另存为 .xlsx 后重新提交"),
    ".fods": ("OpenDocument 表格（.fods），", "请用 WPS 或 Excel 另存为 .xlsx 后重新提交"),
    ".numbers": ("苹果 Numbers 表格，", "请在 Numbers 中导出为 Excel（.xlsx）后重新提交"),
    ".wps": ("WPS 文字文档（.wps），", "请提交填好的支部填报表（.xlsx），情况报告不必另交"),
    ".rar": ("RAR 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".7z": ("7z 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".tar": ("tar 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".gz": ("gzip 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".tgz": ("tar.gz 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".bz2": ("bzip2 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
    ".xz": ("xz 压缩包，", "请解压后提交其中的 .xlsx，或改用 .zip 打包"),
}

# Zips within zips are opened this deep; deeper ones are listed, not opened.
MAX_ZIP_DEPTH = 3
MAX_ZIP_ENTRIES = 200_000
MAX_ZIP_TOTAL_BYTES = 8 * 1024 ** 3  # declared by one zip
# Bytes really extracted: from one input (a zip and the zips inside it), and
# over the whole run. An input may extract a fixed allowance plus a multiple of
# its own size: real workbooks hardly compress, so an honest zip stays far
# below; a 1 MB zip cannot fill the disk.
INPUT_EXTRACT_ALLOWANCE = 64 * 1024 ** 2
INPUT_EXTRACT_FACTOR = 20
MAX_RUN_EXTRACT_BYTES = 4 * 1024 ** 3
CHUNK = 1024 * 1024


@dataclass
class InputFile:
    """One file the committee handed in, wherever it came from."""

    shown: str  # what people see: folder-relative path, or 压缩包.zip/内部路径
    path: str  # where it can be read on disk (a temp copy for zip entries)
    mtime: float
    size: int
    outcome: str = ""
    reason: str = ""
    branch_key: str = ""
    org_name: str = ""
    branch_id: str = ""
    code: str = ""  # the FileCode of an outcome decided before reading ("" when read)
    # Facts decided while assembling, kept as data so nobody parses ``reason`` for them:
    other_cycle: str = ""  # the file's 周期编号 when it belongs to another cycle
    off_roster: bool = False  # used, but its branch is not in the 支部名册


# --- zip entry names --------------------------------------------------------------

def zip_entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: zips from Chinese Windows store GBK without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    unicode_path = _info_zip_unicode_path(info)
    if unicode_path:
        return unicode_path
    try:
        raw = info.filename.encode("cp437")  # zipfile decoded unflagged names as cp437
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _info_zip_unicode_path(info: zipfile.ZipInfo) -> str:
    """Info-ZIP Unicode Path extra field (0x7075), written by some zip tools beside a legacy name."""
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[pos:pos + 4])
        body = extra[pos + 4:pos + 4 + size]
        if tag == 0x7075 and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return ""
        pos += 4 + size
    return ""


def unsafe_entry(name: str) -> str:
    """Why a zip entry's path is refused, or "" when it is acceptable."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "压缩包内的路径是绝对路径"
    if any(part == ".." for part in norm.split("/")):
        return "压缩包内的路径含有“..”，可能指向压缩包以外"
    return ""


def _zip_time(info: zipfile.ZipInfo) -> float:
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return 0.0


class _TooBig(Exception):
    pass


def copy_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> int:
    """Copy one entry, stopping when it inflates past what its header declared or ``limit``."""
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while True:
            chunk = src.read(CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > min(limit, info.file_size):
                raise _TooBig("解压后的大小与压缩包记录不符")
            dst.write(chunk)
    return written


# --- the walker -------------------------------------------------------------------

class Inputs:
    """Walks folders and zips; zip entries are copied to a private temp folder."""

    def __init__(self, tmpdir: Path, run_limit: int = MAX_RUN_EXTRACT_BYTES):
        self.tmpdir = Path(tmpdir)
        self.files: list[InputFile] = []
        self._count = 0
        self._seen: set[str] = set()
        self._run_left = run_limit
        self._input_left = 0

    def add_path(self, path: Path, shown: str) -> None:
        try:
            st = path.lstat()
        except OSError as exc:
            self._refused(shown, str(path), 0, 0, FileCode.UNREADABLE, error=os_reason(exc))
            return
        if stat.S_ISDIR(st.st_mode):
            self._walk(path, shown)
        elif stat.S_ISLNK(st.st_mode) and path.is_dir():
            self._walk(path, shown)  # a folder named on the command line may be a link
        else:
            self.add_file(path, shown)

    def _walk(self, root: Path, shown: str) -> None:
        entries: list[tuple[str, Path]] = []

        def unlisted(exc: OSError) -> None:
            where = Path(exc.filename or root)
            rel = where.relative_to(root).as_posix() if where != root else ""
            self._refused(f"{shown}/{rel}" if rel else shown, str(where), 0, 0, FileCode.UNREADABLE,
                          error="文件夹" + os_reason(exc))

        for folder, dirs, names in os.walk(root, onerror=unlisted):  # links to folders are not followed
            base = Path(folder)
            for name in names + [d for d in dirs if (base / d).is_symlink()]:
                child = base / name
                entries.append((f"{shown}/{child.relative_to(root).as_posix()}", child))
        for child_shown, child in sorted(entries, key=lambda e: str(e[1])):
            self.add_file(child, child_shown)

    def add_file(self, path: Path, shown: str) -> None:
        try:
            st = path.lstat()
        except OSError as exc:
            self._refused(shown, str(path), 0, 0, FileCode.UNREADABLE, error=os_reason(exc))
            return
        if stat.S_ISLNK(st.st_mode):
            if not path.exists():
                self._refused(shown, str(path), st.st_mtime, 0, FileCode.UNREADABLE, error="链接指向的文件不存在")
            else:
                self._refused(shown, str(path), st.st_mtime, 0, FileCode.SYMLINK, outcome=NOT_BRANCH)
            return
        if not stat.S_ISREG(st.st_mode):  # a FIFO, device or socket: never opened
            self._refused(shown, str(path), st.st_mtime, 0, FileCode.SPECIAL_FILE, kind=special_kind(st.st_mode))
            return
        real = os.path.realpath(path)
        if real in self._seen:  # the same file named twice on the command line, or a folder and its file
            return
        self._seen.add(real)
        if not os.access(path, os.R_OK):
            self._refused(shown, str(path), st.st_mtime, st.st_size, FileCode.UNREADABLE, error="没有读取权限")
            return
        if path.suffix.lower() in ZIP_SUFFIXES:
            self._input_left = INPUT_EXTRACT_ALLOWANCE + INPUT_EXTRACT_FACTOR * st.st_size
            self.add_zip(path, shown, depth=1, mtime=st.st_mtime, size=st.st_size)
        else:
            self.files.append(InputFile(shown=shown, path=str(path), mtime=st.st_mtime, size=st.st_size))

    def _refused(self, shown: str, path: str, mtime: float, size: int, code: FileCode,
                 outcome: str = UNREADABLE, **fields) -> None:
        self.files.append(InputFile(shown=shown, path=path, mtime=mtime, size=size, outcome=outcome,
                                    reason=file_text(code, **fields), code=FileCode(code).value))

    def add_zip(self, path: Path, shown: str, depth: int, mtime: float, size: int) -> None:
        if depth > MAX_ZIP_DEPTH:
            self._refused(shown, str(path), mtime, size, FileCode.NESTED_TOO_DEEP, outcome=NOT_BRANCH,
                          limit=MAX_ZIP_DEPTH)
            return
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            self._refused(shown, str(path), mtime, size, FileCode.DAMAGED, what=" 压缩包",
                          error=type(exc).__name__, todo="请重新打包后提交")
            return
        with zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if len(infos) > MAX_ZIP_ENTRIES:
                self._refused(shown, str(path), mtime, size, FileCode.TOO_MANY_ENTRIES, count=len(infos),
                              limit=MAX_ZIP_ENTRIES)
                return
            total = sum(i.file_size for i in infos)
            if total > MAX_ZIP_TOTAL_BYTES:
                self._refused(shown, str(path), mtime, size, FileCode.ZIP_BOMB, what=" 压缩包",
                              mb=total // 1024 ** 2, ratio="")
                return
            for info in infos:
                self._zip_entry(zf, info, shown, depth)

    def _entry_refusal(self, info: zipfile.ZipInfo, name: str) -> tuple[FileCode, dict] | None:
        why = unsafe_entry(name)
        if why:
            return FileCode.UNSAFE_PATH, {"why": why}
        if stat.S_ISLNK(info.external_attr >> 16):
            return FileCode.UNSAFE_PATH, {"why": "压缩包内的符号链接"}
        if info.flag_bits & 0x1:
            return FileCode.ENCRYPTED, {"what": " 压缩包内的文件"}
        if info.file_size > MAX_FILE_BYTES:
            return FileCode.TOO_BIG, {"what": " 解压后", "mb": info.file_size // 1024 ** 2}
        if ratio_refused(info):
            ratio = info.file_size / max(info.compress_size, 1)
            return FileCode.ZIP_BOMB, {"mb": info.file_size // 1024 ** 2, "ratio": f"、压缩比 {ratio:.0f} 倍"}
        if info.file_size > self._run_left:
            return FileCode.RUN_LIMIT, {"limit": MAX_RUN_EXTRACT_BYTES // 1024 ** 2}
        if info.file_size > self._input_left:
            return FileCode.ZIP_BOMB, {"what": " 所在压缩包累计", "mb": info.file_size // 1024 ** 2,
                                       "ratio": "，超过该压缩包可解压的上限"}
        return None

    def _zip_entry(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, zip_shown: str, depth: int) -> None:
        name = zip_entry_name(info)
        shown = f"{zip_shown}/{name}"
        mtime = _zip_time(info)
        refusal = self._entry_refusal(info, name)
        if refusal:
            code, fields = refusal
            self._refused(shown, "", mtime, info.file_size, code, **fields)
            return
        base = PurePosixPath(name.replace("\\", "/")).name
        suffix = Path(base).suffix.lower()
        listed = InputFile(shown=shown, path="", mtime=mtime, size=info.file_size)
        classify_by_name(listed)
        if listed.outcome and suffix not in ZIP_SUFFIXES:  # a lock file, a PDF…: listed, not worth unpacking
            self.files.append(listed)
            return
        # Never use the entry's own name on disk: a number and a known suffix only.
        self._count += 1
        known = suffix if suffix in WORKBOOK_SUFFIXES + ZIP_SUFFIXES else ""
        target = self.tmpdir / f"{self._count:07d}{known}"
        try:
            written = copy_limited(zf, info, target, MAX_FILE_BYTES)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError, _TooBig) as exc:
            target.unlink(missing_ok=True)
            error = str(exc) if isinstance(exc, _TooBig) else type(exc).__name__
            self._refused(shown, "", mtime, info.file_size, FileCode.DAMAGED, what=" 压缩包内的文件", error=error,
                          todo="请重新打包后提交")
            return
        self._run_left -= written
        self._input_left -= written
        if suffix in ZIP_SUFFIXES:
            self.add_zip(target, shown, depth + 1, mtime, info.file_size)
            return
        self.files.append(InputFile(shown=shown, path=str(target), mtime=mtime, size=info.file_size))


def gather(paths: Iterable[str | os.PathLike], tmpdir: Path) -> list[InputFile]:
    """Every file under the given folders and zips, in a stable order."""
    inputs = Inputs(tmpdir)
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"找不到文件或文件夹：{raw}")
        inputs.add_path(path, path.name or str(path))
    return inputs.files


def classify_by_name(f: InputFile) -> None:
    """Outcomes decided before opening: lock files and files that are not workbooks."""
    if f.outcome:
        return
    name = PurePosixPath(f.shown).name
    suffix = Path(name).suffix.lower()
    if name.startswith("~$"):
        code, outcome, fields = FileCode.LOCK_FILE, NOT_BRANCH, {}
    elif "/__MACOSX/" in f"/{f.shown}" or name.startswith("._"):
        code, outcome, fields = FileCode.SYSTEM_FILE, NOT_BRANCH, {}
    elif suffix in UNSUPPORTED:
        kind, todo = UNSUPPORTED[suffix]
        code, outcome, fields = FileCode.UNSUPPORTED_FORMAT, UNREADABLE, {"kind": kind, "todo": todo}
    elif suffix not in WORKBOOK_SUFFIXES:
        code, outcome, fields = FileCode.NOT_A_WORKBOOK, NOT_BRANCH, {"kind": suffix or "无扩展名"}
    else:
        return
    f.outcome, f.reason, f.code = outcome, file_text(code, **fields), code.value


def workbook_files(paths: Iterable[str | os.PathLike], stack: contextlib.ExitStack,
                   refused=None) -> Iterator[tuple[Path, str]]:
    """(file to read, name to show) for every workbook in files, folders and zips.

    Zip entries are extracted into a ScratchDir that ``stack`` removes; each file
    refused as unreadable is passed to ``refused(shown, reason)``, never dropped.
    """
    files = gather(paths, Path(stack.enter_context(ScratchDir(prefix="orglife-prev-"))))
    for f in files:
        classify_by_name(f)
        if f.outcome == UNREADABLE and refused is not None:
            refused(f.shown, f.reason)
        elif not f.outcome:
            yield Path(f.path), f.shown


# --- the private folder of extracted copies ----------------------------------------

class ScratchDir(tempfile.TemporaryDirectory):
    """A private temporary folder, removed on every way out: return, error, Ctrl-C, SIGTERM.

    Python unwinds ``finally`` blocks on KeyboardInterrupt but not on SIGTERM,
    whose default action kills the process where it stands. While the folder
    exists, SIGTERM and SIGHUP raise SystemExit instead, so the ``with`` block
    (or, failing that, TemporaryDirectory's finaliser at exit) removes it.
    """

    def __init__(self, prefix: str = "orglife-"):
        super().__init__(prefix=prefix)
        self._signals = _exit_on_termination()
        self._signals.__enter__()

    def cleanup(self) -> None:
        try:
            super().cleanup()
        finally:
            if self._signals is not None:
                self._signals.__exit__(None, None, None)
                self._signals = None


@contextlib.contextmanager
def _exit_on_termination() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()
    previous = {}

    def leave(signum, frame):
        if os.getpid() != owner:  # a forked worker: die as the signal says, the parent cleans up
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
            previous[sig] = signal.signal(sig, leave)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# --- recognising a 汇总表 by content -------------------------------------------------

_WORKBOOK_PART = "xl/workbook.xml"
_WORKBOOK_PART_BYTES = 1024 * 1024
_SHEET_NAME_RE = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')


def sheet_names_of(path: str | os.PathLike) -> list[str]:
    """The sheet names an .xlsx declares in xl/workbook.xml, read bounded; [] for anything else."""
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(_WORKBOOK_PART)
            if info.file_size > _WORKBOOK_PART_BYTES or ratio_refused(info):
                return []
            with zf.open(info) as part:
                xml = part.read(_WORKBOOK_PART_BYTES)
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error):
        return []
    import html

    return [html.unescape(m.decode("utf-8", "replace")) for m in _SHEET_NAME_RE.findall(xml)]


def is_summary_file(path: str | os.PathLike) -> bool:
    """A 汇总表 written by collect: its hidden _meta sheet beside 问题总表 and 整改总台账.

    Recognised by what the file holds, never by its name: a lower committee may
    send 汇总表.xlsx as 某某党委.xlsx. Whether its _meta is genuine is checked
    when it is read (committee/rollup.py)."""
    from toolkit.schema.summary import LEDGER, META_SHEET, PROBLEMS

    names = set(sheet_names_of(path))
    return {META_SHEET, PROBLEMS.name, LEDGER.name} <= names
