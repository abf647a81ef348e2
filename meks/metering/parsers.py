"""Streaming parsers: each turns one input format into rows ``(position, raw, fields, error)``.

``fields`` is ``(meter serial, taken at, value)`` as text, ``None`` when the row cannot be read (``error``
then says why). The parsers never hold more than one row (plus a read buffer) in memory, so a file of any
size is read in constant memory. Column order in CSV and XLSX files comes from the header names.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from meks.core.errors import ServiceError

Row = tuple[int, str, "tuple[str, str, str] | None", str]

#: Header names (lower case) accepted for each field, in English, Russian and Kazakh.
ALIASES = {
    "meter": ("meter", "serial", "meter_serial", "serial_number", "счетчик", "счётчик", "номер счетчика",
              "номер счётчика", "заводской номер", "есептегіш", "есептегіш нөмірі"),
    "taken_at": ("taken_at", "time", "datetime", "timestamp", "date", "время", "дата", "дата и время",
                 "дата показания", "уақыты", "күні"),
    "value": ("value", "reading", "показание", "показания", "значение", "көрсеткіш"),
}
_LOOKUP = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
FIELDS = ("meter", "taken_at", "value")


class HashingReader(io.RawIOBase):
    """A binary stream that computes the SHA-256 of what is read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        if not data:
            return 0
        self.sha.update(data)
        buffer[: len(data)] = data
        return len(data)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _header_map(names: list[Any]) -> list[int]:
    """Positions of meter, time and value among the header's names; refuses a header that lacks one."""
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        field = _LOOKUP.get(str(name or "").strip().lower().lstrip("\ufeff"))
        if field and field not in positions:
            positions[field] = index
    missing = [field for field in FIELDS if field not in positions]
    if missing:
        raise ServiceError(
            _("The header must name the columns meter, taken_at and value (found: %(found)s).")
            % {"found": ", ".join(str(name) for name in names if name not in (None, "")) or "—"},
            code="bad_header",
        )
    return [positions[field] for field in FIELDS]


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig when the sample starts with a byte-order mark, utf-8 when it decodes as such, else cp1251."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def parse_csv(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of a CSV file: encoding detected, delimiter ``,`` ``;`` or tab, columns found by header names."""
    buffered = io.BufferedReader(stream, buffer_size=1 << 16) if not isinstance(stream, io.BufferedReader) else stream
    sample = buffered.peek(1 << 16)[: 1 << 16]
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
    header_line = text.readline()
    if not header_line.strip():
        raise ServiceError(_("The file is empty."), code="empty")
    delimiter = max((";", ",", "\t"), key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter))
    meter_at, time_at, value_at = _header_map(header)
    width = max(meter_at, time_at, value_at)
    decimal_comma = delimiter != ","
    for position, record in enumerate(csv.reader(text, delimiter=delimiter), start=2):
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if len(record) <= width:
            yield position, delimiter.join(record), None, _("Too few columns.")
            continue
        value = record[value_at]
        if decimal_comma:
            value = value.replace(",", ".")
        yield position, delimiter.join(record), (record[meter_at], record[time_at], value), ""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_xlsx(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of the first sheet of an XLSX workbook (read-only mode, row by row); the first row is the header."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # a file that is not a workbook
        raise ServiceError(_("The file is not an XLSX workbook."), code="bad_file") from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ServiceError(_("The file is empty."), code="empty")
        meter_at, time_at, value_at = _header_map(list(header))
        for position, cells in enumerate(rows, start=2):
            texts = [_cell_text(cell) for cell in cells]
            if not any(text.strip() for text in texts):
                continue
            raw = ";".join(texts)
            if len(texts) <= max(meter_at, time_at, value_at):
                yield position, raw, None, _("Too few columns.")
                continue
            yield position, raw, (texts[meter_at], texts[time_at], texts[value_at].replace(",", ".")), ""
    finally:
        workbook.close()


def _object_fields(item: Any) -> tuple[tuple[str, str, str] | None, str]:
    if type(item) is dict and len(item) == 3:  # the usual shape, with the canonical names
        try:
            return (str(item["meter"]), str(item["taken_at"]), str(item["value"])), ""
        except KeyError:
            pass
    if not isinstance(item, dict):
        return None, _("Each reading must be an object with meter, taken_at and value.")
    found: dict[str, Any] = {}
    for key, value in item.items():
        field = _LOOKUP.get(str(key).lower())
        if field:
            found[field] = value
    if len(found) < 3:
        return None, _("Each reading must be an object with meter, taken_at and value.")
    return (str(found["meter"]), str(found["taken_at"]), str(found["value"])), ""


def parse_ndjson(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of newline-delimited JSON: one reading object per line."""
    for position, line in enumerate(stream, start=1):
        text = line.decode("utf-8", errors="replace").strip()
        if not text:
            continue
        try:
            item = json.loads(text)
        except ValueError:
            yield position, text, None, _("The line is not JSON.")
            continue
        fields, error = _object_fields(item)
        yield position, text, fields, error


_SPACE = re.compile(r"[ \t\r\n]*").match
_SEPARATOR = re.compile(r"[ \t\r\n]*,").match


def parse_json_array(stream: IO[bytes], chunk_size: int = 1 << 18) -> Iterator[Row]:
    """Rows of a JSON array of reading objects, decoded element by element as the body arrives.

    The elements are scanned with the decoder's C scanner straight from the text buffer (no per-element
    wrapper calls), and the blanks and commas between them are skipped with one regular-expression match.
    """
    decoder = json.JSONDecoder()
    scan = decoder.scan_once
    text_decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    buffer = ""
    index = 0
    eof = False

    def fill() -> bool:
        nonlocal buffer, index, eof
        if eof:
            return False
        data = stream.read(chunk_size)
        if not data:
            eof = True
            buffer = buffer[index:] + text_decoder.decode(b"", final=True)
            index = 0
            return False
        buffer = buffer[index:] + text_decoder.decode(data)
        index = 0
        return True

    def skip_space() -> bool:
        nonlocal index
        while True:
            index = _SPACE(buffer, index).end()
            if index < len(buffer):
                return True
            if not fill():
                return False

    if not skip_space() or buffer[index] != "[":
        raise ServiceError(_("The body must be a JSON array of readings."), code="bad_body")
    index += 1
    position = 0
    expect_item = True
    while True:
        index = _SPACE(buffer, index).end()
        if index >= len(buffer) and not skip_space():
            position += 1
            yield position, "", None, _("The JSON array is not closed.")
            return
        char = buffer[index]
        if char == "]":
            return
        if char == ",":
            index += 1
            expect_item = True
            continue
        if not expect_item:
            position += 1
            yield position, buffer[index:index + 200], None, _("A comma is missing between readings.")
            return
        while True:
            try:
                item, end = scan(buffer, index)
                break
            except (StopIteration, ValueError):
                if not fill():
                    position += 1
                    yield position, buffer[index:index + 200], None, _("The element is not valid JSON.")
                    return
        raw = buffer[index:end]
        index = end
        position += 1
        expect_item = False
        separator = _SEPARATOR(buffer, end)  # the usual case, the comma to the next element, in one step
        if separator is not None:
            index = separator.end()
            expect_item = True
        fields = None
        if type(item) is dict and len(item) == 3:  # the usual shape, with the canonical names
            meter, taken_at, value = item.get("meter"), item.get("taken_at"), item.get("value")
            if meter is not None and taken_at is not None and value is not None:
                fields = (str(meter), str(taken_at), str(value))
        if fields is None:
            fields, error = _object_fields(item)
            yield position, raw, fields, error
        else:
            yield position, raw, fields, ""


PARSERS = {"csv": parse_csv, "xlsx": parse_xlsx, "api_json": parse_json_array, "api_ndjson": parse_ndjson,
           "mqtt": parse_ndjson}


def parse_mqtt(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of an MQTT message: a JSON object (one reading, or ``{"readings": [...]}``), a JSON array, or NDJSON."""
    payload = stream.read()
    try:
        document = json.loads(payload.decode("utf-8", errors="replace"))
    except ValueError:
        yield from parse_ndjson(io.BytesIO(payload))
        return
    if isinstance(document, dict) and isinstance(document.get("readings"), list):
        document = document["readings"]
    items = document if isinstance(document, list) else [document]
    for position, item in enumerate(items, start=1):
        fields, error = _object_fields(item)
        yield position, json.dumps(item, ensure_ascii=False)[:2000], fields, error


PARSERS["mqtt"] = parse_mqtt
