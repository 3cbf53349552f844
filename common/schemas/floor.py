"""The clinic floor: waiting-room display tokens and state, and the day's cash-up (DESIGN "Queue priority,
calling, display", "Reports and audit")."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from common.enums import PaymentMethod
from common.schemas.base import Id, Name, Schema, Text


class DisplayTokenCreate(Schema):
    clinic_id: Id
    name: Name  # where the screen hangs: "Waiting room TV"


class DisplayTokenOut(Schema):
    id: int
    clinic_id: int
    name: Annotated[str, Text(200)]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class DisplayTokenCreated(DisplayTokenOut):
    """Answer of POST /display-tokens: the only time the token itself is shown."""

    token: Annotated[str, Text(200)]
    url: Annotated[str, Text(400)]  # the display page's path with the token, e.g. /display/3?token=…


class DisplayServing(Schema):
    queue_number: int
    doctor_name: Annotated[str, Text(200)]
    room: Annotated[str, Text(40)]
    called_at: datetime | None
    patient_initials: Annotated[str, Text(8)] | None = None  # only when Clinic.display_names = initials


class DisplayState(Schema):
    """GET /display/{clinic_id}/state and each SSE message of /display/{clinic_id}/events."""

    clinic_name: Annotated[str, Text(200)]
    timezone: Annotated[str, Text(64)] = "UTC"  # the clinic's IANA zone: the page's clock shows the clinic's time
    now_serving: list[DisplayServing]
    next: list[int]  # queue numbers, in calling order (priority, then check-in)
    generated_at: datetime


class CashUpQuery(Schema):
    """GET /reports/cash-up (reception, admin)."""

    model_config = ConfigDict(populate_by_name=True)

    day: date | None = Field(default=None, alias="date", description="the clinic's local day; default today")
    clinic_id: Id | None = Field(default=None, description="admin only")
    format: Annotated[str, Text(8)] = Field(default="json", pattern="^(json|csv|pdf)$")


class CashUpMethodLine(Schema):
    method: PaymentMethod
    count: int
    amount: Decimal


class CashUpDoctorLine(Schema):
    doctor_id: int
    doctor_name: Annotated[str, Text(200)]
    count: int
    amount: Decimal
    doctor_share: Decimal
    center_share: Decimal


class CashUpTotals(Schema):
    count: int
    amount: Decimal  # paid money taken this day
    doctor_share: Decimal
    center_share: Decimal
    refunded_count: int
    refunded: Decimal  # refunds made this day (shown apart)
    net: Decimal  # amount - refunded


class CashUpReport(Schema):
    clinic_id: int
    clinic_name: Annotated[str, Text(200)]
    date: date
    currency: Annotated[str, Text(3)]
    by_method: list[CashUpMethodLine]
    by_doctor: list[CashUpDoctorLine]
    refunds_by_method: list[CashUpMethodLine]
    totals: CashUpTotals
