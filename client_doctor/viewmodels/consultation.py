"""One consultation: the patient, their history with this doctor, drafts, and completing it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from client_doctor.drafts import Draft, DraftStore
from client_doctor.viewmodels.base import ViewModel
from common.client.api import ApiClient, ApiError
from common.enums import VisitStatus
from common.schemas import DoctorOut, HistoryVisit, VisitDetail, VisitOut

HISTORY_PAGE = 50


@dataclass(frozen=True)
class ConsultationData:
    visit: VisitDetail
    history: list[HistoryVisit]  # previous visits with THIS doctor, newest first, the current one excluded
    history_total: int


class ConsultationViewModel(ViewModel):
    loaded = Signal(object)  # ConsultationData
    completed = Signal(object)  # VisitOut
    refused = Signal(str)  # the server said no (already completed, not yours...): a clear message

    def __init__(self, api: ApiClient, doctor: DoctorOut, drafts: DraftStore, parent: QObject | None = None):
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.drafts = drafts
        self.visit_id: int | None = None
        self.data: ConsultationData | None = None
        self.completing = False

    def open(self, visit_id: int) -> None:
        self.visit_id = visit_id
        self.data = None
        self.spawn(self.load())

    async def load(self) -> ConsultationData | None:
        visit_id = self.visit_id
        if visit_id is None:
            return None
        self.busy_changed.emit(True)
        try:
            visit = await self.api.visit(visit_id)
            page = await self.api.history(visit.patient_id, self.doctor.id, page=1, per_page=HISTORY_PAGE)
        finally:
            self.busy_changed.emit(False)
        if visit_id != self.visit_id:  # the doctor moved on while this was loading
            return None
        history = [h for h in page.items if h.id != visit.id]
        self.data = ConsultationData(visit=visit, history=history, history_total=max(page.total - 1, len(history)))
        self.loaded.emit(self.data)
        return self.data

    async def _reload_quietly(self) -> ConsultationData | None:
        try:
            return await self.load()
        except ApiError:
            return None

    @property
    def can_complete(self) -> bool:
        return self.data is not None and self.data.visit.status == VisitStatus.IN_PROGRESS and not self.completing

    # --- drafts ---------------------------------------------------------------------------------------------

    def draft(self) -> Draft | None:
        return self.drafts.load(self.visit_id) if self.visit_id is not None else None

    def save_draft(self, notes: str, prescription: str) -> None:
        if self.visit_id is None or (self.data is not None and self.data.visit.status != VisitStatus.IN_PROGRESS):
            return
        self.drafts.save(self.visit_id, Draft(notes=notes, prescription=prescription))

    # --- completing -----------------------------------------------------------------------------------------

    def complete(self, notes: str, prescription: str) -> None:
        self.spawn(self.complete_now(notes, prescription))

    async def complete_now(self, notes: str, prescription: str) -> VisitOut | None:
        if self.visit_id is None or self.completing:
            return None
        visit_id = self.visit_id
        self.save_draft(notes, prescription)  # whatever happens next, the text is not lost
        self.completing = True
        self.busy_changed.emit(True)
        try:
            visit = await self.api.complete_consultation(visit_id, notes=notes, prescription=prescription)
        except ApiError as exc:
            if exc.status in (403, 404, 409):
                data = await self._reload_quietly()  # show what the server has now
                self.refused.emit(_refusal_message(exc, data))
                return None
            raise
        finally:
            self.completing = False
            self.busy_changed.emit(False)
        self.drafts.clear(visit_id)
        if self.visit_id == visit_id:  # done: nothing on screen may write a draft for it any more
            self.visit_id = None
            self.data = None
        self.completed.emit(visit)
        return visit


def _refusal_message(exc: ApiError, data: ConsultationData | None) -> str:
    kept = " What you typed is kept as a draft on this computer."
    status = data.visit.status if data is not None else None
    if exc.status == 409 and status == VisitStatus.COMPLETED:
        return "This consultation was already completed elsewhere; the notes saved there are shown." + kept
    if exc.status == 409 and status is not None:
        return f"This consultation cannot be completed now: the visit is {status.value.replace('_', ' ').lower()}."
    if exc.status == 409:
        return f"This consultation cannot be completed: {exc.message}"
    if exc.status == 403:
        return f"You cannot complete this consultation: {exc.message}"
    return f"This visit no longer exists: {exc.message}"
