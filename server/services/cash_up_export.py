"""The cash-up as a file: CSV (a spreadsheet-ready table whose header rows name the clinic, the day and the
currency) and a printable one-page A4 PDF (fpdf2, with the DejaVu font when the system has it, so any name
prints; otherwise the core Helvetica with characters it lacks replaced)."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from common.schemas import CashUpReport
from server.services.csv_cells import text_cell

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CSV_COLUMNS = ("section", "name", "count", "amount", "doctor_share", "center_share", "currency")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def cash_up_csv(report: CashUpReport) -> str:
    """One table: `section` is taken_by_method, taken_by_doctor, refunds_by_method or total; every amount row
    carries the currency, which the first header row also names."""
    out = io.StringIO()
    w = csv.writer(out)
    cur = report.currency
    w.writerow(["cash-up", text_cell(report.clinic_name), "date", report.date.isoformat(), "currency", cur])
    w.writerow(CSV_COLUMNS)
    for line in report.by_method:
        w.writerow(["taken_by_method", line.method.value, line.count, _amount(line.amount), "", "", cur])
    for d in report.by_doctor:
        w.writerow(
            [
                "taken_by_doctor",
                text_cell(d.doctor_name),
                d.count,
                _amount(d.amount),
                _amount(d.doctor_share),
                _amount(d.center_share),
                cur,
            ]
        )
    for line in report.refunds_by_method:
        w.writerow(["refunds_by_method", line.method.value, line.count, _amount(line.amount), "", "", cur])
    t = report.totals
    w.writerow(["total", "taken", t.count, _amount(t.amount), _amount(t.doctor_share), _amount(t.center_share), cur])
    w.writerow(["total", "refunded", t.refunded_count, _amount(t.refunded), "", "", cur])
    w.writerow(["total", "net", "", _amount(t.net), "", "", cur])
    return out.getvalue()


class _Sheet(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("Body", "", str(regular))
            self.add_font("Body", "B", str(bold))
            self.family_name, self.unicode = "Body", True
        else:
            self.family_name, self.unicode = "Helvetica", False
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def text_of(self, value: object) -> str:
        text = str(value)
        if self.unicode:
            return text
        return text.replace("—", "-").encode("latin-1", "replace").decode("latin-1")

    def style(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)

    def titled_table(self, title: str, head: list[str], rows: list[list[str]], widths: list[float]) -> None:
        self.style(12, bold=True)
        self.cell(0, 9, self.text_of(title), new_x="LMARGIN", new_y="NEXT")
        self.style(9, bold=True)
        self.set_fill_color(230, 233, 238)
        for i, (text, width) in enumerate(zip(head, widths, strict=True)):
            self.cell(width, 7, self.text_of(text), border="B", align="L" if i == 0 else "R", fill=True)
        self.ln()
        self.style(10)
        if not rows:
            self.cell(sum(widths), 7, "none", new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            bold = row[0].startswith("Total")
            self.style(10, bold=bold)
            for i, (text, width) in enumerate(zip(row, widths, strict=True)):
                self.cell(width, 7, self.text_of(text), border="T" if bold else 0, align="L" if i == 0 else "R")
            self.ln()
        self.ln(4)


def cash_up_pdf(report: CashUpReport, *, generated_at: datetime) -> bytes:
    cur = report.currency

    def m(value: Decimal) -> str:
        return f"{value:,.2f} {cur}"

    t = report.totals
    pdf = _Sheet()
    pdf.set_title(f"Cash-up {report.clinic_name} {report.date.isoformat()}")
    pdf.add_page()
    pdf.style(18, bold=True)
    pdf.cell(0, 10, pdf.text_of(f"Cash-up — {report.clinic_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.style(11)
    day = report.date.strftime("%A %d %B %Y")
    pdf.cell(0, 7, pdf.text_of(f"{day}    Currency: {cur}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    summary = [
        ["Taken", str(t.count), m(t.amount)],
        ["Refunded", str(t.refunded_count), "- " + m(t.refunded)],
        ["Total net", "", m(t.net)],
    ]
    pdf.titled_table("Summary", ["", "Payments", "Amount"], summary, [84, 30, 60])
    methods = [[line.method.value.title(), str(line.count), m(line.amount)] for line in report.by_method]
    methods.append(["Total taken", str(t.count), m(t.amount)])
    pdf.titled_table("Taken by method", ["Method", "Payments", "Amount"], methods, [84, 30, 60])
    doctors = [
        [d.doctor_name, str(d.count), m(d.amount), m(d.doctor_share), m(d.center_share)] for d in report.by_doctor
    ]
    doctors.append(["Total", str(t.count), m(t.amount), m(t.doctor_share), m(t.center_share)])
    pdf.titled_table(
        "Taken by doctor",
        ["Doctor", "Payments", "Amount", "Doctor share", "Centre share"],
        doctors,
        [52, 20, 34, 34, 34],
    )
    refunds = [[line.method.value.title(), str(line.count), m(line.amount)] for line in report.refunds_by_method]
    if refunds:
        refunds.append(["Total refunded", str(t.refunded_count), m(t.refunded)])
    pdf.titled_table("Refunds made this day", ["Method", "Payments", "Amount"], refunds, [84, 30, 60])

    pdf.style(8)
    pdf.set_text_color(110, 110, 110)
    stamp = generated_at.strftime("%Y-%m-%d %H:%M UTC")
    pdf.cell(0, 6, pdf.text_of(f"Generated {stamp}. Signature: ______________________"))
    return bytes(pdf.output())
