"""Writing output files safely.

Outputs are written under a temporary name in the target folder and renamed
into place, so an interrupted run never leaves a half-written file under the
final name. Names built from user text are sanitised so they cannot leave the
output folder.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import UsageError

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


# Most file systems allow 255 bytes per name; a 党组织名称 goes into names with a
# year, a document name and a suffix after it, so it gets at most this many.
MAX_NAME_BYTES = 120


def safe_filename(text: str, fallback: str = "未命名", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name component from user text: no separators, no '..', not empty, not too long.

    A name longer than ``max_bytes`` (UTF-8) is cut and ends in a short hash of
    the whole text, so two long names that start alike still get two names.
    """
    name = _UNSAFE.sub("_", str(text or "")).strip(" .")
    name = re.sub(r"\.{2,}", "_", name)
    name = re.sub(r"_+", "_", name).strip("_ ")
    if not name or name.upper() in _WINDOWS_RESERVED:
        name = fallback
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    cut = name.encode("utf-8")[:max_bytes - len(digest) - 1].decode("utf-8", "ignore").rstrip(" ._")
    return f"{cut}~{digest}"


_OS_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "文件或文件夹不存在",
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已用完", errno.EROFS: "所在磁盘是只读的",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹", errno.EISDIR: "这是一个文件夹", errno.EEXIST: "已经存在",
    errno.ENAMETOOLONG: "文件名过长", errno.EIO: "磁盘读写错误", errno.ELOOP: "链接循环",
    errno.EFBIG: "文件超过系统允许的大小",
}


def os_message(exc: OSError) -> str:
    """What the system said, in Chinese for the failures people meet."""
    return _OS_REASONS.get(exc.errno, exc.strerror or str(exc))


def _os_error(exc: BaseException) -> OSError | None:
    """The system error behind exc: itself, or the one a library wrapped (XlsxWriter's FileCreateError)."""
    if isinstance(exc, OSError):
        return exc
    wrapped = exc.args[0] if exc.args else None
    return wrapped if isinstance(wrapped, OSError) else None


def ensure_dir(path: str | os.PathLike) -> Path:
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建输出文件夹 {path}：{os_message(exc)}") from exc
    if not os.access(path, os.W_OK):
        raise UsageError(f"输出文件夹 {path} 不可写，请换一个文件夹")
    return path


