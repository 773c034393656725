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
  calamine would hand over as blanks.
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

from toolkit.errors import WorkbookError

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
CHUNK = 1024 * 1024

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

    kind: str  # "zip" (xlsx/xlsm/xlsb) or "ole" (xls/et)
    # sheet name -> {(row0, col0): "#REF!"}: formula errors, 0-based like calamine rows
    error_cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def refuse(path: Path, text: str) -> WorkbookError:
    return WorkbookError(f"{path.name} {text}", path=str(path))


def inspect(path: Path) -> Container:
    """Refuse what is not a workbook or would cost too much to open; else say what it is."""
    path = Path(path)
    if path.name.startswith("~$"):
        raise refuse(path, "是 Excel/WPS 打开文件时生成的临时锁定文件（文件名以 ~$ 开头），不是填报表；"
                           "请关闭 Excel 后提交原文件")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise WorkbookError(f"无法读取文件 {path.name}：{exc.strerror or exc}", path=str(path)) from exc
    if size == 0:
        raise refuse(path, "是空文件（0 字节），请重新保存后提交")
    if size > MAX_FILE_BYTES:
        raise refuse(path, f"过大（{size // 1024 // 1024} MB），支部填报表一般不超过 1 MB，请检查是否提交错了文件")
    if head.startswith(OLE_MAGIC):
        return _inspect_ole(path)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _inspect_zip(path)
    raise refuse(path, f"不是 Excel 工作簿（文件内容实际是{_spaced(describe(head))}），"
                       "请提交填好的支部填报表（用 Excel 或 WPS 另存为 .xlsx）")


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
        raise refuse(path, "文件已加密，请取消密码后重新提交")
    if "WordDocument".encode("utf-16-le") in blob:
        raise refuse(path, "不是 Excel 工作簿（文件内容实际是 Word 文档），请提交填好的支部填报表")
    if "PowerPoint Document".encode("utf-16-le") in blob:
        raise refuse(path, "不是 Excel 工作簿（文件内容实际是 PowerPoint 演示文稿），请提交填好的支部填报表")
    return Container(kind="ole")


