"""Wire schemas (pydantic v2) shared by the server and both desktop apps.

Money travels as decimal strings (pydantic's JSON form of Decimal), times as ISO-8601 with offset (UTC).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Phase, Role, VisitStatus

T = TypeVar("T")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=80)]
Password = Annotated[str, StringConstraints(min_length=6, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def field_error(model: str, field: str, message: str) -> ValidationError:
    """A rule across fields, reported at the field to fix (its `loc`), so a 422 names it like any field error."""
    error = InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(field,), input=None)
    return ValidationError.from_exception_data(model, [error])


class Page(Schema, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class HealthOut(Schema):
    """GET /health: the server answers."""

    status: str = "ok"


class ErrorOut(Schema):
    """The body of every refusal (4xx): `detail` says what (a list of problems on a 422), `code` is a machine
    code (conflict, forbidden, invalid, not_found …), `field` names the input at fault when there is one; a
    409 may add the current state (e.g. `current_status`)."""

    model_config = ConfigDict(extra="allow")

    detail: str | list[dict]
    code: str
    field: str | None = None


# --- auth -------------------------------------------------------------------------------------------------


class LoginRequest(Schema):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)


class RefreshRequest(Schema):
    refresh_token: str = Field(min_length=1)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    clinic_id: int | None
    doctor_id: int | None = None
    is_active: bool = True


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    user: UserOut


# --- admin: clinics, users, doctors, services, schedules ----------------------------------------------------


class ClinicCreate(Schema):
    name: Name
    timezone: str = "UTC"
    address: str = ""
    phone: Phone = ""
    overdue_wait_minutes: int = Field(default=20, gt=0, le=24 * 60)


class ClinicUpdate(Schema):
    name: Name | None = None
    timezone: str | None = None
    address: str | None = None
    phone: Phone | None = None
    overdue_wait_minutes: int | None = Field(default=None, gt=0, le=24 * 60)


class ClinicOut(Schema):
    id: int
    name: str
    timezone: str
    address: str
    phone: str
    overdue_wait_minutes: int
    event_seq: int


class UserCreate(Schema):
    username: Username
    password: Password
    full_name: Name
    role: Role
    clinic_id: int | None = None

    @model_validator(mode="after")
    def _clinic_for_staff(self) -> "UserCreate":
        if self.role != Role.ADMIN and self.clinic_id is None:
            raise field_error("UserCreate", "clinic_id", "clinic_id is required for receptionists and doctors")
        return self


class UserUpdate(Schema):
    full_name: Name | None = None
    password: Password | None = None
    role: Role | None = None
    clinic_id: int | None = None
    is_active: bool | None = None


class NewDoctorUser(Schema):
    username: Username
    password: Password
    full_name: Name


class DoctorCreate(Schema):
    """Either link an existing DOCTOR user (`user_id`) or create the user in the same call (`user`)."""

    clinic_id: int
    user_id: int | None = None
    user: NewDoctorUser | None = None
    specialty: str = ""
    phone: Phone = ""
    commission_rate: Rate = Decimal("0.5000")

    @model_validator(mode="after")
    def _one_user(self) -> "DoctorCreate":
        if (self.user_id is None) == (self.user is None):
            raise field_error("DoctorCreate", "user_id", "give exactly one of user_id or user")
        return self


class DoctorUpdate(Schema):
    specialty: str | None = None
    phone: Phone | None = None
    commission_rate: Rate | None = None
    is_active: bool | None = None
    full_name: Name | None = None


class DoctorOut(Schema):
    id: int
    user_id: int
    clinic_id: int
    full_name: str
    specialty: str
    phone: str
    commission_rate: Decimal
    is_active: bool


class DoctorBrief(Schema):
    id: int
    full_name: str
    specialty: str = ""


class ScheduleSlot(Schema):
    day_of_week: int = Field(ge=0, le=6)
    hour: int = Field(ge=0, le=23)
    is_available: bool = True


class ScheduleOut(Schema):
    doctor_id: int
    slots: list[ScheduleSlot]


class ScheduleUpdate(Schema):
    """Replaces the doctor's whole weekly schedule."""

    slots: list[ScheduleSlot]


