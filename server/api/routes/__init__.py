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

# Starlette tries the routes in this order: the board and the two dashboards, refetched after every event by
# every open app, come first (matching through the routes before them was ~17% of a cached board's time, issue 11).
# Order matters where paths overlap: doctor_portal's /doctors/earnings must come before doctors' /doctors/{id}.
ROUTERS = [
    queue.router,
    dashboard.router,
    doctor_portal.router,  # the doctor's Today's Work and own lists; before doctors.router (see above)
    auth.router,
    clinics.router,
    users.router,
    doctors.router,
    services.router,
    history.router,
    patients.router,
    appointments.router,
    consultation.router,
    consultation.drafts_router,
    visits.router,
    payments.router,
    reports.router,
    display.tokens_router,
    display.router,
]
