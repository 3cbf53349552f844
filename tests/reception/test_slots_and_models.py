"""Pure rules and models of the reception app, without a server: free start times, the board model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from client_reception.slots import busy_intervals, free_start_times
from client_reception.viewmodels.board import BoardModel, BoardViewModel, PhaseFilter, card_at
from client_reception.views.board import elapsed_text, is_overdue
from common.client import ApiError
from common.enums import AppointmentStatus, Phase, VisitStatus
from common.schemas import AppointmentOut, QueueBoard, QueueEntry, ScheduleSlot
from tests.support.qt import arun

DAY = date(2030, 3, 6)  # a Wednesday
WED = DAY.weekday()


def slots(*hours: int, day: int = WED) -> list[ScheduleSlot]:
    return [ScheduleSlot(day_of_week=day, hour=h) for h in hours]


def at(hour: int, minute: int = 0, tz: str = "UTC") -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ZoneInfo(tz))


def times(result: list[datetime]) -> list[str]:
    return [f"{t:%H:%M}" for t in result]


EARLY = datetime(2030, 1, 1, tzinfo=UTC)


def test_free_times_fit_inside_available_hours():
    got = free_start_times(day=DAY, timezone="UTC", slots=slots(9, 10), busy=[], duration_minutes=30, now=EARLY)
    assert times(got) == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30"]


def test_booked_time_is_not_offered_and_other_days_are_ignored():
    busy = [(at(9, 30), at(10, 0))]
    schedule = slots(9, 10) + slots(11, 12, day=(WED + 1) % 7)
    got = free_start_times(day=DAY, timezone="UTC", slots=schedule, busy=busy, duration_minutes=30, now=EARLY)
    assert times(got) == ["09:00", "10:00", "10:15", "10:30"]


def test_a_gap_in_the_schedule_splits_the_offer():
    got = free_start_times(day=DAY, timezone="UTC", slots=slots(9, 11), busy=[], duration_minutes=45, now=EARLY)
    assert times(got) == ["09:00", "09:15", "11:00", "11:15"]


def test_past_times_are_not_offered():
    now = at(9, 20)
    got = free_start_times(day=DAY, timezone="UTC", slots=slots(9, 10), busy=[], duration_minutes=15, now=now)
    assert times(got)[0] == "09:30"


def test_schedule_hours_are_clinic_local():
    tz = "America/New_York"  # UTC-5 in March before DST
    got = free_start_times(day=DAY, timezone=tz, slots=slots(9), busy=[], duration_minutes=60, now=EARLY)
    assert got == [at(9, 0, tz)]
    assert got[0].astimezone(UTC).hour == 14
    busy = [(at(14, 0), at(14, 30))]  # in UTC: 09:00-09:30 New York
    assert free_start_times(day=DAY, timezone=tz, slots=slots(9), busy=busy, duration_minutes=60, now=EARLY) == []


def _appointment(i: int, doctor_id: int, status: AppointmentStatus, start: datetime) -> AppointmentOut:
    return AppointmentOut(
        id=i,
        clinic_id=1,
        patient_id=1,
        doctor_id=doctor_id,
        service_id=1,
        start_time=start,
        end_time=start + timedelta(minutes=30),
        status=status,
        notes="",
        created_by=None,
        patient={"id": 1, "full_name": "P", "phone": ""},
        doctor={"id": doctor_id, "full_name": "D"},
        service={"id": 1, "name": "S", "price": "10", "duration_minutes": 30},
    )


def test_busy_intervals_skip_cancelled_other_doctors_and_the_one_being_edited():
    start = at(9)
    appts = [
        _appointment(1, 7, AppointmentStatus.CONFIRMED, start),
        _appointment(2, 7, AppointmentStatus.CANCELLED, start),
        _appointment(3, 8, AppointmentStatus.CONFIRMED, start),
        _appointment(4, 7, AppointmentStatus.NO_SHOW, start),
        _appointment(5, 7, AppointmentStatus.CHECKED_IN, start + timedelta(hours=1)),
    ]
    assert len(busy_intervals(appts, doctor_id=7)) == 2
    assert busy_intervals(appts, doctor_id=7, ignore_id=1) == [
        (start + timedelta(hours=1), start + timedelta(hours=1, minutes=30))
    ]


def _entry(i: int, status: VisitStatus, waited: int) -> QueueEntry:
    now = datetime.now(UTC)
    return QueueEntry(
        id=i,
        clinic_id=1,
        patient_id=i,
        doctor_id=1,
        service_id=1,
        appointment_id=None,
        queue_date=now.date(),
        queue_number=i,
        status=status,
        check_in_time=now - timedelta(minutes=waited),
        start_time=None if status == VisitStatus.WAITING else now,
        end_time=None,
        notes="",
        prescription="",
        version=1,
        patient={"id": i, "full_name": f"Patient {i}", "phone": "1"},
        doctor={"id": 1, "full_name": "Dr"},
        service={"id": 1, "name": "S", "price": Decimal("10"), "duration_minutes": 30},
        wait_minutes=waited,
        is_overdue=waited > 20,
    )


def _board(*entries: tuple[Phase, QueueEntry]) -> QueueBoard:
    return QueueBoard(
        date=date.today(),
        clinic_id=1,
        overdue_wait_minutes=20,
        waiting=[e for p, e in entries if p == Phase.WAITING],
        with_doctor=[e for p, e in entries if p == Phase.WITH_DOCTOR],
        completed=[e for p, e in entries if p == Phase.COMPLETED],
    )


def test_board_model_one_update_per_board_and_phase_columns(qtmodeltester):
    model = BoardModel()
    columns = {phase: PhaseFilter(phase, model) for phase in Phase}
    board = _board(
        (Phase.WAITING, _entry(1, VisitStatus.WAITING, 5)),
        (Phase.WAITING, _entry(2, VisitStatus.CALLED, 25)),
        (Phase.WITH_DOCTOR, _entry(3, VisitStatus.IN_PROGRESS, 10)),
    )
    model.set_board(board)
    qtmodeltester.check(model)
    assert model.updates == 1
    assert [columns[p].rowCount() for p in Phase] == [2, 1, 0]
    assert card_at(columns[Phase.WAITING].index(1, 0)).id == 2
    assert model.card(3).phase == Phase.WITH_DOCTOR
    model.set_board(_board())
    assert model.updates == 2 and [columns[p].rowCount() for p in Phase] == [0, 0, 0]


def test_overdue_is_counted_locally_and_only_while_waiting():
    now = datetime.now(UTC)
    fresh = _entry(1, VisitStatus.WAITING, 19)
    assert not is_overdue(fresh, Phase.WAITING, 20, now)
    assert is_overdue(fresh, Phase.WAITING, 20, now + timedelta(minutes=2))  # turns red without a refetch
    assert not is_overdue(_entry(2, VisitStatus.IN_PROGRESS, 40), Phase.WITH_DOCTOR, 20, now)
    assert elapsed_text(65) == "1:05" and elapsed_text(3725) == "1:02:05" and elapsed_text(-3) == "0:00"


class _FlakyApi:
    """Answers like a server still starting: refused, then a 503, then the board."""

    def __init__(self, board: QueueBoard) -> None:
        self.board = board
        self.calls = 0

    async def queue_board(self, **_: object) -> QueueBoard:
        self.calls += 1
        if self.calls == 1:
            raise ApiError(0, "Cannot reach the server")
        if self.calls == 2:
            raise ApiError(503, "The server is unavailable")
        return self.board


def test_board_refetch_after_reconnect_retries_until_the_server_answers(qloop):
    api = _FlakyApi(_board((Phase.WAITING, _entry(1, VisitStatus.WAITING, 1))))
    vm = BoardViewModel(api)  # type: ignore[arg-type]  # a fake ApiClient
    board = arun(qloop, vm.fetch_until_ok(delays=(0.01, 0.01, 0.01)))
    assert board is not None and api.calls == 3 and vm.model.rowCount() == 1
    vm.close()


def test_board_refetch_does_not_retry_a_refusal(qloop):
    class Forbidden(_FlakyApi):
        async def queue_board(self, **_: object) -> QueueBoard:
            self.calls += 1
            raise ApiError(403, "You are not allowed to do this")

    api = Forbidden(_board())
    vm = BoardViewModel(api)  # type: ignore[arg-type]  # a fake ApiClient
    try:
        arun(qloop, vm.fetch_until_ok(delays=(0.01,)))
    except ApiError as exc:
        assert exc.status == 403
    assert api.calls == 1
    vm.close()
