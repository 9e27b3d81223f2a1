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
from mlp_studio.io.bounded_read import open_regular, read_bytes_bounded

MAX_CSV_BYTES = 256 * 2**20
BLOCK_CHARS = 2**19  # text per NumPy parse (~20,000 short rows), which holds the GIL: a loading window still ticks
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
    """Read the CSV file at ``path``; ``progress(done_rows, total_rows)`` is called per block
    (``total_rows`` counts line breaks, so blank lines make it an upper bound until the end).

    The file is read a block of lines at a time straight into a preallocated array, so
    memory stays near the parsed array's size (``benchmarks/csv_memory.py``)."""
    name = str(path)
    with open_regular(name) as raw:
        size = os.fstat(raw.fileno()).st_size
        if size > MAX_CSV_BYTES:
            raise MLPError(f"the file is too large ({size / 2**20:.0f} MB; the limit is "
                           f"{MAX_CSV_BYTES / 2**20:.0f} MB)", where=name)
        stream, line_breaks = _open_text(raw, name)
        try:
            return _read_stream(stream, line_breaks, size, name, progress)
        except UnicodeDecodeError:
            _read_text(name)  # raises the error naming the line
            raise


def _open_text(raw, name: str) -> tuple[io.TextIOBase, int]:
    """A text stream over the file with newlines as ``\\n``, and its number of line breaks."""
    start = raw.read(4)
    raw.seek(0)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: decoded whole (rare, small)
        text = _read_text(name).replace("\r\n", "\n").replace("\r", "\n")
        return io.StringIO(text), text.count("\n")
    if start.startswith(b"PK\x03\x04"):
        raise MLPError("this is a zip file (perhaps an Excel workbook), not CSV text: "
                       "save it as CSV from the spreadsheet", where=name)
    breaks = _count_line_breaks(raw)
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=None), breaks


def _count_line_breaks(raw) -> int:
    """Line breaks (``\\n``, ``\\r\\n`` or ``\\r``) in a binary file, read in blocks."""
    lf = cr = crlf = 0
    last_cr = False
    while block := raw.read(2**20):
        lf += block.count(b"\n")
        if b"\r" in block or last_cr:
            cr += block.count(b"\r")
            crlf += block.count(b"\r\n") + (last_cr and block[:1] == b"\n")
        last_cr = block[-1:] == b"\r"
    return lf + cr - crlf


def _blocks(stream: io.TextIOBase, first_line: int):
    """(number of its first line, text of whole lines without the last newline), about
    ``BLOCK_CHARS`` at a time."""
    carry = ""
    while True:
        chunk = stream.read(BLOCK_CHARS)
        if not chunk:
            break
        carry += chunk
        cut = carry.rfind("\n")
        if cut < 0:
            continue  # a line longer than a block: read on
        block, carry = carry[:cut], carry[cut + 1:]
        yield first_line, block
        first_line += block.count("\n") + 1
    if carry:
        yield first_line, carry


