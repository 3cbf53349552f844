"""Which visits a clinic-local day's queue holds (the board, call-next, the waiting-room screen, the dashboards).

A day's queue is the visits checked in that day (`queue_date`). The clinic's *today* also holds the visits still
open from earlier days (WAITING, CALLED, IN_PROGRESS): a clinic open past midnight goes on serving the patients who
came before it, so they stay on the board, in call-next, on the screen and in the doctor's lists until they are
seen or cancelled (the apps show since when), and checking them in again is refused as before ("already in this
doctor's queue"). Completed and cancelled visits stay on their own day. Queue numbers still restart each day.
"""

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from common.enums import VisitStatus
from server.models import Visit

OPEN_STATUSES = (VisitStatus.WAITING, VisitStatus.CALLED, VisitStatus.IN_PROGRESS)


def on_queue(day: date, today: date) -> ColumnElement[bool]:
    """The visits of `day`'s queue; `today` is the clinic's local today."""
    if day != today:
        return Visit.queue_date == day
    carried_over = and_(Visit.queue_date < day, Visit.status.in_(OPEN_STATUSES))
    return or_(Visit.queue_date == day, carried_over)