class ServiceCreate(Schema):
    clinic_id: int
    name: Name
    price: Money
    duration_minutes: int = Field(default=30, gt=0, le=24 * 60)
    doctor_share_rate: Rate | None = None


class ServiceUpdate(Schema):
    name: Name | None = None
    price: Money | None = None
    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60)
    doctor_share_rate: Rate | None = None
    is_active: bool | None = None


class ServiceOut(Schema):
    id: int
    clinic_id: int
    name: str
    price: Decimal
    duration_minutes: int
    doctor_share_rate: Decimal | None
    is_active: bool


class ServiceBrief(Schema):
    id: int
    name: str
    price: Decimal
    duration_minutes: int


# --- patients -----------------------------------------------------------------------------------------------


class PatientCreate(Schema):
    full_name: Name
    phone: Phone = ""
    date_of_birth: date | None = None
    gender: str = Field(default="", max_length=20)
    medical_history: str = ""
    allergies: str = ""
    clinic_id: int | None = None  # admin only; staff always use their own clinic


class PatientUpdate(Schema):
    full_name: Name | None = None
    phone: Phone | None = None
    date_of_birth: date | None = None
    gender: str | None = Field(default=None, max_length=20)
    medical_history: str | None = None
    allergies: str | None = None


class PatientOut(Schema):
    id: int
    clinic_id: int
    full_name: str
    phone: str
    date_of_birth: date | None
    gender: str
    medical_history: str
    allergies: str


class PatientBrief(Schema):
    id: int
    full_name: str
    phone: str


# --- appointments -------------------------------------------------------------------------------------------


class AppointmentCreate(Schema):
    patient_id: int
    doctor_id: int
    service_id: int
    start_time: datetime
    notes: str = ""


class AppointmentUpdate(Schema):
    doctor_id: int | None = None
    service_id: int | None = None
    start_time: datetime | None = None
    notes: str | None = None
    status: AppointmentStatus | None = None  # only NO_SHOW may be set this way


class AppointmentCancel(Schema):
    reason: str = ""


class AppointmentBrief(Schema):
    id: int
    start_time: datetime
    end_time: datetime
    status: AppointmentStatus


class AppointmentOut(Schema):
    id: int
    clinic_id: int
    patient_id: int
    doctor_id: int
    service_id: int
    start_time: datetime
    end_time: datetime
    status: AppointmentStatus
    notes: str
    created_by: int | None
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief


# --- visits and the queue -----------------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    clinic_id: int
    patient_id: int
    doctor_id: int
    service_id: int
    appointment_id: int | None
    queue_date: date
    queue_number: int
    status: VisitStatus
    phase: Phase | None = None
    check_in_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    notes: str
    prescription: str
    version: int
    patient: PatientBrief
    doctor: DoctorBrief
    service: ServiceBrief


class QueueEntry(VisitOut):
    wait_minutes: int
    is_overdue: bool


class QueueBoard(Schema):
    date: date
    clinic_id: int
    overdue_wait_minutes: int
    waiting: list[QueueEntry]
    with_doctor: list[QueueEntry]
    completed: list[QueueEntry]


class CheckInRequest(Schema):
    """From an appointment (`appointment_id`) or a walk-in (`patient_id`, `doctor_id`, `service_id`)."""

    appointment_id: int | None = None
    patient_id: int | None = None
    doctor_id: int | None = None
    service_id: int | None = None
    notes: str = ""

    @model_validator(mode="after")
    def _appointment_or_walk_in(self) -> "CheckInRequest":
        walk_in = {"patient_id": self.patient_id, "doctor_id": self.doctor_id, "service_id": self.service_id}
        given = [name for name, value in walk_in.items() if value is not None]
        if self.appointment_id is None and len(given) < len(walk_in):
            missing = "appointment_id" if not given else next(n for n in walk_in if n not in given)
            raise field_error(
                "CheckInRequest", missing, "give appointment_id, or patient_id, doctor_id and service_id for a walk-in"
            )
        if self.appointment_id is not None and given:
            raise field_error("CheckInRequest", given[0], "give either appointment_id or a walk-in, not both")
        return self


