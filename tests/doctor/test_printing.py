"""Issue 14, item 5: a prescription and a visit summary, printed to PDF from the consultation and from the visit
record, headed with the clinic's name and address and the doctor's name, on A4 and on Letter. Each PDF is
turned into PNG pages with pdftoppm (poppler-utils) and kept for a look."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.doctor.helpers import DOCS_SCREENSHOTS
from tests.doctor.seed import Scene
from tests.doctor.test_push_safety import send_in
from tests.support.qt import SCREENSHOTS, arun, screenshot, until

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")


def pdf_pages(pdf: Path, name: str) -> list[Path]:
    """PNG pages of a PDF (pdftoppm), under tests/screenshots/<name>-N.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / name)], check=True, timeout=60)
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


def pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        return ""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_size(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size"))


async def save_through_dialog(qtbot, panel, target: Path) -> None:  # noqa: ANN001
    qtbot.mouseClick(panel.save, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(target))
    dialog.accept()
    await until(lambda: target.exists() and target.stat().st_size > 0, 10, "the PDF was not written")


def test_prescription_and_summary_pdfs(qloop, qtbot, open_app, scene: Scene, live_server, committed_db, tmp_path):
    scene.clinic.name = "Harbour Street Clinic"
    scene.clinic.address = "12 Harbour Street, Portsmouth PO1 3AX"
    scene.clinic.phone = "+44 23 9200 0000"
    committed_db.commit()

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: w.in_consultation and w.consultation_vm.data is not None, 10)
        cv = w.consultation_view
        await until(lambda: not cv.prescription.isReadOnly(), 10)
        qtbot.keyClicks(cv.prescription, "Atorvastatin 20 mg, one tablet at night, 90 days")
        qtbot.mouseClick(cv.print_rx, Qt.MouseButton.LeftButton)
        panel = cv.print_panel
        assert panel.isVisible() and panel.page_size == "A4"
        rx_pdf = tmp_path / "prescription.pdf"
        await save_through_dialog(qtbot, panel, rx_pdf)
        assert "A4" in panel.status.text() and str(rx_pdf) in panel.status.text()
        screenshot(w, "doctor_consultation_print")
        assert "(A4)" in page_size(rx_pdf) or "595" in page_size(rx_pdf)
        text = pdf_text(rx_pdf)
        if text:
            for words in ("Harbour Street Clinic", "12 Harbour Street", scene.doctor.user.full_name, "Alice Harper"):
                assert words in text, text
            assert "Atorvastatin 20 mg" in text and "Penicillin" in text
        pages = pdf_pages(rx_pdf, "doctor_prescription_pdf")
        assert len(pages) == 1
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(pages[0], DOCS_SCREENSHOTS / "doctor_prescription_page.png")

        # From the visit record of an earlier visit: the summary on Letter (and the choice is remembered).
        first = scene.own_history[0]
        w.open_record(first.id)
        await until(lambda: w.record_vm.record is not None and w.record_vm.record.visit.id == first.id, 10)
        rv = w.record_view
        qtbot.mouseClick(rv.print_summary, Qt.MouseButton.LeftButton)
        rv.print_panel.page.setCurrentIndex(rv.print_panel.page.findData("Letter"))
        summary_pdf = tmp_path / "summary.pdf"
        await save_through_dialog(qtbot, rv.print_panel, summary_pdf)
        assert "letter" in page_size(summary_pdf).lower()
        assert w.today_vm.settings.page_size == "Letter"
        text = pdf_text(summary_pdf)
        if text:
            assert "Visit summary" in text and "BP stable" in text and "Amlodipine 5 mg" in text
            assert "Harbour Street Clinic" in text
        assert len(pdf_pages(summary_pdf, "doctor_summary_pdf")) == 1

    arun(qloop, scenario(), timeout=60)