def inside(folder: str | os.PathLike, name: str) -> Path:
    """folder/name, guaranteed to stay inside folder."""
    folder = Path(folder).resolve()
    target = (folder / name).resolve()
    if folder != target.parent and folder not in target.parents:
        raise UsageError(f"输出文件名 {name} 不合法")
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it into place on success."""
    final = Path(final)
    ensure_dir(final.parent)
    run = _RUN
    if run is not None:
        run.claim(final)
    fd, tmp = tempfile.mkstemp(prefix=".~orglife-", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); outputs go to shared folders, so give
    # them the mode an ordinary new file would have.
    os.chmod(tmp_path, 0o666 & ~_umask())
    try:
        yield tmp_path
        if run is not None and final.suffix.lower() in GUARDED_SUFFIXES:
            _record(tmp_path, final)
        os.replace(tmp_path, final)
        if run is not None:
            run.written.add(final.resolve())
    except Exception as exc:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        system = _os_error(exc)
        if system is None:
            raise
        # disk full, folder gone, file in use: a message, and nothing half-written stays
        raise UsageError(f"无法写入 {final}：{os_message(system)}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


# --- nothing a person made is overwritten by surprise --------------------------

# Workbooks and documents: what a person fills in or edits by hand. Launchers
# and configuration files are the toolkit's own and are simply rewritten.
GUARDED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".docx", ".doc", ".pdf"}
# Extensions that name a file type: "-o 报表.docx" for a workbook is a mistake,
# "-o 报表.v2" is a name that wants its extension added.
_KNOWN_SUFFIXES = GUARDED_SUFFIXES | {".et", ".wps", ".ods", ".odt", ".csv", ".txt", ".md", ".json",
                                      ".zip", ".rar", ".7z", ".cmd", ".bat", ".exe", ".py"}
ASIDE = "旧文件"


class OverwriteError(UsageError):
    """An output would replace a file a person may have made or changed."""


def state_dir() -> Path:
    """Where orglife notes what it wrote (outside the output folders, which are handed on)."""
    explicit = os.environ.get("ORGLIFE_STATE")
    if explicit:
        return Path(explicit)
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home()) / "orglife" / "outputs"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "orglife" / "outputs"


def _manifest(folder: Path) -> Path:
    key = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return state_dir() / f"{key}.txt"


def _fingerprint(path: Path) -> str:
    st = path.stat()
    return f"{path.name}\t{st.st_size}\t{st.st_mtime_ns}"


def _recorded(folder: Path) -> set[str]:
    try:
        return set(_manifest(folder).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return set()


_MANIFEST_LINES = 5000


def _record(tmp: Path, final: Path) -> None:
    """Note final (by the fingerprint tmp will have under that name) as written by orglife."""
    st = tmp.stat()
    line = f"{final.name}\t{st.st_size}\t{st.st_mtime_ns}"
    try:
        manifest = _manifest(final.parent)
        manifest.parent.mkdir(parents=True, exist_ok=True)
        lines = _recorded(final.parent)
        if len(lines) > _MANIFEST_LINES:  # keep what still describes a file in the folder
            alive = set()
            for entry in lines:
                name = entry.split("\t", 1)[0]
                with contextlib.suppress(OSError):
                    if _fingerprint(final.parent / name) == entry:
                        alive.add(entry)
            manifest.write_text("".join(f"{e}\n" for e in sorted(alive)), encoding="utf-8")
        with open(manifest, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:
        pass  # without the note the file is only protected more, never less


@dataclass
class OutputRun:
    """One command run. It may replace what it wrote itself, and what orglife wrote
    before if nobody changed it since (the folder's manifest says so); anything
    else only with --force."""

    force: bool = False
    written: set[Path] = field(default_factory=set)
    started: float = field(default_factory=time.time)

    def claim(self, final: Path) -> None:
        final = final.resolve()
        if (self.force or final in self.written or final.suffix.lower() not in GUARDED_SUFFIXES
                or not (final.exists() or final.is_symlink())):
            return
        with contextlib.suppress(OSError):
            if _fingerprint(final) in _recorded(final.parent):
                return
        raise OverwriteError(f"{final} 已存在，而且不是本工具上次生成后未改动的文件，为免覆盖，没有写入。"
                             f"请换一个输出位置，或确认不再需要它后加 --force 重新运行。")

    def move_aside(self, folder: str | os.PathLike, patterns: tuple[str, ...]) -> list[Path]:
        """Move files matching ``patterns`` in ``folder`` left from before this run into folder/旧文件."""
        folder = Path(folder)
        if not folder.is_dir():
            return []
        # not written by this run (its own and its other processes' files are in ``written``),
        # and older than its start: a file saved while it ran is nobody's to move
        stale = sorted({p for pattern in patterns for p in folder.glob(pattern)
                        if p.is_file() and not p.name.startswith((".~", "~$"))
                        and p.resolve() not in self.written and p.stat().st_mtime < self.started})
        moved = []
        for path in stale:
            target = ensure_dir(folder / ASIDE) / path.name
            n = 2
            while target.exists():
                target = folder / ASIDE / f"{path.stem} ({n}){path.suffix}"
                n += 1
            os.replace(path, target)
            moved.append(target)
        return moved


# One run per process (the CLI); a module variable, not a context variable, so
# writer threads and forked writers see it too.
_RUN: OutputRun | None = None


def note_written(path: str | os.PathLike) -> None:
    """A file another process wrote for this run (collect's forked report writer): this run's, not stale.

    Its modification time alone cannot say so: the clock of a network share, or a
    moved clock, may put it before the run's start.
    """
    if _RUN is not None:
        _RUN.written.add(Path(path).resolve())


@contextlib.contextmanager
def output_run(force: bool = False) -> Iterator[OutputRun]:
    """Within this block atomic_path refuses to replace a workbook or document a person may have made."""
    global _RUN
    # No grace before the start: every file of this run is in ``written`` (atomic_path here,
    # note_written for other processes), so a coarse (FAT) or skewed file time cannot make one
    # look stale, and a previous run's file written a second ago is still the previous run's.
    previous, _RUN = _RUN, OutputRun(force=force, started=time.time())
    try:
        yield _RUN
    finally:
        _RUN = previous


def output_file(path: str | os.PathLike, suffixes: tuple[str, ...], what: str = "输出文件") -> Path:
    """``-o`` as given: the extension added when missing, refused when it names another type."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} 是一个文件夹，这里需要的是文件名（如 {path / ('新建' + suffixes[0])}）")
    suffix = path.suffix.lower()
    if suffix in suffixes:
        return path
    if suffix in _KNOWN_SUFFIXES:
        raise UsageError(f"{what}“{path.name}”的扩展名不对：应为 {' 或 '.join(suffixes)}")
    return path.with_name(path.name + suffixes[0])
