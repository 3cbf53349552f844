"""/services — admin writes; staff read their own clinic's services. DELETE deactivates."""

from fastapi import APIRouter, status

from common.schemas import ServiceCreate, ServiceOut, ServiceUpdate
from server.api.deps import AdminUser, Id, SessionDep, StaffUser
from server.services import catalog as catalog_service

router = APIRouter(prefix="/services", tags=["services"])


@router.get("", response_model=list[ServiceOut])
def list_services(
    session: SessionDep, me: StaffUser, clinic_id: Id | None = None, include_inactive: bool = False
) -> list[ServiceOut]:
    services = catalog_service.list_services(session, viewer=me, clinic_id=clinic_id, include_inactive=include_inactive)
    return [ServiceOut.model_validate(s) for s in services]


@router.post("", response_model=ServiceOut, status_code=status.HTTP_201_CREATED)
def create_service(body: ServiceCreate, session: SessionDep, _: AdminUser) -> ServiceOut:
    return ServiceOut.model_validate(catalog_service.create_service(session, data=body))


@router.get("/{service_id}", response_model=ServiceOut)
def get_service(service_id: Id, session: SessionDep, me: StaffUser) -> ServiceOut:
    return ServiceOut.model_validate(catalog_service.get_service(session, service_id=service_id, viewer=me))


@router.patch("/{service_id}", response_model=ServiceOut)
def update_service(service_id: Id, body: ServiceUpdate, session: SessionDep, _: AdminUser) -> ServiceOut:
    return ServiceOut.model_validate(catalog_service.update_service(session, service_id=service_id, data=body))


@router.delete("/{service_id}", response_model=ServiceOut)
def deactivate_service(service_id: Id, session: SessionDep, _: AdminUser) -> ServiceOut:
    return ServiceOut.model_validate(catalog_service.deactivate_service(session, service_id=service_id))
