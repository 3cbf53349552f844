"""`ApiClient`: the one HTTP client both desktop apps use.

One `httpx.AsyncClient` per ApiClient (connection reuse); typed methods that return the wire models of
`common.schemas` (no raw dicts reach the apps); a 401 triggers one token refresh, done centrally under a lock
so a burst of concurrent 401s refreshes once, then the request is retried once. Every failure is an `ApiError`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from common.client.errors import ApiError
from common.enums import AppointmentStatus, PaymentMethod, PaymentStatus, Phase, VisitStatus
from common.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    AppointmentOut,
    AppointmentUpdate,
    CancelVisitRequest,
    CheckInRequest,
    ClinicOut,
    CompleteConsultationRequest,
    DoctorDashboard,
    DoctorOut,
    DoctorPatient,
    EarningsPage,
    HistoryVisit,
    LoginRequest,
    Page,
    PatientCreate,
    PatientOut,
    PatientUpdate,
    PaymentCreate,
    PaymentDetail,
    PaymentPay,
    PhaseMoveRequest,
    QueueBoard,
    ReceptionDashboard,
    RefreshRequest,
    ScheduleOut,
    ServiceOut,
    TokenPair,
    UserOut,
    VisitDetail,
    VisitOut,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Params = dict[str, Any]

DEFAULT_TIMEOUT = 15.0


def normalize_url(url: str) -> str:
    """What a person types ("localhost:8000/") → what httpx wants ("http://localhost:8000")."""
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


@dataclass(frozen=True)
class EarningsFilters:
    """Filters of the doctor's earnings list; dates are clinic-local days, both ends inclusive."""

    start_date: date | None = None
    end_date: date | None = None
    status: PaymentStatus | None = None
    payment_method: PaymentMethod | None = None

    def params(self) -> Params:
        return _params(
            start_date=self.start_date,
            end_date=self.end_date,
            status=self.status,
            payment_method=self.payment_method,
        )


def _param_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_param_value(v) for v in value]
    return value


def _params(**kw: Any) -> Params:
    """Query parameters without the ones left unset."""
    return {k: _param_value(v) for k, v in kw.items() if v is not None and v != ""}


def _body(model: type[M], data: M | Mapping[str, Any], *, exclude_unset: bool = False) -> dict[str, Any]:
    """Validate a request body locally, so a bad form gives the same kind of error as a server 422."""
    try:
        obj = data if isinstance(data, model) else model.model_validate(dict(data))
    except ValidationError as exc:
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ApiError.from_response(422, {"detail": problems, "code": "invalid"}) from exc
    return obj.model_dump(mode="json", exclude_unset=exclude_unset)


