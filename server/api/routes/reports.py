"""Reports: the end-of-day cash-up (desk and admins; JSON, CSV or a printable PDF)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from common.schemas import CashUpQuery, CashUpReport
from server.api.deps import ReceptionUser, SessionDep
from server.core.db import utcnow
from server.services import cash_up as cash_up_service
from server.services import cash_up_export

router = APIRouter(prefix="/reports", tags=["reports"])

_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, "application/pdf": {}},
        "description": "JSON, or a file with format=csv|pdf (the currency is named in each)",
    }
}


@router.get("/cash-up", response_model=CashUpReport, responses=_FILES)
def cash_up(session: SessionDep, me: ReceptionUser, query: Annotated[CashUpQuery, Query()]) -> CashUpReport | Response:
    """The clinic-local day's payments taken (by paid_at) by method and by doctor with the shares, refunds made
    that day apart, and totals, in the clinic's currency. `date` defaults to the clinic's today; admins pass
    `clinic_id`."""
    report = cash_up_service.cash_up(session, actor=me, clinic_id=query.clinic_id, day=query.day)
    name = f"cash-up-{report.date.isoformat()}"
    if query.format == "csv":
        return Response(
            cash_up_export.cash_up_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if query.format == "pdf":
        return Response(
            cash_up_export.cash_up_pdf(report, generated_at=utcnow()),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return report
