"""Appointments: list (date range, doctor, patient, status), book, update, cancel."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from common.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    AppointmentOut,
    AppointmentsQuery,
    AppointmentUpdate,
    Page,
    TimelineEntry,
)
from server.api import etag
from server.api.deps import Id, ReceptionUser, SessionDep, StaffUser
from server.api.responses import refusals
from server.services import appointments as appointment_service
from server.services import no_shows as no_show_service
from server.services import timeline as timeline_service

router = APIRouter(prefix="/appointments", tags=["appointments"])


@router.get("", response_model=Page[AppointmentOut], responses=etag.NOT_MODIFIED)
async def list_appointments(
    request: Request, session: SessionDep, me: StaffUser, query: Annotated[AppointmentsQuery, Query()]
) -> Page[AppointmentOut] | Response:
    """With an `ETag` (kept per the desk room's seq, which every appointment change moves)."""
    return await etag.desk_list(
        request,
        session,
        me,
        name="appointments",
        clinic_id=query.clinic_id,
        query=query,
        read=lambda: appointment_service.list_appointments(session, actor=me, query=query),
    )


@router.post("", response_model=AppointmentOut, status_code=201)
def create_appointment(body: AppointmentCreate, session: SessionDep, me: StaffUser) -> AppointmentOut:
    """The desk and admins for any doctor; a doctor a follow-up with one of their patients, for themselves."""
    return appointment_service.create_appointment(session, actor=me, data=body)


@router.get("/{appointment_id}", response_model=AppointmentOut)
def get_appointment(appointment_id: Id, session: SessionDep, me: StaffUser) -> AppointmentOut:
    return appointment_service.get_appointment(session, actor=me, appointment_id=appointment_id)


@router.get(
    "/{appointment_id}/timeline",
    response_model=list[TimelineEntry],
    responses=refusals({403: "another doctor's appointment", 404: "unknown, or another clinic"}),
)
def appointment_timeline(appointment_id: Id, session: SessionDep, me: StaffUser) -> list[TimelineEntry]:
    """Booked, rescheduled, notes edited and every status change of the appointment (kind `appointment`), oldest
    first, each with who and when (nobody: the server's no-show task); the same readers as the appointment."""
    return timeline_service.appointment_timeline(session, actor=me, appointment_id=appointment_id)


@router.patch("/{appointment_id}", response_model=AppointmentOut)
def update_appointment(
    appointment_id: Id, body: AppointmentUpdate, session: SessionDep, me: ReceptionUser
) -> AppointmentOut:
    return appointment_service.update_appointment(session, actor=me, appointment_id=appointment_id, data=body)


@router.post("/{appointment_id}/cancel", response_model=AppointmentOut)
def cancel_appointment(
    appointment_id: Id, session: SessionDep, me: StaffUser, body: AppointmentCancel | None = None
) -> AppointmentOut:
    """The desk, admins, or the appointment's own doctor; the reason is stored as `cancel_reason`."""
    reason = body.reason if body is not None else ""
    return appointment_service.cancel_appointment(session, actor=me, appointment_id=appointment_id, reason=reason)


@router.post("/{appointment_id}/no-show", response_model=AppointmentOut)
def mark_no_show(appointment_id: Id, session: SessionDep, me: ReceptionUser) -> AppointmentOut:
    """A CONFIRMED appointment that was not checked in becomes NO_SHOW (409 otherwise)."""
    return no_show_service.mark_no_show(session, actor=me, appointment_id=appointment_id)