def _read_stream(stream: io.TextIOBase, line_breaks: int, size: int, name: str,
                 progress: Progress | None) -> Table:
    line_no, header = 0, ""
    while not header.strip():
        header = stream.readline()
        line_no += 1
        if not header:
            raise MLPError("the file is empty: it needs a header row and at least one row of "
                           "numbers", where=name)
    _check_text(header, line_no, name)
    delimiter = _detect_delimiter([header])
    strip = " \t" + delimiter
    columns = _parse_header(header.rstrip("\n").rstrip(strip), delimiter, name, line_no)
    n_cols = len(columns)
    # rows: at most one per line break, and each needs 2 characters a column (blank lines
    # cannot make a small file claim a huge array)
    capacity = max(min(line_breaks - line_no + 1, size // (2 * n_cols) + 1), 1)
    values = np.empty((capacity, n_cols))
    labels: dict[int, list[str]] | None = None  # known from the first row
    done = reported = 0
    for first, text in _blocks(stream, line_no + 1):
        _check_text(text, first, name)
        chunk, numbers = _lines_of(text, first, strip)
        if not chunk:
            continue
        if labels is None:
            row = chunk[0] if isinstance(chunk, list) else chunk.partition("\n")[0]
            cells = _split(row, delimiter)
            labels = {c: [] for c, cell in enumerate(cells[:n_cols]) if _is_class_name(cell)}
        parsed = None if labels else _parse_fast(chunk, delimiter, n_cols)
        if parsed is None:
            lines = chunk.split("\n") if isinstance(chunk, str) else chunk
            parsed = _parse_slow(lines, numbers(), delimiter, columns, name, labels)
        _check_finite(parsed, chunk, numbers, delimiter, columns, name)
        if done + len(parsed) > len(values):  # never with the bounds above; cheap insurance
            values.resize((max(2 * len(values), done + len(parsed)), n_cols), refcheck=False)
        values[done:done + len(parsed)] = parsed
        done += len(parsed)
        if progress is not None and reported:
            progress(reported, capacity)  # a block late, so the last call can be exact
        reported = done
    if not done:
        raise MLPError("the file has a header but no rows of numbers", where=name)
    if done < capacity:
        values.resize((done, n_cols), refcheck=False)  # blank lines: give the rest back
    if progress is not None:
        progress(done, done)
    if not labels:
        return Table(columns, values, name)
    return _one_hot(columns, values, {c: np.array(cells) for c, cells in labels.items()}, name)


def _lines_of(text: str, first: int, strip: str):
    """The rows of a block, and a function giving their line numbers: the block's text
    itself when every line is a row as it stands (the common case, no copy), else the list
    of its non-blank lines with trailing spaces and delimiters removed."""
    tidy = not (any(c + "\n" in text for c in strip) or text.endswith(tuple(strip))
                or "\n\n" in text or text.startswith("\n") or text.endswith("\n"))
    if tidy:
        return text, lambda: np.arange(first, first + text.count("\n") + 1)
    numbered = [(first + i, line.rstrip(strip)) for i, line in enumerate(text.split("\n"))]
    numbered = [(n, line) for n, line in numbered if line]
    return [line for _, line in numbered], lambda: np.array([n for n, _ in numbered], int)


def _check_text(text: str, first: int, name: str) -> None:
    """MLPError naming the line of a NUL byte (binary data, not text)."""
    nul = text.find("\x00")
    if nul >= 0:
        line = first + text.count("\n", 0, nul)
        raise MLPError(f"this is not a text file: line {line} contains binary data (a NUL byte)",
                       where=name)


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


def _parse_fast(chunk: str | list[str], delimiter: str, n_cols: int) -> np.ndarray | None:
    """Vectorised parse of well-formed lines (one text, or a list of lines); None when
    anything needs a closer look."""
    text = chunk if isinstance(chunk, str) else "\n".join(chunk)
    n_lines = text.count("\n") + 1
    if '"' in text:
        return None
    if delimiter != ",":
        text = text.replace(",", ".")
    try:
        values = np.loadtxt(io.StringIO(text), delimiter=delimiter, dtype=np.float64,
                            ndmin=2, comments=None, quotechar=None)
    except ValueError:
        return None
    return values if values.shape == (n_lines, n_cols) else None


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


def _check_finite(values: np.ndarray, chunk: str | list[str], numbers: Callable[[], np.ndarray],
                  delimiter: str, columns: list[str], name: str) -> None:
    """MLPError naming the line and column of the first NaN or infinite value of a block."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return
    r, c = divmod(int(bad[0]), values.shape[1])
    lines = chunk.split("\n") if isinstance(chunk, str) else chunk
    cell = _split(lines[r], delimiter)[c]
    raise MLPError(f"{shown(cell)} is not a finite number: training cannot use NaN or infinite values",
                   where=f"{name}, line {int(numbers()[r])}, column {shown(columns[c])}")
