"""Patients: search by name/phone, pagination, clinic scoping, create/read/update."""

from common.enums import Role, VisitStatus
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit, unique


def _setup(db):
    clinic = make_clinic(db)
    return clinic, make_user(db, role=Role.RECEPTIONIST, clinic=clinic)


def test_create_read_update(client, db):
    clinic, rec = _setup(db)
    r = client.post(
        "/patients",
        json={"full_name": "  Ada Lovelace ", "phone": "+44 20 7946 0000", "date_of_birth": "1815-12-10"},
        headers=auth(rec),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["clinic_id"] == clinic.id and created["full_name"] == "Ada Lovelace"
    r = client.patch(
        f"/patients/{created['id']}", json={"allergies": "Penicillin", "date_of_birth": None}, headers=auth(rec)
    )
    assert r.status_code == 200, r.text
    assert r.json()["allergies"] == "Penicillin" and r.json()["date_of_birth"] is None
    assert r.json()["phone"] == "+44 20 7946 0000"  # untouched fields stay
    assert client.get(f"/patients/{created['id']}", headers=auth(rec)).json()["allergies"] == "Penicillin"


def test_search_by_name_and_phone_and_pagination(client, db):
    clinic, rec = _setup(db)
    tag = unique("Zed")
    for i in range(5):
        make_patient(db, clinic, full_name=f"{tag} Number{i}", phone=f"+1 (555) 77{i}-0{i}0{i}")
    make_patient(db, clinic, full_name="Someone Else", phone="+1 999")
    r = client.get("/patients", params={"search": tag.lower(), "per_page": 2, "page": 2}, headers=auth(rec))
    body = r.json()
    assert r.status_code == 200 and body["total"] == 5 and body["page"] == 2 and body["per_page"] == 2
    assert [p["full_name"] for p in body["items"]] == [f"{tag} Number2", f"{tag} Number3"]
    # phone: by the stored text, and by digits only whatever the punctuation
    assert client.get("/patients", params={"search": "773-0"}, headers=auth(rec)).json()["total"] == 1
    by_digits = client.get("/patients", params={"search": "5557730303"}, headers=auth(rec)).json()
    assert [p["full_name"] for p in by_digits["items"]] == [f"{tag} Number3"]
    # LIKE wildcards in the term are literal
    assert client.get("/patients", params={"search": "%"}, headers=auth(rec)).json()["total"] == 0


def test_receptionist_sees_only_own_clinic(client, db):
    clinic, rec = _setup(db)
    other = make_clinic(db)
    mine = make_patient(db, clinic, full_name=unique("Mine"))
    theirs = make_patient(db, other, full_name=unique("Theirs"))
    listing = client.get("/patients", headers=auth(rec)).json()
    ids = {p["id"] for p in listing["items"]}
    assert mine.id in ids and theirs.id not in ids
    assert client.get(f"/patients/{theirs.id}", headers=auth(rec)).status_code == 404
    assert client.patch(f"/patients/{theirs.id}", json={"phone": "1"}, headers=auth(rec)).status_code == 404
    assert client.get("/patients", params={"clinic_id": other.id}, headers=auth(rec)).status_code == 404
    # creating "for" another clinic is not possible: staff always use their own
    r = client.post("/patients", json={"full_name": "X", "clinic_id": other.id}, headers=auth(rec))
    assert r.status_code == 404


def test_admin_must_pass_clinic_id(client, db):
    clinic, _ = _setup(db)
    admin = make_user(db, role=Role.ADMIN)
    p = make_patient(db, clinic)
    r = client.get("/patients", headers=auth(admin))
    assert r.status_code == 422 and r.json()["field"] == "clinic_id"
    r = client.get("/patients", params={"clinic_id": clinic.id}, headers=auth(admin))
    assert [x["id"] for x in r.json()["items"]] == [p.id]
    r = client.post("/patients", json={"full_name": "New"}, headers=auth(admin))
    assert r.status_code == 422
    r = client.post("/patients", json={"full_name": "New", "clinic_id": clinic.id}, headers=auth(admin))
    assert r.status_code == 201 and r.json()["clinic_id"] == clinic.id
    assert client.get(f"/patients/{p.id}", headers=auth(admin)).status_code == 200


def test_doctor_reads_only_own_patients_and_cannot_write(client, db):
    clinic, _ = _setup(db)
    doctor = make_doctor(db, clinic)
    seen = make_patient(db, clinic)
    stranger = make_patient(db, clinic)
    make_visit(db, patient=seen, doctor=doctor, service=make_service(db, clinic), status=VisitStatus.COMPLETED)
    headers = auth(doctor.user)
    assert client.get(f"/patients/{seen.id}", headers=headers).status_code == 200
    # scope.resolve's one outcome: their clinic's patient who never came to them is 403, another clinic's 404
    assert client.get(f"/patients/{stranger.id}", headers=headers).status_code == 403
    elsewhere = make_patient(db, make_clinic(db))
    assert client.get(f"/patients/{elsewhere.id}", headers=headers).status_code == 404
    assert client.get("/patients", headers=headers).status_code == 403
    assert client.patch(f"/patients/{seen.id}", json={"phone": "1"}, headers=headers).status_code == 403


def test_validation_and_auth(client, db):
    _, rec = _setup(db)
    assert client.get("/patients").status_code == 401
    assert client.post("/patients", json={"full_name": "   "}, headers=auth(rec)).status_code == 422
    assert client.get("/patients/999999999", headers=auth(rec)).status_code == 404
