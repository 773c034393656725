"""What a submitted file really is, found out before any spreadsheet library opens it.

A committee receives whatever branches send: a PDF renamed to .xlsx, a file
still open in Excel, a password-protected workbook, an .xls saved by WPS under
an .xlsx name, sometimes something crafted. calamine and zipfile trust the
sizes a zip declares, load a whole sheet at once and turn formula errors into
empty strings, so this module reads the container itself first:

- the file's first bytes say what it is, whatever its name says;
- every zip entry is inflated here in bounded chunks, so an entry that lies
  about its size or inflates past a limit is refused before calamine sees it
  (zipfile stops at the declared size and checks the CRC);
- XML parts may not carry a DOCTYPE (OOXML never does; entity bombs need one);
- worksheets are streamed to count rows, so a sheet of a million rows is
  refused without loading it, and to note formula-error cells (#REF!), which
  calamine would hand over as blanks, and formulas saved without a result;
- calamine sizes its grid from a sheet's ``dimension`` and its farthest cell
  reference, and its shared-string table from ``uniqueCount``, and aborts the
  whole process (SIGABRT) when that allocation fails: these are bounded here.

Every refusal is a WorkbookError carrying its FileCode, its text from the
catalogue in messages.py.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers import expat as pyexpat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from toolkit.errors import FileCode, WorkbookError
from toolkit.io.fsutil import os_message
from toolkit.messages import file_error

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ENTRIES = 2000
# A list sheet holds at most schema.MAX_LIST_ROWS filled rows; formatted blank
# rows come on top. Past this the sheet is not a branch's list, and calamine
# would need hundreds of MB to load it.
MAX_SHEET_ROWS = 20000
MAX_ERROR_CELLS = 500
# calamine allocates rows x columns cells (32 bytes each) from the farthest
# reference: 2 M cells are 64 MB. A branch list is 20 columns by a few hundred rows.
MAX_SHEET_CELLS = 2_000_000
# A shared string costs calamine ~24 bytes before it is read; a string takes at
# least 12 bytes of XML (<si><t/></si>), so a count past that is a lie.
MIN_SHARED_STRING_BYTES = 12
MAX_SHARED_STRINGS = 1_000_000
CHUNK = 1024 * 1024



@dataclass(frozen=True)
class Limits:
    """What one kind of workbook may cost to open."""

    file_bytes: int = MAX_FILE_BYTES
    unzipped_bytes: int = MAX_UNZIPPED_BYTES
    part_bytes: int = MAX_PART_BYTES
    entries: int = MAX_ENTRIES
    sheet_rows: int = MAX_SHEET_ROWS
    sheet_cells: int = MAX_SHEET_CELLS


BRANCH_LIMITS = Limits()
# The committee's own 汇总表: 10,000 branches make 100,000+ ledger rows, so the
# branch workbook's row limits do not apply; the container is still checked
# before calamine inflates it, and its grid bounded (12 M cells ~ 400 MB).
SUMMARY_LIMITS = Limits(file_bytes=500 * 1024 ** 2, unzipped_bytes=4 * 1024 ** 3, part_bytes=2 * 1024 ** 3,
                        entries=MAX_ENTRIES, sheet_rows=1_048_576, sheet_cells=12_000_000)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD_MARKS = tuple(m for word in ("<!DOCTYPE", "<!ENTITY")
                   for m in (word.encode(), word.encode("utf-16-le"), word.encode("utf-16-be")))
_DTD_RE = re.compile(b"|".join(re.escape(m) for m in _DTD_MARKS))
# "<!" in UTF-8, UTF-16-LE and UTF-16-BE: a plain substring test rules most chunks
# out far faster than the regex, which is then run only where one occurs.
_DTD_HINTS = (b"<!", b"<\x00!", b"\x00<\x00!")


def _has_dtd(window: bytes) -> bool:
    return any(h in window for h in _DTD_HINTS) and _DTD_RE.search(window) is not None


def _has_error_mark(window: bytes) -> bool:
    # substring pre-test for the t="e" attribute of an error cell, as above
    return (b'"e"' in window or b"'e'" in window) and _ERROR_TYPE.search(window) is not None

_SNIFF = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
)
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class Container:
    """What the container check learned: its kind, and cells calamine would blank."""

    kind: str  # "zip" (xlsx/xlsm), "xlsb" (binary parts, not scanned) or "ole" (xls/et)

    @property
    def scanned(self) -> bool:
        """True when the scan bounded what the reader library will allocate."""
        return self.kind == "zip"
    # sheet name -> {(row0, col0): "#REF!"}: formula errors, 0-based like calamine rows
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    # sheet name -> {(row0, col0): formula}: formulas saved without a result, which
    # calamine would hand over as blanks (files written by programs that never computed them)
    uncomputed_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def refuse(path: Path, code: FileCode, **fields) -> WorkbookError:
    return file_error(code, path, **fields)


def inspect(path: Path, limits: Limits = BRANCH_LIMITS) -> Container:
    """Refuse what is not a workbook or would cost too much to open; else say what it is."""
    path = Path(path)
    if path.name.startswith("~$") and limits is BRANCH_LIMITS:
        raise refuse(path, FileCode.LOCK_FILE)
    head = read_head(path)
    size = len(head) if len(head) < 512 else path.stat().st_size
    if size == 0:
        raise refuse(path, FileCode.EMPTY)
    if size > limits.file_bytes:
        raise refuse(path, FileCode.TOO_BIG, mb=size // 1024 // 1024)
    if head.startswith(OLE_MAGIC):
        return _inspect_ole(path)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _inspect_zip(path, limits)
    raise refuse(path, FileCode.NOT_A_WORKBOOK, kind=_spaced(describe(head)))


def read_head(path: Path, size: int = 512) -> bytes:
    """The first bytes of a regular file; a FIFO, device or socket is never opened.

    Opening a FIFO for reading blocks until someone writes to it, and a device
    can be endless: both are refused by their mode, before any open().
    """
    import os
    import stat

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise refuse(path, FileCode.SPECIAL_FILE, kind=special_kind(st.st_mode))
        # O_NONBLOCK: should the file be swapped for a FIFO after the stat, open() still returns
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise refuse(path, FileCode.SPECIAL_FILE, kind=special_kind(os.fstat(fh.fileno()).st_mode))
            return fh.read(size)
    except OSError as exc:
        raise refuse(path, FileCode.UNREADABLE, error=os_reason(exc)) from exc


def special_kind(mode: int) -> str:
    import stat

    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISDIR(mode):
        return "文件夹"
    return "特殊文件"


def os_reason(exc: OSError) -> str:
    """What the system said about a file being read, in Chinese."""
    import errno

    known = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限", errno.ENOENT: "文件不存在或是失效的链接"}
    return known.get(exc.errno) or os_message(exc)


def _spaced(kind: str) -> str:
    kind = kind.strip()
    return f" {kind}" if kind[:1].isascii() else kind


def describe(head: bytes) -> str:
    """A person's name for a file type, from its first bytes."""
    for magic, name in _SNIFF:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:5].lower() in (b"<html", b"<!doc") or text[:5] == b"<?xml":
        return "网页或 XML 文本"
    if b"\x00" not in head:
        for encoding in ("utf-8", "gb18030"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                continue
            return "文本文件（如 CSV）"
    return "无法识别的格式"


def _inspect_ole(path: Path) -> Container:
    # The OLE directory can sit anywhere in the file, so search all of it
    # (bounded by MAX_FILE_BYTES) for the stream names that tell what it holds.
    blob = path.read_bytes()
    if any(name.encode("utf-16-le") in blob for name in ("EncryptionInfo", "EncryptedPackage")):
        raise refuse(path, FileCode.ENCRYPTED)
    if "WordDocument".encode("utf-16-le") in blob:
        raise refuse(path, FileCode.NOT_A_WORKBOOK, kind=" Word 文档")
    if "PowerPoint Document".encode("utf-16-le") in blob:
        raise refuse(path, FileCode.NOT_A_WORKBOOK, kind=" PowerPoint 演示文稿")
    return Container(kind="ole")


def _inspect_zip(path: Path, limits: Limits) -> Container:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > limits.entries:
                raise refuse(path, FileCode.TOO_MANY_ENTRIES, count=len(infos), limit=limits.entries)
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise refuse(path, FileCode.NOT_A_WORKBOOK, kind=_spaced(_zip_kind(names)))
            for info in infos:
                if info.flag_bits & 0x1:
                    raise refuse(path, FileCode.ENCRYPTED)
            sheet_names = _sheet_parts(zf) if "xl/workbook.xml" in names else {}
            _check_declared_sizes(path, infos, sheet_names, limits)
            container = Container(kind="zip" if "xl/workbook.xml" in names else "xlsb")
            for info in infos:
                if info.is_dir():
                    continue
                sheet = sheet_names.get(info.filename)
                if sheet is None and _is_worksheet_part(info.filename):
                    sheet = posixpath.basename(info.filename)
                _stream_part(path, zf, info, sheet, container, limits)
            return container
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # RuntimeError: zipfile's "password required" for encrypted entries;
        # NotImplementedError: a compression method nobody writes workbooks with.
        raise refuse(path, FileCode.DAMAGED, error=type(exc).__name__) from exc


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo], sheet_names: dict[str, str],
                          limits: Limits) -> None:
    """Sizes as the zip declares them; _stream_part then holds every entry to them."""
    total = 0
    for info in infos:
        total += info.file_size
        what = f" 的工作表“{sheet_names[info.filename]}”" if info.filename in sheet_names \
            else f" 中的 {info.filename} "
        mb = info.file_size // 1024 // 1024
        if ratio_refused(info):
            raise refuse(path, FileCode.ZIP_BOMB, what=what, mb=mb,
                         ratio=f"、压缩比 {info.file_size / max(info.compress_size, 1):.0f} 倍")
        if info.file_size > limits.part_bytes:
            raise refuse(path, FileCode.TOO_BIG, what=what + "解压后", mb=mb)
    if total > limits.unzipped_bytes:
        raise refuse(path, FileCode.ZIP_BOMB, mb=total // 1024 // 1024, ratio="")


# Below this an entry may inflate at any ratio (a blank 30 KB .xls compresses
# 100:1); above it, no more than MAX_ZIP_RATIO. Every entry is so bounded.
RATIO_FREE_BYTES = 1024 * 1024


def ratio_refused(info: zipfile.ZipInfo) -> bool:
    """True when an entry declares more than its compressed size can honestly hold."""
    return info.file_size > max(RATIO_FREE_BYTES, MAX_ZIP_RATIO * max(info.compress_size, 1))


def _zip_kind(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "Word 文档"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint 演示文稿"
    if "content.xml" in names:
        return "OpenDocument 文件（请用 WPS 或 Excel 另存为 .xlsx）"
    return "一个普通压缩包"


def _is_worksheet_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from workbook.xml and its relationships."""
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if zf.getinfo(name).file_size > 4 * 1024 * 1024:
                return {}
        book = fromstring(zf.read("xl/workbook.xml"), forbid_dtd=True)
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except (KeyError, ParseError, DefusedXmlException):
        return {}  # the streaming pass below names the real problem, if any
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
        targets[rel.get("Id")] = part
    parts = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_NS_REL}id"))
        if part:
            parts[part] = sheet.get("name", "")
    return parts


def _stream_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None,
                 container: Container, limits: Limits = BRANCH_LIMITS) -> None:
    """Inflate one entry in bounded chunks; check for DTDs; scan worksheets."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    scanner = _SheetScanner(sheet, parse=False, limits=limits) if sheet is not None else None
    strings = info.filename.lower() == "xl/sharedstrings.xml"
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            if is_xml:
                if _has_dtd(tail + chunk):
                    raise refuse(path, FileCode.ENTITY_BOMB, part=info.filename)
                tail = chunk[-32:]
            if strings:
                _check_string_count(path, info, chunk, limits)
                strings = False
            if scanner is not None:
                scanner.feed(path, chunk)
    if scanner is not None:
        scanner.check_size(path)
    if scanner is not None and (scanner.saw_error_mark or scanner.saw_formula):
        # Only a sheet that holds formula-error cells or formulas is parsed, to
        # find where they are: parsing every sheet was half the time of reading
        # a workbook, and the templates hold no formulas.
        scanner = _SheetScanner(sheet, parse=True, every_chunk=scanner.saw_formula, limits=limits)
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                scanner.feed(path, chunk)
        scanner.close(path)
        if scanner.errors:
            container.error_cells[sheet] = scanner.errors
        if scanner.uncomputed:
            container.uncomputed_cells[sheet] = scanner.uncomputed


_UNIQUE_COUNT = re.compile(rb"\buniqueCount\s*=\s*[\"'](\d+)[\"']")
_COUNT = re.compile(rb"\bcount\s*=\s*[\"'](\d+)[\"']")


def _check_string_count(path: Path, info: zipfile.ZipInfo, head: bytes, limits: Limits) -> None:
    """calamine reserves room for uniqueCount strings before reading one: 4e9 aborts it."""
    head = head[:4096]
    limit = min(max(MAX_SHARED_STRINGS, limits.sheet_cells), info.file_size // MIN_SHARED_STRING_BYTES + 16)
    for pattern in (_UNIQUE_COUNT, _COUNT):
        m = pattern.search(head)
        if m and int(m.group(1)) > limit and pattern is _UNIQUE_COUNT:
            raise refuse(path, FileCode.ABSURD_SIZE, what=" 的共享字符串表声明的条数",
                         value=f"{int(m.group(1))} 条，超过上限 {limit}")


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ERROR_TYPE = re.compile(rb"\bt\s*=\s*[\"']e[\"']")
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
# r="…" of a cell or row that may lie far away: two or more column letters, or a
# row number of five digits or more. Nearer references cannot make the grid large.
_FAR_REF = re.compile(rb"\br\s*=\s*[\"']([A-Z]{2,})(\d+)[\"']|\br\s*=\s*[\"']([A-Z]?)(\d{5,})[\"']")
# Every capital letter becomes A, every digit 0, ' becomes ": a far reference then
# shows as AA0 or "00000 or "A00000, which bytes.find spots at C speed, so the
# regex above runs only on the rare chunk that may hold one.
_SHAPE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'", b"A" * 26 + b"0" * 10 + b'"')
_FAR_HINTS = (b"AA0", b'"00000', b'"A00000')
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*[\"']([^\"']*)[\"']")
_TAIL = 4096  # bytes of the previous chunk kept to see tags split across chunks


def _column_number(letters: bytes | str) -> int:
    col = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        col = col * 26 + ord(ch) - 64
    return col


class _DTDForbidden(Exception):
    pass


class _SheetScanner:
    """Counts rows, bounds the grid and notes formula-error cells of one worksheet, streaming.

    A bare expat parser with a few handlers: building ElementTree elements for
    every cell cost twice as much and made this check most of the time spent
    reading a branch workbook (collect reads ten thousand of them). A DOCTYPE
    or entity declaration is refused as defusedxml would.
    """

    def __init__(self, sheet: str, parse: bool = True, every_chunk: bool = False,
                 limits: Limits = BRANCH_LIMITS):
        self.sheet = sheet
        self.limits = limits
        self.parse = parse  # False: count rows and look for error marks only
        self.every_chunk = every_chunk  # handlers on every chunk (a formula's cell may start earlier)
        self.saw_error_mark = False
        self.saw_formula = False
        self.rows = 0
        self.max_row = 0  # farthest row and column referenced (1-based), for calamine's grid
        self.max_col = 0
        self.dimension = ""
        self.errors: dict[tuple[int, int], str] = {}
        self.uncomputed: dict[tuple[int, int], str] = {}
        self._ref: str | None = None  # r= of the cell being read
        self._type = ""
        self._formula: list[str] | None = None  # its <f> text, once seen
        self._value: list[str] | None = None  # its <v> text, once seen
        self._path: Path | None = None
        self._tail = b""
        parser = pyexpat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = self._forbid
        parser.EntityDeclHandler = self._forbid
        self.parser = parser

    def _forbid(self, *args) -> None:
        raise _DTDForbidden()

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rpartition("}")[2]
        if local == "c":
            self._ref, self._type = attrs.get("r"), attrs.get("t", "")
            self._formula, self._value = None, None
            self.parser.CharacterDataHandler = None
        elif local == "v" and self._ref is not None:
            self._value = []
            self.parser.CharacterDataHandler = self._value.append
        elif local == "f" and self._ref is not None:
            self._formula = []
            self.parser.CharacterDataHandler = self._formula.append

    def _end(self, name: str) -> None:
        if self._ref is None:
            return
        local = name.rpartition("}")[2]
        if local in ("v", "f"):
            self.parser.CharacterDataHandler = None
        elif local == "c":
            self._cell_done()
            self._ref, self._formula, self._value = None, None, None

    def _cell_done(self) -> None:
        ref = _parse_ref(self._ref or "")
        if ref is None:
            return
        value = "".join(self._value or ())
        if self._type == "e":
            if len(self.errors) < MAX_ERROR_CELLS:
                self.errors[ref] = value or "#错误"
        elif self._formula is not None and (self._value is None or (not value and self._type not in ("str", "inlineStr"))):
            # a formula saved without its result: the program that wrote it never computed it
            if len(self.uncomputed) < MAX_ERROR_CELLS:
                self.uncomputed[ref] = "=" + "".join(self._formula) if self._formula else "（共享公式）"

    def feed(self, path: Path, chunk: bytes) -> None:
        # Rows are counted on the bytes and the element handlers run only on
        # chunks that hold an error cell or a formula: a Python call per element
        # was most of this scan's cost. Matches are counted where they end, so a
        # tag split across two chunks counts once.
        window = self._tail + chunk
        # rows in window minus rows already counted in the tail: a tag split
        # across two chunks counts once
        self.rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(self._tail))
        if self.rows > self.limits.sheet_rows:
            raise refuse(path, FileCode.TOO_MANY_ROWS, sheet=self.sheet, limit=self.limits.sheet_rows)
        if not self.dimension and not self.parse:
            m = _DIMENSION.search(window)
            if m:
                self.dimension = m.group(1).decode("ascii", "replace")
                self._dimension_bound(path)
        if not self.parse:
            shape = window.translate(_SHAPE)
            if any(h in shape for h in _FAR_HINTS):
                self._far_refs(path, window)
        marked = _has_error_mark(window)
        formula = (b"<f" in window or b":f" in window) and _FORMULA_TAG.search(window) is not None
        self.saw_error_mark = self.saw_error_mark or marked
        self.saw_formula = self.saw_formula or formula
        self._tail = window[-_TAIL:]
        if not self.parse:
            return
        wanted = self.every_chunk or self._ref is not None or marked
        self.parser.StartElementHandler = self._start if wanted else None
        self.parser.EndElementHandler = self._end if wanted else None
        self._parse(path, chunk, False, "内容")

    def _far_refs(self, path: Path, window: bytes) -> None:
        for letters, digits, letters5, digits5 in _FAR_REF.findall(window):
            col = _column_number(letters or letters5) if (letters or letters5) else 0
            row = int(digits or digits5)
            if col > self.max_col:
                self.max_col = col
            if row > self.max_row:
                self.max_row = row
            # the grid calamine allocates is rows × columns: a far column alone (a note typed in
            # column AMK of row 3) is a small grid, a far column far down is not
            if max(col, 1) * row > self.limits.sheet_cells:
                self._refuse_far(path, (letters or letters5).decode() + (digits or digits5).decode())

    def _dimension_bound(self, path: Path) -> None:
        far = self.dimension.rpartition(":")[2].replace("$", "")
        m = re.match(r"^([A-Z]{1,4})(\d{1,8})$", far)
        if not m:
            return
        rows, cols = int(m.group(2)), _column_number(m.group(1))
        if rows * cols > self.limits.sheet_cells:  # A1:XFD1 (a formatted header row) is 16,384 cells: fine
            raise refuse(path, FileCode.ABSURD_SIZE, what=f" 的工作表“{self.sheet}”声明的范围",
                         value=self.dimension)

    def check_size(self, path: Path) -> None:
        """The whole sheet seen: its farthest cell must make a grid calamine can allocate."""
        if not (self.max_row or self.max_col):
            return  # no far reference: at most Z9999, 260,000 cells
        rows, cols = max(self.max_row, self.rows, 9999), max(self.max_col, 26)
        if rows * cols > self.limits.sheet_cells:
            self._refuse_far(path, f"最远到第 {max(self.max_row, 1)} 行、第 {max(self.max_col, 1)} 列")

    def _refuse_far(self, path: Path, where: str) -> None:
        raise refuse(path, FileCode.ABSURD_SIZE, what=f" 的工作表“{self.sheet}”中单元格的位置", value=where)

    def close(self, path: Path) -> None:
        self._parse(path, b"", True, "内容")

    def _parse(self, path: Path, chunk: bytes, final: bool, what: str) -> None:
        self._path = path
        try:
            self.parser.Parse(chunk, final)
        except (pyexpat.ExpatError, _DTDForbidden) as exc:
            raise refuse(path, FileCode.DAMAGED, what=f" 的工作表“{self.sheet}”{what}",
                         error=type(exc).__name__) from exc


_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


# --- the committee's own 汇总表 ---------------------------------------------------------

def open_summary(path: str | Path):
    """Open a 汇总表.xlsx after the container check with the summary's limits.

    It is the committee's own, possibly large file, so the branch workbook's
    row limits do not apply; an entity bomb, a zip bomb, an absurd grid or
    string count is refused all the same, before calamine sees it.
    """
    return open_summary_scanned(path)[0]


def open_summary_scanned(path: str | Path):
    """open_summary, and what the container scan found (its formula-error cells by sheet)."""
    import python_calamine

    path = Path(path)
    container = inspect(path, SUMMARY_LIMITS)
    if container.kind != "zip":
        raise refuse(path, FileCode.WRONG_KIND, kind="Excel 97-2003 工作簿", expect="汇总表（.xlsx）")
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path)), container
    except OSError as exc:
        raise refuse(path, FileCode.UNREADABLE, error=os_reason(exc)) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise refuse(path, FileCode.DAMAGED, error=type(exc).__name__) from exc


