"""All tables; importing this package registers every model on Base.metadata."""

from server.models.appointment import Appointment, AppointmentChange
from server.models.catalog import Service
from server.models.clinic import Clinic
from server.models.display import DisplayToken
from server.models.doctor import Doctor, DoctorSchedule
from server.models.earnings import PaymentDayTotal
from server.models.patient import Patient
from server.models.payment import Payment
from server.models.session import RefreshToken
from server.models.user import User
from server.models.visit import Visit, VisitPriorityChange, VisitStatusChange

__all__ = [
    "Appointment",
    "AppointmentChange",
    "Clinic",
    "DisplayToken",
    "Doctor",
    "DoctorSchedule",
    "Patient",
    "Payment",
    "PaymentDayTotal",
    "RefreshToken",
    "Service",
    "User",
    "Visit",
    "VisitPriorityChange",
    "VisitStatusChange",
]
