"""Issue 14, item 4: My Earnings grouped by payment status (GET /doctors/earnings?group_by=status), and the
export says when it is done and where the file is."""

from __future__ import annotations

import csv
from decimal import Decimal

from sqlalchemy.orm import Session

from tests.doctor.helpers import table_texts
from tests.doctor.seed import Scene, seed_earnings
from tests.support.qt import arun, screenshot, until


def test_group_by_status_and_export_feedback(qloop, open_app, scene: Scene, committed_db: Session, tmp_path):
    seed_earnings(committed_db, scene)

    async def scenario() -> None:
        session = await open_app(scene.doctor_username)
        w = session.window
        vm, view = w.earnings_vm, w.earnings_view
        w.nav.setCurrentRow(1)
        await until(lambda: vm.summary is not None and vm.pending == 0, 10)
        fetches = vm.fetch_count
        view.group.setCurrentIndex(view.group.findData("status"))
        await until(lambda: vm.fetch_count > fetches and vm.pending == 0 and vm.status_groups, 10)
        assert view.tables.currentWidget() is view.status_groups_table
        rows = {r[0]: r[1:] for r in table_texts(view.status_groups_model)}
        # seed_earnings: 5 PAID, 1 REFUNDED, 2 PENDING; the scene's two earlier visits: 2 PAID of 120.00
        assert rows["Paid"][0] == "7" and rows["Pending"][0] == "2" and rows["Refunded"][0] == "1"
        paid = next(g for g in vm.status_groups if g.status == "PAID")
        assert paid.amount == Decimal("843.33") and paid.doctor_share == vm.summary.total_paid
        assert sum(g.count for g in vm.status_groups) == vm.summary.count == 10
        screenshot(w, "doctor_earnings_by_status")

        # Export through the button and its (non-blocking) file dialog; the page says where the file went.
        target = tmp_path / "my earnings.csv"
        view.export.click()
        dialog = view._file_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.selectFile(str(target))
        dialog.accept()
        await until(lambda: view.export_status.text().startswith("Exported"), 10, "no feedback after the export")
        assert view.export_status.isVisible() and str(target) in view.export_status.text()
        assert view.export_status.text() == f"Exported 10 payments to {target}"
        assert str(target) in w.toast.text() and view.export.isEnabled()
        with target.open(newline="", encoding="utf-8-sig") as fh:
            assert len(list(csv.reader(fh))) == 11  # header + 10
        screenshot(w, "doctor_earnings_exported")

    arun(qloop, scenario(), timeout=60)
