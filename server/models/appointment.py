from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import AppointmentStatus
from server.core.db import Base, TimestampMixin
from server.models._types import UtcDateTime, enum_column
from server.models.catalog import Service
from server.models.doctor import Doctor
from server.models.patient import Patient


class Appointment(TimestampMixin, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_doctor_start", "doctor_id", "start_time"),
        Index("ix_appointments_clinic_start", "clinic_id", "start_time"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"), index=True)
    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    start_time: Mapped[datetime] = mapped_column(UtcDateTime)
    end_time: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[AppointmentStatus] = enum_column(
        AppointmentStatus, "appointment_status", default=AppointmentStatus.CONFIRMED
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # Why it was cancelled (by the desk or the doctor); shown to both.
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    patient: Mapped[Patient] = relationship()
    doctor: Mapped[Doctor] = relationship()
    service: Mapped[Service] = relationship()


class AppointmentChange(TimestampMixin, Base):
    """Audit trail of an appointment, one row per change: booked, rescheduled (new doctor, service or time),
    notes edited, or a status change (checked in, completed, cancelled, no-show). `changed_by` is empty for the
    server's no-show task. `detail` is the line's words as recorded then (the slot in clinic time, a reason)."""

    __tablename__ = "appointment_changes"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # BOOKED | RESCHEDULED | NOTES | STATUS
    from_status: Mapped[AppointmentStatus | None] = enum_column(AppointmentStatus, "from_status", nullable=True)
    to_status: Mapped[AppointmentStatus] = enum_column(AppointmentStatus, "to_status")
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
