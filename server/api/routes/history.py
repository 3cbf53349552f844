"""A patient's visits with one doctor, for the doctor portal (and the front desk)."""

from typing import Annotated

from fastapi import APIRouter, Query

from common.schemas import HistoryQuery, HistoryVisit, Page
from server.api.deps import Id, SessionDep, StaffUser
from server.api.responses import refusals
from server.services import history as history_service

router = APIRouter(tags=["history"])


@router.get(
    "/patients/{patient_id}/history/{doctor_id}",
    response_model=Page[HistoryVisit],
    responses=refusals({403: "a doctor asking for another doctor's id", 404: "no patient (or another clinic's)"}),
)
def patient_history(
    patient_id: Id,
    doctor_id: Id,
    session: SessionDep,
    me: StaffUser,
    query: Annotated[HistoryQuery, Query()],
) -> Page[HistoryVisit]:
    """Newest first, each visit with its service, payment status and PAID amounts, prescription, notes and the
    appointment it came from. A doctor may ask only for their own `doctor_id`; staff only in their clinic."""
    return history_service.history_page(session, actor=me, patient_id=patient_id, doctor_id=doctor_id, query=query)
