"""Read a CSV table: a header row naming the columns, then numbers or class names.

Accepted as spreadsheets write them: a UTF-8 (or UTF-16) byte-order mark,
``,`` ``;`` or tab delimiters (detected from the header), spaces after the
delimiter, decimal commas (``1,5`` when the delimiter is not a comma, or
quoted), quoted numbers, blank lines, trailing delimiters. Everything else is
an :class:`MLPError` naming the file, the line (1-based, the header is line 1
if it is the first line, as an editor counts) and the column by name.

A column whose first value is a word (text starting with a letter) holds class
names (``setosa``, ``versicolor``, ...): it becomes one 0/1 column per class, named ``species=setosa`` and so on
(classes in sorted order), which is how a network's outputs see classes. Every
cell of such a column must be text, and it may hold at most ``MAX_CLASSES``.

Parsing is vectorised (``numpy.loadtxt``) in chunks; a chunk that the fast
parser rejects (or one with class names) is parsed cell by cell, which also
says exactly what is wrong.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from mlp_studio.errors import MLPError, shown
from mlp_studio.io.bounded_read import read_bytes_bounded

MAX_CSV_BYTES = 256 * 2**20
CHUNK_ROWS = 16384  # rows per NumPy parse, which holds the GIL: a loading window still ticks
MAX_CLASSES = 100
MAX_COLUMNS = 10_000  # a 100 x 100 image per row; more is almost surely a wrong delimiter
DELIMITERS = ("\t", ";", ",")
_DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma"}

Progress = Callable[[int, int], None]


def class_column(column: str, name: str) -> str:
    """The name of the 0/1 column for class ``name`` of class column ``column``."""
    return f"{column}={name}"


@dataclass
class Table:
    """Column names and a float64 array of values (rows, columns) read from ``path``;
    ``classes`` maps each class column of the file to its class names (see above)."""

    columns: list[str]
    values: np.ndarray
    path: str
    classes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return self.values.shape[0]

    @property
    def default_targets(self) -> list[str]:
        """The last column, or all of the last class column's columns when it was one."""
        for column, names in self.classes.items():
            expanded = [class_column(column, n) for n in names]
            if expanded[-1] == self.columns[-1]:
                return expanded
        return self.columns[-1:]


