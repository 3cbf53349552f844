"""`ApiClient`: the one HTTP client both desktop apps use.

Typed methods that return the wire models of `common.schemas` (no raw dicts reach the apps), one module per
domain; `transport.py` holds the shared session and request machinery. Every failure is an `ApiError`.
"""

from common.client.api.appointments import AppointmentsApi
from common.client.api.catalog import CatalogApi
from common.client.api.doctor_portal import DoctorPortalApi
from common.client.api.patients import PatientsApi
from common.client.api.payments import PaymentsApi
from common.client.api.queue import QueueApi
from common.client.api.transport import DEFAULT_TIMEOUT, normalize_url
from common.client.errors import ApiError


class ApiClient(CatalogApi, PatientsApi, AppointmentsApi, QueueApi, PaymentsApi, DoctorPortalApi):
    """Typed access to the clinic server. Create one per app; call `aclose()` on exit."""


__all__ = ["DEFAULT_TIMEOUT", "ApiClient", "ApiError", "normalize_url"]
