"""A dashboard table as a file: CSV for anything, a spreadsheet for people
who will open it in one. Both are written from the table the page shows,
hidden cells as "[c]", so a download never says more than the page.
Every cell passes through caremap.spreadsheets.neutralise: names of
organisations and groups are typed by people, and a spreadsheet must not
run one as a formula."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from caremap.spreadsheets import neutralise, neutralise_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def filename(table, context_name, period, extension):
    return (
        f"{slugify(context_name)}-{table.id}-{period.start.isoformat()}"
        f"-to-{period.end.isoformat()}.{extension}"
    )


def as_csv(table, *, notes) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(table.title)])
    for note in notes:
        writer.writerow([neutralise(note)])
    writer.writerow([])
    writer.writerow(neutralise_row(table.columns))
    writer.writerows(neutralise_row(row) for row in table.plain_rows())
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(table, *, notes) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.id[:31]
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True)
    for note in notes:
        sheet.append([neutralise(note)])
    sheet.append([])
    sheet.append(neutralise_row(table.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.plain_rows():
        sheet.append(["" if value is None else neutralise(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(table, fmt, *, name, period, notes):
    if fmt == "xlsx":
        content, content_type = as_xlsx(table, notes=notes), XLSX
    else:
        content = as_csv(table, notes=notes)
        content_type = "text/csv; charset=utf-8"
    reply = HttpResponse(content, content_type=content_type)
    reply["Content-Disposition"] = (
        f'attachment; filename="{filename(table, name, period, fmt)}"'
    )
    return reply