def read_csv(path: str | os.PathLike, progress: Progress | None = None) -> Table:
    """Read the CSV file at ``path``; ``progress(done_rows, total_rows)`` is called per chunk."""
    name = str(path)
    text = _read_text(name).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    delimiter = _detect_delimiter(lines)
    strip = " \t" + delimiter
    if any(c + "\n" in text for c in strip) or text.endswith(tuple(strip)):
        lines = [line.rstrip(strip) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    # Blank lines are now empty strings; without any, rows follow the header line by line.
    header = next((i for i, line in enumerate(lines) if line), None)
    if header is None:
        raise MLPError("the file is empty: it needs a header row and at least one row of numbers",
                       where=name)
    columns = _parse_header(lines[header], delimiter, name, header + 1)
    if lines.count("") == header:
        line_numbers = np.arange(header + 2, len(lines) + 1)
    else:
        line_numbers = np.array([i + 1 for i in range(header + 1, len(lines)) if lines[i]], int)
    total = len(line_numbers)
    if not total:
        raise MLPError("the file has a header but no rows of numbers", where=name)
    contiguous = total == len(lines) - header - 1
    first = _split(lines[line_numbers[0] - 1], delimiter)[:len(columns)]
    labels: dict[int, list[str]] = {c: [] for c, cell in enumerate(first) if _is_class_name(cell)}
    values = np.empty((total, len(columns)))
    for start in range(0, total, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, total)
        if contiguous:
            chunk = lines[header + 1 + start:header + 1 + stop]
        else:
            chunk = [lines[i - 1] for i in line_numbers[start:stop]]
        fast = None if labels else _parse_fast(chunk, delimiter, len(columns))
        if fast is None:
            fast = _parse_slow(chunk, line_numbers[start:stop], delimiter, columns, name, labels)
        values[start:stop] = fast
        if progress is not None:
            progress(stop, total)
    _check_finite(values, lines, line_numbers, delimiter, columns, name)
    if not labels:
        return Table(columns, values, name)
    return _one_hot(columns, values, {c: np.array(cells) for c, cells in labels.items()}, name)


def with_classes(table: Table, column: str) -> Table:
    """``table`` with the numbers of ``column`` read as classes (``label`` holding 0, 1, 2):
    one 0/1 column per class, in numeric order, named like ``label=2``."""
    c = table.columns.index(column)
    expanded = _one_hot(table.columns, table.values, {c: table.values[:, c]}, table.path)
    return replace(expanded, classes={**table.classes, **expanded.classes})


def _read_text(name: str) -> str:
    """The file's text; binary or undecodable files are refused with a clear reason."""
    data = read_bytes_bounded(name, MAX_CSV_BYTES)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise MLPError("the file starts like UTF-16 text but is not", where=name) from None
    if data.startswith(b"PK\x03\x04"):
        raise MLPError("this is a zip file (perhaps an Excel workbook), not CSV text: "
                       "save it as CSV from the spreadsheet", where=name)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise MLPError(f"this is not a text file: line {line} contains binary data (a NUL byte)",
                       where=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise MLPError(f"the file is not UTF-8 text: line {line} has the byte "
                       f"0x{data[exc.start]:02X}; save it as 'CSV UTF-8'", where=name) from None


def _detect_delimiter(lines: list[str]) -> str:
    """The delimiter used most in the first non-blank line (ties: tab, semicolon, comma)."""
    header = next((line for line in lines if line.strip()), "")
    counts = [header.count(d) for d in DELIMITERS]
    best = max(counts)
    return DELIMITERS[counts.index(best)] if best else ","


def _split(line: str, delimiter: str) -> list[str]:
    """Cells of one line, stripped; quotes (``"1,5"``) are honoured."""
    if '"' not in line:
        return [cell.strip() for cell in line.split(delimiter)]
    try:
        cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        cells = line.split(delimiter)
    return [cell.strip() for cell in cells]


def _number(cell: str) -> float | None:
    """The number in a cell, or None. A single comma and no point is a decimal comma."""
    if not cell.isascii() or "_" in cell:
        return None
    if "," in cell and "." not in cell and cell.count(",") == 1:
        cell = cell.replace(",", ".")
    try:
        return float(cell)
    except ValueError:
        return None


def _is_class_name(cell: str) -> bool:
    """Text that starts with a letter and is no number (``nan`` is one): a class name."""
    return bool(cell) and cell[0].isalpha() and _number(cell) is None


def _parse_header(line: str, delimiter: str, name: str, line_no: int) -> list[str]:
    where = f"{name}, line {line_no}"
    columns = _split(line, delimiter)
    if all(_number(c) is not None for c in columns):
        raise MLPError("the first row holds numbers, not column names: add a header row "
                       "naming the columns (for example I0, I1, Z0)", where=where)
    if len(columns) > MAX_COLUMNS:
        raise MLPError(f"the header row has {len(columns):,} columns; at most {MAX_COLUMNS:,} are "
                       f"allowed (is the delimiter right?)", where=where)
    first: dict[str, int] = {}
    for k, col in enumerate(columns):
        if not col:
            raise MLPError(f"column {k + 1} has no name in the header row", where=where)
        seen = first.setdefault(col, k)
        if seen != k:
            raise MLPError(f"the column name {shown(col)} appears twice (columns {seen + 1} and "
                           f"{k + 1})", where=where)
    return columns


def _parse_fast(chunk: list[str], delimiter: str, n_cols: int) -> np.ndarray | None:
    """Vectorised parse of well-formed lines; None when anything needs a closer look."""
    text = "\n".join(chunk)
    if '"' in text:
        return None
    if delimiter != ",":
        text = text.replace(",", ".")
    try:
        values = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64,
                            ndmin=2, comments=None, quotechar=None)
    except ValueError:
        return None
    return values if values.shape == (len(chunk), n_cols) else None


def _parse_slow(chunk: list[str], line_numbers: np.ndarray, delimiter: str,
                columns: list[str], name: str, labels: dict[int, list[str]]) -> np.ndarray:
    """Cell-by-cell parse that raises MLPError at the first bad cell. The cells of class
    columns (``labels``' keys) are appended to their lists and read as 0."""
    n_cols = len(columns)
    out = np.empty((len(chunk), n_cols))
    for r, line in enumerate(chunk):
        line_no = int(line_numbers[r])
        cells = _split(line, delimiter)
        while len(cells) > n_cols and not cells[-1]:
            cells.pop()
        if len(cells) > n_cols:
            hint = (" (numbers with decimal commas need ';' between the columns, or quotes)"
                    if delimiter == "," else "")
            raise MLPError(
                f"expected {n_cols} values ({', '.join(columns)}) but found {len(cells)}, "
                f"separated by {_DELIMITER_NAMES[delimiter]}s{hint}", where=f"{name}, line {line_no}")
        if len(cells) < n_cols:
            missing = columns[len(cells)]
            raise MLPError(f"missing value: the row has {len(cells)} of {n_cols} values",
                           where=f"{name}, line {line_no}, column {shown(missing)}")
        for c, cell in enumerate(cells):
            where = f"{name}, line {line_no}, column {shown(columns[c])}"
            if not cell:
                what = "a class name" if c in labels else "a number"
                raise MLPError(f"the cell is empty; every cell needs {what}", where=where)
            value = _number(cell)
            if c in labels:
                if value is not None:
                    raise MLPError(f"{shown(cell)} is a number, but the column holds class names "
                                   f"(such as {shown(labels[c][0] if labels[c] else cell)}): use "
                                   f"names or numbers, not both", where=where)
                labels[c].append(cell)
                value = 0.0
            elif value is None:
                raise MLPError(f"{shown(cell)} is not a number", where=where)
            out[r, c] = value
    return out


def _one_hot(columns: list[str], values: np.ndarray, labels: dict[int, np.ndarray],
             name: str) -> Table:
    """The table with each class column replaced by one 0/1 column per class; ``labels``
    holds each class column's cells (names, or numbers), whose sorted distinct values
    are the classes."""
    names: list[str] = []
    blocks: list[np.ndarray] = []
    classes: dict[str, list[str]] = {}
    for c, column in enumerate(columns):
        if c not in labels:
            names.append(column)
            blocks.append(values[:, c:c + 1])
            continue
        found, index = np.unique(labels[c], return_inverse=True)
        if len(found) > MAX_CLASSES:
            raise MLPError(f"the column holds {len(found)} different values; a class column may "
                           f"have at most {MAX_CLASSES} classes (is it a name or an ID? leave it "
                           f"out of the file)", where=f"{name}, column {shown(column)}")
        classes[column] = [f"{v:g}" if isinstance(v, float) else str(v) for v in found.tolist()]
        names += [class_column(column, n) for n in classes[column]]
        blocks.append(np.eye(len(found))[index])
    clash = sorted(n for n, count in Counter(names).items() if count > 1)
    if clash:
        raise MLPError(f"a class column's 0/1 column would be named like another column: "
                       f"{', '.join(map(repr, clash))}; rename that column", where=name)
    return Table(names, np.hstack(blocks), name, classes)


def _check_finite(values: np.ndarray, lines: list[str], line_numbers: np.ndarray,
                  delimiter: str, columns: list[str], name: str) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return
    r, c = divmod(int(bad[0]), values.shape[1])
    line_no = int(line_numbers[r])
    cell = _split(lines[line_no - 1], delimiter)[c]
    raise MLPError(f"{shown(cell)} is not a finite number: training cannot use NaN or infinite values",
                   where=f"{name}, line {line_no}, column {shown(columns[c])}")
