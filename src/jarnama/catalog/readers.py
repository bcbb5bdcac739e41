"""Readers of import files: CSV (UTF-8, header row) and JSON Lines, one dict per data row.

A reader is lazy (a million-row file is never held in memory) and knows the line number of
its first data row (2 under a CSV header, 1 in JSON Lines), which the importers use to
report bad rows by line. A JSON line that is not an object becomes a row carrying only
`PROBLEM_KEY`, so it is reported like any other bad row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal, TextIO

from jarnama.core.errors import InvalidInput

PROBLEM_KEY = "__problem__"
Format = Literal["csv", "jsonl"]
EXTENSIONS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
MEDIA_TYPES: dict[str, Format] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
}


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def csv_rows(lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """Rows of CSV text under a header row, cells as strings.

    Like `csv.DictReader`, a short row's missing cells are None and a long row's extra
    cells sit under the key None; unlike it, a blank line inside the data is a (bad) row,
    so that row N is always line N + 1.
    """
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        blank = 0
        for cells in reader:
            if not cells:
                blank += 1  # only reported when a row follows: trailing blank lines are fine
                continue
            for _ in range(blank):
                yield {PROBLEM_KEY: "is blank"}
            blank = 0
            if len(cells) == width:
                yield dict(zip(header, cells, strict=True))
                continue
            row: dict[str | None, object] = dict(zip(header, cells, strict=False))
            if len(cells) < width:
                row.update(dict.fromkeys(header[len(cells) :]))
            else:
                row[None] = cells[width:]
            yield row  # type: ignore[misc]
    except csv.Error as exc:
        raise InvalidInput(f"CSV line {reader.line_num}: {exc}", field="file") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not UTF-8 text", field="file") from exc


def jsonl_rows(lines: Iterable[str]) -> Iterator[dict[str, object]]:
    """Rows of JSON Lines text; numbers with a fraction are parsed as exact Decimals."""
    blank = 0
    try:
        for text in lines:
            if not text.strip():
                blank += 1  # only reported when a row follows: trailing blank lines are fine
                continue
            for _ in range(blank):
                yield {PROBLEM_KEY: "is blank"}
            blank = 0
            try:
                value = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
            except ValueError as exc:
                yield {PROBLEM_KEY: f"is not valid JSON: {exc}"}
                continue
            if isinstance(value, dict):
                yield value
            else:
                yield {PROBLEM_KEY: "is not a JSON object"}
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not UTF-8 text", field="file") from exc


class RowSource(Iterable[dict[str, object]]):
    """The rows of one import file or upload, with its name and first data line number."""

    def __init__(self, fmt: Format, name: str, open_text: Callable[[], TextIO]) -> None:
        self.format: Format = fmt
        self.name = name
        self.first_line = 2 if fmt == "csv" else 1
        self._open_text = open_text

    def __iter__(self) -> Iterator[dict[str, object]]:
        """Read the rows lazily."""
        with self._open_text() as stream:
            if self.format == "csv":
                yield from csv_rows(stream)
            else:
                yield from jsonl_rows(stream)


def _opener(path: Path) -> Callable[[], TextIO]:
    # utf-8-sig drops the byte order mark spreadsheet programs put before the header.
    return lambda: path.open(encoding="utf-8-sig", newline="")


def read_csv(path: str | Path) -> RowSource:
    """The rows of a CSV file (UTF-8, header row); the first data row is line 2."""
    path = Path(path)
    return RowSource("csv", path.name, _opener(path))


def read_jsonl(path: str | Path) -> RowSource:
    """The rows of a JSON Lines file; the first row is line 1."""
    path = Path(path)
    return RowSource("jsonl", path.name, _opener(path))


def format_of_path(path: str | Path) -> Format:
    """CSV or JSON Lines, by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InvalidInput(
            f"cannot tell the format of {Path(path).name}: use .csv, .jsonl or .ndjson",
            field="file",
        )
    return EXTENSIONS[suffix]


def read_rows(path: str | Path) -> RowSource:
    """The rows of a .csv, .jsonl or .ndjson file, by extension."""
    return read_csv(path) if format_of_path(path) == "csv" else read_jsonl(path)


def rows_of_bytes(data: bytes, fmt: Format, name: str) -> RowSource:
    """The rows of an uploaded file held in memory."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the upload is not UTF-8 text", field="file") from exc
    return RowSource(fmt, name, lambda: io.StringIO(text, newline=""))
