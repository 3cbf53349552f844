"""Doctor profiles and their hour-by-hour weekly schedules."""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from common.enums import Role
from common.schemas import DoctorCreate, DoctorOut, DoctorsQuery, DoctorUpdate, ScheduleOut, ScheduleSlot
from server.core import revocations
from server.core.errors import Conflict, InvalidInput, NotFound
from server.models import Doctor, DoctorSchedule, User
from server.services import audience
from server.services import users as user_service
from server.services._updates import commit_or_conflict, sent_fields
from server.services.audience import Audience
from server.services.locking import lock_row
from server.services.money import rate
from server.services.scope import require_clinic, resolve, visible_clinic_id
from server.services.serializers import doctor_out, schedule_out
from server.services.sessions import revoke_user_sessions


def list_doctors(session: Session, *, viewer: User, query: DoctorsQuery) -> list[DoctorOut]:
    """Doctors the viewer may see (a doctor sees no colleague's commission_rate). A `user_id` lookup finds the
    profile whether or not it is active (it answers "does this user have a profile?", and creating a second one
    would be refused)."""
    stmt = select(Doctor).join(Doctor.user).order_by(User.full_name, Doctor.id)
    scope = visible_clinic_id(viewer, query.clinic_id)
    if scope is not None:
        stmt = stmt.where(Doctor.clinic_id == scope)
    if query.user_id is not None:
        stmt = stmt.where(Doctor.user_id == query.user_id)
    elif not query.include_inactive:
        stmt = stmt.where(Doctor.is_active.is_(True))
    return [doctor_out(d, audience.of(viewer, doctor_id=d.id)) for d in session.scalars(stmt).unique()]


def get_doctor(session: Session, *, doctor_id: int, viewer: User) -> DoctorOut:
    doctor = resolve(session, viewer, Doctor, doctor_id, colleagues=True)
    return doctor_out(doctor, audience.of(viewer, doctor_id=doctor.id))


def my_profile(doctor: Doctor) -> DoctorOut:
    """GET /doctors/me: the caller's own profile."""
    return doctor_out(doctor, Audience.DOCTOR)


def _linkable_user(session: Session, *, user_id: int, clinic_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise InvalidInput("user_id", f"user {user_id} does not exist")
    if user.role != Role.DOCTOR:
        raise InvalidInput("user_id", "only a user with role DOCTOR can have a doctor profile")
    if user.clinic_id != clinic_id:
        raise InvalidInput("user_id", "the user belongs to another clinic than the doctor profile")
    if session.scalar(select(Doctor.id).where(Doctor.user_id == user_id)) is not None:
        raise Conflict("this user already has a doctor profile", field="user_id")
    return user


def create_doctor(session: Session, *, data: DoctorCreate) -> DoctorOut:
    """Every check runs before anything is added, so a refused request writes nothing."""
    require_clinic(session, data.clinic_id)
    if data.user is not None:
        user = user_service.new_user(
            session,
            username=data.user.username,
            password=data.user.password,
            full_name=data.user.full_name,
            role=Role.DOCTOR,
            clinic_id=data.clinic_id,
        )
    else:
        assert data.user_id is not None  # DoctorCreate guarantees exactly one of the two
        user = _linkable_user(session, user_id=data.user_id, clinic_id=data.clinic_id)
    doctor = Doctor(
        user=user,
        clinic_id=data.clinic_id,
        specialty=data.specialty,
        phone=data.phone,
        commission_rate=rate(data.commission_rate),
        is_active=True,
    )
    session.add(doctor)
    commit_or_conflict(session, "the username or the user's doctor profile already exists")
    return doctor_out(doctor, Audience.ADMIN)


def update_doctor(session: Session, *, doctor_id: int, data: DoctorUpdate) -> DoctorOut:
    doctor = session.get(Doctor, doctor_id)
    if doctor is None:
        raise NotFound("doctor not found")
    changes = sent_fields(data)
    if "full_name" in changes:  # the name lives on the user, DoctorOut reads it from there
        doctor.user.full_name = changes.pop("full_name")
    if "commission_rate" in changes:
        changes["commission_rate"] = rate(changes["commission_rate"])
    retired = changes.get("is_active") is False and doctor.is_active
    for field, value in changes.items():
        setattr(doctor, field, value)
    if retired:  # the doctor's sessions end: sockets disconnected, tokens refused
        revoke_user_sessions(session, doctor.user)
    commit_or_conflict(session, "doctor could not be updated")
    if retired:
        revocations.announce(doctor.user_id)
    return doctor_out(doctor, Audience.ADMIN)


def deactivate_doctor(session: Session, *, doctor_id: int) -> DoctorOut:
    """DELETE keeps the profile (visits and payments refer to it); it stops being offered for bookings."""
    return update_doctor(session, doctor_id=doctor_id, data=DoctorUpdate(is_active=False))


def get_schedule(session: Session, *, doctor_id: int, viewer: User) -> ScheduleOut:
    resolve(session, viewer, Doctor, doctor_id, colleagues=True)
    stmt = (
        select(DoctorSchedule)
        .where(DoctorSchedule.doctor_id == doctor_id)
        .order_by(DoctorSchedule.day_of_week, DoctorSchedule.hour)
    )
    return schedule_out(doctor_id, list(session.scalars(stmt)))


def replace_schedule(session: Session, *, doctor_id: int, slots: list[ScheduleSlot]) -> ScheduleOut:
    """Replace the doctor's whole week with `slots`; a (day, hour) given twice is a 422 and nothing changes."""
    seen: set[tuple[int, int]] = set()
    for slot in slots:
        key = (slot.day_of_week, slot.hour)
        if key in seen:
            raise InvalidInput("slots", f"slot day_of_week={key[0]} hour={key[1]} is given more than once")
        seen.add(key)
    # Lock the doctor row so two concurrent replacements run one after the other instead of colliding.
    doctor = lock_row(session, Doctor, doctor_id)
    if doctor is None:
        raise NotFound("doctor not found")
    # A bulk DELETE first: deleting and inserting the same (day, hour) in one ORM flush would hit the unique key.
    session.execute(delete(DoctorSchedule).where(DoctorSchedule.doctor_id == doctor_id))
    rows = [
        DoctorSchedule(doctor_id=doctor_id, day_of_week=s.day_of_week, hour=s.hour, is_available=s.is_available)
        for s in sorted(slots, key=lambda s: (s.day_of_week, s.hour))
    ]
    session.add_all(rows)
    session.expire(doctor, ["schedule"])
    commit_or_conflict(session, "the schedule was changed at the same time; try again")
    return schedule_out(doctor_id, rows)
