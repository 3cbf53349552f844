"""The clinic's billable services (DELETE deactivates: visits and payments refer to them)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.schemas import ServiceCreate, ServiceOut, ServicesQuery, ServiceUpdate
from server.core.errors import NotFound
from server.models import Service, User
from server.services._updates import commit_or_conflict, sent_fields
from server.services.money import money, rate
from server.services.scope import require_clinic, resolve, visible_clinic_id
from server.services.serializers import service_out


def _normalized(fields: dict[str, Any]) -> dict[str, Any]:
    if "price" in fields:
        fields["price"] = money(fields["price"])
    if "doctor_share_rate" in fields:
        fields["doctor_share_rate"] = rate(fields["doctor_share_rate"])
    return fields


def list_services(session: Session, *, viewer: User, query: ServicesQuery) -> list[ServiceOut]:
    stmt = select(Service).order_by(Service.name, Service.id)
    scope = visible_clinic_id(viewer, query.clinic_id)
    if scope is not None:
        stmt = stmt.where(Service.clinic_id == scope)
    if not query.include_inactive:
        stmt = stmt.where(Service.is_active.is_(True))
    return [service_out(s) for s in session.scalars(stmt)]


def get_service(session: Session, *, service_id: int, viewer: User) -> ServiceOut:
    return service_out(resolve(session, viewer, Service, service_id))


def create_service(session: Session, *, data: ServiceCreate) -> ServiceOut:
    require_clinic(session, data.clinic_id)
    service = Service(**_normalized(data.model_dump()), is_active=True)
    session.add(service)
    commit_or_conflict(session, "service could not be created")
    return service_out(service)


def update_service(session: Session, *, service_id: int, data: ServiceUpdate) -> ServiceOut:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound("service not found")
    # doctor_share_rate may be set back to null: the doctor's commission_rate applies again.
    changes = _normalized(sent_fields(data, nullable=frozenset({"doctor_share_rate"})))
    for field, value in changes.items():
        setattr(service, field, value)
    commit_or_conflict(session, "service could not be updated")
    return service_out(service)


def deactivate_service(session: Session, *, service_id: int) -> ServiceOut:
    return update_service(session, service_id=service_id, data=ServiceUpdate(is_active=False))
