"""The waiting-room page in a real browser: Debian's Chromium, headless, driven by Playwright (which cannot
download a browser here, so it is pointed at /usr/bin/chromium). Against its own server process: the page
loads, a call made through the API shows (with the chime) within a second, a dropped stream says
"Reconnecting…" and recovers when the server is back, a revoked token's open page and a fresh page with it show
the refusal. Screenshots at 1920x1080 and 1280x720 land in tests/screenshots/display-1920.png / -1280.png."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from common.enums import Priority, Role, VisitStatus
from tests.factories import auth, make_clinic, make_doctor, make_patient, make_service, make_user, make_visit
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.timeout(180)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"

if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; scripts/test installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra: pip install -e .[dev]")


@pytest.fixture
def server(database_url: str) -> Iterator[ServerProcess]:
    """A server of this test's own: the test stops and restarts it."""
    proc = ServerProcess(database_url)
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def floor(committed_db: Session) -> dict:
    """A morning at Harbour Clinic: two calls on screen, patients waiting with their priorities."""
    db = committed_db
    clinic = make_clinic(db, name="Harbour Clinic")
    ortiz = make_doctor(db, clinic, full_name="Dr Lena Ortiz")
    reyes = make_doctor(db, clinic, full_name="Dr Samuel Reyes-Whitfield")
    service = make_service(db, clinic)
    now = datetime.now(UTC)

    def visit(number: int, doctor, minutes_ago: int, **kw):
        patient = make_patient(db, clinic, full_name=f"Patient {number}")
        when = now - timedelta(minutes=minutes_ago)
        return make_visit(
            db, patient=patient, doctor=doctor, service=service, queue_number=number, check_in_time=when, **kw
        )

    visit(101, ortiz, 50, status=VisitStatus.IN_PROGRESS, room="2", called_at=now - timedelta(minutes=20))
    visit(102, reyes, 45, status=VisitStatus.CALLED, room="14", called_at=now - timedelta(minutes=3))
    waiting = [visit(103 + i, (ortiz, reyes)[i % 2], 40 - 4 * i) for i in range(8)]
    waiting[5].priority = Priority.URGENT
    admin = make_user(db, role=Role.ADMIN)
    desk = make_user(db, role=Role.RECEPTIONIST, clinic=clinic)
    db.commit()
    return {
        "clinic": clinic.id,
        "waiting": [(v.id, v.queue_number) for v in waiting],
        "admin": auth(admin),
        "desk": auth(desk),
    }


def test_display_page_in_chromium(server, floor):
    http = httpx.Client(base_url=server.url, timeout=10)
    created = http.post(
        "/display-tokens", json={"clinic_id": floor["clinic"], "name": "Waiting room TV"}, headers=floor["admin"]
    ).json()
    url = server.url + created["url"]
    SHOTS.mkdir(exist_ok=True)

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        )
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            response = page.goto(url)
            assert response is not None and response.status == 200
            page.wait_for_selector('.card[data-number="102"]', timeout=5000)
            assert page.locator("#next li").all_inner_texts()[0] == "108"  # the urgent one first
            assert page.locator("#status").is_hidden() and page.locator("#refused").is_hidden()
            assert page.locator("#clinic").inner_text() == "Harbour Clinic"

            # a call made through the API: on the screen within a second, newest first, with the chime
            visit_id, number = floor["waiting"][0]
            r = http.post(
                "/queue/phase/move", json={"visit_id": visit_id, "new_status": "CALLED"}, headers=floor["desk"]
            )
            assert r.status_code == 200, r.text
            called = time.monotonic()
            page.wait_for_selector(f'.card.newest[data-number="{number}"]', timeout=1000)
            assert time.monotonic() - called < 1.0
            assert page.locator(f'.card[data-number="{number}"]').get_attribute("class").split().count("fresh") == 1
            assert page.evaluate("document.body.dataset.chimes") == "1"
            assert str(number) not in page.locator("#next").inner_text()
            assert "Patient" not in page.locator("body").inner_text()  # no names

            page.wait_for_timeout(3000)  # the highlight has run its course
            page.screenshot(path=str(SHOTS / "display-1920.png"))
            page.set_viewport_size({"width": 1280, "height": 720})
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / "display-1280.png"))
            for box in (page.locator(sel).bounding_box() for sel in ("#cards", "#next", ".top")):
                assert box is not None and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720

            # the stream drops: the page says so, and recovers by itself when the server is back
            server.stop()
            page.wait_for_selector("#status:not([hidden])", timeout=5000)
            assert "Reconnecting" in page.locator("#status").inner_text()
            page.screenshot(path=str(SHOTS / "display-reconnecting.png"))
            server.start()
            page.wait_for_selector("#status", state="hidden", timeout=15000)
            page.wait_for_selector(f'.card.newest[data-number="{number}"]', timeout=2000)

            # revoked: the open page shows the refusal at once, and so does a new one
            r = http.delete(f"/display-tokens/{created['id']}", headers=floor["admin"])
            assert r.status_code == 200
            page.wait_for_selector("#refused:not([hidden])", timeout=3000)
            assert "revoked" in page.locator("#refused").inner_text()
            fresh = browser.new_page(viewport={"width": 1280, "height": 720})
            response = fresh.goto(url)
            assert response is not None and response.status == 403
            fresh.wait_for_selector("#refused:not([hidden])", timeout=5000)
            assert "revoked" in fresh.locator("#refused-detail").inner_text()
            fresh.screenshot(path=str(SHOTS / "display-refused.png"))
            assert errors == []
        finally:
            browser.close()
            http.close()