def open_summary_input(path: str | Path, what: str = "汇总表"):
    """open_summary for a summary named on the command line: a missing or broken
    file is an input error that names it."""
    from toolkit.errors import InputError

    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到{what}：{path}")
    try:
        return open_summary(path)
    except WorkbookError as exc:
        raise InputError(f"{what}无法读取：{exc}") from exc


# --- formats the scan cannot bound: a trial read in a child with limits ----------------

PROBE_MEMORY_BYTES = 512 * 1024 ** 2
PROBE_SECONDS = 30


def probe(path: Path, read, memory: int = PROBE_MEMORY_BYTES, seconds: float = PROBE_SECONDS) -> None:
    """Run ``read(path)`` first in a forked child with a memory and time limit.

    For .xls, .et and .xlsb the container scan cannot see sheet sizes, and the
    reader library aborts the whole process (SIGABRT) when an allocation fails.
    A child that dies, runs out of memory or out of time makes this file a
    refusal, not the end of the command. Where fork or resource limits do not
    exist (Windows), the file is read directly.
    """
    import os
    import signal
    import time

    try:
        import resource
    except ImportError:
        return
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the child: limits, one read, and out without running any cleanup of the parent
        code = 0
        try:
            import faulthandler

            faulthandler.disable()
            quiet = os.open(os.devnull, os.O_WRONLY)  # the library's panic text is not for people
            os.dup2(quiet, 2)
            used = _address_space()
            resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))
            read(path)
        except MemoryError:
            code = 3
        except BaseException:
            code = 0
        os._exit(code)
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise refuse(path, FileCode.ABSURD_SIZE, what=" 读取时间", value=f"超过 {int(seconds)} 秒")
        time.sleep(0.01)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) == 3:
        raise refuse(path, FileCode.ABSURD_SIZE, what=" 读取时占用的内存",
                     value=f"超过 {memory // 1024 ** 2} MB，读取库已停止")


def _address_space() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 2 * 1024 ** 3
