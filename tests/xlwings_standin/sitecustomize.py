"""Test-only stand-in for the Excel side of ``xlwings.Book.caller()``.

tests/test_macro.py puts this folder on PYTHONPATH of the subprocess that runs
the command line RunPython builds; Python imports ``sitecustomize`` at start-up
and ``Book.caller()`` then returns a book backed by the real workbook file
instead of a COM connection to Excel (which Linux does not have):

- it finds the book the way xlwings does, by ``--wb`` (case-insensitive) among
  the "open" files listed in XLWINGS_STANDIN_OPEN, and requires ``--from_xl=1``;
- ``save()`` writes the file (openpyxl, VBA kept), cell writes stay in memory
  like an open Excel window and are reported in XLWINGS_STANDIN_LOG (JSON) with
  every message box and every workbook opened;
- ``app.api.Caller`` is XLWINGS_STANDIN_CALLER (the pressed button's name), and
  ``sheet.api.Shapes(name)`` answers with the caption of that button read from
  the sheet's VML in the file. Excel names form buttons "Button <n>" with
  n = shape id - 1024; that naming is the one assumption taken from Excel.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sys
import zipfile
from html import unescape
from pathlib import Path

import openpyxl
import xlwings
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

_LOG: dict = {"alerts": [], "opened": [], "saved": 0, "sheets": {}, "active": None, "caller_args": []}


def _dump() -> None:
    path = os.environ.get("XLWINGS_STANDIN_LOG")
    if path:
        Path(path).write_text(json.dumps(_LOG, ensure_ascii=False, default=str), encoding="utf-8")


atexit.register(_dump)


def _buttons(path: Path, vml_part: str | None) -> dict[str, str]:
    if not vml_part:
        return {}
    with zipfile.ZipFile(path) as zf:
        vml = zf.read(vml_part.lstrip("/")).decode("utf-8")
    found = {}
    for m in re.finditer(r'<v:shape id="_x0000_s(\d+)"(.*?)</v:shape>', vml, re.S):
        body = m.group(2)
        if 'ObjectType="Button"' not in body:
            continue
        text = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox[^>]*>(.*?)</v:textbox>", body, re.S).group(1))
        found[f"Button {int(m.group(1)) - 1024}"] = unescape(text).strip()
    return found


class _Characters:
    def __init__(self, text):
        self.Text = text


class _TextFrame:
    def __init__(self, text):
        self._text = text

    def Characters(self):
        return _Characters(self._text)


class _Shape:
    def __init__(self, text):
        self.TextFrame = _TextFrame(text)


class _SheetApi:
    def __init__(self, sheet):
        self._sheet = sheet

    def Shapes(self, name):
        return _Shape(self._sheet._buttons[name])  # KeyError like Excel's "item not found"


class Range:
    def __init__(self, sheet, address):
        self.sheet = sheet
        col, row = coordinate_from_string(address)
        self.row, self.column = row, column_index_from_string(col)

    @property
    def value(self):
        return self.sheet._ws.cell(self.row, self.column).value

    @value.setter
    def value(self, data):
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                self.sheet._ws.cell(self.row + r, self.column + c).value = v
        self.sheet.book._touch(self.sheet)


class Sheet:
    def __init__(self, book, ws):
        self.book, self._ws = book, ws
        self._buttons = _buttons(book._path, getattr(ws, "legacy_drawing", None))
        self.api = _SheetApi(self)

    @property
    def name(self):
        return self._ws.title

    def range(self, address):
        return Range(self, address)

    def clear(self):
        for row in self._ws.iter_rows():
            for cell in row:
                cell.value = None
        self.book._touch(self)

    def activate(self):
        _LOG["active"] = self.name


class Sheets:
    def __init__(self, book):
        self.book = book

    def _all(self):
        return [self.book._sheet(ws) for ws in self.book._wb.worksheets]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self.book._wb.worksheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._all()[key]
        return self.book._sheet(self.book._wb[key])

    def add(self, name, after=None):
        index = self.book._wb.worksheets.index(after._ws) + 1 if after is not None else 0
        ws = self.book._wb.create_sheet(name, index)
        return self.book._sheet(ws)


class _AppApi:
    @property
    def Caller(self):
        return os.environ.get("XLWINGS_STANDIN_CALLER", -2146826265)  # Excel's #REF! when not a button


class _Books:
    def open(self, fullname):
        _LOG["opened"].append(str(fullname))
        if not Path(fullname).is_file():
            raise FileNotFoundError(fullname)


class App:
    def __init__(self):
        self.api = _AppApi()
        self.books = _Books()

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        _LOG["alerts"].append({"prompt": prompt, "title": title, "buttons": buttons})
        return "ok" if buttons == "ok" else os.environ.get("XLWINGS_STANDIN_ANSWER", "no")


class Book:
    def __init__(self, path: Path):
        self._path = path
        self._wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
        self._sheets: dict[int, Sheet] = {}
        self.app = App()
        self.sheets = Sheets(self)

    def _sheet(self, ws):
        if id(ws) not in self._sheets:
            self._sheets[id(ws)] = Sheet(self, ws)
        return self._sheets[id(ws)]

    def _touch(self, sheet):
        ws = sheet._ws
        _LOG["sheets"][ws.title] = [[c.value for c in row] for row in ws.iter_rows()]

    @property
    def name(self):
        return self._path.name

    @property
    def fullname(self):
        return str(self._path)

    def save(self):
        self._wb.save(self._path)
        _LOG["saved"] += 1


def _caller(cls=None):
    args = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in sys.argv if a.startswith("--") and "=" in a}
    _LOG["caller_args"] = sys.argv[1:]
    if args.get("--from_xl") != "1" or "--hwnd" not in args:
        raise RuntimeError("Book.caller() outside an Excel call")
    name = args["--wb"].strip().lower()
    for path in os.environ["XLWINGS_STANDIN_OPEN"].split(os.pathsep):
        if Path(path).name.lower() == name:
            return Book(Path(path))
    raise KeyError(f"no open workbook named {args['--wb']}")


xlwings.Book.caller = classmethod(lambda cls: _caller(cls))
