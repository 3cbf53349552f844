"""A patient's visits with one doctor, for the doctor portal (and the front desk)."""

from typing import Annotated, cast

from fastapi import APIRouter, Query, Request, Response

from common.enums import Role
from common.schemas import HistoryQuery, HistoryVisit, Page
from server.api import etag
from server.api.deps import Id, SessionDep, StaffUser
from server.api.one_trip import in_one_trip
from server.api.responses import refusals
from server.services import history as history_service

router = APIRouter(tags=["history"])


@router.get(
    "/patients/{patient_id}/history/{doctor_id}",
    response_model=Page[HistoryVisit],
    responses=refusals({403: "a doctor asking for another doctor's id", 404: "no patient (or another clinic's)"}),
)
async def patient_history(
    request: Request,
    patient_id: Id,
    doctor_id: Id,
    session: SessionDep,
    me: StaffUser,
    query: Annotated[HistoryQuery, Query()],
) -> Page[HistoryVisit] | Response:
    """Newest first, each visit with its service, payment status and PAID amounts, prescription, notes and the
    appointment it came from. A doctor may ask only for their own `doctor_id`; staff only in their clinic."""

    def build() -> Page[HistoryVisit]:
        return history_service.history_page(session, actor=me, patient_id=patient_id, doctor_id=doctor_id, query=query)

    own = me.doctor if me.role == Role.DOCTOR else None
    if own is not None and own.id == doctor_id:  # the doctor's own history with a patient: kept per their room
        return await etag.doctor_list(request, session, own, name=f"history/{patient_id}", query=query, build=build)
    arguments = {"actor": me, "patient_id": patient_id, "doctor_id": doctor_id, "query": query}
    return cast(Page[HistoryVisit], await in_one_trip(history_service.history_page, session=session, **arguments))
