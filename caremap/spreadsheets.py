"""Cells that a spreadsheet program cannot run.

A text cell starting with =, +, - or @ (or a tab or carriage return before
one) is read as a formula by Excel, LibreOffice and Google Sheets, and a
formula can fetch a web address carrying the sheet's other cells with it.
Directory entries, team names and notes are typed by many people, so every
CSV or spreadsheet Caremap offers for download passes its cells through
`neutralise` first, as OWASP advises: such text gets a leading single
quote, which the programs show as text. Numbers stay numbers.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Text that is only a number ("-3", "+2.5", "-12%") is read as that number
# and nothing else, so it is left as it is: quoting it would turn the
# changes in a report into text.
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def neutralise(value):
    """The value, made inert if it is text a spreadsheet would run."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise_row(row):
    return [neutralise(value) for value in row]
