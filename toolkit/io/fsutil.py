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
from collections.abc import Iterator
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
    fd, tmp = tempfile.mkstemp(prefix=".~orglife-", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); outputs go to shared folders, so give
    # them the mode an ordinary new file would have.
    os.chmod(tmp_path, 0o666 & ~_umask())
    try:
        yield tmp_path
        os.replace(tmp_path, final)
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
