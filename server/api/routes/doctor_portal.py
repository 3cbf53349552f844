from fastapi import APIRouter

router = APIRouter(tags=["doctor_portal"])