class PhaseMoveRequest(Schema):
    visit_id: int
    phase: Phase | None = None
    new_status: VisitStatus | None = None  # accepted for compatibility
    expected_version: int | None = None  # when given, a stale copy gets 409

    @model_validator(mode="after")
    def _one_target(self) -> "PhaseMoveRequest":
        if (self.phase is None) == (self.new_status is None):
            raise field_error("PhaseMoveRequest", "phase", "give exactly one of phase or new_status")
        return self


class CompleteConsultationRequest(Schema):
    visit_id: int
    notes: str | None = None
    prescription: str | None = None


class CompleteRequest(Schema):
    visit_id: int


class CancelVisitRequest(Schema):
    visit_id: int
    cancel_appointment: bool = False


# --- payments -----------------------------------------------------------------------------------------------


class PaymentCreate(Schema):
    visit_id: int
    amount: Money | None = None  # defaults to the service price
    method: PaymentMethod = PaymentMethod.CASH
    status: PaymentStatus = PaymentStatus.PENDING  # PENDING or PAID at creation

    @model_validator(mode="after")
    def _no_refund_on_create(self) -> "PaymentCreate":
        if self.status == PaymentStatus.REFUNDED:
            raise field_error("PaymentCreate", "status", "a payment cannot be created as REFUNDED")
        return self


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


# --- doctor portal ------------------------------------------------------------------------------------------


class HistoryVisit(Schema):
    """A past visit of one patient with one doctor."""

    id: int
    status: VisitStatus
    check_in_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    notes: str
    prescription: str
    service: ServiceBrief
    appointment: AppointmentBrief | None
    payment_status: PaymentStatus | None
    amount: Decimal
    doctor_share: Decimal


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
    upcoming_appointments: list[AppointmentOut]
    active_visits: list[VisitOut] = []
    waiting_visits: list[VisitOut] = []


class EarningRow(Schema):
    """One payment on the doctor's visit. `date` is the payment's date: paid_at, or created_at while unpaid.
    `amount` is what the patient paid; `doctor_share` is the doctor's part of it."""

    payment_id: int
    visit_id: int
    date: datetime
    patient_name: str
    service_name: str
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
    """Filtered payments of one clinic-local day (every status the filter lets through): sum of amount,
    sum of doctor_share, and how many."""

    date: date
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
    full_name: str
    phone: str
    date_of_birth: date | None
    gender: str
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


# --- socket events ------------------------------------------------------------------------------------------


class EventEnvelope(Schema):
    """Fields every server event carries."""

    seq: int
    clinic_id: int
    emitted_at: datetime


# Event bodies (each event also carries the EventEnvelope fields). patient_with_doctor: PatientWithDoctorEvent.


class QueueUpdatedEvent(Schema):
    """`queue_updated`: something on the board changed; `reason` is checkin | status_changed."""

    visit_id: int
    reason: str


class VisitEvent(Schema):
    """`new_checkin` and `consultation_completed`."""

    visit: VisitOut


class VisitStatusChangedEvent(Schema):
    visit: VisitOut
    from_status: VisitStatus | None
    to_status: VisitStatus
    changed_by: int | None  # user id


class AppointmentEvent(Schema):
    """`appointment_created`, `appointment_updated`, `appointment_cancelled`."""

    appointment: AppointmentOut


class PaymentEvent(Schema):
    """`payment_processed` (created, paid or refunded)."""

    payment: PaymentDetail
