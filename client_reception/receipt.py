"""A payment receipt as a QTextDocument: saved as PDF (QPdfWriter) or sent to a printer (QPrinter)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from common.qt.formatting import format_money
from common.schemas import ClinicOut, PaymentDetail


@dataclass(frozen=True)
class Receipt:
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    number: str
    issued_at: datetime  # local to the clinic
    patient: str
    doctor: str
    service: str
    amount: str
    currency: str
    method: str
    status: str
    queue_number: int


def receipt_number(payment: PaymentDetail) -> str:
    """Stable and unique per payment: the visit day plus the payment id."""
    return f"R-{payment.visit_date:%Y%m%d}-{payment.id:06d}"


def build_receipt(payment: PaymentDetail, clinic: ClinicOut) -> Receipt:
    when = payment.paid_at or payment.created_at
    return Receipt(
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_phone=clinic.phone,
        number=receipt_number(payment),
        issued_at=when.astimezone(ZoneInfo(clinic.timezone)),
        patient=payment.patient.full_name,
        doctor=payment.doctor.full_name,
        service=payment.service.name,
        amount=format_money(payment.amount, clinic.currency),  # the clinic's currency, not the desk's setting
        currency=clinic.currency,
        method=payment.method.value.title(),
        status=payment.status.value.title(),
        queue_number=payment.queue_number,
    )


def receipt_html(r: Receipt) -> str:
    e = html.escape
    rows = [
        ("Receipt no.", r.number),
        ("Date", f"{r.issued_at:%Y-%m-%d %H:%M}"),
        ("Patient", r.patient),
        ("Doctor", r.doctor),
        ("Service", r.service),
        ("Queue no.", str(r.queue_number)),
        ("Payment method", r.method),
        ("Status", r.status),
        ("Currency", r.currency),
    ]
    body = "".join(f"<tr><td class='k'>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in rows)
    contact = " · ".join(e(x) for x in (r.clinic_address, r.clinic_phone) if x)
    return f"""
<html><head><style>
  h1 {{ font-size: 20pt; margin: 0; }}
  .sub {{ color: #555; font-size: 9pt; }}
  table {{ margin-top: 16px; border-collapse: collapse; }}
  td {{ padding: 4px 12px 4px 0; font-size: 11pt; }}
  td.k {{ color: #555; }}
  .total {{ font-size: 16pt; font-weight: bold; margin-top: 18px; }}
</style></head><body>
<h1>{e(r.clinic_name)}</h1>
<div class='sub'>{contact}</div>
<h2>Payment receipt</h2>
<table>{body}</table>
<p class='total'>Amount: {e(r.amount)}</p>
<p class='sub'>Thank you.</p>
</body></html>"""


def receipt_document(r: Receipt) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(receipt_html(r))
    return doc


def _print_to(device: QPagedPaintDevice, doc: QTextDocument) -> None:
    doc.print_(device)


def save_pdf(r: Receipt, path: str | Path) -> Path:
    """Write the receipt as an A5 PDF; returns the path written."""
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setTitle(f"Receipt {r.number}")
    writer.setCreator(r.clinic_name)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12))
    )
    writer.setResolution(300)
    doc = receipt_document(r)
    _print_to(writer, doc)
    del writer  # the file is finished when the writer goes away
    return target


def print_receipt(r: Receipt, printer: QPagedPaintDevice) -> None:
    """Send the receipt to a printer chosen in a QPrintDialog."""
    _print_to(printer, receipt_document(r))