def _inspect_zip(path: Path) -> Container:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_ENTRIES:
                raise refuse(path, f"包含 {len(infos)} 个内部文件，远超正常工作簿，疑似恶意文件，已拒绝读取")
            if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
                raise refuse(path, f"不是 Excel 工作簿（文件内容实际是{_spaced(_zip_kind(names))}），"
                                   "请提交填好的支部填报表（.xlsx）")
            for info in infos:
                if info.flag_bits & 0x1:
                    raise refuse(path, "文件已加密，请取消密码后重新提交")
            sheet_names = _sheet_parts(zf) if "xl/workbook.xml" in names else {}
            _check_declared_sizes(path, infos, sheet_names)
            container = Container(kind="zip")
            for info in infos:
                if info.is_dir():
                    continue
                sheet = sheet_names.get(info.filename)
                if sheet is None and _is_worksheet_part(info.filename):
                    sheet = posixpath.basename(info.filename)
                _stream_part(path, zf, info, sheet, container)
            return container
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # RuntimeError: zipfile's "password required" for encrypted entries;
        # NotImplementedError: a compression method nobody writes workbooks with.
        raise refuse(path, f"文件已损坏，无法打开（{type(exc).__name__}），请重新保存后提交") from exc


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo], sheet_names: dict[str, str]) -> None:
    """Sizes as the zip declares them; _stream_part then holds every entry to them."""
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        what = f"的工作表“{sheet_names[info.filename]}”" if info.filename in sheet_names \
            else f"中的 {info.filename} "
        mb = info.file_size // 1024 // 1024
        if info.file_size > 10 * 1024 * 1024 and ratio > MAX_ZIP_RATIO:
            raise refuse(path, f"{what}解压后 {mb} MB、压缩比 {ratio:.0f} 倍，"
                               "远超正常工作簿，疑似恶意文件（压缩炸弹），已拒绝读取")
        if info.file_size > MAX_PART_BYTES:
            raise refuse(path, f"{what}解压后 {mb} MB，远超支部填报表的规模（一般不到 1 MB），"
                               "已拒绝读取；请删除多余的行和内容后重新提交")
    if total > MAX_UNZIPPED_BYTES:
        raise refuse(path, f"解压后过大（{total // 1024 // 1024} MB），疑似恶意文件，已拒绝读取")


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
                 container: Container) -> None:
    """Inflate one entry in bounded chunks; check for DTDs; scan worksheets."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    scanner = _SheetScanner(sheet, parse=False) if sheet is not None else None
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            if is_xml:
                if _has_dtd(tail + chunk):
                    raise refuse(path, f"中的 {info.filename} 含有 XML 实体声明（DOCTYPE/ENTITY），"
                                       "正常的 Excel 文件不会有，疑似恶意文件（实体炸弹），已拒绝读取")
                tail = chunk[-32:]
            if scanner is not None:
                scanner.feed(path, chunk)
    if scanner is not None and scanner.saw_error_mark:
        # Only a sheet that holds formula-error cells is parsed, to find where
        # they are: parsing every sheet was half the time of reading a workbook.
        scanner = _SheetScanner(sheet, parse=True)
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                scanner.feed(path, chunk)
        scanner.close(path)
        if scanner.errors:
            container.error_cells[sheet] = scanner.errors


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ERROR_TYPE = re.compile(rb"\bt\s*=\s*[\"']e[\"']")
_TAIL = 4096  # bytes of the previous chunk kept to see tags split across chunks


class _DTDForbidden(Exception):
    pass


class _SheetScanner:
    """Counts rows and notes formula-error cells of one worksheet, streaming.

    A bare expat parser with three handlers: building ElementTree elements for
    every cell cost twice as much and made this check most of the time spent
    reading a branch workbook (collect reads ten thousand of them). A DOCTYPE
    or entity declaration is refused as defusedxml would.
    """

    def __init__(self, sheet: str, parse: bool = True):
        self.sheet = sheet
        self.parse = parse  # False: count rows and look for error marks only
        self.saw_error_mark = False
        self.rows = 0
        self.errors: dict[tuple[int, int], str] = {}
        self._error_ref: str | None = None  # r= of the t="e" cell being read
        self._text: list[str] | None = None  # its <v> text, while inside <v>
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
            self._error_ref = attrs.get("r") if attrs.get("t") == "e" else None
        elif local == "v" and self._error_ref is not None:
            self._text = []
            self.parser.CharacterDataHandler = self._text.append

    def _end(self, name: str) -> None:
        if self._error_ref is None:
            return
        local = name.rpartition("}")[2]
        if local == "v":
            self.parser.CharacterDataHandler = None
        elif local == "c":
            ref = _parse_ref(self._error_ref)
            if ref is not None and len(self.errors) < MAX_ERROR_CELLS:
                self.errors[ref] = "".join(self._text or ()) or "#错误"
            self._error_ref, self._text = None, None

    def feed(self, path: Path, chunk: bytes) -> None:
        # Rows are counted on the bytes and the element handlers run only on
        # chunks that hold an error cell: a Python call per element was most
        # of this scan's cost. Matches are counted where they end, so a tag
        # split across two chunks counts once.
        window = self._tail + chunk
        # rows in window minus rows already counted in the tail: a tag split
        # across two chunks counts once
        self.rows += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(self._tail))
        if self.rows > MAX_SHEET_ROWS:
            raise refuse(path, f"的工作表“{self.sheet}”超过 {MAX_SHEET_ROWS} 行，远超支部填报表的规模，"
                               "已拒绝读取；请删除多余的行（或提交正确的文件）后重新提交")
        marked = _has_error_mark(window)
        self.saw_error_mark = self.saw_error_mark or marked
        self._tail = window[-_TAIL:]
        if not self.parse:
            return
        wanted = self._error_ref is not None or marked
        self.parser.StartElementHandler = self._start if wanted else None
        self.parser.EndElementHandler = self._end if wanted else None
        self._parse(path, chunk, False, "内容已损坏")

    def close(self, path: Path) -> None:
        self._parse(path, b"", True, "内容已损坏或不完整")

    def _parse(self, path: Path, chunk: bytes, final: bool, what: str) -> None:
        self._path = path
        try:
            self.parser.Parse(chunk, final)
        except (pyexpat.ExpatError, _DTDForbidden) as exc:
            raise refuse(path, f"的工作表“{self.sheet}”{what}（{type(exc).__name__}），"
                               "请用 Excel 或 WPS 打开后重新保存") from exc


_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1
