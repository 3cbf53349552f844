"""Printed documents: a prescription and a visit summary, headed with the clinic's name, address and the doctor,
laid out for A4 or Letter, written as PDF (QPdfWriter) or sent to a printer (QPrinter). No network here: the
documents are made from what the screen already holds (a VisitDetail, and the visit's timeline)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from client_doctor import fmt
from common.schemas import ClinicOut, DoctorOut, TimelineEntry, VisitDetail

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 18
PRESCRIPTION, SUMMARY = "prescription", "summary"
TITLES = {PRESCRIPTION: "Prescription", SUMMARY: "Visit summary"}


@dataclass(frozen=True)
class Letterhead:
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    doctor_name: str
    specialty: str

    @classmethod
    def of(cls, clinic: ClinicOut | None, doctor: DoctorOut) -> Letterhead:
        return cls(
            clinic_name=clinic.name if clinic else "",
            clinic_address=clinic.address if clinic else "",
            clinic_phone=clinic.phone if clinic else "",
            doctor_name=doctor.full_name,
            specialty=doctor.specialty or "",
        )


def page_layout(page: str) -> QPageLayout:
    return QPageLayout(
        QPageSize(PAGE_SIZES[page]),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )


def _e(text: str) -> str:
    return html.escape(text or "").replace("\n", "<br>")


def _head(letterhead: Letterhead, title: str, visit: VisitDetail) -> str:
    patient = visit.patient_detail
    contact = " · ".join(x for x in (letterhead.clinic_address, letterhead.clinic_phone) if x)
    doctor = letterhead.doctor_name + (f", {letterhead.specialty}" if letterhead.specialty else "")
    born = f" · born {fmt.day(patient.date_of_birth)}" if patient.date_of_birth else ""
    return f"""
<table width="100%" cellspacing="0" cellpadding="0"><tr>
<td><span style="font-size:18pt;font-weight:bold;">{_e(letterhead.clinic_name)}</span><br>
<span style="color:#444;">{_e(contact)}</span></td>
<td align="right"><b>{_e(doctor)}</b></td></tr></table>
<hr>
<p style="font-size:15pt;font-weight:bold;">{_e(title)}</p>
<p><b>Patient:</b> {_e(patient.full_name)}{_e(born)}<br>
<b>Date:</b> {_e(fmt.day(visit.end_time or visit.start_time or visit.check_in_time))}
 · <b>Service:</b> {_e(visit.service.name)}</p>
<p style="color:#b91c1c;"><b>Allergies:</b> {_e(patient.allergies or "none known")}</p>
"""


def _signature(letterhead: Letterhead) -> str:
    return f"""<p><br><br>______________________________<br>{_e(letterhead.doctor_name)}</p>"""


def prescription_html(letterhead: Letterhead, visit: VisitDetail) -> str:
    rx = visit.prescription or ""
    body = f'<p style="font-size:13pt;">℞</p><p style="font-size:12pt;">{_e(rx) or "—"}</p>'
    return _head(letterhead, TITLES[PRESCRIPTION], visit) + body + _signature(letterhead)


def summary_html(letterhead: Letterhead, visit: VisitDetail, timeline: list[TimelineEntry] | None = None) -> str:
    parts = [_head(letterhead, TITLES[SUMMARY], visit)]
    parts.append(f"<p><b>Status:</b> {_e(fmt.title(visit.status))}")
    if visit.start_time:
        parts.append(f" · <b>Seen:</b> {_e(fmt.date_time(visit.start_time))}")
    parts.append("</p>")
    parts.append(f"<p><b>Notes</b><br>{_e(visit.notes or '') or '—'}</p>")
    parts.append(f"<p><b>Prescription</b><br>{_e(visit.prescription or '') or '—'}</p>")
    if visit.payments:
        rows = "".join(
            f"<tr><td>{_e(fmt.date_time(p.created_at))}</td><td align='right'>{_e(fmt.money(p.amount))}</td>"
            f"<td>{_e(fmt.title(p.method))}</td><td>{_e(fmt.title(p.status))}</td></tr>"
            for p in visit.payments
        )
        parts.append(
            "<p><b>Payments</b></p><table cellspacing='0' cellpadding='3' border='1' width='100%'>"
            "<tr><th align='left'>Taken</th><th align='right'>Amount</th><th align='left'>Method</th>"
            f"<th align='left'>Status</th></tr>{rows}</table>"
        )
    return "".join(parts) + _signature(letterhead)


def document(content: str, page: str) -> QTextDocument:
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setHtml(content)
    rect = page_layout(page).paintRect(QPageLayout.Unit.Point)
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    return doc


def print_to(device: QPagedPaintDevice, content: str, page: str) -> None:
    """Lay the document out on `device` (a QPdfWriter or a QPrinter) in the given page size."""
    device.setPageLayout(page_layout(page))
    document(content, page).print_(device)


def write_pdf(path: str | Path, content: str, page: str = "A4") -> Path:
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setResolution(300)
    writer.setTitle("Clinic document")
    writer.setCreator("Clinic — consulting room")
    print_to(writer, content, page)
    del writer  # the file is complete once the writer is gone
    return target
