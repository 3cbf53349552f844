"""The table models of the reception screens: shared RowTableModel + the columns each list shows."""

from __future__ import annotations

from PySide6.QtCore import QObject

from common.qt.formatting import format_date, format_money, format_time, format_weekday_date, humanize_enum
from common.qt.table_model import Column, RowTableModel
from common.schemas import AppointmentOut, PatientOut, PaymentDetail


def patient_table(parent: QObject | None = None) -> RowTableModel[PatientOut]:
    return RowTableModel(
        [
            Column("Name", lambda p: p.full_name),
            Column("Phone", lambda p: p.phone),
            Column("Date of birth", lambda p: p.date_of_birth, formatter=format_date),
            Column("Gender", lambda p: p.gender),
            Column("Allergies", lambda p: p.allergies),
        ],
        parent=parent,
    )


def appointment_table(parent: QObject | None = None, *, with_date: bool) -> RowTableModel[AppointmentOut]:
    columns: list[Column[AppointmentOut]] = []
    if with_date:
        columns.append(Column("Date", lambda a: a.start_time, formatter=format_weekday_date))
    columns += [
        Column("Time", lambda a: a.start_time, formatter=format_time),
        Column("Ends", lambda a: a.end_time, formatter=format_time),
        Column("Patient", lambda a: a.patient.full_name),
        Column("Phone", lambda a: a.patient.phone),
        Column("Doctor", lambda a: a.doctor.full_name),
        Column("Service", lambda a: a.service.name),
        Column("Status", lambda a: a.status, formatter=humanize_enum),
        Column("Notes", lambda a: a.notes),
    ]
    return RowTableModel(columns, parent=parent)


def payment_table(parent: QObject | None = None) -> RowTableModel[PaymentDetail]:
    return RowTableModel(
        [
            Column("Time", lambda p: p.paid_at or p.created_at, formatter=format_time),
            Column("Patient", lambda p: p.patient.full_name),
            Column("Service", lambda p: p.service.name),
            Column("Doctor", lambda p: p.doctor.full_name),
            Column("Queue #", lambda p: p.queue_number),
            Column("Amount", lambda p: p.amount, formatter=format_money),
            Column("Method", lambda p: p.method, formatter=humanize_enum),
            Column("Status", lambda p: p.status, formatter=humanize_enum),
            Column("Visit day", lambda p: p.visit_date, formatter=format_date),
        ],
        parent=parent,
    )
