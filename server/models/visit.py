from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import Priority, VisitStatus
from server.core.db import Base, TimestampMixin, utcnow
from server.models._types import UtcDateTime, enum_column
from server.models.appointment import Appointment
from server.models.catalog import Service
from server.models.doctor import Doctor
from server.models.patient import Patient

if TYPE_CHECKING:  # payment.py imports this module
    from server.models.payment import Payment


class Visit(TimestampMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        # queue numbers restart every local day of the clinic
        UniqueConstraint("clinic_id", "queue_date", "queue_number", name="uq_visits_clinic_day_queue"),
        Index("ix_visits_doctor_checkin", "doctor_id", "check_in_time"),
        Index("ix_visits_clinic_status", "clinic_id", "status"),
        Index("ix_visits_patient_doctor", "patient_id", "doctor_id"),
        Index("ix_visits_doctor_day", "doctor_id", "queue_date"),  # migration 0005
        Index("ix_visits_patient_doctor_checkin", "patient_id", "doctor_id", text("check_in_time DESC")),
        CheckConstraint("queue_number > 0", name="queue_number_positive"),
    )

    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="RESTRICT"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"))
    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id", ondelete="SET NULL"), unique=True)
    queue_date: Mapped[date]  # the clinic's local day of check-in
    queue_number: Mapped[int]
    status: Mapped[VisitStatus] = enum_column(VisitStatus, "visit_status", default=VisitStatus.WAITING)
    check_in_time: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    start_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")  # clinical: the doctor's
    prescription: Mapped[str] = mapped_column(Text, default="")  # clinical
    # The front desk's note at check-in ("came without referral"): not clinical, seen by the desk and the doctor.
    checkin_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Triage: waiting lists are ordered by priority, then check-in (DESIGN "Queue priority, calling, display").
    priority: Mapped[Priority] = enum_column(
        Priority, "visit_priority", default=Priority.NORMAL, server_default=Priority.NORMAL.value
    )
    # Set when the patient is called (WAITING -> CALLED): the room they were called to, and when.
    room: Mapped[str] = mapped_column(String(40), default="", server_default="")
    called_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped on every change, so a client can tell a stale copy.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    patient: Mapped[Patient] = relationship()
    doctor: Mapped[Doctor] = relationship()
    service: Mapped[Service] = relationship()
    appointment: Mapped[Appointment | None] = relationship()
    payments: Mapped[list["Payment"]] = relationship(  # noqa: F821
        back_populates="visit", order_by="Payment.id"
    )


class VisitStatusChange(TimestampMixin, Base):
    """Audit trail: one row per status change of a visit."""

    __tablename__ = "visit_status_changes"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[VisitStatus | None] = enum_column(VisitStatus, "from_status", nullable=True)
    to_status: Mapped[VisitStatus] = enum_column(VisitStatus, "to_status")
    room: Mapped[str | None] = mapped_column(String(40))  # a call's room, as it was then (migration 0007)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class VisitPriorityChange(TimestampMixin, Base):
    """Audit trail of triage: one row per priority change of a visit (who and when), for its timeline."""

    __tablename__ = "visit_priority_changes"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    from_priority: Mapped[Priority | None] = enum_column(Priority, "from_priority", nullable=True)
    to_priority: Mapped[Priority] = enum_column(Priority, "to_priority")
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
