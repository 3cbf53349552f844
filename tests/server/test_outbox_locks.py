"""The outbox numbers every room of a change in one statement (issue 11); its row locks must let other
transactions' foreign-key checks pass, as the UPDATEs it replaced did: two check-ins of one clinic each hold a
KEY SHARE lock on the clinic's and the doctor's rows (their inserts reference them) when they commit."""

import threading

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from common import events as ev
from common.schemas import QueueUpdatedEvent
from server.models import Clinic, Doctor
from server.services import outbox
from tests import factories as f


def test_two_changes_of_one_clinic_committing_at_once_both_commit(engine, committed_db):
    clinic = f.make_clinic(committed_db)
    doctor = f.make_doctor(committed_db, clinic)
    committed_db.commit()
    before = committed_db.execute(select(Clinic.event_seq).where(Clinic.id == clinic.id)).scalar_one()
    sessions = [Session(engine), Session(engine)]
    for s in sessions:
        for table, row_id in (("doctors", doctor.id), ("clinics", clinic.id)):  # what a foreign-key check takes
            s.execute(text(f"SELECT 1 FROM {table} WHERE id = :id FOR KEY SHARE"), {"id": row_id})
        body = QueueUpdatedEvent(visit_id=1, reason="checkin")
        outbox.stage(s, ev.QUEUE_UPDATED, body, clinic_id=clinic.id, doctors=(doctor.id,))
    errors: list[BaseException] = []

    def commit(s: Session) -> None:
        try:
            s.commit()
        except BaseException as exc:  # a deadlock: PostgreSQL aborts one of them
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=commit, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    committed_db.expire_all()
    assert committed_db.get(Clinic, clinic.id).event_seq == before + 2
    assert committed_db.get(Doctor, doctor.id) is not None
