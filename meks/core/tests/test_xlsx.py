"""The XLSX writer of every page: numbers stay numbers, text that looks like a formula stays text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from meks.core.xlsx import Sheet, workbook_response


def test_values_keep_their_types_and_formulas_are_written_as_text():
    rows = [{"text": "=SUM(A1:A9)", "number": Decimal("1.250"), "day": dt.date(2026, 5, 1), "empty": None,
             "moment": dt.datetime(2026, 5, 1, 4, 30, tzinfo=dt.UTC)}]
    columns = [("text", "Text", 10), ("number", "Number", 10), ("day", "Day", 10), ("empty", "Empty", 10),
               ("moment", "Moment", 16)]
    response = workbook_response([Sheet("KZ/01:[x]", columns, rows)], name="check")
    assert response["Content-Disposition"].startswith('attachment; filename="meks-check-')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert sheet.title == "KZ-01--x-"
    assert [cell.value for cell in sheet[1]] == ["Text", "Number", "Day", "Empty", "Moment"]
    text, number, day, empty, moment = sheet[2]
    assert (text.value, text.data_type) == ("=SUM(A1:A9)", "s")
    assert number.value == 1.25 and number.number_format == "#,##0.00##"
    assert day.value == dt.datetime(2026, 5, 1) and day.number_format == "dd.mm.yyyy"
    assert empty.value is None
    assert moment.value == dt.datetime(2026, 5, 1, 9, 30)  # in the platform's time zone (Asia/Almaty)