class ApiClient:
    """Typed access to the clinic server. Create one per app; call `aclose()` on exit."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=normalize_url(base_url),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user: UserOut | None = None
        self.refresh_count = 0  # how many token refreshes happened (tests and diagnostics)
        self._refresh_lock = asyncio.Lock()
        self._session_expired_listeners: list[Callable[[], None]] = []
        self._token_listeners: list[Callable[[str | None], None]] = []

    # --- configuration and session ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._http.base_url = normalize_url(url)

    @property
    def is_logged_in(self) -> bool:
        return self.access_token is not None

    def on_session_expired(self, callback: Callable[[], None]) -> None:
        """Called when a refresh is refused: the app should ask the user to log in again."""
        self._session_expired_listeners.append(callback)

    def on_token_changed(self, callback: Callable[[str | None], None]) -> None:
        """Called with the new access token after login/refresh, and with None after logout."""
        self._token_listeners.append(callback)

    def _set_tokens(self, pair: TokenPair | None) -> None:
        self.access_token = pair.access_token if pair else None
        self.refresh_token = pair.refresh_token if pair else None
        if pair is not None:
            self.user = pair.user
        for callback in list(self._token_listeners):
            try:
                callback(self.access_token)
            except Exception:  # a broken listener must not break the session
                log.exception("token listener failed")

    async def login(self, username: str, password: str) -> TokenPair:
        body = _body(LoginRequest, {"username": username, "password": password})
        pair = await self._call(TokenPair, "POST", "/auth/login", json=body, authed=False)
        self._set_tokens(pair)
        return pair

    async def refresh(self) -> TokenPair:
        """Swap the refresh token for a new pair. A refused refresh ends the session (ApiError 401)."""
        if not self.refresh_token:
            raise ApiError(401, "You are not logged in", code="not_logged_in")
        body = _body(RefreshRequest, {"refresh_token": self.refresh_token})
        try:
            pair = await self._call(TokenPair, "POST", "/auth/refresh", json=body, authed=False)
        except ApiError as exc:
            if exc.status == 401:
                self._expire_session()
                raise ApiError(401, "Your session has expired; please log in again", code="session_expired") from exc
            raise
        self.refresh_count += 1
        self._set_tokens(pair)
        return pair

    def _expire_session(self) -> None:
        self._set_tokens(None)
        for callback in list(self._session_expired_listeners):
            try:
                callback()
            except Exception:
                log.exception("session-expired listener failed")

    async def logout(self) -> None:
        """Forget the tokens (the server keeps no session to end)."""
        self._set_tokens(None)
        self.user = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- transport --------------------------------------------------------------------------------------------

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Params | None,
        json: Any,
        token: str | None,
        stream: bool,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            request = self._http.build_request(method, path, params=params, json=json, headers=headers)
            return await self._http.send(request, stream=stream)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ApiError(0, f"The server address “{self.base_url}” is not valid", code="bad_url") from exc
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise self._unreachable() from exc
            raise ApiError(0, f"The server at {self.base_url} did not answer in time", code="timeout") from exc
        except httpx.TransportError as exc:
            raise self._unreachable() from exc

    def _unreachable(self) -> ApiError:
        return ApiError(0, f"Cannot reach the server at {self.base_url}", code="unreachable")

    async def _refresh_after_401(self, used_token: str | None) -> None:
        async with self._refresh_lock:
            # Another request refreshed while this one waited for the lock: just use the new token.
            if self.access_token is not None and self.access_token != used_token:
                return
            await self.refresh()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        authed: bool = True,
        stream: bool = False,
    ) -> httpx.Response:
        """Send a request; on 401 refresh once and retry once; any error status → ApiError."""
        if authed and self.access_token is None and self.refresh_token is None:
            raise ApiError(401, "You are not logged in", code="not_logged_in")
        token = self.access_token if authed else None
        response = await self._send_once(method, path, params=params, json=json, token=token, stream=stream)
        if response.status_code == 401 and authed and self.refresh_token:
            await response.aclose()
            await self._refresh_after_401(token)
            response = await self._send_once(
                method, path, params=params, json=json, token=self.access_token, stream=stream
            )
        if response.status_code >= 400:
            if stream:
                await response.aread()
                await response.aclose()
            try:
                body = response.json()
            except ValueError:
                body = None
            raise ApiError.from_response(response.status_code, body)
        return response

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        response = await self._send(method, path, **kw)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(response.status_code, "The server sent an answer that could not be read") from exc

    async def _call(self, model: type[M], method: str, path: str, **kw: Any) -> M:
        return _parse(model, await self._json(method, path, **kw))

    async def _page(self, model: type[M], path: str, params: Params) -> Page[M]:
        data = await self._json("GET", path, params=params)
        if isinstance(data, list):  # a route that is not paginated: present it as one page
            data = {"items": data, "page": 1, "per_page": len(data), "total": len(data)}
        return _parse(Page[model], data)  # type: ignore[valid-type]

    async def _list(self, model: type[M], path: str, params: Params | None = None) -> list[M]:
        data = await self._json("GET", path, params=params)
        if isinstance(data, dict) and "items" in data:  # a paginated route: take its items
            data = data["items"]
        if not isinstance(data, list):
            raise ApiError(200, "The server sent an unexpected answer", code="bad_response")
        return [_parse(model, item) for item in data]

    # --- auth, doctors, services ------------------------------------------------------------------------------

    async def me(self) -> UserOut:
        user = await self._call(UserOut, "GET", "/auth/me")
        self.user = user
        return user

    async def get_clinic(self, clinic_id: int) -> ClinicOut:
        """A clinic's details (name, timezone, overdue threshold); staff may read their own clinic."""
        return await self._call(ClinicOut, "GET", f"/clinics/{clinic_id}")

    async def list_doctors(self, *, clinic_id: int | None = None, include_inactive: bool = False) -> list[DoctorOut]:
        params = _params(clinic_id=clinic_id, include_inactive=include_inactive or None)
        return await self._list(DoctorOut, "/doctors", params)

    async def get_doctor(self, doctor_id: int) -> DoctorOut:
        return await self._call(DoctorOut, "GET", f"/doctors/{doctor_id}")

    async def my_doctor(self) -> DoctorOut:
        """The caller's own Doctor profile (DOCTOR users only)."""
        return await self._call(DoctorOut, "GET", "/doctors/me")

    async def doctor_schedule(self, doctor_id: int) -> ScheduleOut:
        return await self._call(ScheduleOut, "GET", f"/doctors/{doctor_id}/schedule")

    async def list_services(self, *, clinic_id: int | None = None, include_inactive: bool = False) -> list[ServiceOut]:
        params = _params(clinic_id=clinic_id, include_inactive=include_inactive or None)
        return await self._list(ServiceOut, "/services", params)

    # --- patients ---------------------------------------------------------------------------------------------

    async def list_patients(
        self, *, search: str | None = None, page: int = 1, per_page: int = 50, clinic_id: int | None = None
    ) -> Page[PatientOut]:
        params = _params(search=search, page=page, per_page=per_page, clinic_id=clinic_id)
        return await self._page(PatientOut, "/patients", params)

    async def get_patient(self, patient_id: int) -> PatientOut:
        return await self._call(PatientOut, "GET", f"/patients/{patient_id}")

    async def create_patient(self, data: PatientCreate | Mapping[str, Any]) -> PatientOut:
        return await self._call(PatientOut, "POST", "/patients", json=_body(PatientCreate, data))

    async def update_patient(self, patient_id: int, data: PatientUpdate | Mapping[str, Any]) -> PatientOut:
        body = _body(PatientUpdate, data, exclude_unset=True)
        return await self._call(PatientOut, "PATCH", f"/patients/{patient_id}", json=body)

    async def history(
        self, patient_id: int, doctor_id: int, *, page: int = 1, per_page: int = 20
    ) -> Page[HistoryVisit]:
        """Visits of one patient with one doctor, newest first."""
        params = _params(page=page, per_page=per_page)
        return await self._page(HistoryVisit, f"/patients/{patient_id}/history/{doctor_id}", params)

    # --- appointments -----------------------------------------------------------------------------------------

    async def list_appointments(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        doctor_id: int | None = None,
        patient_id: int | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
        clinic_id: int | None = None,
        page: int = 1,
        per_page: int = 200,
    ) -> Page[AppointmentOut]:
        """Dates are clinic-local days, inclusive; `status` may be several."""
        params = _params(
            start_date=start_date,
            end_date=end_date,
            doctor_id=doctor_id,
            patient_id=patient_id,
            status=status,
            clinic_id=clinic_id,
            page=page,
            per_page=per_page,
        )
        return await self._page(AppointmentOut, "/appointments", params)

    async def create_appointment(self, data: AppointmentCreate | Mapping[str, Any]) -> AppointmentOut:
        return await self._call(AppointmentOut, "POST", "/appointments", json=_body(AppointmentCreate, data))

    async def update_appointment(
        self, appointment_id: int, data: AppointmentUpdate | Mapping[str, Any]
    ) -> AppointmentOut:
        body = _body(AppointmentUpdate, data, exclude_unset=True)
        return await self._call(AppointmentOut, "PATCH", f"/appointments/{appointment_id}", json=body)

    async def cancel_appointment(self, appointment_id: int, *, reason: str = "") -> AppointmentOut:
        body = _body(AppointmentCancel, {"reason": reason})
        return await self._call(AppointmentOut, "POST", f"/appointments/{appointment_id}/cancel", json=body)

    # --- queue and visits -------------------------------------------------------------------------------------

    async def queue_board(
        self, *, day: date | None = None, doctor_id: int | None = None, clinic_id: int | None = None
    ) -> QueueBoard:
        """The reception board for a clinic-local day (default: the clinic's today). `clinic_id`: admins only."""
        params = _params(date=day, doctor_id=doctor_id, clinic_id=clinic_id)
        return await self._call(QueueBoard, "GET", "/queue", params=params)

    async def checkin(
        self,
        *,
        appointment_id: int | None = None,
        patient_id: int | None = None,
        doctor_id: int | None = None,
        service_id: int | None = None,
        notes: str = "",
    ) -> VisitOut:
        """Check in an appointment (`appointment_id`) or a walk-in (`patient_id`, `doctor_id`, `service_id`)."""
        body = _body(
            CheckInRequest,
            {
                "appointment_id": appointment_id,
                "patient_id": patient_id,
                "doctor_id": doctor_id,
                "service_id": service_id,
                "notes": notes,
            },
        )
        return await self._call(VisitOut, "POST", "/queue/checkin", json=body)

    async def move(self, visit_id: int, phase: Phase, *, expected_version: int | None = None) -> VisitOut:
        """Move a visit to a board phase; with `expected_version` a stale copy gets ApiError 409."""
        body = _body(PhaseMoveRequest, {"visit_id": visit_id, "phase": phase, "expected_version": expected_version})
        return await self._call(VisitOut, "POST", "/queue/phase/move", json=body)

    async def set_visit_status(
        self, visit_id: int, status: VisitStatus, *, expected_version: int | None = None
    ) -> VisitOut:
        """The same move by exact status (e.g. CALLED), which the route accepts as `new_status`."""
        body = _body(
            PhaseMoveRequest, {"visit_id": visit_id, "new_status": status, "expected_version": expected_version}
        )
        return await self._call(VisitOut, "POST", "/queue/phase/move", json=body)

    async def cancel_visit(self, visit_id: int, *, cancel_appointment: bool = False) -> VisitOut:
        body = _body(CancelVisitRequest, {"visit_id": visit_id, "cancel_appointment": cancel_appointment})
        return await self._call(VisitOut, "POST", "/queue/cancel", json=body)

    async def complete_consultation(
        self, visit_id: int, *, notes: str | None = None, prescription: str | None = None
    ) -> VisitOut:
        body = _body(CompleteConsultationRequest, {"visit_id": visit_id, "notes": notes, "prescription": prescription})
        return await self._call(VisitOut, "POST", "/queue/complete-consultation", json=body)

    async def visit(self, visit_id: int) -> VisitDetail:
        return await self._call(VisitDetail, "GET", f"/visits/{visit_id}")

    # --- payments ---------------------------------------------------------------------------------------------

    async def list_payments(
        self,
        *,
        day: date | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        visit_id: int | None = None,
        status: PaymentStatus | None = None,
        method: PaymentMethod | None = None,
        doctor_id: int | None = None,
        clinic_id: int | None = None,
        page: int = 1,
        per_page: int = 200,
    ) -> Page[PaymentDetail]:
        """`day` is one clinic-local day (payments created that day); or a `start_date`..`end_date` range."""
        params = _params(
            clinic_id=clinic_id,
            date=day,
            start_date=start_date,
            end_date=end_date,
            visit_id=visit_id,
            status=status,
            method=method,
            doctor_id=doctor_id,
            page=page,
            per_page=per_page,
        )
        return await self._page(PaymentDetail, "/payments", params)

    async def create_payment(
        self,
        visit_id: int,
        *,
        amount: Any = None,
        method: PaymentMethod = PaymentMethod.CASH,
        status: PaymentStatus = PaymentStatus.PENDING,
    ) -> PaymentDetail:
        """`amount` None → the service price; `status` PAID takes the money at once."""
        body = _body(PaymentCreate, {"visit_id": visit_id, "amount": amount, "method": method, "status": status})
        return await self._call(PaymentDetail, "POST", "/payments", json=body)

    async def get_payment(self, payment_id: int) -> PaymentDetail:
        return await self._call(PaymentDetail, "GET", f"/payments/{payment_id}")

    async def pay(self, payment_id: int, *, method: PaymentMethod | None = None) -> PaymentDetail:
        """PENDING → PAID (optionally changing the method)."""
        body = _body(PaymentPay, {"method": method})
        return await self._call(PaymentDetail, "POST", f"/payments/{payment_id}/pay", json=body)

    async def refund(self, payment_id: int) -> PaymentDetail:
        """PAID → REFUNDED; anything else is ApiError 409."""
        return await self._call(PaymentDetail, "POST", f"/payments/{payment_id}/refund")

    # --- dashboards -------------------------------------------------------------------------------------------

    async def reception_dashboard(self) -> ReceptionDashboard:
        return await self._call(ReceptionDashboard, "GET", "/dashboard/reception")

    async def doctor_dashboard(self) -> DoctorDashboard:
        return await self._call(DoctorDashboard, "GET", "/dashboard/doctor")

    async def doctor_appointments(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
    ) -> list[AppointmentOut]:
        """All the caller's (a doctor's) appointments in the range, ascending, every page fetched; the defaults
        are the server's (from now on; CONFIRMED and CHECKED_IN)."""
        items: list[AppointmentOut] = []
        page = 1
        while True:
            chunk = await self.doctor_appointments_page(
                start_date=start_date, end_date=end_date, status=status, page=page, per_page=500
            )
            items.extend(chunk.items)
            if not chunk.items or len(items) >= chunk.total:
                return items
            page += 1

    async def doctor_appointments_page(
        self,
        *,
        start_date: date | None = None,
        end_date: date | None = None,
        status: AppointmentStatus | Sequence[AppointmentStatus] | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> Page[AppointmentOut]:
        params = _params(start_date=start_date, end_date=end_date, status=status, page=page, per_page=per_page)
        return await self._page(AppointmentOut, "/dashboard/doctor/appointments", params)

    # --- doctor portal ----------------------------------------------------------------------------------------

    async def earnings(
        self,
        filters: EarningsFilters | None = None,
        *,
        page: int = 1,
        per_page: int = 200,
        group_by: str | None = None,
    ) -> EarningsPage:
        params = {**(filters or EarningsFilters()).params(), **_params(page=page, per_page=per_page, group_by=group_by)}
        return await self._call(EarningsPage, "GET", "/doctors/earnings", params=params)

    async def earnings_csv(self, filters: EarningsFilters | None = None) -> bytes:
        """The filtered earnings as CSV, in memory (use `earnings_csv_to` for big exports)."""
        params = {**(filters or EarningsFilters()).params(), "format": "csv"}
        response = await self._send("GET", "/doctors/earnings", params=params)
        return response.content

    async def earnings_csv_to(self, path: str | Path, filters: EarningsFilters | None = None) -> int:
        """Stream the filtered earnings CSV into a file; returns the number of bytes written."""
        params = {**(filters or EarningsFilters()).params(), "format": "csv"}
        response = await self._send("GET", "/doctors/earnings", params=params, stream=True)
        written = 0
        target = Path(path)
        try:
            # Plain writes: each chunk is small and local disk is fast next to the network.
            with target.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise self._unreachable() from exc
        finally:
            await response.aclose()
        return written

    async def doctor_patients(
        self, *, search: str | None = None, page: int = 1, per_page: int = 50
    ) -> Page[DoctorPatient]:
        params = _params(search=search, page=page, per_page=per_page)
        return await self._page(DoctorPatient, "/doctors/patients", params)


def _parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        log.error("unexpected %s from the server: %s", model.__name__, exc)
        raise ApiError(200, "The server sent an unexpected answer", code="bad_response") from exc
