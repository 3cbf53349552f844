"""One consultation: the patient, their history with this doctor, the draft, and completing it.

Every call that writes names its visit explicitly (the id the editors were bound to when the doctor typed), never
"whatever is open now": a push, a reload or a click elsewhere can change what is open, never where text goes.
Drafts go to the server (`PUT /visits/{id}/draft` with the visit's version) while the visit is IN_PROGRESS; the
file on this computer is only the fallback while the server cannot be reached, and is sent up as soon as the
visit is opened again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from client_doctor.drafts import Draft, DraftStore
from common.client.api import ApiClient, ApiError
from common.enums import VisitStatus
from common.qt.viewmodel import ViewModel
from common.schemas import (
    DoctorOut,
    HistoryVisit,
    PatientWithDoctorEvent,
    VisitDetail,
    VisitEvent,
    VisitOut,
    VisitStatusChangedEvent,
)

HISTORY_PAGE = 50

SAVED = "server"  # the draft is on the server
LOCAL = "local"  # the server could not be reached: kept on this computer
REFUSED = "refused"  # the server refused it (the visit left IN_PROGRESS, or changed): kept on this computer


@dataclass(frozen=True)
class ConsultationData:
    visit: VisitDetail
    history: list[HistoryVisit]  # previous visits with THIS doctor, newest first, the current one excluded
    history_total: int


class ConsultationViewModel(ViewModel):
    loaded = Signal(object)  # ConsultationData
    completed = Signal(object)  # VisitOut
    refused = Signal(str)  # the server said no (already completed, not yours...): a clear message
    draft_saved = Signal(int, str)  # visit id, SAVED | LOCAL | REFUSED

    def __init__(self, api: ApiClient, doctor: DoctorOut, drafts: DraftStore, parent: QObject | None = None):
        super().__init__(parent)
        self.api = api
        self.doctor = doctor
        self.drafts = drafts
        self.visit_id: int | None = None
        self.data: ConsultationData | None = None
        self.completing = False
        self._unsent: dict[int, Draft] = {}  # the newest text per visit, waiting for the save in flight
        self._in_flight: dict[int, Draft] = {}  # being sent now
        self._sending: set[int] = set()
        self._finished: set[int] = set()  # completed here: a late draft save for them is moot
        self._pushed: dict[int, PatientWithDoctorEvent] = {}  # the last push per visit: shown at once on open

    # --- opening ----------------------------------------------------------------------------------------------

    def remember_push(self, event: PatientWithDoctorEvent) -> None:
        """Keep what reception's push carried (the visit, the patient, the last 10 visits with this doctor), so
        opening that visit shows it at once instead of waiting for two requests."""
        if event.visit.doctor_id == self.doctor.id:
            self._pushed = {event.visit.id: event}  # only the newest push is worth keeping

    def open(self, visit_id: int) -> None:
        self.visit_id = visit_id
        self.data = None
        pushed = self._pushed.pop(visit_id, None)
        if pushed is None:
            self.refresh()
            return
        # Render the push now (the doctor can read and type at once); the whole visit replaces it quietly behind.
        self.data = _from_push(pushed)
        self.loaded.emit(self.data)
        self.spawn(self._load_counted(), quiet=True)

    def leave(self) -> None:
        """Back to Today's Work: nothing is open (saves already queued still go to their own visits)."""
        self.visit_id = None
        self.data = None

    async def load(self) -> ConsultationData | None:
        visit_id = self.visit_id
        if visit_id is None:
            return None
        visit = await self.api.visit(visit_id)
        page = await self.api.history(visit.patient_id, self.doctor.id, page=1, per_page=HISTORY_PAGE)
        if visit_id != self.visit_id:  # the doctor moved on while this was loading
            return None
        history = [h for h in page.items if h.id != visit.id]
        self.data = ConsultationData(visit=visit, history=history, history_total=max(page.total - 1, len(history)))
        self.loaded.emit(self.data)
        return self.data

    def on_visit_changed(self, event: VisitEvent | VisitStatusChangedEvent) -> None:
        """Someone else changed the visit on screen (reception undid the send, an admin completed it)."""
        if event.visit.id == self.visit_id and not self.completing:
            self.refresh()

    def reload_if_open(self, *_: object) -> None:
        """After missed events (a seq gap, a reconnect)."""
        if self.visit_id is not None and not self.completing:
            self.refresh()

    @property
    def can_complete(self) -> bool:
        return self.data is not None and self.data.visit.status == VisitStatus.IN_PROGRESS and not self.completing

    # --- drafts -----------------------------------------------------------------------------------------------

    def local_draft(self, visit_id: int) -> Draft | None:
        """What this computer kept for the visit because the server could not take it."""
        return self.drafts.load(visit_id)

    def draft(self) -> Draft | None:
        return self.local_draft(self.visit_id) if self.visit_id is not None else None

    def save_draft(self, visit_id: int, notes: str, prescription: str) -> None:
        """Send the text typed for `visit_id` to the server (one save in flight per visit; the newest text wins)."""
        if visit_id in self._finished:
            return
        self._unsent[visit_id] = Draft(notes=notes, prescription=prescription)
        if visit_id not in self._sending:
            self._sending.add(visit_id)
            self.spawn(self._send(visit_id), quiet=True)

    def _version_of(self, visit_id: int) -> int | None:
        data = self.data
        if data is not None and data.visit.id == visit_id and data.visit.status == VisitStatus.IN_PROGRESS:
            return data.visit.version
        return None

    async def _send(self, visit_id: int) -> None:
        try:
            while (draft := self._unsent.pop(visit_id, None)) is not None:
                version = self._version_of(visit_id)
                if version is None:  # not loaded (or no longer editable): keep it here, send it when opened
                    self._keep_locally(visit_id, draft, REFUSED if self.data is not None else LOCAL)
                    continue
                self._in_flight[visit_id] = draft
                try:
                    await self.api.save_draft(
                        visit_id, notes=draft.notes, prescription=draft.prescription, version=version
                    )
                except ApiError as exc:
                    if visit_id in self._finished:
                        return
                    if exc.status == 0 or exc.status >= 500:
                        self._keep_locally(visit_id, draft, LOCAL)
                        continue
                    self._keep_locally(visit_id, draft, REFUSED)
                    if visit_id == self.visit_id:
                        await self._reload_quietly()
                        self.refused.emit(_draft_refusal(exc, self.data))
                    continue
                if visit_id not in self._unsent:  # the server has the newest text: the fallback is not needed
                    self.drafts.clear(visit_id)
                self.draft_saved.emit(visit_id, SAVED)
        finally:
            self._in_flight.pop(visit_id, None)
            self._sending.discard(visit_id)

    def resend_kept(self) -> None:
        """Send the open visit's fallback draft up again (after a sign-in, or when the server is back)."""
        visit_id = self.visit_id
        kept = self.local_draft(visit_id) if visit_id is not None else None
        if visit_id is not None and kept is not None:
            self.save_draft(visit_id, kept.notes, kept.prescription)

    def keep_locally(self, visit_id: int, notes: str, prescription: str) -> None:
        """The app is closing: no request can finish now, so the text stays on this computer until reopened."""
        if visit_id not in self._finished:
            self.drafts.save(visit_id, Draft(notes=notes, prescription=prescription))

    def close(self) -> None:
        for visit_id, draft in [*self._in_flight.items(), *self._unsent.items()]:
            if visit_id not in self._finished:
                self.drafts.save(visit_id, draft)  # the server may never get it: keep the fallback
        self._unsent.clear()
        super().close()

    def _keep_locally(self, visit_id: int, draft: Draft, how: str) -> None:
        self.drafts.save(visit_id, draft)
        self.draft_saved.emit(visit_id, how)

    async def _reload_quietly(self) -> ConsultationData | None:
        try:
            return await self.load()
        except ApiError:
            return None

    # --- completing -------------------------------------------------------------------------------------------

    def complete(self, visit_id: int, notes: str, prescription: str) -> None:
        self.spawn(self.complete_now(visit_id, notes, prescription), quiet=True)  # completing shows busy itself

    async def complete_now(self, visit_id: int, notes: str, prescription: str) -> VisitOut | None:
        if self.completing or visit_id != self.visit_id:
            return None
        self.completing = True
        try:
            async with self.working():
                visit = await self.api.complete_consultation(visit_id, notes=notes, prescription=prescription)
        except ApiError as exc:
            if exc.status in (0, 403, 404, 409) or exc.status >= 500:
                self.drafts.save(visit_id, Draft(notes=notes, prescription=prescription))  # never lose the text
            if exc.status in (403, 404, 409):
                data = await self._reload_quietly()  # show what the server has now
                self.refused.emit(_refusal_message(exc, data))
                return None
            raise
        finally:
            self.completing = False
        self._finished.add(visit_id)
        self._unsent.pop(visit_id, None)
        self.drafts.clear(visit_id)
        if self.visit_id == visit_id:  # done: nothing on screen may write a draft for it any more
            self.leave()
        self.completed.emit(visit)
        return visit


def _from_push(event: PatientWithDoctorEvent) -> ConsultationData:
    """What the push already says, in the shape the view shows; the appointment and payments come with the
    refresh that follows (the push has neither: a visit just sent in has no payment yet)."""
    visit = VisitDetail(**event.visit.model_dump(), patient_detail=event.patient, appointment=None, payments=[])
    history = [h for h in event.visit_history if h.id != visit.id]
    return ConsultationData(visit=visit, history=history, history_total=len(history))


def _draft_refusal(exc: ApiError, data: ConsultationData | None) -> str:
    status = data.visit.status if data is not None else None
    kept = " What you typed is kept on this computer."
    if exc.status == 409 and status is not None and status != VisitStatus.IN_PROGRESS:
        return f"The visit is {status.value.replace('_', ' ').lower()} now, so the notes were not saved." + kept
    if exc.status == 409:
        return "This visit was changed elsewhere; it has been reloaded." + kept
    return f"The notes could not be saved: {exc.message}." + kept


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
