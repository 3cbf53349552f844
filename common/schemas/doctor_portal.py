"""The doctor portal: history, dashboard, earnings, patients; the reception dashboard."""

from datetime import date, datetime
from datetime import date as date_type
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from common.enums import PaymentMethod, PaymentStatus, VisitStatus
from common.schemas.admin import (
    ServiceBrief,
)
from common.schemas.appointments import (
    AppointmentBrief,
    AppointmentStatuses,
)
from common.schemas.base import DateRange, ListQuery, PerPage, Schema, Text
from common.schemas.patients import PatientOut
from common.schemas.visits import (
    VisitOut,
)


class HistoryVisit(Schema):
    """A past visit of one patient with one doctor."""

    id: int
    status: VisitStatus
    check_in_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    notes: Annotated[str, Text(20_000)] | None = None  # clinical: the doctor and admins only (None for the front desk)
    prescription: Annotated[str, Text(20_000)] | None = None  # clinical, likewise
    service: ServiceBrief
    appointment: AppointmentBrief | None
    payment_status: PaymentStatus | None
    amount: Decimal
    doctor_share: Decimal


class HistoryQuery(ListQuery):
    """GET /patients/{patient_id}/history/{doctor_id}: newest first."""

    per_page: PerPage = 20


class PatientWithDoctorEvent(Schema):
    visit: VisitOut
    patient: PatientOut
    visit_history: list[HistoryVisit]


class RevenueFigure(Schema):
    total: Decimal
    doctor_share: Decimal


class TodayRevenue(Schema):
    pending: RevenueFigure
    paid: RevenueFigure
    refunded: RevenueFigure


class DoctorDashboard(Schema):
    date: date
    today_visits: int
    waiting: int
    active_consultations: int
    completed: int
    today_revenue: TodayRevenue
    # How many CONFIRMED/CHECKED_IN appointments the next 7 days hold (the list: /dashboard/doctor/appointments).
    upcoming_appointments: int
    active_visits: list[VisitOut] = []
    waiting_visits: list[VisitOut] = []


class EarningsQuery(DateRange, ListQuery):
    """GET /doctors/earnings: the caller's payments. Dates are clinic-local days of the payment's date (paid_at,
    or created_at while unpaid); `group_by=date` adds per-day buckets, `group_by=status` one bucket per payment
    status; `format=csv` streams every filtered row."""

    status: PaymentStatus | None = None
    payment_method: PaymentMethod | None = None
    group_by: Literal["date", "status"] | None = None
    fmt: Literal["json", "csv"] = Field(default="json", alias="format")


class DoctorAppointmentsQuery(DateRange, ListQuery):
    """GET /dashboard/doctor/appointments: ascending by start; without start_date from the beginning of the
    clinic's today; `status` may repeat (default CONFIRMED and CHECKED_IN)."""

    status: AppointmentStatuses = None


class DoctorPatientsQuery(ListQuery):
    """GET /doctors/patients: unique patients who visited the caller; search matches name or phone."""

    search: Annotated[str, Text(100)] | None = None


class EarningRow(Schema):
    """One payment on the doctor's visit. `date` is the payment's date: paid_at, or created_at while unpaid.
    `amount` is what the patient paid; `doctor_share` is the doctor's part of it."""

    payment_id: int
    visit_id: int
    date: datetime
    patient_name: Annotated[str, Text(200)]
    service_name: Annotated[str, Text(200)]
    amount: Decimal
    doctor_share: Decimal
    status: PaymentStatus
    method: PaymentMethod


class EarningsSummary(Schema):
    """Over the whole FILTERED set (not just the page). Every money figure here is the DOCTOR'S SHARE
    (sum of `doctor_share`), not the amount paid: total_paid = of PAID payments, pending = of PENDING,
    refunded = of REFUNDED, this_month = of PAID payments dated in the current clinic-local month;
    count = number of filtered payments (all statuses)."""

    total_paid: Decimal
    pending: Decimal
    refunded: Decimal
    this_month: Decimal
    count: int


class EarningsGroup(Schema):
    """Filtered payments of one bucket: a clinic-local day (`group_by=date`: `date` set, every status the filter
    lets through) or a payment status (`group_by=status`: `status` set); sum of amount, sum of doctor_share,
    and how many."""

    date: date_type | None = None
    status: PaymentStatus | None = None
    amount: Decimal
    doctor_share: Decimal
    count: int


class EarningsPage(Schema):
    items: list[EarningRow]
    summary: EarningsSummary
    groups: list[EarningsGroup] | None
    page: int
    per_page: int
    total: int


class DoctorPatient(Schema):
    """A patient with at least one visit with this doctor; last_visit and total_visits count only this
    doctor's visits (any status)."""

    id: int
    full_name: Annotated[str, Text(200)]
    phone: Annotated[str, Text(40)]
    date_of_birth: date | None
    gender: Annotated[str, Text(20)]
    last_visit: datetime
    total_visits: int


class TakingsOut(Schema):
    paid: Decimal
    pending: Decimal
    refunded: Decimal


class ReceptionDashboard(Schema):
    date: date
    appointments_today: int
    checked_in: int
    waiting: int
    with_doctor: int
    completed: int
    cancelled: int
    takings: TakingsOut
