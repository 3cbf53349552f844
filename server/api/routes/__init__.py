"""Every router the app serves, in the order their paths must be matched
(fixed paths such as /doctors/earnings before /doctors/{doctor_id})."""

from server.api.routes import (
    appointments,
    auth,
    clinics,
    consultation,
    dashboard,
    display,
    doctor_portal,
    doctors,
    history,
    patients,
    payments,
    queue,
    reports,
    services,
    users,
    visits,
)

ROUTERS = [
    auth.router,
    clinics.router,
    users.router,
    doctor_portal.router,
    doctors.router,
    services.router,
    history.router,
    patients.router,
    appointments.router,
    consultation.router,
    consultation.drafts_router,
    queue.router,
    visits.router,
    payments.router,
    dashboard.router,
    reports.router,
    display.tokens_router,
    display.router,
]
