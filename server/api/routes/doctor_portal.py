"""The doctor's own views. The doctor is always the caller's Doctor row (DoctorUser), never a query parameter."""

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus
from common.schemas import AppointmentOut, DoctorDashboard, DoctorPatient, EarningsPage, Page
from server.api.deps import DoctorUser, PageNo, PerPage, SearchTerm, SessionDep
from server.api.responses import refusals
from server.models import Doctor
from server.services import doctor_portal as portal_service
from server.services import earnings as earnings_service

router = APIRouter(tags=["doctor_portal"])

_DOCTOR_ONLY = refusals({401: "not authenticated", 403: "not a doctor / no doctor profile"})
CSV_BATCH = 1000


def _csv_stream(session: Session, doctor: Doctor, filters: earnings_service.EarningsFilter) -> Iterator[str]:
    """Batches of CSV text, read through a server-side cursor so a large export never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(earnings_service.CSV_HEADER)
    for n, row in enumerate(earnings_service.earnings_rows(session, doctor=doctor, filters=filters, batch=CSV_BATCH)):
        writer.writerow(earnings_service.csv_cells(row))
        if n % CSV_BATCH == CSV_BATCH - 1:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@router.get(
    "/doctors/earnings",
    response_model=EarningsPage,
    responses={**_DOCTOR_ONLY, 200: {"content": {"text/csv": {}}, "description": "JSON page, or CSV with format=csv"}},
)
def earnings(
    session: SessionDep,
    me: DoctorUser,
    start_date: date | None = None,
    end_date: date | None = None,
    status: PaymentStatus | None = None,
    payment_method: PaymentMethod | None = None,
    group_by: Literal["date"] | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
    fmt: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> EarningsPage | StreamingResponse:
    """Every payment on the caller's visits. Dates are clinic-local and inclusive, on the payment's date
    (paid_at, or created_at while unpaid). The summary covers the whole filtered set and its money figures are the
    doctor's share; `group_by=date` adds per-day buckets; `format=csv` streams every filtered row instead."""
    filters = earnings_service.EarningsFilter(start_date, end_date, status, payment_method)
    if fmt == "csv":
        filters.validate()  # a bad range must be a 422, not a broken stream
        return StreamingResponse(
            _csv_stream(session, me, filters),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="earnings.csv"'},
        )
    return earnings_service.earnings_page(
        session, doctor=me, filters=filters, group_by_date=group_by == "date", page=page, per_page=per_page
    )


@router.get("/doctors/patients", response_model=Page[DoctorPatient], responses=_DOCTOR_ONLY)
def patients(
    session: SessionDep,
    me: DoctorUser,
    search: SearchTerm | None = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page[DoctorPatient]:
    """Unique patients who visited the caller, with last_visit and total_visits; search matches name or phone;
    newest last visit first."""
    return portal_service.patients(session, doctor=me, search=search, page=page, per_page=per_page)


@router.get("/dashboard/doctor", response_model=DoctorDashboard, responses=_DOCTOR_ONLY)
def dashboard(session: SessionDep, me: DoctorUser) -> DoctorDashboard:
    """Today (the clinic's local day): visit counts, revenue by payment status (total and the doctor's share),
    today's open visits in queue order, and CONFIRMED/CHECKED_IN appointments of the next 7 days."""
    return portal_service.dashboard(session, doctor=me)


@router.get("/dashboard/doctor/appointments", response_model=Page[AppointmentOut], responses=_DOCTOR_ONLY)
def appointments(
    session: SessionDep,
    me: DoctorUser,
    start_date: date | None = None,
    end_date: date | None = None,
    status: Annotated[list[AppointmentStatus] | None, Query()] = None,
    page: PageNo = 1,
    per_page: PerPage = 50,
) -> Page[AppointmentOut]:
    """The caller's appointments with patient and service, ascending by start time. Dates are clinic-local and
    inclusive; without start_date the list starts now; `status` may repeat (default CONFIRMED and CHECKED_IN)."""
    return portal_service.appointments(
        session, doctor=me, start_date=start_date, end_date=end_date, statuses=status, page=page, per_page=per_page
    )
