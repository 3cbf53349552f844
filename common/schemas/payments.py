"""Payments."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field, model_validator

from common.enums import PaymentMethod, PaymentStatus
from common.schemas.admin import (
    DoctorBrief,
    ServiceBrief,
)
from common.schemas.appointments import (
    AppointmentBrief,
)
from common.schemas.base import DateRange, Id, ListQuery, Money, Schema, field_error
from common.schemas.patients import PatientBrief, PatientOut
from common.schemas.visits import (
    VisitOut,
)


class PaymentCreate(Schema):
    visit_id: Id
    amount: Money | None = None  # defaults to the service price
    method: PaymentMethod = PaymentMethod.CASH
    status: PaymentStatus = PaymentStatus.PENDING  # PENDING or PAID at creation

    @model_validator(mode="after")
    def _no_refund_on_create(self) -> "PaymentCreate":
        if self.status == PaymentStatus.REFUNDED:
            raise field_error("PaymentCreate", "status", "a payment cannot be created as REFUNDED")
        return self


class PaymentsQuery(DateRange, ListQuery):
    """GET /payments: newest first; dates are clinic-local days of the payment's creation (`date` = one day)."""

    day: date | None = Field(default=None, alias="date", description="one clinic-local day (creation)")
    visit_id: Id | None = None
    status: PaymentStatus | None = None
    method: PaymentMethod | None = None
    doctor_id: Id | None = None
    clinic_id: Id | None = Field(default=None, description="admin only")


class PaymentPay(Schema):
    method: PaymentMethod | None = None


class PaymentOut(Schema):
    id: int
    visit_id: int
    amount: Decimal
    doctor_share: Decimal
    center_share: Decimal
    status: PaymentStatus
    method: PaymentMethod
    paid_at: datetime | None
    refunded_at: datetime | None
    created_by: int | None
    created_at: datetime


class PaymentDetail(PaymentOut):
    """A payment with what the front desk needs on a list or a receipt."""

    doctor_id: int
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief
    queue_number: int
    visit_date: date


class VisitDetail(VisitOut):
    patient_detail: PatientOut
    appointment: AppointmentBrief | None
    payments: list[PaymentOut]
