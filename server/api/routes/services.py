"""/services — admin writes; staff read their own clinic's services. DELETE deactivates."""

from typing import Annotated

from fastapi import APIRouter, Query, status

from common.schemas import ServiceCreate, ServiceOut, ServicesQuery, ServiceUpdate
from server.api.deps import AdminUser, Id, SessionDep, StaffUser
from server.services import catalog as catalog_service

router = APIRouter(prefix="/services", tags=["services"])


@router.get("", response_model=list[ServiceOut])
def list_services(session: SessionDep, me: StaffUser, query: Annotated[ServicesQuery, Query()]) -> list[ServiceOut]:
    return catalog_service.list_services(session, viewer=me, query=query)


@router.post("", response_model=ServiceOut, status_code=status.HTTP_201_CREATED)
def create_service(body: ServiceCreate, session: SessionDep, _: AdminUser) -> ServiceOut:
    return catalog_service.create_service(session, data=body)


@router.get("/{service_id}", response_model=ServiceOut)
def get_service(service_id: Id, session: SessionDep, me: StaffUser) -> ServiceOut:
    return catalog_service.get_service(session, service_id=service_id, viewer=me)


@router.patch("/{service_id}", response_model=ServiceOut)
def update_service(service_id: Id, body: ServiceUpdate, session: SessionDep, _: AdminUser) -> ServiceOut:
    return catalog_service.update_service(session, service_id=service_id, data=body)


@router.delete("/{service_id}", response_model=ServiceOut)
def deactivate_service(service_id: Id, session: SessionDep, _: AdminUser) -> ServiceOut:
    return catalog_service.deactivate_service(session, service_id=service_id)
