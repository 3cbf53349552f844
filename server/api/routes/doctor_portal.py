"""The doctor's own views. The doctor is always the caller's Doctor row (DoctorUser), never a query parameter."""

import csv
import io
from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from common.schemas import (
    AppointmentOut,
    DoctorAppointmentsQuery,
    DoctorDashboard,
    DoctorPatient,
    DoctorPatientsQuery,
    EarningsPage,
    EarningsQuery,
    Page,
)
from server.api import etag
from server.api.deps import DoctorUser, SessionDep
from server.api.one_trip import in_one_trip
from server.api.responses import refusals
from server.core.db import new_session, owns_request_session
from server.models import Doctor
from server.services import cached_reads
from server.services import doctor_portal as portal_service
from server.services import earnings as earnings_service

router = APIRouter(tags=["doctor_portal"])

_DOCTOR_ONLY = refusals({401: "not authenticated", 403: "not a doctor / no doctor profile"})
CSV_BATCH = 1000
CSV_FIRST_BATCH = 100  # rows read (and sent) before the first chunk leaves


def _csv_stream(session: Session, doctor: Doctor, query: EarningsQuery) -> Iterator[str]:
    """Batches of CSV text, read through a server-side cursor so a large export never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(earnings_service.CSV_HEADER)
    # The server-side cursor needs a transaction, which a GET's own session does not hold (core/db.py
    # get_read_engine): a request's own session reads through one of its own, closed with the stream.
    own = new_session() if owns_request_session(session) else None
    reader = own if own is not None else session
    try:
        currency = earnings_service.clinic_currency(reader, doctor.clinic_id)
        rows = earnings_service.earnings_rows(reader, doctor=doctor, query=query, batch=CSV_BATCH)
        for n, row in enumerate(rows, start=1):
            writer.writerow(earnings_service.csv_cells(row, currency))
            # the header and the first row go out at once (the download starts now), then in batches
            if n in (1, CSV_FIRST_BATCH) or n % CSV_BATCH == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    finally:
        if own is not None:
            own.close()


@router.get(
    "/doctors/earnings",
    response_model=EarningsPage,
    responses={**_DOCTOR_ONLY, 200: {"content": {"text/csv": {}}, "description": "JSON page, or CSV with format=csv"}},
)
async def earnings(
    request: Request, session: SessionDep, me: DoctorUser, query: Annotated[EarningsQuery, Query()]
) -> EarningsPage | StreamingResponse | Response:
    """Every payment on the caller's visits. Dates are clinic-local and inclusive, on the payment's date
    (paid_at, or created_at while unpaid). The summary covers the whole filtered set and its money figures are the
    doctor's share; `group_by=date` adds per-day buckets, `group_by=status`
    per-status ones; `format=csv` streams every filtered row instead."""
    if query.fmt == "csv":  # the query was validated when bound: a bad range is a 422, never a broken stream
        return StreamingResponse(
            _csv_stream(session, me, query),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="earnings.csv"'},
        )
    build = lambda: earnings_service.earnings_page(session, doctor=me, query=query)  # noqa: E731
    return await etag.doctor_list(request, session, me, name="earnings", query=query, build=build)


@router.get("/doctors/patients", response_model=Page[DoctorPatient], responses={**_DOCTOR_ONLY, **etag.NOT_MODIFIED})
async def patients(
    request: Request, session: SessionDep, me: DoctorUser, query: Annotated[DoctorPatientsQuery, Query()]
) -> Response:
    """Unique patients who visited the caller, with last_visit and total_visits; search matches name or phone;
    newest last visit first."""
    build = lambda: portal_service.patients(session, doctor=me, query=query)  # noqa: E731
    return await etag.doctor_list(request, session, me, name="patients", query=query, build=build)


@router.get(
    "/dashboard/doctor",
    response_model=DoctorDashboard,
    responses={**_DOCTOR_ONLY, 304: {"description": "If-None-Match holds the current ETag"}},
)
async def dashboard(request: Request, session: SessionDep, me: DoctorUser) -> Response:
    """Today (the clinic's local day): visit counts, revenue by payment status (total and the doctor's share),
    today's open visits in queue order, and how many CONFIRMED/CHECKED_IN appointments the next 7 days hold. With
    an `ETag`: send it back in `If-None-Match` and an unchanged dashboard answers 304. With `X-Room-Seq` (the
    doctor room's last seq the client heard), a dashboard this process built at that seq or later is answered from
    memory; otherwise (and without the header) from the database."""
    hit = cached_reads.fast_doctor_dashboard(me, etag.room_seqs(request))
    if hit is not None:
        return etag.answer(request, hit)
    return cast(Response, await in_one_trip(_dashboard, request=request, session=session, me=me))


def _dashboard(request: Request, session: Session, me: Doctor) -> Response:
    return etag.answer(request, cached_reads.doctor_dashboard(session, doctor=me))


@router.get(
    "/dashboard/doctor/appointments",
    response_model=Page[AppointmentOut],
    responses={**_DOCTOR_ONLY, **etag.NOT_MODIFIED},
)
async def appointments(
    request: Request, session: SessionDep, me: DoctorUser, query: Annotated[DoctorAppointmentsQuery, Query()]
) -> Response:
    """The caller's appointments with patient and service, ascending by start time. Dates are clinic-local and
    inclusive; without start_date the list starts at the beginning of the clinic's today; `status` may repeat
    (default CONFIRMED and CHECKED_IN)."""
    build = lambda: portal_service.appointments(session, doctor=me, query=query)  # noqa: E731
    return await etag.doctor_list(request, session, me, name="appointments", query=query, build=build)
